import YAML from "yaml";

/** A valid small environment as data; tests change one field and dump it. */
export function minimalEnv(): Record<string, any> {
  return {
    vsphere: { server: "vc.example.com", version: "8.0" },
    datacenter: "DC0",
    clusters: { C0: { hosts: ["H0", "H1", "H2"] } },
    datastores: { DS0: { type: "vmfs6", capacityGb: 500 } },
    bases: { golden: { vm: "VM0", snapshot: "s1", manageSnapshot: true, diskGb: 10 } },
    groups: [{ name: "web", base: "golden", cluster: "C0", datastore: "DS0", network: "VM Network", count: 2 }],
  };
}

export function dump(env: unknown): string {
  return YAML.stringify(env);
}
