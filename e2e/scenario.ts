/**
 * The end-to-end scenario, shared by the terraform and the tofu runs: the simulator
 * environment deployed to vcsim through the cdktf CLI a user runs (`npx cdktf diff`,
 * `deploy --auto-approve`, `destroy --auto-approve`), checked with govc. See e2e/README.md.
 *
 * Steps are data (SCENARIO_STEPS): each gets a ScenarioContext with the helpers it needs
 * (edit the environment, synthesize, plan exactly, deploy, check with govc). Add a step by
 * adding an entry; a step that deploys should leave `ctx.env` as what is deployed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CdktfProject } from "./cdktf-project";
import { drsConfig, namesOf, repairStaleVmGroups } from "./drs";
import {
  expectedStack,
  memberAddresses,
  readEnvFile,
  specOf,
  writeEnvFile,
  type EnvFile,
  type ExpectedGroup,
  type ExpectedStack,
} from "./environment";
import { Govc, hardwareOf, vmFacts, type VmFacts } from "./govc";
import { APPLIANCE_GOLDEN, buildGolden } from "./golden";
import { actionsByAddress, changesOf, describeChanges, expectOnly, type PlanJson } from "./plans";
import { PROJECT_DIR, stripAnsi, Timings, shownPath } from "./run";
import {
  classifyDrift,
  OVERRIDE_FILE,
  removeSimulatorOverride,
  SIMULATOR_ARTIFACTS,
  writeSimulatorOverride,
} from "./simulator-drift";
import { describeE2e, plainError, Steps } from "./steps";
import type { Binary } from "./terraform";
import { E2E_DIR, log, readTools, type E2eTools } from "./tools";
import { startSimulator, type Simulator } from "./vcsim";

/** The environment under test; E2E_ENV_FILE may name another file with the simulator's inventory. */
export const SOURCE_ENV = path.resolve(PROJECT_DIR, process.env.E2E_ENV_FILE ?? "environments/simulator.yaml");
export const STACK = path.basename(SOURCE_ENV, ".yaml");

export interface Plan {
  file: string;
  changed: boolean;
  plan: PlanJson;
  text: string;
}

/** What every step gets. */
export interface ScenarioContext {
  readonly tools: E2eTools;
  readonly binary: Binary;
  readonly sim: Simulator;
  readonly govc: Govc;
  readonly project: CdktfProject;
  readonly timings: Timings;
  readonly steps: Steps;
  /** The work folder (e2e/.work/scenario-<binary>). */
  readonly work: string;
  /** The environment as deployed (at first: the file's, pointed at this simulator). */
  env: EnvFile;
  /** A copy of the deployed environment with `mutate` applied; nothing is written. */
  edit(mutate: (e: EnvFile) => void): EnvFile;
  /** What the project builds from `env`: groups, members, addresses, resources. */
  expected(env?: EnvFile): ExpectedStack;
  /** Writes `env` as the work copy of the environment and runs `npx cdktf synth`; keeps the simulator override in place. */
  synth(label: string, env: EnvFile): Promise<void>;
  /** `terraform|tofu plan -out` + `show -json` in the stack folder (after `synth`); the plan is kept as text in the work folder. */
  plan(label: string, opts?: { simOverride?: boolean }): Promise<Plan>;
  /** synth + plan, then fails unless the plan makes exactly `expected` (address -> action); returns the plan. */
  planExactly(label: string, env: EnvFile, expected: Record<string, string>): Promise<Plan>;
  /** `npx cdktf deploy <env> --auto-approve` on the work copy (as last synthesized); afterwards `ctx.env = env`. */
  deploy(label: string, env: EnvFile): Promise<void>;
  /** Fails, naming every change, unless a fresh plan is clean. */
  expectNoDrift(label: string): Promise<void>;
  /** Problems of the clones (govc against the environment); [] when all are right. */
  checkClones(env?: EnvFile): Promise<string[]>;
  /** Problems of the DRS objects of confined groups; [] when all are right. */
  checkDrs(env?: EnvFile): Promise<string[]>;
  /** Resources in the state. */
  state(): Promise<{ address: string; type: string; values: Record<string, unknown> }[]>;
  /** govc facts of a VM by inventory path, cached for the run: for source VMs, whose hardware does not change. */
  facts(vmPath: string): Promise<VmFacts | undefined>;
}

export interface ScenarioStep {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
  /** A failure stops the steps after it (a deploy others build on). */
  critical?: boolean;
  timeoutMs?: number;
}

