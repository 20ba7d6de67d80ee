/**
 * Preflight's checks on govc output recorded from vcsim (fixtures/README.md): every rule has a
 * passing case and a failing case with the exact message. The same mismatches are made for
 * real with govc in e2e/preflight.e2e.test.ts.
 */
import { checkEnvironment, plannedClones, printPreflightFinding, type StateView } from "../../lib/preflight";
import { check, checkRule, deployedState, env, fixture, labEnv, NO_STATE, withVm } from "./helpers";

const deployed = fixture("deployed");
const fresh = fixture("default");
const storage = fixture("storage");
const vmfs5 = fixture("vmfs5");
const state = deployedState();
const UNKNOWN: StateView = {
  known: false,
  source: "the s3 backend",
  reason: "the s3 backend is not initialized in cdktf.out/stacks/lab",
  snapshots: [],
  vms: [],
};
const golden = deployed.vms.find((v) => v.name === "DC0_C0_RP0_VM0")!;
/** golden-e2e with a child snapshot taken later (someone's "before patching"). */
const withChild = withVm(deployed, "DC0_C0_RP0_VM0", {
  snapshots: [{ ...golden.snapshots[0], children: [{ id: "snapshot-90", name: "before-patch", children: [] }] }],
  currentSnapshot: "snapshot-90",
});

describe("an environment that matches", () => {
  it("passes before the first deploy (no snapshot, no clone, no state)", () => {
    expect(check(labEnv(), fresh)).toEqual([]);
  });

  it("passes after the deploy: the managed snapshot named as in the file, and the clones in the state", () => {
    expect(check(labEnv(), deployed, state)).toEqual([]);
  });

  it("passes while a renamed snapshot is pending: vCenter still has the one the state names", () => {
    const e = labEnv();
    e.bases.golden.snapshot = "golden-2027";
    expect(check(e, deployed, state)).toEqual([]);
  });
});

describe("preflight-version", () => {
  it("accepts an update suffix and a patch level (major.minor is compared)", () => {
    for (const version of ["6.5", "6.5U3", "6.5.0"]) {
      const e = labEnv();
      e.vsphere.version = version;
      expect(checkRule("preflight-version", e, deployed, state)).toEqual([]);
    }
  });

  it("fails another version with the exact message", () => {
    const e = labEnv();
    e.vsphere.version = "8.0";
    expect(checkRule("preflight-version", e, deployed, state)).toEqual([
      'error: [preflight-version] lab: vCenter vcenter.lab.example runs vSphere 6.5.0, not 8.0 as vsphere.version says, so the synth rules judged another platform\'s limits, 6.5 vs 8.0; set vsphere.version: "6.5.0"',
    ]);
  });

  it("warns when the file leaves the version out", () => {
    const e = labEnv();
    delete e.vsphere.version;
    expect(checkRule("preflight-version", e, deployed, state)).toEqual([
      'warning: [preflight-version] lab: vsphere.version is not set, so synth assumes 8.0 (the most permissive limits) while vCenter vcenter.lab.example runs vSphere 6.5.0, 6.5 vs not set; set vsphere.version: "6.5.0"',
    ]);
  });
});

