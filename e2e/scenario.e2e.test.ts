/**
 * The end-to-end scenario: environments/simulator.yaml deployed to vcsim with the real
 * Terraform vSphere provider, all on loopback. See e2e/README.md.
 *
 *  1. synthesize and deploy (managed snapshot on the source VM, then the linked clones)
 *  2. govc: every clone exists with its name, CPUs, memory, network and folder; the DRS
 *     groups and rule of groups confined to hosts
 *  3. govc: the source VM has exactly one snapshot, the managed one
 *  4. a fresh plan shows no changes (drift is reported attribute by attribute)
 *  5. scale a group up by one and back: each plan creates / destroys exactly that VM
 *  6. rename the base snapshot: the snapshot and the clones are replaced
 *  7. destroy: no clone, no managed snapshot, no DRS group or rule remain
 *
 * Terraform runs on the synthesized cdk.tf.json plus one override file,
 * e2e_vcsim_override.tf.json, for what vcsim does differently from vCenter (helpers.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  actionOf,
  changesOf,
  describeChanges,
  classifyDrift,
  describeE2e,
  drsAddresses,
  drsConfig,
  repairStaleVmGroups,
  expectedNames,
  Govc,
  OVERRIDE_FILE,
  PROJECT_DIR,
  readEnv,
  resourceNameOf,
  Steps,
  synth,
  Terraform,
  Timings,
  vmFacts,
  writeEnv,
  writeSimulatorOverride,
  type EnvSpec,
  type GroupSpec,
  type PlanJson,
} from "./helpers";
import { E2E_DIR, log, readTools } from "./tools";
import { SIM_PASSWORD, SIM_USER, startSimulator, type Simulator } from "./vcsim";

const tools = readTools();
/** The environment under test; E2E_ENV_FILE may name another file with the simulator's inventory. */
const SOURCE_ENV = path.resolve(PROJECT_DIR, process.env.E2E_ENV_FILE ?? "environments/simulator.yaml");
const STACK = path.basename(SOURCE_ENV, ".yaml");
const WORK = path.join(E2E_DIR, ".work", "scenario");
const ENV_DIR = path.join(WORK, "env");
const OUT_DIR = path.join(WORK, "cdktf.out");
const LOG = path.join(WORK, "commands.log");

