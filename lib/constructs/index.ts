export * from "./vsphere-inventory";
export * from "./base-image";
export * from "./linked-clone-group";
export * from "./linked-clone-checks";
export * from "./vsphere-connection";
export * from "./replacement-trigger";