describe("preflight-inventory", () => {
  it("stops at a missing datacenter, with a did-you-mean", () => {
    const e = labEnv();
    e.datacenter = "DC1";
    expect(check(e, fixture("deployed", "DC1"), state)).toEqual([
      "error: [preflight-inventory] lab: datacenter 'DC1' does not exist on vCenter vcenter.lab.example, missing vs existing; did you mean 'DC0'? If not, fix datacenter",
    ]);
  });

  it("names each missing cluster, pool, datastore, network and folder once, with a did-you-mean", () => {
    const e = labEnv();
    e.clusters.DC0_C1 = { hosts: ["x"] };
    e.datastores.LocalDS_1 = {};
    e.groups[0].datastore = "LocalDS_1";
    e.groups[0].folder = "labs/web";
    e.groups[1].resourcePool = "DC0_C0/Resource";
    e.groups[1].network = "DC0_DVPG1";
    e.groups.push({ ...e.groups[0], name: "app", count: undefined, namePattern: undefined, members: ["app-01"] });
    expect(checkRule("preflight-inventory", e, deployed, state)).toEqual([
      "error: [preflight-inventory] lab/DC0_C1: cluster 'DC0_C1' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_C0'? If not, fix or remove clusters.DC0_C1",
      "error: [preflight-inventory] lab/db: network 'DC0_DVPG1' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_DVPG0'? If not, create the port group, or change groups[1].network",
      "error: [preflight-inventory] lab/db: resource pool 'DC0_C0/Resource' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_C0/Resources'? If not, create it, or change groups[1].resourcePool (a path below the datacenter's host folder, e.g. CLUSTER/Resources)",
      "error: [preflight-inventory] lab/web, lab/app: datastore 'LocalDS_1' does not exist in datacenter DC0, missing vs existing; did you mean 'LocalDS_0'? If not, fix datastores.LocalDS_1 and groups[0].datastore, groups[2].datastore",
      "error: [preflight-inventory] lab/web, lab/app: folder 'labs/web' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/labs' '/DC0/vm/labs/web'), or change groups[0].folder, groups[2].folder",
    ]);
  });

  it("a nested missing folder: one command creates every missing level, parents first, each group's on its own", () => {
    const e = labEnv();
    e.groups[0].folder = "workshop/attendees";
    e.groups[1].folder = "workshop/trainers";
    e.groups.push({ ...e.groups[0], name: "app", count: undefined, namePattern: undefined, members: ["app-01"] });
    e.groups[2].folder = "labs/2026/o'neil";
    e.groups.push({ ...e.groups[2], name: "ops", members: ["ops-01"], folder: "labs/ops" });
    expect(checkRule("preflight-inventory", e, { ...deployed, folders: ["labs", "labs/ops"] }, state)).toEqual([
      "error: [preflight-inventory] lab/app: folder 'labs/2026/o'neil' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/labs/2026' '/DC0/vm/labs/2026/o'\\''neil'), or change groups[2].folder (existing: 'labs', 'labs/ops')",
      "error: [preflight-inventory] lab/db: folder 'workshop/trainers' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/workshop' '/DC0/vm/workshop/trainers'), or change groups[1].folder (existing: 'labs', 'labs/ops')",
      "error: [preflight-inventory] lab/web: folder 'workshop/attendees' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/workshop' '/DC0/vm/workshop/attendees'), or change groups[0].folder (existing: 'labs', 'labs/ops')",
    ]);
    e.groups[0].folder = "a/b/c";
    expect(
      checkRule("preflight-inventory", e, { ...deployed, folders: ["labs", "labs/ops", "labs/2026"] }, state),
    ).toEqual([
      "error: [preflight-inventory] lab/app: folder 'labs/2026/o'neil' does not exist in datacenter DC0, missing vs existing; create it (govc folder.create '/DC0/vm/labs/2026/o'\\''neil'), or change groups[2].folder (existing: 'labs', 'labs/ops', 'labs/2026')",
      "error: [preflight-inventory] lab/db: folder 'workshop/trainers' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/workshop' '/DC0/vm/workshop/trainers'), or change groups[1].folder (existing: 'labs', 'labs/ops', 'labs/2026')",
      "error: [preflight-inventory] lab/web: folder 'a/b/c' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folders (govc folder.create '/DC0/vm/a' '/DC0/vm/a/b' '/DC0/vm/a/b/c'), or change groups[0].folder (existing: 'labs', 'labs/ops', 'labs/2026')",
    ]);
  });

  it("finds pools by their inventory path and networks of any kind by name", () => {
    const e = labEnv();
    e.groups[1].resourcePool = "/DC0/host/DC0_C0/Resources";
    delete e.groups[1].hosts;
    e.groups[0].network = "DVS0-DVUplinks-8";
    expect(checkRule("preflight-inventory", e, deployed, state)).toEqual([]);
  });
});