/** The base of a member: its own during a rollout, else its group's. */
function baseOfMember(g: ExpectedGroup, m: ExpectedGroup["members"][number]): string {
  return (m as { base?: string }).base ?? g.spec.base;
}

/** Every address of the clones of a base (by member, so a rollout's members on the old base count there). */
function clonesOfBase(exp: ExpectedStack, base: string): string[] {
  return exp.groups.flatMap((g) =>
    g.members.filter((m) => baseOfMember(g, m) === base).flatMap((m) => memberAddresses(g, m.name)),
  );
}

/** Every resource the stack creates from nothing: snapshots, clones (and their per-member resources), the DRS objects of confined groups. */
export function everyResource(exp: ExpectedStack): Record<string, string> {
  const all: Record<string, string> = {};
  for (const b of exp.bases) if (b.snapshotAddress) all[b.snapshotAddress] = "create";
  for (const g of exp.groups) {
    for (const m of g.members) for (const a of memberAddresses(g, m.name)) all[a] = "create";
    for (const r of g.resources) all[r.address] = "create";
  }
  return all;
}

const inventoryFolder = (spec: ExpectedStack["spec"], folder: string) =>
  `/${spec.datacenter}/vm/${folder.replace(/^\/+|\/+$/g, "")}`;

// ---------------------------------------------------------------------------------------------
// The steps