describeE2e(
  `linked clones of ${path.relative(PROJECT_DIR, SOURCE_ENV)} on vcsim`,
  tools,
  ["vcsim", "govc", "terraform", "provider"],
  () => {
    const timings = new Timings();
    const steps = new Steps();
    let sim: Simulator;
    let govc: Govc;
    let tf: Terraform;
    let original: EnvSpec;
    /** The environment as currently deployed. */
    let current: EnvSpec;
    let planNo = 0;
    let overrideLogged = false;
    /** Each clone's disk backing, as last seen. */
    const diskNotes = new Map<string, string>();

    /** The deployed environment (at first the file's) pointed at this simulator, with local state, after `mutate`. */
    const envFor = (mutate: (e: EnvSpec) => void = () => {}): EnvSpec => {
      const e = structuredClone(current ?? original);
      e.vsphere.server = sim.server;
      if (e.backend && e.backend.type !== "local") e.backend = { type: "local" };
      mutate(e);
      return e;
    };

    /**
     * Synthesizes `env` and plans it; returns the plan, saved for apply. With `simOverride`
     * false the plan is made without the override that hides vcsim's artifacts.
     */
    const synthAndPlan = async (
      label: string,
      env: EnvSpec,
      simOverride = true,
    ): Promise<{ file: string; changed: boolean; plan: PlanJson; text: string }> => {
      writeEnv(ENV_DIR, STACK, env);
      const dir = await timings.time(`${label}: synth`, () => synth(ENV_DIR, OUT_DIR, STACK, LOG));
      if (simOverride) {
        const notes = writeSimulatorOverride(dir);
        if (!overrideLogged && notes.length)
          log(`${OVERRIDE_FILE} (next to cdk.tf.json) adapts the stack to vcsim:\n  ${notes.join("\n  ")}`);
        overrideLogged = true;
      } else fs.rmSync(path.join(dir, OVERRIDE_FILE), { force: true });
      if (!tf) {
        tf = new Terraform(tools, dir, { TF_VAR_vsphere_user: SIM_USER, TF_VAR_vsphere_password: SIM_PASSWORD }, LOG);
        await timings.time(`${label}: terraform init`, () => tf.init());
      }
      const file = `plan-${++planNo}-${label.replace(/[^a-z0-9]+/gi, "-")}.tfplan`;
      const { changed, text } = await timings.time(`${label}: terraform plan`, () => tf.plan(file));
      const plan = await tf.show(file);
      fs.writeFileSync(path.join(WORK, `${file}.txt`), `${text}\n\n${describeChanges(plan)}\n`);
      return { file, changed, plan, text };
    };

    /** Applies a saved plan; then does on vcsim what vCenter does by itself (see repairStaleVmGroups). */
    const apply = async (label: string, file: string) => {
      await timings.time(`${label}: terraform apply`, () => tf.apply(file));
      const groups = (await tf.stateResources())
        .filter((r) => r.type === "vsphere_compute_cluster_vm_group")
        .map((r) => ({
          name: String(r.values.name),
          clusterId: String(r.values.compute_cluster_id),
          vmIds: (r.values.virtual_machine_ids as string[] | null) ?? [],
        }));
      const notes = await repairStaleVmGroups(govc, groups, current.datacenter);
      if (notes.length) log(`after ${label}: ${notes.join("\n  ")}`);
    };

    /** Which DRS objects of groups confined to hosts are missing or differ; [] when all are right. */
    const checkDrs = async (e: EnvSpec): Promise<string[]> => {
      const problems: string[] = [];
      const state = await tf.stateResources();
      const byAddress = new Map(state.map((r) => [r.address, r.values]));
      for (const g of e.groups) {
        const drs = drsAddresses(g);
        if (!drs) continue;
        const [hg, vg, rule] = [drs.hostGroup, drs.vmGroup, drs.rule].map((a) => byAddress.get(a));
        if (!hg || !vg || !rule) {
          problems.push(
            `${g.name}: state lacks ${[drs.hostGroup, drs.vmGroup, drs.rule].filter((a) => !byAddress.has(a)).join(", ")}`,
          );
          continue;
        }
        const cfg = await drsConfig(govc, String(vg.compute_cluster_id));
        const names = (ps?: string[]) =>
          (ps ?? []).map((p) => (p === "" ? "(destroyed VM)" : path.posix.basename(p))).sort();
        const hostGroup = cfg.groups.find((x) => x.name === hg.name);
        const vmGroup = cfg.groups.find((x) => x.name === vg.name);
        const r = cfg.rules.find((x) => x.name === rule.name);
        if (!hostGroup) problems.push(`${g.name}: no host group '${String(hg.name)}' in ${cfg.clusterPath}`);
        else if (JSON.stringify(names(hostGroup.hosts)) !== JSON.stringify([...g.hosts!].sort()))
          problems.push(
            `${g.name}: host group holds ${JSON.stringify(names(hostGroup.hosts))}, expected ${JSON.stringify([...g.hosts!].sort())}`,
          );
        if (!vmGroup) problems.push(`${g.name}: no VM group '${String(vg.name)}' in ${cfg.clusterPath}`);
        else if (JSON.stringify(names(vmGroup.vms)) !== JSON.stringify(expectedNames(g).sort()))
          problems.push(
            `${g.name}: VM group holds ${JSON.stringify(names(vmGroup.vms))}, expected ${JSON.stringify(expectedNames(g).sort())}`,
          );
        if (!r) problems.push(`${g.name}: no VM-host rule '${String(rule.name)}' in ${cfg.clusterPath}`);
        else if (
          !r.mandatory ||
          r.enabled === false ||
          r.vmGroupName !== vg.name ||
          r.affineHostGroupName !== hg.name
        ) {
          problems.push(
            `${g.name}: rule ${r.name} is ${JSON.stringify(r)}; expected mandatory, enabled, VM group ${String(vg.name)} on host group ${String(hg.name)}`,
          );
        }
      }
      return problems;
    };

    const vmPath = (e: EnvSpec, g: GroupSpec, name: string) =>
      `/${e.datacenter}/vm/${g.folder ? `${g.folder.replace(/^\/+|\/+$/g, "")}/` : ""}${name}`;
    const clonesOf = (e: EnvSpec) =>
      e.groups.flatMap((g) =>
        expectedNames(g).map((name) => ({
          g,
          name,
          address: `vsphere_virtual_machine.${resourceNameOf(g.name)}["${name}"]`,
        })),
      );
    const managedBases = (e: EnvSpec) =>
      Object.entries(e.bases).filter(([, b]) => b.manageSnapshot && b.snapshot && !b.template);

    /** Which expected clones are missing or differ; [] when all are as the environment says. */
    const checkClones = async (e: EnvSpec): Promise<string[]> => {
      const problems: string[] = [];
      const sourceFacts = new Map<string, { numCpus: number; memoryMb: number }>();
      for (const { g, name } of clonesOf(e)) {
        const p = vmPath(e, g, name);
        const folder = path.posix.dirname(p);
        if (!(await govc.ls(folder)).includes(p)) {
          problems.push(
            `${name}: not found at ${p} (folder ${folder} holds: ${(await govc.ls(folder)).join(", ") || "nothing"})`,
          );
          continue;
        }
        const f = await vmFacts(govc, p);
        if (!f) {
          problems.push(`${name}: govc vm.info finds nothing at ${p}`);
          continue;
        }
        const srcVm = e.bases[g.base].vm;
        if (!sourceFacts.has(srcVm)) sourceFacts.set(srcVm, (await vmFacts(govc, srcVm))!);
        const wantCpus = g.cpus ?? sourceFacts.get(srcVm)!.numCpus;
        const wantMem = g.memoryMb ?? sourceFacts.get(srcVm)!.memoryMb;
        if (f.name !== name) problems.push(`${name}: name is ${f.name}`);
        if (f.numCpus !== wantCpus) problems.push(`${name}: ${f.numCpus} CPUs, expected ${wantCpus}`);
        if (f.memoryMb !== wantMem) problems.push(`${name}: ${f.memoryMb} MB memory, expected ${wantMem}`);
        if (JSON.stringify(f.networks) !== JSON.stringify([g.network]))
          problems.push(`${name}: networks ${JSON.stringify(f.networks)}, expected ["${g.network}"]`);
        diskNotes.set(
          name,
          f.disks.map((d) => `${d.file}${d.parent ? ` (delta of ${d.parent})` : " (no parent disk)"}`).join(", "),
        );
      }
      return problems;
    };

    /** Fails with every change of the plan other than the expected ones. */
    const expectOnly = (plan: PlanJson, expected: Record<string, string>, what: string) => {
      const got: Record<string, string> = {};
      for (const c of changesOf(plan).changes) got[c.address] = actionOf(c.actions);
      if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
        throw new Error(
          `${what}: the plan should make exactly these changes:\n${JSON.stringify(expected, null, 2)}\n` +
            `but makes:\n${JSON.stringify(got, null, 2)}\ndetails:\n${describeChanges(plan)}`,
        );
      }
    };

    beforeAll(async () => {
      fs.rmSync(WORK, { recursive: true, force: true });
      fs.mkdirSync(WORK, { recursive: true });
      original = readEnv(SOURCE_ENV);
      sim = await timings.time("vcsim start", () => startSimulator(tools.vcsim!, tools.govc!, WORK));
      govc = new Govc(tools.govc!, sim.govcEnv, LOG);
    }, 60_000);

    afterAll(async () => {
      await sim?.stop();
      const summary = timings.summary();
      fs.writeFileSync(path.join(WORK, "timings.txt"), `${summary}\n`);
      log(`scenario phase timings:\n${summary}\n(commands and their output: ${path.relative(PROJECT_DIR, LOG)})`);
    });

    steps.step("1. synthesizes and deploys the environment (managed snapshot, then linked clones)", () =>
      steps.critical("the first deploy", async () => {
        current = envFor();
        for (const g of current.groups) {
          if (!g.folder) continue;
          let parent = `/${current.datacenter}/vm`;
          for (const seg of g.folder.split("/").filter(Boolean)) {
            if (!(await govc.ls(parent)).includes(`${parent}/${seg}`))
              await govc.run("folder.create", `${parent}/${seg}`);
            parent = `${parent}/${seg}`;
          }
        }
        const { file, changed, plan } = await synthAndPlan("deploy", current);
        const json = JSON.parse(fs.readFileSync(path.join(tf.dir, "cdk.tf.json"), "utf8")) as {
          terraform?: { required_providers?: Record<string, unknown> };
        };
        log(
          `synthesized terraform.required_providers.vsphere: ${JSON.stringify(json.terraform?.required_providers?.vsphere)}`,
        );
        expect(changed).toBe(true);
        const expected: Record<string, string> = {};
        for (const c of clonesOf(current)) expected[c.address] = "create";
        for (const d of current.groups.map(drsAddresses))
          if (d) for (const a of Object.values(d)) expected[a] = "create";
        for (const c of changesOf(plan).changes)
          if (c.type === "vsphere_virtual_machine_snapshot") expected[c.address] = "create";
        expect(Object.keys(expected).filter((a) => a.startsWith("vsphere_virtual_machine_snapshot.")).length).toBe(
          managedBases(current).length,
        );
        expectOnly(plan, expected, "first deploy");
        await apply("deploy", file);
      }),
    );

    steps.step(
      "2. govc: every clone exists with the expected name, CPUs, memory, network and folder; DRS rules of confined groups",
      async () => {
        const problems = await timings.time("check clones (govc)", async () => [
          ...(await checkClones(current)),
          ...(await checkDrs(current)),
        ]);
        log(
          `clone disks as vcsim reports them (vcsim copies disks even for linked clones):\n  ${[...diskNotes].map(([n, d]) => `${n}: ${d}`).join("\n  ")}`,
        );
        expect(problems).toEqual([]);
        for (const g of current.groups.filter((x) => x.folder)) {
          const folder = path.posix.dirname(vmPath(current, g, "x"));
          const inFolder = (await govc.ls(folder)).map((p) => path.posix.basename(p)).sort();
          const mine = current.groups
            .filter((x) => x.folder === g.folder)
            .flatMap(expectedNames)
            .sort();
          expect(inFolder).toEqual(mine);
        }
      },
    );

    steps.step("3. govc: each source VM has exactly one snapshot, the managed one", async () => {
      for (const [, b] of managedBases(current)) expect(await govc.snapshotNames(b.vm)).toEqual([b.snapshot]);
    });

    steps.step("4. a fresh plan shows no changes (no drift)", async () => {
      // First without the simulator override, to see every difference and sort out vcsim's own.
      const raw = await synthAndPlan("no-drift-raw", current, false);
      const { artifacts, real } = classifyDrift(raw.plan);
      if (artifacts.length)
        log(`known simulator artifacts in the plan (ignored via ${OVERRIDE_FILE}):\n  ${artifacts.join("\n  ")}`);
      const strict = await synthAndPlan("no-drift", current);
      const problems = [
        ...(changesOf(real).changes.length ? [describeChanges(real)] : []),
        ...(strict.changed ? [describeChanges(strict.plan)] : []),
      ];
      if (problems.length) {
        const report = [...new Set(problems)].join("\n");
        fs.writeFileSync(path.join(WORK, "drift.txt"), `${report}\n\n${raw.text}\n`);
        throw new Error(
          `terraform plan -detailed-exitcode shows changes right after apply. Drift:\n${report}\n\nplan:\n${raw.text.split("\n").slice(-80).join("\n")}`,
        );
      }
    });

    const scaled = () => current.groups.find((g) => g.count !== undefined && !g.members);

    /**
     * Changes the scaled group's count by `delta`: the saved plan must create (or delete) exactly
     * that group's last VM, plus the update of its DRS VM group when it is confined; then applies it.
     */
    const scaleBy = async (delta: 1 | -1): Promise<{ g: GroupSpec; vm: string }> => {
      const g = scaled();
      if (!g) throw new Error("the environment has no group with count to scale");
      const label = delta > 0 ? "scale-up" : "scale-back";
      const next = envFor((e) => (e.groups.find((x) => x.name === g.name)!.count = g.count! + delta));
      const vm = expectedNames(delta > 0 ? next.groups.find((x) => x.name === g.name)! : g).at(-1)!;
      const { file, plan } = await steps.critical(`the ${label} plan`, () => synthAndPlan(label, next));
      let planProblem: Error | undefined;
      try {
        const drs = drsAddresses(g);
        expectOnly(
          plan,
          {
            [`vsphere_virtual_machine.${resourceNameOf(g.name)}["${vm}"]`]: delta > 0 ? "create" : "delete",
            ...(drs ? { [drs.vmGroup]: "update" } : {}),
          },
          label.replace("-", " "),
        );
      } catch (e) {
        planProblem = e as Error;
      }
      await steps.critical(`the ${label} apply`, () => apply(label, file));
      current = next;
      if (planProblem) throw planProblem;
      return { g, vm };
    };

    steps.step("5a. scale a group up by one: the plan creates exactly that VM and touches nothing else", async () => {
      await scaleBy(1);
      expect([...(await checkClones(current)), ...(await checkDrs(current))]).toEqual([]);
    });

    steps.step("5b. scale back: the plan destroys exactly that VM", async () => {
      const { g, vm: removed } = await scaleBy(-1);
      const gone = vmPath(current, g, removed);
      expect(await govc.ls(path.posix.dirname(gone))).not.toContain(gone);
      expect([...(await checkClones(current)), ...(await checkDrs(current))]).toEqual([]);
    });

    steps.step("6. renaming the base snapshot replaces the snapshot and the clones", async () => {
      const [baseName, base] = managedBases(current)[0] ?? [];
      if (!baseName || !base) throw new Error("the environment has no managed base snapshot to rename");
      const renamed = `${base.snapshot}-renamed`;
      const next = envFor((e) => (e.bases[baseName].snapshot = renamed));
      const { file, plan } = await steps.critical("the snapshot-rename plan", () =>
        synthAndPlan("rename-snapshot", next),
      );
      const snap = changesOf(plan).changes.filter((c) => c.type === "vsphere_virtual_machine_snapshot");
      const expected: Record<string, string> = {};
      for (const s of snap) expected[s.address] = "replace";
      for (const c of clonesOf(next).filter((c) => c.g.base === baseName)) expected[c.address] = "replace";
      // The VM groups of confined groups list the new clones' ids.
      for (const g of next.groups.filter((x) => x.base === baseName)) {
        const drs = drsAddresses(g);
        if (drs) expected[drs.vmGroup] = "update";
      }
      let planProblem: Error | undefined;
      try {
        expect(snap.map((s) => (s.after as { snapshot_name?: string }).snapshot_name)).toEqual([renamed]);
        expectOnly(plan, expected, "snapshot rename");
      } catch (e) {
        planProblem = e as Error;
      }
      await steps.critical("the snapshot-rename apply", () => apply("rename-snapshot", file));
      current = next;
      if (planProblem) throw planProblem;
      expect(await govc.snapshotNames(base.vm)).toEqual([renamed]);
      expect([...(await checkClones(current)), ...(await checkDrs(current))]).toEqual([]);
    });

    steps.step("6b. no drift after the replacement", async () => {
      const { changed, plan } = await synthAndPlan("no-drift-after-rename", current);
      if (changed) throw new Error(`drift after the snapshot rename:\n${describeChanges(plan)}`);
    });

    steps.step("7. destroy leaves no clone, no managed snapshot and no DRS group or rule", async () => {
      const drsBefore = (await tf.stateResources()).filter((r) => r.type.startsWith("vsphere_compute_cluster_"));
      await steps.critical("terraform destroy", () => timings.time("destroy: terraform destroy", () => tf.destroy()));
      expect((await tf.stateResources()).map((r) => r.address)).toEqual([]);
      for (const id of new Set(drsBefore.map((r) => String(r.values.compute_cluster_id)))) {
        const cfg = await drsConfig(govc, id);
        const left = [...cfg.groups, ...cfg.rules]
          .map((x) => x.name)
          .filter((n) => drsBefore.some((r) => r.values.name === n));
        expect(left).toEqual([]);
      }
      for (const { g, name } of clonesOf(current)) {
        const p = vmPath(current, g, name);
        expect(await govc.ls(path.posix.dirname(p))).not.toContain(p);
      }
      for (const [, b] of managedBases(current)) expect(await govc.snapshotNames(b.vm)).toEqual([]);
      for (const b of Object.values(current.bases)) expect(await vmFacts(govc, b.vm)).toBeDefined();
    });
  },
);