describe("preflight-source", () => {
  it("fails a missing source VM with a did-you-mean", () => {
    const e = labEnv();
    e.bases.golden.vm = "DC0_C0_RP0_VMX";
    expect(checkRule("preflight-source", e, deployed, state)).toEqual([
      "error: [preflight-source] lab/golden: source VM 'DC0_C0_RP0_VMX' of base 'golden' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_C0_RP0_VM0'? If not, fix bases.golden.vm",
    ]);
  });

  it("fails a name two VMs share, which the provider's lookup cannot resolve", () => {
    const twin = { ...golden, id: "vm-99", path: "old/DC0_C0_RP0_VM0" };
    expect(checkRule("preflight-source", labEnv(), { ...deployed, vms: [...deployed.vms, twin] }, state)).toEqual([
      "error: [preflight-source] lab/golden: 2 VMs are named 'DC0_C0_RP0_VM0' in datacenter DC0 ('vm/DC0_C0_RP0_VM0', 'vm/old/DC0_C0_RP0_VM0'), so the provider's lookup by name cannot pick the source, 2 VMs vs 1; rename all but one, or give bases.golden.vm as a folder path (e.g. 'old/DC0_C0_RP0_VM0')",
    ]);
  });
});

describe("preflight-template", () => {
  it("fails a template: true base whose source is a VM", () => {
    const e = labEnv();
    e.bases.golden = { vm: "DC0_C0_RP0_VM0", template: true, diskGb: 10 };
    expect(checkRule("preflight-template", e, deployed, state)).toEqual([
      "error: [preflight-template] lab/golden: 'DC0_C0_RP0_VM0' is a VM, not a template, but bases.golden says template: true, VM vs template; set template: false and name its snapshot (linked clones come from a VM's snapshot), or mark it as a template (govc vm.markastemplate 'DC0_C0_RP0_VM0')",
    ]);
  });

  it("fails a template: false base whose source is a template", () => {
    expect(
      checkRule("preflight-template", labEnv(), withVm(deployed, "DC0_C0_RP0_VM0", { template: true }), state),
    ).toEqual([
      "error: [preflight-template] lab/golden: 'DC0_C0_RP0_VM0' is a template, but bases.golden says template: false (a VM whose snapshot clones come from), and a template has no snapshot to clone from, template vs VM; set template: true (clones of a template are full copies), or turn it into a VM (govc vm.markasvm) and give it the snapshot",
    ]);
  });

  it("passes a template: true base on a template, without snapshot checks", () => {
    const e = labEnv();
    e.bases.golden = { vm: "DC0_C0_RP0_VM0", template: true, diskGb: 10 };
    const tpl = withVm(fresh, "DC0_C0_RP0_VM0", { template: true });
    expect(check(e, tpl)).toEqual([]);
  });
});