export const SCENARIO_STEPS: ScenarioStep[] = [
  {
    name: "0. prepares the inventory as a user would (govc): the folders and the golden VM, no snapshot on any base VM",
    critical: true,
    async run(ctx) {
      const exp = ctx.expected();
      const made: string[] = [];
      for (const g of exp.groups)
        if (g.spec.folder) made.push(...(await ctx.govc.ensureFolder(exp.spec.datacenter, g.spec.folder)));
      if (exp.bases.some((b) => b.vm === APPLIANCE_GOLDEN.name)) {
        const cmds = await buildGolden(ctx.govc, ctx.sim.govcEnv.GOVC_URL, APPLIANCE_GOLDEN);
        log(`golden VM ${APPLIANCE_GOLDEN.name} prepared:\n  ${cmds.join("\n  ")}`);
        const f = (await ctx.facts(`/${exp.spec.datacenter}/vm/${APPLIANCE_GOLDEN.name}`))!;
        expect(hardwareOf(f)).toEqual({
          firmware: "efi",
          secureBoot: APPLIANCE_GOLDEN.secureBoot,
          coresPerSocket: APPLIANCE_GOLDEN.coresPerSocket,
          hardwareVersion: "vmx-17",
          scsiControllers: APPLIANCE_GOLDEN.diskGbByController.map((_, bus) => ({
            bus,
            type: "ParaVirtualSCSIController",
          })),
          disks: APPLIANCE_GOLDEN.diskGbByController.map((gb, bus) => ({
            bus,
            unit: 0,
            capacityKb: gb * 1024 * 1024,
            controllerType: "ParaVirtualSCSIController",
          })),
        });
      }
      if (made.length) log(`folders made with govc folder.create: ${made.join(", ")}`);
      for (const b of exp.bases)
        expect({ vm: b.vm, snapshots: await ctx.govc.snapshotNames(b.vm) }).toEqual({ vm: b.vm, snapshots: [] });
    },
  },
  {
    name: "1. first deploy: `cdktf diff` shows the plan; it creates exactly the snapshots, the clones and the DRS objects; `cdktf deploy` builds them",
    critical: true,
    timeoutMs: 900_000,
    async run(ctx) {
      const env = ctx.env;
      const exp = ctx.expected(env);
      await ctx.synth("deploy", env);
      const json = ctx.project.cdkTfJson() as { terraform?: { required_providers?: Record<string, unknown> } };
      log(
        `synthesized terraform.required_providers.vsphere: ${JSON.stringify(json.terraform?.required_providers?.vsphere)}`,
      );
      const diff = await ctx.timings.time("deploy: cdktf diff", () => ctx.project.diff());
      const expected = everyResource(exp);
      const planLine = `Plan: ${Object.keys(expected).length} to add, 0 to change, 0 to destroy.`;
      const shown = stripAnsi(diff.stdout + diff.stderr);
      if (!shown.includes(planLine))
        throw plainError(
          `\`cdktf diff\` does not say "${planLine}"; its plan:\n${shown
            .split("\n")
            .filter((l) => /#|Plan:|Error/.test(l))
            .join("\n")}`,
        );
      const { plan } = await ctx.plan("deploy");
      expectOnly(plan, expected, "first deploy");
      await ctx.deploy("deploy", env);
    },
  },
  {
    name: "2. govc: names, folders, CPUs, memory, networks, disk modes; static IPs, host names and DNS suffix as the guest reports them; DNS servers in the state",
    async run(ctx) {
      expect(await ctx.checkClones()).toEqual([]);
      const exp = ctx.expected();
      for (const g of exp.groups.filter((x) => x.spec.folder)) {
        const inFolder = namesOf(await ctx.govc.ls(inventoryFolder(exp.spec, g.spec.folder!)));
        const mine = exp.groups
          .filter((x) => x.spec.folder === g.spec.folder)
          .flatMap((x) => x.members.map((m) => m.name));
        expect({ folder: g.spec.folder, vms: inFolder }).toEqual({ folder: g.spec.folder, vms: [...mine].sort() });
      }
    },
  },
  {
    name: "3. govc: DRS host group, VM group and mandatory VM-host rule of each confined group",
    async run(ctx) {
      expect(await ctx.checkDrs()).toEqual([]);
    },
  },
  {
    name: "4. govc: every clone has its source's SCSI controllers, disks, firmware, secure boot, cores per socket and hardware version",
    async run(ctx) {
      const exp = ctx.expected();
      const problems: string[] = [];
      for (const g of exp.groups) {
        for (const m of g.members) {
          const src = exp.bases.find((b) => b.name === baseOfMember(g, m))!;
          const want = hardwareOf((await ctx.facts(`/${exp.spec.datacenter}/vm/${src.vm}`))!);
          const clone = exp.clones.find((c) => c.group === g.name && c.name === m.name)!;
          const f = await vmFacts(ctx.govc, clone.path);
          if (!f) {
            problems.push(`${m.name}: not found at ${clone.path}`);
            continue;
          }
          const got = hardwareOf(f);
          for (const k of Object.keys(want) as (keyof typeof want)[]) {
            if (JSON.stringify(got[k]) !== JSON.stringify(want[k]))
              problems.push(
                `${m.name}: ${k} is ${JSON.stringify(got[k])}, its source ${src.vm} has ${JSON.stringify(want[k])}`,
              );
          }
        }
      }
      expect(problems).toEqual([]);
    },
  },
  {
    name: "5. govc: each base VM has exactly one snapshot, the managed one",
    async run(ctx) {
      for (const b of ctx.expected().bases.filter((x) => x.snapshotAddress))
        expect({ vm: b.vm, snapshots: await ctx.govc.snapshotNames(b.vm) }).toEqual({
          vm: b.vm,
          snapshots: [b.snapshot],
        });
    },
  },
  {
    name: "6. no drift: a fresh plan shows no change (vcsim's known artifacts are listed apart)",
    async run(ctx) {
      await ctx.synth("no-drift", ctx.env);
      // First without the simulator override, to see every difference and sort out vcsim's own.
      const raw = await ctx.plan("no-drift-raw", { simOverride: false });
      const { artifacts, real } = classifyDrift(raw.plan);
      if (artifacts.length)
        log(`known simulator artifacts in the plan (ignored via ${OVERRIDE_FILE}):\n  ${artifacts.join("\n  ")}`);
      const problems = changesOf(real).changes.length ? [describeChanges(real)] : [];
      try {
        await ctx.expectNoDrift("no-drift");
      } catch (e) {
        problems.push((e as Error).message);
      }
      if (problems.length) {
        fs.writeFileSync(path.join(ctx.work, "drift.txt"), `${problems.join("\n")}\n\n${raw.text}\n`);
        throw plainError(`a plan right after deploy shows changes:\n${[...new Set(problems)].join("\n")}`);
      }
    },
  },
  {
    name: "7a. scale a count group up by one: the plan creates exactly that VM (customized, with the next address); deployed and checked",
    critical: true,
    timeoutMs: 900_000,
    async run(ctx) {
      await scaleBy(ctx, 1);
    },
  },
  {
    name: "7b. scale it back: the plan destroys exactly that VM; deployed and checked",
    critical: true,
    timeoutMs: 900_000,
    async run(ctx) {
      await scaleBy(ctx, -1);
    },
  },
  ...["linux", "appliance"].map((baseName, i): ScenarioStep => ({
    name: `8${"ab"[i]}. roll base '${baseName}' (rename its snapshot): exactly the snapshot and that base's clones are replaced; deployed; a fresh plan is clean`,
    critical: true,
    timeoutMs: 900_000,
    async run(ctx) {
      await rollBase(ctx, baseName);
    },
  })),
  {
    name: "9. a DRS move inside the host group (`govc vm.migrate` between two allowed hosts) gives no drift",
    async run(ctx) {
      const exp = ctx.expected();
      const g = exp.groups.find((x) => x.spec.hosts && x.spec.hosts.length > 1);
      if (!g) throw plainError("the environment has no group confined to two or more hosts");
      const clone = exp.clones.find((c) => c.group === g.name)!;
      const cluster = g.spec.cluster ?? g.spec.resourcePool!.split("/")[0];
      const hostPath = (h: string) => `/${exp.spec.datacenter}/host/${cluster}/${h}`;
      // vcsim does not enforce DRS rules, so the clone may have started on any host of the
      // cluster: first onto an allowed host, then to another one, as DRS would move it.
      const start = (await vmFacts(ctx.govc, clone.path))!.host;
      const hosts = g.spec.hosts!;
      const onAllowed = hosts.find((h) => hostPath(h) === start);
      const moves = onAllowed ? [hosts.find((h) => h !== onAllowed)!] : [hosts[0], hosts[1]];
      for (const h of moves) {
        await ctx.govc.run("vm.migrate", "-host", hostPath(h), clone.path);
        expect((await vmFacts(ctx.govc, clone.path))!.host).toBe(hostPath(h));
      }
      log(
        `DRS move: ${clone.name} from ${start} to ${moves.map(hostPath).join(", then ")} (host group ${hosts.join(", ")})`,
      );
      await ctx.expectNoDrift("after-drs-move");
    },
  },
  {
    name: "10. a folder that does not exist fails at `cdktf diff` (and plan) with a message naming it; nothing changes",
    async run(ctx) {
      const exp = ctx.expected();
      const g = exp.groups.find((x) => x.spec.folder)!;
      const missing = `${g.spec.folder}-missing`;
      const env = ctx.edit((e) => (e.groups.find((x) => x.name === g.name)!.folder = missing));
      const full = inventoryFolder(exp.spec, missing);
      try {
        await ctx.synth("missing-folder", env);
        const diff = await ctx.project.diff([0, 1]);
        const out = stripAnsi(diff.stdout + diff.stderr);
        const plan = await ctx.project.terraform.run(["plan", "-input=false", "-no-color", "-lock=false"], [0, 1, 2]);
        const problems = [
          ...(diff.code === 0 ? ["`cdktf diff` exited 0"] : []),
          ...(out.includes(full) ? [] : [`\`cdktf diff\` output does not name ${full}`]),
          ...(plan.code === 1 ? [] : [`\`${ctx.binary} plan\` exited ${plan.code}, not 1`]),
          ...((plan.stdout + plan.stderr).includes(full)
            ? []
            : [`\`${ctx.binary} plan\` output does not name ${full}`]),
        ];
        if (problems.length)
          throw plainError(
            `${problems.join("\n")}\n\n${ctx.binary} plan said:\n${stripAnsi(plan.stdout + plan.stderr)
              .split("\n")
              .slice(-40)
              .join("\n")}`,
          );
        expect(await ctx.govc.exists(full)).toBe(false);
      } finally {
        await ctx.synth("missing-folder-undo", ctx.env);
      }
      expect(await ctx.checkClones()).toEqual([]);
    },
  },
  {
    name: "11. `cdktf destroy` leaves no clone, no managed snapshot and no DRS group or rule; the source VMs stay",
    critical: true,
    timeoutMs: 900_000,
    async run(ctx) {
      const exp = ctx.expected();
      const drsBefore = (await ctx.state()).filter((r) => r.type.startsWith("vsphere_compute_cluster_"));
      await ctx.synth("destroy", ctx.env);
      await ctx.timings.time("destroy: cdktf destroy", () => ctx.project.destroy());
      expect((await ctx.state()).map((r) => r.address)).toEqual([]);
      for (const id of new Set(drsBefore.map((r) => String(r.values.compute_cluster_id)))) {
        const cfg = await drsConfig(ctx.govc, id);
        const left = [...cfg.groups, ...cfg.rules]
          .map((x) => x.name)
          .filter((n) => drsBefore.some((r) => r.values.name === n));
        expect({ cluster: cfg.clusterPath, left }).toEqual({ cluster: cfg.clusterPath, left: [] });
      }
      const clonesLeft: string[] = [];
      for (const c of exp.clones) if (await ctx.govc.exists(c.path)) clonesLeft.push(c.path);
      expect(clonesLeft).toEqual([]);
      for (const b of exp.bases) {
        expect({ vm: b.vm, snapshots: await ctx.govc.snapshotNames(b.vm) }).toEqual({ vm: b.vm, snapshots: [] });
        expect(await vmFacts(ctx.govc, `/${exp.spec.datacenter}/vm/${b.vm}`)).toBeDefined();
      }
    },
  },
];

