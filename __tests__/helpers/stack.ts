import { App, TerraformStack, Testing } from "cdktf";
import {
  BaseImage,
  type BaseImageProps,
  LinkedCloneGroup,
  type LinkedCloneGroupProps,
  VsphereConnection,
  VsphereInventory,
} from "../../lib/constructs";

export interface TestStack {
  app: App;
  stack: TerraformStack;
  inventory: VsphereInventory;
  base: BaseImage;
}

/** A stack with a provider, an inventory of one cluster (3 hosts) and datastore, and one base. */
export function testStack(baseProps: Partial<BaseImageProps> = {}, name = "lab"): TestStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, name);
  new VsphereConnection(stack, "Vsphere", { server: "vcenter.example.com" });
  const inventory = new VsphereInventory(stack, "Inventory", {
    datacenter: "DC0",
    clusters: { C0: { hosts: ["H0", "H1", "H2"] } },
    datastores: { DS0: { type: "vmfs6", capacityGb: 500 } },
  });
  const base = new BaseImage(stack, "golden", {
    inventory,
    vm: "VM0",
    snapshot: "snap-1",
    manageSnapshot: true,
    ...baseProps,
  });
  return { app, stack, inventory, base };
}

export function groupProps(t: TestStack, over: Partial<LinkedCloneGroupProps> = {}): LinkedCloneGroupProps {
  return {
    base: t.base,
    cluster: "C0",
    datastore: "DS0",
    network: "VM Network",
    ...(over.members ? {} : { count: 3 }),
    ...over,
  };
}

export function addGroup(t: TestStack, id: string, over: Partial<LinkedCloneGroupProps> = {}): LinkedCloneGroup {
  return new LinkedCloneGroup(t.stack, id, groupProps(t, over));
}

/** Synthesized JSON of the stack, parsed. */
export function synthJson(t: TestStack): Record<string, any> {
  return JSON.parse(Testing.synth(t.stack));
}

export function vmResource(json: Record<string, any>, group: string): Record<string, any> {
  return json.resource.vsphere_virtual_machine[group];
}

/** A stack with two bases of different source VMs: `golden` (VM0) and `next` (VM1), for rollouts. */
export function twoBases(): TestStack & { next: BaseImage } {
  const t = testStack();
  const next = new BaseImage(t.stack, "next", {
    inventory: t.inventory,
    vm: "VM1",
    snapshot: "s2",
    manageSnapshot: true,
  });
  return { ...t, next };
}