describe("preflight-snapshot, manageSnapshot: true", () => {
  it("fails a snapshot that is there before the first deploy (the state holds none)", () => {
    expect(checkRule("preflight-snapshot", labEnv(), deployed, NO_STATE)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' already has snapshots before this environment's first deploy (manageSnapshot: true), so the apply adds 'golden-e2e' below them, every clone then fails ("virtual machine DC0_C0_RP0_VM0's root snapshot must not have children"), and even cdktf destroy fails to read the source, 1 snapshot: golden-e2e (current) vs no snapshot before the first deploy; this environment did not create 'golden-e2e' (its state does not hold it): set bases.golden.manageSnapshot: false to clone from it as it is, or delete it (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'golden-e2e') if nothing uses it`,
    ]);
  });

  it("suggests cloning from a foreign snapshot that is the only one", () => {
    const e = labEnv();
    e.bases.golden.snapshot = "golden-2026";
    expect(checkRule("preflight-snapshot", e, deployed, NO_STATE)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' already has snapshots before this environment's first deploy (manageSnapshot: true), so the apply adds 'golden-2026' below them, every clone then fails ("virtual machine DC0_C0_RP0_VM0's root snapshot must not have children"), and even cdktf destroy fails to read the source, 1 snapshot: golden-e2e (current) vs no snapshot before the first deploy; set bases.golden.manageSnapshot: false and snapshot: 'golden-e2e' to clone from the snapshot that is there, or delete it (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'golden-e2e') if nothing uses it`,
    ]);
  });

  it("fails a snapshot taken below the managed one after the deploy", () => {
    expect(checkRule("preflight-snapshot", labEnv(), withChild, state)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' has more snapshots than the managed 'golden-e2e', so the provider refuses to clone from it ("virtual machine DC0_C0_RP0_VM0's root snapshot must not have children") and even cdktf destroy fails to read it, 2 snapshots: golden-e2e, golden-e2e/before-patch (current) vs only 'golden-e2e'; delete 'before-patch' (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'before-patch')`,
    ]);
  });

  it("fails a managed snapshot deleted behind Terraform's back", () => {
    const gone = withVm(deployed, "DC0_C0_RP0_VM0", { snapshots: [], currentSnapshot: undefined });
    expect(checkRule("preflight-snapshot", labEnv(), gone, state)).toEqual([
      "error: [preflight-snapshot] lab/golden: the managed snapshot 'golden-e2e' (snapshot-81 in the state) is gone from source VM 'DC0_C0_RP0_VM0', so its clones lost their base and the next deploy creates it again and replaces every clone, no snapshot vs 'golden-e2e' (snapshot-81); run cdktf deploy lab to recreate the snapshot and the clones",
    ]);
  });

  it("fails a managed snapshot re-created by hand under the same name (another id)", () => {
    const again = withVm(deployed, "DC0_C0_RP0_VM0", {
      snapshots: [{ id: "snapshot-95", name: "golden-e2e", children: [] }],
      currentSnapshot: "snapshot-95",
    });
    expect(checkRule("preflight-snapshot", labEnv(), again, state)).toEqual([
      "error: [preflight-snapshot] lab/golden: snapshot 'golden-e2e' of source VM 'DC0_C0_RP0_VM0' is not the one in this environment's state: it was re-created outside Terraform, which does not find its own and creates another, and the provider then refuses the source, 'golden-e2e' (snapshot-95) vs 'golden-e2e' (snapshot-81); delete 'golden-e2e' if nothing uses it (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'golden-e2e'), then cdktf deploy lab recreates the managed snapshot and the clones",
    ]);
  });

  it("without a readable state, accepts none or only the managed one, and fails anything else", () => {
    expect(checkRule("preflight-snapshot", labEnv(), fresh, UNKNOWN)).toEqual([]);
    expect(checkRule("preflight-snapshot", labEnv(), deployed, UNKNOWN)).toEqual([]);
    expect(checkRule("preflight-snapshot", labEnv(), withChild, UNKNOWN)).toEqual([
      "error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' must hold no snapshot before this environment's first deploy and only the managed 'golden-e2e' after it (the provider clones from its only snapshot), 2 snapshots: golden-e2e, golden-e2e/before-patch (current) vs none, or only 'golden-e2e'; delete the others (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'before-patch')",
    ]);
  });
});