/** Changes the first count group's count by `delta`: exactly its last VM is created or destroyed. */
async function scaleBy(ctx: ScenarioContext, delta: 1 | -1): Promise<void> {
  const label = delta > 0 ? "scale-up" : "scale-back";
  const before = ctx.expected();
  const g = before.groups.find((x) => x.spec.count !== undefined);
  if (!g) throw plainError("the environment has no group with count to scale");
  const next = ctx.edit((e) => {
    const eg = e.groups.find((x) => x.name === g.name)!;
    eg.count = (eg.count ?? g.spec.count!) + delta;
  });
  const after = ctx.expected(next);
  // The VM that comes or goes: the last member of the larger group.
  const vm = (delta > 0 ? after : before).clones.filter((c) => c.group === g.name).at(-1)!;
  const vmGroup = g.resources.find((r) => r.type === "vsphere_compute_cluster_vm_group");
  let planProblem: Error | undefined;
  try {
    const expected: Record<string, string> = vmGroup ? { [vmGroup.address]: "update" } : {};
    for (const a of memberAddresses(g, vm.name)) expected[a] = delta > 0 ? "create" : "delete";
    await ctx.planExactly(label, next, expected);
  } catch (e) {
    planProblem = e as Error;
  }
  // Deploy anyway, so the steps after this one start from the environment they expect.
  await ctx.deploy(label, next);
  if (planProblem) throw planProblem;
  expect({ vm: vm.path, exists: await ctx.govc.exists(vm.path) }).toEqual({ vm: vm.path, exists: delta > 0 });
  expect([...(await ctx.checkClones()), ...(await ctx.checkDrs())]).toEqual([]);
}

