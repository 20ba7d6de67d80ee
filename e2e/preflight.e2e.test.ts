/**
 * Preflight against govmomi's vCenter simulator: every check gets its mismatch made with govc
 * (or, where vcsim cannot make it, with the environment file, said so in the test's name) and
 * the exact finding; an environment that matches passes; the real CLI runs for a passing and a
 * failing environment, --json, --write-facts and usage errors. Needs vcsim and govc only (no
 * Terraform provider). See docs/preflight.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { blockedMaySkip, log, readTools } from "./tools";
import { startSimulator, type Simulator } from "./vcsim";
import {
  cli,
  PROJECT_DIR,
  prepareVmfsSimulator,
  preflight,
  preflightEnv,
  providerState,
  runDir,
  SimGovc,
  WORK,
  writeEnvironment,
} from "./preflight/harness";

const tools = readTools();
const ready = !!tools.vcsim && !!tools.govc;
if (!ready) log(`preflight e2e: vcsim or govc missing: ${tools.blocked ?? "unknown reason"}`);
const suite = ready || !blockedMaySkip() ? describe : describe.skip;

const VM0 = "DC0_C0_RP0_VM0";
const VM1 = "DC0_C0_RP0_VM1";
const HOSTS = ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"];

suite("preflight against vcsim", () => {
  let sim: Simulator;
  let govc: SimGovc;
  let vmfsWrapper: string;
  const t0 = Date.now();

  /** An environment that matches vcsim's default inventory (plus folder pf), before its first deploy. */
  const pfEnv = (): Record<string, any> => ({
    vsphere: { server: sim.server, allowUnverifiedSsl: true, version: "6.5" },
    datacenter: "DC0",
    clusters: { DC0_C0: { hosts: [...HOSTS], haEnabled: false } },
    datastores: { LocalDS_0: { capacityGb: 500 } },
    bases: { golden: { vm: VM0, snapshot: "golden-pf", manageSnapshot: true, diskGb: 1 } },
    groups: [
      {
        name: "web",
        base: "golden",
        cluster: "DC0_C0",
        datastore: "LocalDS_0",
        network: "VM Network",
        count: 2,
        namePattern: "web-{nn}",
        folder: "pf",
      },
      {
        name: "db",
        base: "golden",
        resourcePool: "DC0_C0/Resources",
        datastore: "LocalDS_0",
        network: "DC0_DVPG0",
        members: ["db-01"],
        hosts: ["DC0_C0_H1"],
      },
    ],
  });
  const only = (rule: string, findings: string[]) => findings.filter((f) => f.includes(`[${rule}]`));

  beforeAll(async () => {
    if (!ready) throw new Error(`vcsim and govc are needed: ${tools.blocked ?? "not installed"}`);
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    sim = await startSimulator(tools.vcsim!, tools.govc!, WORK);
    govc = new SimGovc(tools.govc!, sim);
    govc.run("folder.create", "/DC0/vm/pf");
    // Saved now, while the inventory is vcsim's default: the VMFS test loads it.
    vmfsWrapper = prepareVmfsSimulator(govc, tools.vcsim!, WORK);
  });

  afterAll(async () => {
    await sim?.stop();
    log(`preflight e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it("passes an environment that matches, before its first deploy (exit 0, no finding)", async () => {
    const r = await preflight("matches", pfEnv(), govc.bin);
    expect(r.findings).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  describe("the real CLI (npx tsx scripts/preflight.ts)", () => {
    it("passes: exit 0, the header and one line", async () => {
      const dir = runDir("cli-pass");
      writeEnvironment(dir, pfEnv());
      const r = await cli(["pf"], preflightEnv(dir, govc.bin));
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(
        [
          `preflight pf: vCenter ${sim.server} (vSphere 6.5.0), datacenter DC0, state ${path.relative(PROJECT_DIR, dir)}/state/pf.tfstate, not there yet`,
          "Preflight passed: pf matches vCenter.",
          "",
        ].join("\n"),
      );
      expect(r.code).toBe(0);
    });

    it("fails: exit 1, every mismatch listed (HA turned on with govc, a wrong version in the file)", async () => {
      govc.run("cluster.change", "-ha-enabled=true", "/DC0/host/DC0_C0");
      try {
        const dir = runDir("cli-fail");
        writeEnvironment(dir, {
          ...pfEnv(),
          vsphere: { server: sim.server, allowUnverifiedSsl: true, version: "8.0" },
        });
        const env = preflightEnv(dir, govc.bin);
        const r = await cli(["pf"], env);
        expect(r.stderr).toBe("");
        expect(r.stdout.split("\n")).toEqual([
          `preflight pf: vCenter ${sim.server} (vSphere 6.5.0), datacenter DC0, state ${path.relative(PROJECT_DIR, dir)}/state/pf.tfstate, not there yet`,
          `error: [preflight-version] pf: vCenter ${sim.server} runs vSphere 6.5.0, not 8.0 as vsphere.version says, so the synth rules judged another platform's limits, 6.5 vs 8.0; set vsphere.version: "6.5.0"`,
          "error: [preflight-ha] pf/DC0_C0: HA is on in cluster 'DC0_C0' but clusters.DC0_C0.haEnabled says false, so the ha-cluster rule judged the wrong setting, haEnabled: true vs haEnabled: false; set clusters.DC0_C0.haEnabled: true, or turn HA off (govc cluster.change -ha-enabled=false '/DC0/host/DC0_C0')",
          "Preflight failed: 2 mismatches in pf; fix vCenter or the environment file, then run it again before cdktf deploy.",
          "",
        ]);
        expect(r.code).toBe(1);

        const json = await cli(["pf", "--json"], env);
        expect(json.code).toBe(1);
        const doc = JSON.parse(json.stdout);
        expect(doc.findings.map((f: { rule: string }) => f.rule)).toEqual(["preflight-version", "preflight-ha"]);
        expect(doc.exitCode).toBe(1);
      } finally {
        govc.run("cluster.change", "-ha-enabled=false", "/DC0/host/DC0_C0");
      }
    });

    it("prints the facts with --write-facts", async () => {
      const dir = runDir("cli-facts");
      writeEnvironment(dir, pfEnv());
      const r = await cli(["pf", "--write-facts"], preflightEnv(dir, govc.bin));
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [
          `# Facts of environment pf, read from ${sim.server} (VMware vCenter Server 6.5.0 build-5973321 (govmomi simulator)), datacenter DC0.`,
          `# Paste them over the same keys of ${path.relative(PROJECT_DIR, dir)}/environments/pf.yaml.`,
          "# Note: datastore 'LocalDS_0' is OTHER in vCenter, which has no type in the file (vmfs3, vmfs5, vmfs6, nfs, vsan); type is left out, so the version's VMFS defaults apply.",
          "",
          "vsphere:",
          `  server: ${sim.server}`,
          "  allowUnverifiedSsl: true",
          '  version: "6.5.0"',
          "clusters:",
          "  DC0_C0:",
          "    hosts: [DC0_C0_H0, DC0_C0_H1, DC0_C0_H2]",
          "    haEnabled: false",
          "datastores:",
          "  LocalDS_0:",
          "    capacityGb: 10240",
          "",
        ].join("\n"),
      );
    });

    it("exits 2 with one line for an unknown environment and for missing credentials", async () => {
      const dir = runDir("cli-usage");
      writeEnvironment(dir, pfEnv());
      const env = preflightEnv(dir, govc.bin);
      const unknown = await cli(["pff"], env);
      expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([
        2,
        "",
        `preflight: unknown environment 'pff'; did you mean 'pf'? (environments in ${path.relative(PROJECT_DIR, dir)}/environments: pf)\n`,
      ]);
      const noCredentials = await cli(["pf"], { ...env, TF_VAR_vsphere_password: "" });
      expect([noCredentials.code, noCredentials.stdout, noCredentials.stderr]).toEqual([
        2,
        "",
        "preflight: TF_VAR_vsphere_password is not set; export the credentials Terraform uses (TF_VAR_vsphere_user, TF_VAR_vsphere_password) and run again\n",
      ]);
    });
  });

  it("preflight-version: vCenter 6.5 against a file that says 8.0", async () => {
    const e = pfEnv();
    e.vsphere.version = "8.0";
    const r = await preflight("version", e, govc.bin);
    expect(r.findings).toEqual([
      `error: [preflight-version] pf: vCenter ${sim.server} runs vSphere 6.5.0, not 8.0 as vsphere.version says, so the synth rules judged another platform's limits, 6.5 vs 8.0; set vsphere.version: "6.5.0"`,
    ]);
    expect(r.exitCode).toBe(1);
  });

  it("preflight-inventory: a folder removed with govc, and misspelt network, pool and datastore names", async () => {
    govc.run("object.destroy", "/DC0/vm/pf");
    try {
      const e = pfEnv();
      e.groups[1].network = "DC0_DVPG1";
      e.groups[1].resourcePool = "DC0_C0/Resource";
      e.datastores.LocalDS_00 = {};
      const r = await preflight("inventory", e, govc.bin);
      expect(r.findings).toEqual([
        "error: [preflight-inventory] pf/LocalDS_00: datastore 'LocalDS_00' does not exist in datacenter DC0, missing vs existing; did you mean 'LocalDS_0'? If not, fix or remove datastores.LocalDS_00",
        "error: [preflight-inventory] pf/db: network 'DC0_DVPG1' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_DVPG0'? If not, create the port group, or change groups[1].network",
        "error: [preflight-inventory] pf/db: resource pool 'DC0_C0/Resource' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_C0/Resources'? If not, create it, or change groups[1].resourcePool (a path below the datacenter's host folder, e.g. CLUSTER/Resources)",
        "error: [preflight-inventory] pf/web: folder 'pf' does not exist in datacenter DC0, missing vs existing; create it (govc folder.create '/DC0/vm/pf'), or change groups[0].folder",
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      govc.run("folder.create", "/DC0/vm/pf");
    }
  });

  it("preflight-inventory: nested missing folders with a missing parent in common; each suggested govc command works on its own", async () => {
    const e = pfEnv();
    e.groups[0].folder = "pf/workshop/attendees";
    e.groups[1].folder = "pf/workshop/trainers";
    const r = await preflight("nested-folders", e, govc.bin);
    expect(r.findings).toEqual([
      "error: [preflight-inventory] pf/db: folder 'pf/workshop/trainers' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/pf/workshop' '/DC0/vm/pf/workshop/trainers'), or change groups[1].folder (existing: 'pf')",
      "error: [preflight-inventory] pf/web: folder 'pf/workshop/attendees' does not exist in datacenter DC0, missing vs existing; create it and its missing parent folder (govc folder.create '/DC0/vm/pf/workshop' '/DC0/vm/pf/workshop/attendees'), or change groups[0].folder (existing: 'pf')",
    ]);
    expect(r.exitCode).toBe(1);
    /** The paths of the govc command a finding suggests, unquoted. */
    const paths = (finding: string) =>
      /\(govc folder\.create ((?:'[^']*' ?)+)\)/
        .exec(finding)![1]
        .trim()
        .split(" ")
        .map((p) => p.slice(1, -1));
    const [trainers, attendees] = r.findings.map(paths);
    try {
      // Each command on its own: the parent first, then the folder (govc alone fails with
      // "folder '/DC0/vm/pf/workshop' not found" on the folder without its parent).
      expect(() => govc.run("folder.create", attendees[1])).toThrow(/folder '\/DC0\/vm\/pf\/workshop' not found/);
      for (const cmd of [trainers, attendees]) {
        govc.run("folder.create", ...cmd);
        expect(govc.run("ls", "/DC0/vm/pf/workshop").trim()).toBe(cmd[1]);
        govc.run("object.destroy", "/DC0/vm/pf/workshop");
      }
      // After one of them, the other names a folder that now exists, which govc refuses (DuplicateName):
      // drop the levels that exist (docs/preflight.md).
      govc.run("folder.create", ...trainers);
      expect(() => govc.run("folder.create", ...attendees)).toThrow(/DuplicateName/);
      govc.run("folder.create", ...attendees.slice(1));
      const again = await preflight("nested-folders-made", e, govc.bin);
      expect(again.findings).toEqual([]);
      expect(again.exitCode).toBe(0);
    } finally {
      try {
        govc.run("object.destroy", "/DC0/vm/pf/workshop");
      } catch {
        // not made
      }
    }
  });

  it("preflight-source: a source VM that does not exist, and one whose name a second VM (made with govc) shares", async () => {
    const e = pfEnv();
    e.bases.golden.vm = "DC0_C0_RP0_VMX";
    expect((await preflight("source-missing", e, govc.bin)).findings).toEqual([
      "error: [preflight-source] pf/golden: source VM 'DC0_C0_RP0_VMX' of base 'golden' does not exist in datacenter DC0, missing vs existing; did you mean 'DC0_C0_RP0_VM0'? If not, fix bases.golden.vm",
    ]);
    // The twin needs another datastore: vcsim keeps a VM's files in [datastore] <name>/, which LocalDS_0 already has.
    const twinDs = path.join(WORK, "twin-ds");
    fs.mkdirSync(twinDs, { recursive: true });
    govc.run("datastore.create", "-type", "local", "-name", "twin-ds", "-path", twinDs, "DC0_C0_H0");
    govc.run(
      "vm.clone",
      "-vm",
      VM0,
      "-on=false",
      "-ds",
      "twin-ds",
      "-host",
      "DC0_C0_H0",
      "-pool",
      "/DC0/host/DC0_C0/Resources",
      "-folder",
      "pf",
      VM0,
    );
    try {
      const r = await preflight("source-twice", pfEnv(), govc.bin);
      expect(r.findings).toEqual([
        `error: [preflight-source] pf/golden: 2 VMs are named '${VM0}' in datacenter DC0 ('vm/${VM0}', 'vm/pf/${VM0}'), so the provider's lookup by name cannot pick the source, 2 VMs vs 1; rename all but one, or give bases.golden.vm as a folder path (e.g. 'pf/${VM0}')`,
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      govc.run("object.destroy", `/DC0/vm/pf/${VM0}`);
    }
  });

  it("preflight-template: a template (marked with govc) behind template: false, and a VM behind template: true", async () => {
    govc.run("vm.power", "-off", VM1);
    govc.run("vm.markastemplate", VM1);
    try {
      const e = pfEnv();
      e.bases.tpl = { vm: VM1, snapshot: "s1", diskGb: 1 };
      e.bases.golden = { vm: VM0, template: true, diskGb: 1 };
      const r = await preflight("template", e, govc.bin);
      expect(r.findings).toEqual([
        `error: [preflight-template] pf/golden: '${VM0}' is a VM, not a template, but bases.golden says template: true, VM vs template; set template: false and name its snapshot (linked clones come from a VM's snapshot), or mark it as a template (govc vm.markastemplate '${VM0}')`,
        `error: [preflight-template] pf/tpl: '${VM1}' is a template, but bases.tpl says template: false (a VM whose snapshot clones come from), and a template has no snapshot to clone from, template vs VM; set template: true (clones of a template are full copies), or turn it into a VM (govc vm.markasvm) and give it the snapshot`,
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      govc.run("vm.markasvm", "-pool", "/DC0/host/DC0_C0/Resources", VM1);
    }
  });

  describe("preflight-snapshot", () => {
    it("fails a snapshot (made with govc) on the source VM before the first deploy with manageSnapshot", async () => {
      govc.run("snapshot.create", "-vm", VM0, "other");
      try {
        const r = await preflight("snapshot-before", pfEnv(), govc.bin);
        expect(r.findings).toEqual([
          `error: [preflight-snapshot] pf/golden: source VM '${VM0}' already has snapshots before this environment's first deploy (manageSnapshot: true), so the apply adds 'golden-pf' below them, every clone then fails ("virtual machine ${VM0}'s root snapshot must not have children"), and even cdktf destroy fails to read the source, 1 snapshot: other (current) vs no snapshot before the first deploy; set bases.golden.manageSnapshot: false and snapshot: 'other' to clone from the snapshot that is there, or delete it (govc snapshot.remove -vm '${VM0}' 'other') if nothing uses it`,
        ]);
        expect(r.exitCode).toBe(1);
      } finally {
        govc.run("snapshot.remove", "-vm", VM0, "*");
      }
    });

    it("after the deploy: passes the managed snapshot with its clones in the state, then fails a second snapshot and a deleted one", async () => {
      govc.run("snapshot.create", "-vm", VM0, "golden-pf");
      const members = [
        { group: "web", name: "web-01", folder: "pf" },
        { group: "web", name: "web-02", folder: "pf" },
        { group: "db", name: "db-01", folder: "" },
      ];
      for (const m of members) govc.linkedClone(VM0, "golden-pf", m.name, m.folder);
      try {
        const vmUuid = govc.property<string>(`/DC0/vm/${VM0}`, "config.uuid");
        const tree = govc.property<{ rootSnapshotList: { snapshot: { value: string } }[] }>(
          `/DC0/vm/${VM0}`,
          "snapshot",
        );
        const managed = { id: tree.rootSnapshotList[0].snapshot.value, name: "golden-pf", vmUuid };
        const clones = members.map((m) => {
          const at = `/DC0/vm/${m.folder ? `${m.folder}/` : ""}${m.name}`;
          return { ...m, uuid: govc.property<string>(at, "config.uuid"), moid: govc.moid(at), templateUuid: vmUuid };
        });
        const state = providerState(managed, clones);

        const deployed = await preflight("snapshot-deployed", pfEnv(), govc.bin, { state });
        expect(deployed.findings).toEqual([]);
        expect(deployed.exitCode).toBe(0);

        govc.run("snapshot.create", "-vm", VM0, "before-patch");
        const second = await preflight("snapshot-second", pfEnv(), govc.bin, { state });
        expect(second.findings).toEqual([
          `error: [preflight-snapshot] pf/golden: source VM '${VM0}' has more snapshots than the managed 'golden-pf', so the provider refuses to clone from it ("virtual machine ${VM0}'s root snapshot must not have children") and even cdktf destroy fails to read it, 2 snapshots: golden-pf, golden-pf/before-patch (current) vs only 'golden-pf'; delete 'before-patch' (govc snapshot.remove -vm '${VM0}' 'before-patch')`,
        ]);
        expect(second.exitCode).toBe(1);

        govc.run("snapshot.remove", "-vm", VM0, "*");
        const gone = await preflight("snapshot-gone", pfEnv(), govc.bin, { state });
        expect(gone.findings).toEqual([
          `error: [preflight-snapshot] pf/golden: the managed snapshot 'golden-pf' (${managed.id} in the state) is gone from source VM '${VM0}', so its clones lost their base and the next deploy creates it again and replaces every clone, no snapshot vs 'golden-pf' (${managed.id}); run cdktf deploy pf to recreate the snapshot and the clones`,
        ]);
      } finally {
        for (const m of members) govc.run("object.destroy", `/DC0/vm/${m.folder ? `${m.folder}/` : ""}${m.name}`);
        govc.run("snapshot.remove", "-vm", VM0, "*");
      }
    });

    it("manageSnapshot: false: fails a snapshot named otherwise, then two root snapshots (made with govc)", async () => {
      const e = pfEnv();
      e.bases.golden = { vm: VM1, snapshot: "golden-pf", diskGb: 1 };
      govc.run("snapshot.create", "-vm", VM1, "a");
      try {
        expect((await preflight("unmanaged-name", e, govc.bin)).findings).toEqual([
          `error: [preflight-snapshot] pf/golden: the provider clones source VM '${VM1}' from its only snapshot, 'a', not from 'golden-pf' as bases.golden.snapshot says, 'a' vs 'golden-pf'; set bases.golden.snapshot: 'a', or give the VM the snapshot the file names`,
        ]);
        // a > b and a > golden-pf; removing a alone leaves two roots.
        govc.run("snapshot.create", "-vm", VM1, "b");
        govc.run("snapshot.revert", "-vm", VM1, "a");
        govc.run("snapshot.create", "-vm", VM1, "golden-pf");
        govc.run("snapshot.remove", "-vm", VM1, "a");
        const r = await preflight("unmanaged-roots", e, govc.bin);
        expect(r.findings).toEqual([
          `error: [preflight-snapshot] pf/golden: source VM '${VM1}' has a snapshot tree the provider refuses to clone from ("virtual machine ${VM1} must have exactly one root snapshot (has: 2)"), 2 snapshots: b, golden-pf (current) vs one snapshot 'golden-pf', current; keep only 'golden-pf' and delete the others (govc snapshot.remove -vm '${VM1}' 'b')`,
        ]);
        expect(r.exitCode).toBe(1);
      } finally {
        govc.run("snapshot.remove", "-vm", VM1, "*");
      }
    });
  });

  it("preflight-cluster-hosts: a host added and a host removed with govc (on a simulator of its own: vcsim cannot add a host after removing one)", async () => {
    const own = await startSimulator(tools.vcsim!, tools.govc!, WORK);
    try {
      const g = new SimGovc(tools.govc!, own);
      g.run("folder.create", "/DC0/vm/pf");
      g.run(
        "cluster.add",
        "-cluster",
        "DC0_C0",
        "-hostname",
        "DC0_C0_H3",
        "-username",
        "u",
        "-password",
        "p",
        "-noverify",
      );
      // Remove a host without VMs: vCenter refuses to remove one that runs VMs (ResourceInUse), and
      // vcsim places its default VMs on hosts of its choice and keeps a migrated VM in its old
      // host's `vm` list (measured: govc vm.migrate, then object.collect -s <host> vm).
      const hosts = ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"];
      const removed = hosts.find((h) => g.run("object.collect", "-s", `/DC0/host/DC0_C0/${h}`, "vm").trim() === "");
      if (!removed) throw new Error("vcsim put a VM on every host of DC0_C0; no host can be removed");
      g.run("host.remove", `/DC0/host/DC0_C0/${removed}`);
      const left = [...hosts.filter((h) => h !== removed), "DC0_C0_H3"];
      const r = await preflight(
        "cluster-hosts",
        { ...pfEnv(), vsphere: { ...pfEnv().vsphere, server: own.server } },
        g.bin,
      );
      expect(r.findings).toEqual([
        `error: [preflight-cluster-hosts] pf/DC0_C0: cluster 'DC0_C0' has 1 host the file does not list ('DC0_C0_H3') and lacks 1 host the file lists ('${removed}'), so the chain rules counted the wrong hosts, 3 hosts in vCenter vs 3 in clusters.DC0_C0.hosts; list exactly its hosts: hosts: [${left.join(", ")}]`,
        // The new host has no datastore mounted, as on a real vCenter before someone mounts them.
        "error: [preflight-datastore-hosts] pf/golden: 1 of 3 hosts that may run clones of base 'golden' cannot see datastore 'LocalDS_0', where its source VM 'DC0_C0_RP0_VM0' keeps its disks: 'DC0_C0_H3', seen by 2 of 3 vs all 3; mount 'LocalDS_0' on that host, move 'DC0_C0_RP0_VM0' to a datastore all of them see, or confine the groups (hosts:) to hosts that see it",
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      await own.stop();
    }
  });

  it("preflight-ha: HA turned on with govc (govc cluster.change -ha-enabled=true)", async () => {
    govc.run("cluster.change", "-ha-enabled=true", "/DC0/host/DC0_C0");
    try {
      const r = await preflight("ha", pfEnv(), govc.bin);
      expect(r.findings).toEqual([
        "error: [preflight-ha] pf/DC0_C0: HA is on in cluster 'DC0_C0' but clusters.DC0_C0.haEnabled says false, so the ha-cluster rule judged the wrong setting, haEnabled: true vs haEnabled: false; set clusters.DC0_C0.haEnabled: true, or turn HA off (govc cluster.change -ha-enabled=false '/DC0/host/DC0_C0')",
      ]);
      const e = pfEnv();
      e.clusters.DC0_C0.haEnabled = true;
      expect((await preflight("ha-declared", e, govc.bin)).findings).toEqual([]);
    } finally {
      govc.run("cluster.change", "-ha-enabled=false", "/DC0/host/DC0_C0");
    }
  });

  it("preflight-drs: DRS turned off, then manual, with govc, where group db is confined with hosts", async () => {
    try {
      govc.run("cluster.change", "-drs-enabled=false", "/DC0/host/DC0_C0");
      expect((await preflight("drs-off", pfEnv(), govc.bin)).findings).toEqual([
        "error: [preflight-drs] pf/db: group 'db' is kept on its hosts by a DRS VM-host must-rule, but DRS is off in cluster 'DC0_C0', so nothing applies the rule, DRS off vs DRS on; turn DRS on (govc cluster.change -drs-enabled=true '/DC0/host/DC0_C0'), or remove hosts from the group",
      ]);
      govc.run("cluster.change", "-drs-enabled=true", "-drs-mode=manual", "/DC0/host/DC0_C0");
      const r = await preflight("drs-manual", pfEnv(), govc.bin);
      expect(r.findings).toEqual([
        "error: [preflight-drs] pf/db: group 'db' is kept on its hosts by a DRS VM-host must-rule, but DRS is in manual mode in cluster 'DC0_C0', so it only recommends placements and moves and nothing puts the clones on their hosts, DRS manual vs partiallyAutomated or fullyAutomated; set DRS to fully automated (govc cluster.change -drs-mode=fullyAutomated '/DC0/host/DC0_C0'), or remove hosts from the group",
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      govc.run("cluster.change", "-drs-enabled=true", "-drs-mode=fullyAutomated", "/DC0/host/DC0_C0");
    }
  });

  describe("preflight-datastore-type", () => {
    it("fails an NFS datastore (made with govc) declared vmfs6, and LocalDS_0 (OTHER in vcsim) declared vmfs6; passes nfs", async () => {
      const local = path.join(WORK, "nfs-ds");
      fs.mkdirSync(local, { recursive: true });
      // vcsim's CreateNasDatastore names the datastore after the local path and needs it to exist.
      govc.run(
        "datastore.create",
        "-type",
        "NFS",
        "-remote-host",
        "192.0.2.10",
        "-remote-path",
        "/export/nfs-ds",
        "-path",
        local,
        ...HOSTS,
      );
      try {
        const e = pfEnv();
        e.datastores.LocalDS_0.type = "vmfs6";
        e.datastores["nfs-ds"] = { type: "vmfs6" };
        const r = await preflight("datastore-type-nfs", e, govc.bin);
        expect(r.findings).toEqual([
          "error: [preflight-datastore-type] pf/LocalDS_0: datastore 'LocalDS_0' is OTHER in vCenter, not vmfs6 as datastores.LocalDS_0.type says, so the chain-hosts rule used another host limit, OTHER vs vmfs6; remove datastores.LocalDS_0.type (OTHER has no type in the file; the version's VMFS defaults then apply), or check that the file names the right datastore",
          "error: [preflight-datastore-type] pf/nfs-ds: datastore 'nfs-ds' is NFS in vCenter, not vmfs6 as datastores.nfs-ds.type says, so the chain-hosts rule used another host limit, nfs vs vmfs6; set datastores.nfs-ds.type: nfs",
        ]);
        expect(r.exitCode).toBe(1);
        const ok = pfEnv();
        ok.datastores["nfs-ds"] = { type: "nfs", capacityGb: 100 };
        expect((await preflight("datastore-type-nfs-ok", ok, govc.bin)).findings).toEqual([]);
      } finally {
        // vcsim has no RemoveDatastore: nfs-ds stays; no later test names it.
      }
    });

    it("fails a VMFS 5 datastore declared vmfs6, and passes vmfs5 (vcsim loaded with a VMFS 5 LocalDS_0)", async () => {
      const vmfs = await startSimulator(vmfsWrapper, tools.govc!, WORK);
      try {
        const e = pfEnv();
        e.vsphere.server = vmfs.server;
        e.datastores.LocalDS_0.type = "vmfs6";
        const r = await preflight("datastore-type-vmfs", e, govc.bin);
        expect(r.findings).toEqual([
          "error: [preflight-datastore-type] pf/LocalDS_0: datastore 'LocalDS_0' is VMFS 5 in vCenter, not VMFS 6 as datastores.LocalDS_0.type says, so the chain-hosts rule used another host limit, vmfs5 vs vmfs6; set datastores.LocalDS_0.type: vmfs5",
        ]);
        expect(r.exitCode).toBe(1);
        e.datastores.LocalDS_0.type = "vmfs5";
        expect((await preflight("datastore-type-vmfs-ok", e, govc.bin)).findings).toEqual([]);
      } finally {
        await vmfs.stop();
      }
    });
  });

  it("preflight-datastore-space: clones whose worst case exceeds the free space, and a capacityGb above the real one (made in the file: vcsim cannot fill a datastore)", async () => {
    const free = Math.floor(govc.property<number>("/DC0/datastore/LocalDS_0", "summary.freeSpace") / 1024 ** 3);
    const diskGb = Math.floor(free / 3) + 1;
    const e = pfEnv();
    e.bases.golden.diskGb = diskGb;
    e.datastores.LocalDS_0.capacityGb = 20000;
    const r = await preflight("datastore-space", e, govc.bin);
    expect(r.findings).toEqual([
      "error: [preflight-datastore-space] pf/LocalDS_0: datastores.LocalDS_0.capacityGb says 20000 GB but datastore 'LocalDS_0' holds 10240 GB, so the storage-estimate rule judged a larger datastore, 10240 GB vs 20000 GB; set datastores.LocalDS_0.capacityGb: 10240",
      `error: [preflight-datastore-space] pf/web, pf/db: the clones on datastore 'LocalDS_0' may grow to ${3 * diskGb} GB (every delta disk as large as its base disk: 3 clones x ${diskGb} GB of base 'golden') but it has ${free} GB free, ${3 * diskGb} GB vs ${free} GB free; free space on 'LocalDS_0', move groups to another datastore, or use nonpersistent disks and power-cycle the clones`,
    ]);
    expect(r.exitCode).toBe(1);
    e.bases.golden.diskGb = Math.floor(free / 3);
    e.datastores.LocalDS_0.capacityGb = 10240;
    expect(only("preflight-datastore-space", (await preflight("datastore-space-ok", e, govc.bin)).findings)).toEqual(
      [],
    );
  });

  it("preflight-datastore-hosts: a source VM on a datastore only one host of the cluster mounts (made with govc)", async () => {
    const local = path.join(WORK, "local-h0");
    fs.mkdirSync(local, { recursive: true });
    govc.run("datastore.create", "-type", "local", "-name", "local-h0", "-path", local, "DC0_C0_H0");
    govc.run(
      "vm.create",
      "-ds",
      "local-h0",
      "-host",
      "DC0_C0_H0",
      "-pool",
      "/DC0/host/DC0_C0/Resources",
      "-net",
      "VM Network",
      "-on=false",
      "base-local",
    );
    govc.run("snapshot.create", "-vm", "base-local", "s1");
    try {
      const e = pfEnv();
      e.bases.local = { vm: "base-local", snapshot: "s1", diskGb: 1 };
      e.groups[1].base = "local";
      delete e.groups[1].hosts;
      const r = await preflight("datastore-hosts", e, govc.bin);
      expect(r.findings).toEqual([
        "error: [preflight-datastore-hosts] pf/local: 2 of 3 hosts that may run clones of base 'local' cannot see datastore 'local-h0', where its source VM 'base-local' keeps its disks: 'DC0_C0_H1', 'DC0_C0_H2', seen by 1 of 3 vs all 3; mount 'local-h0' on those hosts, move 'base-local' to a datastore all of them see, or confine the groups (hosts:) to hosts that see it",
      ]);
      expect(r.exitCode).toBe(1);
      e.groups[1].hosts = ["DC0_C0_H0"];
      expect((await preflight("datastore-hosts-confined", e, govc.bin)).findings).toEqual([]);
    } finally {
      govc.run("object.destroy", "/DC0/vm/base-local"); // local-h0 stays: vcsim has no RemoveDatastore
    }
  });

  it("preflight-vm-name: a VM (made with govc) that has a clone's name and is not in the state", async () => {
    govc.run("vm.clone", "-vm", VM1, "-on=false", "-ds", "LocalDS_0", "-pool", "/DC0/host/DC0_C0/Resources", "web-02");
    try {
      const r = await preflight("vm-name", pfEnv(), govc.bin);
      expect(r.findings).toEqual([
        `error: [preflight-vm-name] pf/web: VM 'web-02' already exists in datacenter DC0 ('vm/web-02') and is not in this environment's state (${r.dir}/state/pf.tfstate, not there yet), so the clone would clash with it, 1 VM named 'web-02' vs none outside the state; rename or remove that VM, or change groups[0].namePattern`,
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      govc.run("object.destroy", "/DC0/vm/web-02");
    }
  });

  it("is back to a matching environment after every test undid its mismatch", async () => {
    const r = await preflight("matches-again", pfEnv(), govc.bin);
    expect(r.findings).toEqual([]);
    expect(YAML.stringify(r.result.environments)).not.toContain(PROJECT_DIR);
  });
});