describe("preflight-snapshot, manageSnapshot: false", () => {
  const unmanaged = (snapshot = "golden-e2e") => {
    const e = labEnv();
    e.bases.golden.manageSnapshot = false;
    e.bases.golden.snapshot = snapshot;
    return e;
  };

  it("passes one root snapshot, current, named as in the file", () => {
    expect(checkRule("preflight-snapshot", unmanaged(), deployed, state)).toEqual([]);
  });

  it("fails a VM without snapshot", () => {
    const none = withVm(deployed, "DC0_C0_RP0_VM0", { snapshots: [], currentSnapshot: undefined });
    expect(checkRule("preflight-snapshot", unmanaged(), none, state)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' has no snapshot, but the provider clones a VM from its current snapshot ("virtual machine DC0_C0_RP0_VM0 must have a snapshot to be used as a linked clone"), no snapshot vs one snapshot 'golden-e2e'; create it (govc snapshot.create -vm 'DC0_C0_RP0_VM0' 'golden-e2e'), or set bases.golden.manageSnapshot: true so this environment creates it`,
    ]);
  });

  it("fails two root snapshots", () => {
    const two = withVm(deployed, "DC0_C0_RP0_VM0", {
      snapshots: [...golden.snapshots, { id: "snapshot-91", name: "b", children: [] }],
    });
    expect(checkRule("preflight-snapshot", unmanaged(), two, state)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' has a snapshot tree the provider refuses to clone from ("virtual machine DC0_C0_RP0_VM0 must have exactly one root snapshot (has: 2)"), 2 snapshots: golden-e2e (current), b vs one snapshot 'golden-e2e', current; keep only 'golden-e2e' and delete the others (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'b')`,
    ]);
  });

  it("fails a root snapshot with children", () => {
    expect(checkRule("preflight-snapshot", unmanaged(), withChild, state)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' has a snapshot tree the provider refuses to clone from ("virtual machine DC0_C0_RP0_VM0's root snapshot must not have children"), 2 snapshots: golden-e2e, golden-e2e/before-patch (current) vs one snapshot 'golden-e2e', current; keep only 'golden-e2e' and delete the others (govc snapshot.remove -vm 'DC0_C0_RP0_VM0' 'before-patch')`,
    ]);
  });

  it("fails a root snapshot that is not the current one", () => {
    const notCurrent = withVm(deployed, "DC0_C0_RP0_VM0", { currentSnapshot: undefined });
    expect(checkRule("preflight-snapshot", unmanaged(), notCurrent, state)).toEqual([
      `error: [preflight-snapshot] lab/golden: source VM 'DC0_C0_RP0_VM0' has a snapshot tree the provider refuses to clone from ("virtual machine DC0_C0_RP0_VM0's current snapshot must match root snapshot"), 1 snapshot: golden-e2e vs one snapshot 'golden-e2e', current; make 'golden-e2e' current (govc snapshot.revert -vm 'DC0_C0_RP0_VM0' 'golden-e2e')`,
    ]);
  });

  it("fails a snapshot named otherwise than the file says (the provider would clone from it anyway)", () => {
    expect(checkRule("preflight-snapshot", unmanaged("golden-2026"), deployed, state)).toEqual([
      "error: [preflight-snapshot] lab/golden: the provider clones source VM 'DC0_C0_RP0_VM0' from its only snapshot, 'golden-e2e', not from 'golden-2026' as bases.golden.snapshot says, 'golden-e2e' vs 'golden-2026'; set bases.golden.snapshot: 'golden-e2e', or give the VM the snapshot the file names",
    ]);
  });
});

describe("preflight-cluster-hosts and preflight-ha", () => {
  it("names hosts missing from the file and hosts the cluster lacks", () => {
    const e = labEnv();
    e.clusters.DC0_C0.hosts = ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H3"];
    expect(checkRule("preflight-cluster-hosts", e, deployed, state)).toEqual([
      "error: [preflight-cluster-hosts] lab/DC0_C0: cluster 'DC0_C0' has 1 host the file does not list ('DC0_C0_H2') and lacks 1 host the file lists ('DC0_C0_H3'), so the chain rules counted the wrong hosts, 3 hosts in vCenter vs 3 in clusters.DC0_C0.hosts; list exactly its hosts: hosts: [DC0_C0_H0, DC0_C0_H1, DC0_C0_H2]",
    ]);
  });

  it("warns when the file does not list the hosts", () => {
    const e = labEnv();
    delete e.clusters.DC0_C0.hosts;
    delete e.groups[1].hosts;
    expect(checkRule("preflight-cluster-hosts", e, deployed, state)).toEqual([
      "warning: [preflight-cluster-hosts] lab/DC0_C0: clusters.DC0_C0.hosts is not set, so synth cannot check how many hosts a chain spans; cluster 'DC0_C0' has 3 hosts, 3 hosts vs not set; set hosts: [DC0_C0_H0, DC0_C0_H1, DC0_C0_H2]",
    ]);
  });

  it("fails haEnabled: false on a cluster with HA on, and passes haEnabled: true", () => {
    expect(checkRule("preflight-ha", labEnv(), storage)).toEqual([
      "error: [preflight-ha] lab/DC0_C0: HA is on in cluster 'DC0_C0' but clusters.DC0_C0.haEnabled says false, so the ha-cluster rule judged the wrong setting, haEnabled: true vs haEnabled: false; set clusters.DC0_C0.haEnabled: true, or turn HA off (govc cluster.change -ha-enabled=false '/DC0/host/DC0_C0')",
    ]);
    const e = labEnv();
    e.clusters.DC0_C0.haEnabled = true;
    expect(checkRule("preflight-ha", e, storage)).toEqual([]);
  });
});