/** Renames a base's managed snapshot: the snapshot and exactly that base's clones are replaced. */
async function rollBase(ctx: ScenarioContext, baseName: string): Promise<void> {
  const exp = ctx.expected();
  const base = exp.bases.find((b) => b.name === baseName);
  if (!base?.snapshotAddress) throw plainError(`the environment has no base '${baseName}' with a managed snapshot`);
  const renamed = `${base.snapshot}-rolled`;
  const next = ctx.edit((e) => (e.bases[baseName].snapshot = renamed));
  const nextExp = ctx.expected(next);
  const expected: Record<string, string> = { [base.snapshotAddress]: "replace" };
  for (const a of clonesOfBase(nextExp, baseName)) expected[a] = "replace";
  // The VM groups of confined groups on this base list the new clones' ids.
  for (const g of nextExp.groups.filter((x) => x.members.some((m) => baseOfMember(x, m) === baseName)))
    for (const r of g.resources.filter((x) => x.type === "vsphere_compute_cluster_vm_group"))
      expected[r.address] = "update";
  let planProblem: Error | undefined;
  try {
    const { plan } = await ctx.planExactly(`roll-${baseName}`, next, expected);
    const snap = changesOf(plan).changes.find((c) => c.address === base.snapshotAddress);
    expect((snap?.after as { snapshot_name?: string } | undefined)?.snapshot_name).toBe(renamed);
  } catch (e) {
    planProblem = e as Error;
  }
  await ctx.deploy(`roll-${baseName}`, next);
  if (planProblem) throw planProblem;
  expect(await ctx.govc.snapshotNames(base.vm)).toEqual([renamed]);
  expect([...(await ctx.checkClones()), ...(await ctx.checkDrs())]).toEqual([]);
  await ctx.expectNoDrift(`after-roll-${baseName}`);
}

// ---------------------------------------------------------------------------------------------
// The context and the jest suite

