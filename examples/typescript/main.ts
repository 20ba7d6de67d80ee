// A lab of linked clones in plain TypeScript, without environment files: one base
// and two groups. Install the package from its tarball, then `npx cdktf synth`.
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BaseImage, LinkedCloneGroup, VsphereConnection, VsphereInventory } from "cdktf-vsphere-linked-clones";

class LabStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path: cdktf's default would write this folder's absolute path.
    new LocalBackend(this, { path: `../../../state/${id}.tfstate` });
    new VsphereConnection(this, "Vsphere", { server: "vcenter.example.com" });
    const inventory = new VsphereInventory(this, "Inventory", {
      datacenter: "DC0",
      version: "8.0",
      clusters: { DC0_C0: { hosts: ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"] } },
      datastores: { LocalDS_0: { type: "vmfs6", capacityGb: 500 } },
    });
    const base = new BaseImage(this, "golden", {
      inventory,
      vm: "DC0_C0_RP0_VM0",
      snapshot: "golden-2026-11",
      manageSnapshot: true,
      diskGb: 10,
    });
    const placement = { base, cluster: "DC0_C0", datastore: "LocalDS_0", network: "VM Network" };
    new LinkedCloneGroup(this, "web", {
      ...placement,
      count: 3,
      namePattern: "web-{nn}",
      customization: {
        domain: "lab.local",
        ipv4: { range: "10.0.10.10-10.0.10.50", prefixLength: 24, gateway: "10.0.10.1" },
      },
    });
    new LinkedCloneGroup(this, "db", { ...placement, members: ["db-01", "db-02"], cpus: 2, memoryMb: 8192 });
  }
}

// No construct stack traces in the output: they cost time and hold absolute paths.
const app = new App({ stackTraces: false });
new LabStack(app, "lab");
app.synth();