describe("preflight-drs", () => {
  const drs = (patch: object) => ({ ...deployed, clusters: deployed.clusters.map((c) => ({ ...c, ...patch })) });

  it("fails a group confined with hosts in a cluster with DRS off", () => {
    expect(checkRule("preflight-drs", labEnv(), drs({ drsEnabled: false }), state)).toEqual([
      "error: [preflight-drs] lab/db: group 'db' is kept on its hosts by a DRS VM-host must-rule, but DRS is off in cluster 'DC0_C0', so nothing applies the rule, DRS off vs DRS on; turn DRS on (govc cluster.change -drs-enabled=true '/DC0/host/DC0_C0'), or remove hosts from the group",
    ]);
  });

  it("fails DRS in manual mode", () => {
    expect(checkRule("preflight-drs", labEnv(), drs({ drsBehavior: "manual" }), state)).toEqual([
      "error: [preflight-drs] lab/db: group 'db' is kept on its hosts by a DRS VM-host must-rule, but DRS is in manual mode in cluster 'DC0_C0', so it only recommends placements and moves and nothing puts the clones on their hosts, DRS manual vs partiallyAutomated or fullyAutomated; set DRS to fully automated (govc cluster.change -drs-mode=fullyAutomated '/DC0/host/DC0_C0'), or remove hosts from the group",
    ]);
  });

  it("does not care about DRS when no group uses hosts", () => {
    const e = labEnv();
    delete e.groups[1].hosts;
    expect(checkRule("preflight-drs", e, drs({ drsEnabled: false }), state)).toEqual([]);
  });
});