/** Registers the scenario for `binary` as a jest suite; `steps` defaults to SCENARIO_STEPS. */
export function defineScenario(binary: Binary, steps: ScenarioStep[] = SCENARIO_STEPS): void {
  const tools = readTools();
  const work = path.join(E2E_DIR, ".work", `scenario-${binary}`);
  const logFile = path.join(work, "commands.log");
  describeE2e(
    `linked clones of ${path.relative(PROJECT_DIR, SOURCE_ENV)} on vcsim, deployed with \`cdktf\` and ${binary}`,
    tools,
    ["vcsim", "govc", "terraform", "provider", ...(binary === "tofu" ? (["tofu"] as const) : [])],
    () => {
      const timings = new Timings();
      const jestSteps = new Steps();
      let ctx: ScenarioContext;

      beforeAll(async () => {
        fs.rmSync(work, { recursive: true, force: true });
        fs.mkdirSync(work, { recursive: true });
        const sim = await timings.time("vcsim start", () => startSimulator(tools.vcsim!, tools.govc!, work));
        ctx = makeContext(tools, binary, sim, work, logFile, timings, jestSteps);
        log(
          `scenario with ${binary}: work folder ${shownPath(work)} (cdktf.json, env/, cdktf.out/, state/, commands.log)`,
        );
      }, 60_000);

      afterAll(async () => {
        await ctx?.sim.stop();
        const summary = timings.summary();
        fs.writeFileSync(path.join(work, "timings.txt"), `${summary}\n`);
        log(`scenario (${binary}) phase timings:\n${summary}\n(commands and their output: ${shownPath(logFile)})`);
      });

      for (const s of steps) {
        jestSteps.step(
          s.name,
          () => (s.critical ? jestSteps.critical(s.name.replace(/^\S+ /, ""), () => s.run(ctx)) : s.run(ctx)),
          s.timeoutMs,
        );
      }
    },
  );
}

function makeContext(
  tools: E2eTools,
  binary: Binary,
  sim: Simulator,
  work: string,
  logFile: string,
  timings: Timings,
  steps: Steps,
): ScenarioContext {
  const govc = new Govc(tools.govc!, sim.govcEnv, logFile);
  const project = new CdktfProject(tools, work, STACK, binary, logFile);
  const scratch = path.join(work, "expected");
  let planNo = 0;
  let overrideLogged = false;
  /** The environment last synthesized into the stack folder (cdktf deploy synthesizes the same). */
  let synthesized: string | undefined;
  /** The environment file the project reads, saying which step wrote it. */
  const writeEnv = (label: string, env: EnvFile): string =>
    writeEnvFile(
      project.envDir,
      STACK,
      env,
      `Written by the e2e test (${label}) from ${path.relative(PROJECT_DIR, SOURCE_ENV)}`,
    );
  const sourceFacts = new Map<string, VmFacts>();
  const original = readEnvFile(SOURCE_ENV);
  original.vsphere.server = sim.server;
  // Local state in the work folder, whatever backend the file names.
  if (original.backend && original.backend.type !== "local") original.backend = { type: "local" };

  const expectedCache = new Map<string, ExpectedStack>();
  const ctx: ScenarioContext = {
    tools,
    binary,
    sim,
    govc,
    project,
    timings,
    steps,
    work,
    env: original,
    edit(mutate) {
      const e = structuredClone(ctx.env);
      mutate(e);
      return e;
    },
    expected(env = ctx.env) {
      const key = JSON.stringify(env);
      let exp = expectedCache.get(key);
      if (!exp) {
        specOf(env, STACK); // the loader's message, when a step wrote an invalid file
        const dir = path.join(scratch, `env-${expectedCache.size}`);
        writeEnvFile(dir, STACK, env, "for the e2e test's expectations");
        exp = expectedStack(dir, STACK, path.join(scratch, `out-${expectedCache.size}`));
        expectedCache.set(key, exp);
      }
      return exp;
    },
    async synth(label, env) {
      const key = JSON.stringify(env);
      if (key === synthesized && fs.existsSync(path.join(project.stackDir, "cdk.tf.json"))) return;
      synthesized = undefined;
      writeEnv(label, env);
      await timings.time(`${label}: cdktf synth`, () => project.synth());
      const notes = writeSimulatorOverride(project.stackDir);
      if (!overrideLogged && notes.length)
        log(
          `${OVERRIDE_FILE} (next to cdk.tf.json) adapts the stack to vcsim:\n  ${notes.join("\n  ")}\n  why: ${Object.entries(
            SIMULATOR_ARTIFACTS,
          )
            .map(([k, v]) => `${k}: ${v}`)
            .join("; ")}`,
        );
      overrideLogged = true;
      synthesized = key;
    },
    async plan(label, opts = {}) {
      if (opts.simOverride === false) removeSimulatorOverride(project.stackDir);
      try {
        const file = `plan-${++planNo}-${label.replace(/[^a-z0-9]+/gi, "-")}.tfplan`;
        const { changed, text } = await timings.time(`${label}: ${binary} plan`, () => project.terraform.plan(file));
        const plan = await project.terraform.show(file);
        fs.writeFileSync(path.join(work, `${file}.txt`), `${text}\n\n${describeChanges(plan)}\n`);
        return { file, changed, plan, text };
      } finally {
        if (opts.simOverride === false) writeSimulatorOverride(project.stackDir);
      }
    },
    async planExactly(label, env, expected) {
      await ctx.synth(label, env);
      const p = await ctx.plan(label);
      log(`${label}: the plan makes ${JSON.stringify(actionsByAddress(p.plan))}`);
      expectOnly(p.plan, expected, label);
      return p;
    },
    async deploy(label, env) {
      synthesized = undefined;
      writeEnv(label, env);
      await steps.critical(`\`cdktf deploy\` (${label})`, () =>
        timings.time(`${label}: cdktf deploy`, () => project.deploy()),
      );
      ctx.env = env;
      synthesized = JSON.stringify(env);
      // What vCenter does by itself and vcsim does not (see drs.ts): drop destroyed VMs from DRS VM groups.
      // E2E_REPAIR_DRS_GROUPS=0 leaves them, to re-check that vcsim still needs this.
      if (process.env.E2E_REPAIR_DRS_GROUPS === "0") return;
      const groups = (await ctx.state())
        .filter((r) => r.type === "vsphere_compute_cluster_vm_group")
        .map((r) => ({
          name: String(r.values.name),
          clusterId: String(r.values.compute_cluster_id),
          vmIds: (r.values.virtual_machine_ids as string[] | null) ?? [],
        }));
      const notes = await repairStaleVmGroups(govc, groups);
      if (notes.length) log(`after ${label}: ${notes.join("\n  ")}`);
    },
    async expectNoDrift(label) {
      await ctx.synth(label, ctx.env);
      const p = await ctx.plan(label);
      if (p.changed) {
        fs.writeFileSync(path.join(work, `drift-${label}.txt`), `${describeChanges(p.plan)}\n\n${p.text}\n`);
        throw plainError(`${label}: ${binary} plan -detailed-exitcode shows changes:\n${describeChanges(p.plan)}`);
      }
    },
    async facts(vmPath) {
      if (!sourceFacts.has(vmPath)) {
        const f = await vmFacts(govc, vmPath);
        if (!f) return undefined;
        sourceFacts.set(vmPath, f);
      }
      return sourceFacts.get(vmPath);
    },
    state: () => project.terraform.stateResources(),
    checkClones: (env) => checkClones(ctx, ctx.expected(env)),
    checkDrs: (env) => checkDrs(ctx, ctx.expected(env)),
  };
  return ctx;
}

/** Which expected clones are missing or differ (govc, and the customization in the state); [] when all are right. */
async function checkClones(ctx: ScenarioContext, exp: ExpectedStack): Promise<string[]> {
  const problems: string[] = [];
  const state = new Map((await ctx.state()).map((r) => [r.address, r.values]));
  for (const g of exp.groups) {
    const s = g.spec;
    for (const m of g.members) {
      const clone = exp.clones.find((c) => c.group === g.name && c.name === m.name)!;
      const f = await vmFacts(ctx.govc, clone.path);
      if (!f) {
        const folder = path.posix.dirname(clone.path);
        problems.push(
          `${m.name}: not found at ${clone.path} (${folder} holds: ${(await ctx.govc.ls(folder)).join(", ") || "nothing"})`,
        );
        continue;
      }
      const src = (await ctx.facts(
        `/${exp.spec.datacenter}/vm/${exp.bases.find((b) => b.name === baseOfMember(g, m))!.vm}`,
      ))!;
      const want = {
        cpus: s.cpus ?? src.numCpus,
        memoryMb: s.memoryMb ?? src.memoryMb,
        networks: [s.network],
        diskModes: src.disks.map(() => (s.diskMode === "nonpersistent" ? "independent_nonpersistent" : "persistent")),
        powerState: "poweredOn",
      };
      const got = {
        cpus: f.numCpus,
        memoryMb: f.memoryMb,
        networks: f.networks,
        diskModes: f.disks.map((d) => d.diskMode),
        powerState: f.powerState,
      };
      for (const k of Object.keys(want) as (keyof typeof want)[])
        if (JSON.stringify(got[k]) !== JSON.stringify(want[k]))
          problems.push(`${m.name}: ${k} ${JSON.stringify(got[k])}, expected ${JSON.stringify(want[k])}`);
      const c = s.customization;
      if (c) {
        // What vcsim's guest reports after customization: host name, the NIC's address and DNS suffixes.
        const nic = f.guest.nics[0];
        const guest = {
          hostName: f.guest.hostName,
          ipAddresses: nic?.ipAddresses ?? [],
          searchDomains: nic?.searchDomains ?? [],
        };
        const wantGuest = {
          hostName: m.hostname,
          ipAddresses: m.ipv4 ? [m.ipv4] : (nic?.ipAddresses ?? []),
          searchDomains: c.domain ? [c.domain] : [],
        };
        if (JSON.stringify(guest) !== JSON.stringify(wantGuest))
          problems.push(`${m.name}: the guest reports ${JSON.stringify(guest)}, expected ${JSON.stringify(wantGuest)}`);
        // vcsim's guest shows no global DNS servers (it reads only per-NIC ones): the state must carry them.
        const cust = ((state.get(clone.address)?.clone as { customize?: unknown[] }[] | undefined)?.[0]
          ?.customize?.[0] ?? {}) as {
          dns_server_list?: string[];
          ipv4_gateway?: string;
          network_interface?: { ipv4_netmask?: number }[];
        };
        const inState = {
          dnsServers: cust.dns_server_list ?? [],
          gateway: cust.ipv4_gateway ?? "",
          netmask: cust.network_interface?.[0]?.ipv4_netmask ?? 0,
        };
        const staticIp = c.ipv4 !== "dhcp" ? c.ipv4 : undefined;
        const wantState = {
          dnsServers: c.dnsServers ?? [],
          gateway: staticIp?.gateway ?? "",
          netmask: staticIp?.prefixLength ?? 0,
        };
        if (JSON.stringify(inState) !== JSON.stringify(wantState))
          problems.push(
            `${m.name}: customization in the state is ${JSON.stringify(inState)}, expected ${JSON.stringify(wantState)}`,
          );
      }
    }
  }
  return problems;
}