describe("preflight-datastore-type", () => {
  it("fails an NFS datastore declared vmfs6, and LocalDS_0 (OTHER) declared vmfs6", () => {
    const e = labEnv();
    e.clusters.DC0_C0.haEnabled = true;
    e.datastores.LocalDS_0.type = "vmfs6";
    e.datastores["nfs-ds"] = { type: "vmfs6" };
    expect(checkRule("preflight-datastore-type", e, storage)).toEqual([
      "error: [preflight-datastore-type] lab/LocalDS_0: datastore 'LocalDS_0' is OTHER in vCenter, not vmfs6 as datastores.LocalDS_0.type says, so the chain-hosts rule used another host limit, OTHER vs vmfs6; remove datastores.LocalDS_0.type (OTHER has no type in the file; the version's VMFS defaults then apply), or check that the file names the right datastore",
      "error: [preflight-datastore-type] lab/nfs-ds: datastore 'nfs-ds' is NFS in vCenter, not vmfs6 as datastores.nfs-ds.type says, so the chain-hosts rule used another host limit, nfs vs vmfs6; set datastores.nfs-ds.type: nfs",
    ]);
  });

  it("passes nfs on NFS", () => {
    const e = labEnv();
    e.datastores["nfs-ds"] = { type: "nfs" };
    expect(checkRule("preflight-datastore-type", e, storage)).toEqual([]);
  });

  it("fails a VMFS 5 datastore declared vmfs6, and passes vmfs5 (recorded from a vcsim model with a VMFS 5 datastore)", () => {
    const e = labEnv();
    e.datastores.LocalDS_0.type = "vmfs6";
    expect(checkRule("preflight-datastore-type", e, vmfs5)).toEqual([
      "error: [preflight-datastore-type] lab/LocalDS_0: datastore 'LocalDS_0' is VMFS 5 in vCenter, not VMFS 6 as datastores.LocalDS_0.type says, so the chain-hosts rule used another host limit, vmfs5 vs vmfs6; set datastores.LocalDS_0.type: vmfs5",
    ]);
    e.datastores.LocalDS_0.type = "vmfs5";
    expect(checkRule("preflight-datastore-type", e, vmfs5)).toEqual([]);
  });

  it("warns when the type is left out but vCenter has one the file could name", () => {
    const e = labEnv();
    e.datastores["nfs-ds"] = {};
    expect(checkRule("preflight-datastore-type", e, storage)).toEqual([
      "warning: [preflight-datastore-type] lab/nfs-ds: datastores.nfs-ds.type is not set, so the rules use the version's VMFS defaults, but datastore 'nfs-ds' is NFS, nfs vs not set; set datastores.nfs-ds.type: nfs",
    ]);
  });
});

describe("preflight-datastore-space", () => {
  it("fails when the clones' worst case exceeds the free space", () => {
    const e = labEnv();
    e.bases.golden.diskGb = 6000;
    expect(checkRule("preflight-datastore-space", e, deployed, state)).toEqual([
      "error: [preflight-datastore-space] lab/web, lab/db: the clones on datastore 'LocalDS_0' may grow to 12000 GB (every delta disk as large as its base disk: 2 clones x 6000 GB of base 'golden') but it has 10190 GB free, 12000 GB vs 10190 GB free; free space on 'LocalDS_0', move groups to another datastore, or use nonpersistent disks and power-cycle the clones",
    ]);
  });

  it("passes at the limit", () => {
    const e = labEnv();
    e.bases.golden.diskGb = 5095;
    expect(checkRule("preflight-datastore-space", e, deployed, state)).toEqual([]);
  });

  it("reports it as info when the environment suppresses storage-estimate, with the reason", () => {
    const e = labEnv();
    e.bases.golden.diskGb = 6000;
    e.suppress = [{ rule: "storage-estimate", reason: "thin-provisioned array with dedupe" }];
    const found = checkEnvironment(env(e), deployed, state).filter((f) => f.rule === "preflight-datastore-space");
    expect(found.map(printPreflightFinding)).toEqual([
      "info: [preflight-datastore-space] lab/web, lab/db: the clones on datastore 'LocalDS_0' may grow to 12000 GB (every delta disk as large as its base disk: 2 clones x 6000 GB of base 'golden') but it has 10190 GB free, 12000 GB vs 10190 GB free; free space on 'LocalDS_0', move groups to another datastore, or use nonpersistent disks and power-cycle the clones (error suppressed in lab: storage-estimate: thin-provisioned array with dedupe)",
    ]);
  });

  it("fails a capacityGb above the datastore's capacity", () => {
    const e = labEnv();
    e.datastores.LocalDS_0.capacityGb = 20000;
    expect(checkRule("preflight-datastore-space", e, deployed, state)).toEqual([
      "error: [preflight-datastore-space] lab/LocalDS_0: datastores.LocalDS_0.capacityGb says 20000 GB but datastore 'LocalDS_0' holds 10240 GB, so the storage-estimate rule judged a larger datastore, 10240 GB vs 20000 GB; set datastores.LocalDS_0.capacityGb: 10240",
    ]);
  });
});

describe("preflight-datastore-hosts", () => {
  const onLocal = (hosts?: string[]) => {
    const e = labEnv();
    e.clusters.DC0_C0.haEnabled = true;
    e.bases.local = { vm: "base-local", snapshot: "s1", diskGb: 1 };
    e.groups[1].base = "local";
    if (hosts) e.groups[1].hosts = hosts;
    else delete e.groups[1].hosts;
    return e;
  };

  it("fails hosts of the cluster that cannot see the source VM's datastore", () => {
    expect(checkRule("preflight-datastore-hosts", onLocal(), storage)).toEqual([
      "error: [preflight-datastore-hosts] lab/local: 2 of 3 hosts that may run clones of base 'local' cannot see datastore 'local-h0', where its source VM 'base-local' keeps its disks: 'DC0_C0_H1', 'DC0_C0_H2', seen by 1 of 3 vs all 3; mount 'local-h0' on those hosts, move 'base-local' to a datastore all of them see, or confine the groups (hosts:) to hosts that see it",
    ]);
  });

  it("passes a group confined to the host that sees it", () => {
    expect(check(onLocal(["DC0_C0_H0"]), storage)).toEqual([]);
  });

  it("counts the old base of a group in rollout too", () => {
    const e = labEnv();
    e.clusters.DC0_C0.haEnabled = true;
    e.bases.old = { vm: "base-local", snapshot: "s1", diskGb: 1 };
    e.groups[0].count = 3;
    e.groups[0].rollout = { from: "old", moved: 1 };
    expect(checkRule("preflight-datastore-hosts", e, storage)).toEqual([
      "error: [preflight-datastore-hosts] lab/old: 2 of 3 hosts that may run clones of base 'old' cannot see datastore 'local-h0', where its source VM 'base-local' keeps its disks: 'DC0_C0_H1', 'DC0_C0_H2', seen by 1 of 3 vs all 3; mount 'local-h0' on those hosts, move 'base-local' to a datastore all of them see, or confine the groups (hosts:) to hosts that see it",
    ]);
    expect(plannedClones(env(e).spec).map((c) => `${c.name}@${c.base}`)).toEqual([
      "web-01@golden",
      "web-02@old",
      "web-03@old",
      "db-01@golden",
    ]);
  });
});

describe("preflight-vm-name", () => {
  it("fails a VM with a clone's name that the state does not hold", () => {
    expect(checkRule("preflight-vm-name", labEnv(), deployed, NO_STATE)).toEqual([
      "error: [preflight-vm-name] lab/web: VM 'web-01' already exists in datacenter DC0 ('vm/web-01') and is not in this environment's state (state/lab.tfstate, not there yet), so the clone would clash with it, 1 VM named 'web-01' vs none outside the state; rename or remove that VM, or change groups[0].namePattern",
    ]);
  });

  it("fails a VM of the clone's name that is another VM than the state's (uuid)", () => {
    const other = { ...state, vms: state.vms.map((v) => ({ ...v, uuid: "00000000-0000-0000-0000-000000000000" })) };
    expect(checkRule("preflight-vm-name", labEnv(), deployed, other)).toEqual([
      "error: [preflight-vm-name] lab/web: VM 'web-01' already exists in datacenter DC0 ('vm/web-01') and is not in this environment's state (state/lab.tfstate), so the clone would clash with it, 1 VM named 'web-01' vs none outside the state; rename or remove that VM, or change groups[0].namePattern",
    ]);
  });

  it("passes this environment's own clone", () => {
    expect(checkRule("preflight-vm-name", labEnv(), deployed, state)).toEqual([]);
  });

  it("warns, once, when the state cannot be read", () => {
    expect(checkRule("preflight-vm-name", labEnv(), deployed, UNKNOWN)).toEqual([
      "warning: [preflight-vm-name] lab/web: 1 VM in datacenter DC0 already has a clone's name ('web-01') and this environment's state cannot be read to tell whether it is its own: the s3 backend is not initialized in cdktf.out/stacks/lab, 1 VM vs none outside the state; pass --state FILE (from terraform state pull), or initialize the stack folder",
    ]);
  });
});