/** Which DRS objects of confined groups are missing or differ; [] when all are right. */
async function checkDrs(ctx: ScenarioContext, exp: ExpectedStack): Promise<string[]> {
  const problems: string[] = [];
  const state = new Map((await ctx.state()).map((r) => [r.address, r.values]));
  for (const g of exp.groups.filter((x) => x.spec.hosts)) {
    const of = (type: string) => g.resources.find((r) => r.type === type)?.address;
    const addrs = {
      hostGroup: of("vsphere_compute_cluster_host_group"),
      vmGroup: of("vsphere_compute_cluster_vm_group"),
      rule: of("vsphere_compute_cluster_vm_host_rule"),
    };
    const missing = Object.entries(addrs).filter(([, a]) => !a || !state.has(a));
    if (missing.length) {
      problems.push(`${g.name}: no ${missing.map(([k, a]) => a ?? k).join(", ")} in the state`);
      continue;
    }
    const [hg, vg, rule] = [addrs.hostGroup!, addrs.vmGroup!, addrs.rule!].map((a) => state.get(a)!);
    const cfg = await drsConfig(ctx.govc, String(vg.compute_cluster_id));
    const hostGroup = cfg.groups.find((x) => x.name === hg.name);
    const vmGroup = cfg.groups.find((x) => x.name === vg.name);
    const r = cfg.rules.find((x) => x.name === rule.name);
    const wantHosts = [...g.spec.hosts!].sort();
    const wantVms = g.members.map((m) => m.name).sort();
    if (!hostGroup) problems.push(`${g.name}: no host group '${String(hg.name)}' in ${cfg.clusterPath}`);
    else if (JSON.stringify(namesOf(hostGroup.hosts)) !== JSON.stringify(wantHosts))
      problems.push(
        `${g.name}: host group holds ${JSON.stringify(namesOf(hostGroup.hosts))}, expected ${JSON.stringify(wantHosts)}`,
      );
    if (!vmGroup) problems.push(`${g.name}: no VM group '${String(vg.name)}' in ${cfg.clusterPath}`);
    else if (JSON.stringify(namesOf(vmGroup.vms)) !== JSON.stringify(wantVms))
      problems.push(
        `${g.name}: VM group holds ${JSON.stringify(namesOf(vmGroup.vms))}, expected ${JSON.stringify(wantVms)}`,
      );
    if (!r) problems.push(`${g.name}: no VM-host rule '${String(rule.name)}' in ${cfg.clusterPath}`);
    else if (!r.mandatory || r.enabled === false || r.vmGroupName !== vg.name || r.affineHostGroupName !== hg.name)
      problems.push(
        `${g.name}: rule ${r.name} is ${JSON.stringify(r)}; expected mandatory, enabled, VM group ${String(vg.name)} on host group ${String(hg.name)}`,
      );
  }
  return problems;
}
