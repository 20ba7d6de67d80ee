/**
 * A lab for e2e suites of their own (lifecycle.e2e.test.ts, pg-locking.e2e.test.ts): one
 * simulator, govc, and one or more cdktf work projects (`e2e/.work/<lab>/<project>/`) that
 * deploy an environment file through the cdktf CLI a user runs (`npx cdktf synth|deploy|destroy`),
 * with exact plans (`plan -out` + `show -json` in the stack folder) and their summaries.
 * The scenario (scenario.ts) has its own context; this is the smaller kit for suites that
 * bring their own environment file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CdktfProject, type CliCallOptions } from "./cdktf-project";
import { repairStaleVmGroups } from "./drs";
import { expectedStack, readEnvFile, specOf, writeEnvFile, type EnvFile, type ExpectedStack } from "./environment";
import { Govc, type Ref } from "./govc";
import { actionOf, changesOf, describeChanges, expectOnly, type PlanJson } from "./plans";
import { PROJECT_DIR, shownPath, stripAnsi, Timings, type RunResult } from "./run";
import { OVERRIDE_FILE, SIMULATOR_ARTIFACTS, writeSimulatorOverride } from "./simulator-drift";
import type { Binary } from "./terraform";
import { E2E_DIR, log, type E2eTools } from "./tools";
import { startSimulator, type Simulator } from "./vcsim";

export interface LabPlan {
  /** The plan file, relative to the stack folder. */
  file: string;
  /** Whether `plan -detailed-exitcode` found changes (resources or outputs). */
  changed: boolean;
  plan: PlanJson;
  /** The plan as Terraform printed it (-no-color). */
  text: string;
  /** Terraform's summary line and every resource change with its action: see planSummary. */
  summary: string;
}

/**
 * A plan in a few lines: Terraform's own "Plan: ..." (or "No changes.") line, the counts from
 * the saved plan, and each changed resource with its action and Terraform's reason.
 */
export function planSummary(plan: PlanJson, text: string): string {
  const tfLine = /^Plan: .*$/m.exec(text)?.[0] ?? (/No changes\./.test(text) ? "No changes." : "(no summary line)");
  const { changes, reads } = changesOf(plan);
  const n = (a: string) => changes.filter((c) => c.actions.includes(a)).length;
  const counts = `${n("create")} to add, ${n("update")} to change, ${n("delete")} to destroy (${
    changes.filter((c) => actionOf(c.actions) === "replace").length
  } replaced)`;
  const lines = changes.map(
    (c) => `  ${actionOf(c.actions).padEnd(7)} ${c.address}${c.actionReason ? `  (${c.actionReason})` : ""}`,
  );
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, oc]) => !(oc.actions.length === 1 && oc.actions[0] === "no-op"))
    .map(([name, oc]) => `  ${actionOf(oc.actions).padEnd(7)} output.${name}`);
  return [
    `${tfLine} [saved plan: ${counts}]`,
    ...lines,
    ...outputs,
    ...reads.map((r) => `  read    ${r} (during apply)`),
  ].join("\n");
}

/** What govc shows of a clone: its identity (managed object id, creation time) and the marks of its source. */
export interface VmMark {
  path: string;
  /** Managed object id, e.g. vm-84: a re-created VM gets a new one (vcsim keeps uuids derived from the name). */
  moid: string;
  /** config.createDate */
  created: string;
  uuid: string;
  annotation: string;
  cpus: number;
  memoryMb: number;
  /** Addresses of the first NIC as the guest reports them (vcsim fills them from the customization). */
  ipAddresses: string[];
  hostName: string;
}

/** The VmMark of a VM by inventory path, or undefined when nothing is there. */
export async function vmMark(govc: Govc, vmPath: string): Promise<VmMark | undefined> {
  const found = (await govc.run("find", path.posix.dirname(vmPath), "-type", "m", "-name", path.posix.basename(vmPath)))
    .split("\n")
    .filter((l) => l.trim() !== "");
  if (!found.includes(vmPath)) return undefined;
  const o = await govc.json<{
    self: Ref;
    config: {
      createDate?: string;
      annotation?: string;
      uuid: string;
      hardware: { numCPU: number; memoryMB: number };
    };
    guest?: { hostName?: string; net?: { ipAddress?: string[] | null }[] | null };
  }>("object.collect", "-o", "-json", vmPath, "config", "guest");
  return {
    path: vmPath,
    moid: o.self.value,
    created: o.config.createDate ?? "",
    uuid: o.config.uuid,
    annotation: o.config.annotation ?? "",
    cpus: o.config.hardware.numCPU,
    memoryMb: o.config.hardware.memoryMB,
    ipAddresses: o.guest?.net?.[0]?.ipAddress ?? [],
    hostName: o.guest?.hostName ?? "",
  };
}

/** The lab: a simulator, govc, the suite's work folder, its command log and phase timings. */
export class Lab {
  readonly govc: Govc;
  readonly logFile: string;

  private constructor(
    readonly tools: E2eTools,
    readonly work: string,
    readonly sim: Simulator,
    readonly timings: Timings,
  ) {
    this.logFile = path.join(work, "commands.log");
    this.govc = new Govc(tools.govc!, sim.govcEnv, this.logFile);
  }

  /**
   * Wipes and makes `e2e/.work/<name>/`, starts a simulator there. `vcsimArgs` are added to
   * vcsim's command line through a wrapper script (e.g. `-method-delay CloneVM_Task:3000`).
   */
  static async start(tools: E2eTools, name: string, opts: { vcsimArgs?: string[] } = {}): Promise<Lab> {
    const work = path.join(E2E_DIR, ".work", name);
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const timings = new Timings();
    let vcsim = tools.vcsim!;
    if (opts.vcsimArgs?.length) {
      // The name holds "vcsim", so a crashed run's simulator is still found and reaped (vcsim.ts).
      const wrapper = path.join(work, "vcsim-with-args.sh");
      fs.writeFileSync(
        wrapper,
        `#!/bin/sh\nexec ${JSON.stringify(vcsim)} ${opts.vcsimArgs.map((a) => JSON.stringify(a)).join(" ")} "$@"\n`,
      );
      fs.chmodSync(wrapper, 0o755);
      vcsim = wrapper;
      log(`${name}: vcsim runs with ${opts.vcsimArgs.join(" ")}`);
    }
    const sim = await timings.time("vcsim start", () => startSimulator(vcsim, tools.govc!, work));
    log(`${name}: work folder ${shownPath(work)} (commands.log, timings.txt, plan texts, the projects)`);
    return new Lab(tools, work, sim, timings);
  }

  /**
   * A cdktf work project in `<work>/<dir>` (the work folder itself when `dir` is ""), deploying
   * `sourceEnv` (an environment file, pointed at this simulator). `env` goes to every cdktf and
   * terraform command of the project, never into a file.
   */
  project(
    dir: string,
    sourceEnv: string,
    opts: { binary?: Binary; env?: Record<string, string>; label?: string } = {},
  ): LabProject {
    return new LabProject(this, path.join(this.work, dir), sourceEnv, opts.binary ?? "terraform", opts.env ?? {}, {
      label: opts.label ?? (dir || path.basename(this.work)),
    });
  }

  /** Stops the simulator and writes the timings. */
  async stop(): Promise<void> {
    await this.sim.stop();
    const summary = this.timings.summary();
    fs.writeFileSync(path.join(this.work, "timings.txt"), `${summary}\n`);
    log(
      `${path.basename(this.work)} phase timings:\n${summary}\n(commands and their output: ${shownPath(this.logFile)})`,
    );
  }
}

/** One cdktf work project of a lab: its environment file, exact plans and deploys. */
export class LabProject {
  readonly cdktf: CdktfProject;
  readonly stack: string;
  /** The environment as last deployed (at first: the source file's, pointed at the simulator). */
  env: EnvFile;
  private readonly label: string;
  private readonly expectedCache = new Map<string, ExpectedStack>();
  private overrideLogged = false;
  /** The environment last synthesized into the stack folder, with the simulator override next to it. */
  private synthesized?: string;

  constructor(
    readonly lab: Lab,
    readonly dir: string,
    readonly sourceEnv: string,
    readonly binary: Binary,
    extraEnv: Record<string, string>,
    opts: { label: string },
  ) {
    this.stack = path.basename(sourceEnv, ".yaml");
    this.label = opts.label;
    this.cdktf = new CdktfProject(lab.tools, dir, this.stack, binary, lab.logFile, extraEnv);
    this.env = readEnvFile(sourceEnv);
    this.env.vsphere.server = lab.sim.server;
  }

  /** A copy of the deployed environment with `mutate` applied; nothing is written. */
  edit(mutate: (e: EnvFile) => void): EnvFile {
    const e = structuredClone(this.env);
    mutate(e);
    return e;
  }

  /** What the project's code builds from `env` (groups, members, addresses), in this process. */
  expected(env: EnvFile = this.env): ExpectedStack {
    const key = JSON.stringify(env);
    let exp = this.expectedCache.get(key);
    if (!exp) {
      specOf(env, this.stack); // the loader's message, when a step wrote an invalid file
      const n = this.expectedCache.size;
      const scratch = path.join(this.dir, "expected");
      writeEnvFile(path.join(scratch, `env-${n}`), this.stack, env, "for the e2e test's expectations");
      exp = expectedStack(path.join(scratch, `env-${n}`), this.stack, path.join(scratch, `out-${n}`));
      this.expectedCache.set(key, exp);
    }
    return exp;
  }

  /** Writes `env` as the project's environment file (`env/<stack>.yaml`), as a user edits it. */
  write(label: string, env: EnvFile): void {
    writeEnvFile(
      this.cdktf.envDir,
      this.stack,
      env,
      `Written by the e2e test (${label}) from ${path.relative(PROJECT_DIR, this.sourceEnv)}`,
    );
  }

  /** Writes `env`, runs `npx cdktf synth`, puts the simulator override next to cdk.tf.json. */
  async synth(label: string, env: EnvFile): Promise<void> {
    this.synthesized = undefined;
    this.write(label, env);
    await this.lab.timings.time(`${this.label} ${label}: cdktf synth`, () => this.cdktf.synth());
    const notes = writeSimulatorOverride(this.cdktf.stackDir);
    if (!this.overrideLogged && notes.length) {
      log(
        `${OVERRIDE_FILE} adapts the stack to vcsim:\n  ${notes.join("\n  ")}\n  why: ${Object.entries(
          SIMULATOR_ARTIFACTS,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join("; ")}`,
      );
      this.overrideLogged = true;
    }
    this.synthesized = JSON.stringify(env);
  }

  /** `plan -out` + `show -json` in the stack folder (after synth); the text and summary are kept in the work folder. */
  async plan(label: string): Promise<LabPlan> {
    const slug = `${this.label}-${label}`.replace(/[^a-z0-9]+/gi, "-");
    const file = `plan-${slug}.tfplan`;
    // Before the first `cdktf deploy` nothing has run `terraform init` in the stack folder.
    if (!fs.existsSync(path.join(this.cdktf.stackDir, ".terraform", "terraform.tfstate")))
      await this.lab.timings.time(`${this.label} ${label}: ${this.binary} init`, () => this.cdktf.terraform.init());
    const { changed, text } = await this.lab.timings.time(`${this.label} ${label}: ${this.binary} plan`, () =>
      this.cdktf.terraform.plan(file),
    );
    const plan = await this.cdktf.terraform.show(file);
    const summary = planSummary(plan, text);
    fs.writeFileSync(path.join(this.lab.work, `${file}.txt`), `${summary}\n\n${text}\n\n${describeChanges(plan)}\n`);
    return { file, changed, plan, text, summary };
  }

  /**
   * synth + plan; logs the plan's summary (and appends it to plan-summaries.txt), then fails
   * unless the plan makes exactly `expected` (address -> action).
   */
  async planExactly(label: string, env: EnvFile, expected: Record<string, string>): Promise<LabPlan> {
    await this.synth(label, env);
    const p = await this.plan(label);
    this.record(label, p);
    expectOnly(p.plan, expected, label);
    return p;
  }

  /** Logs a plan's summary and appends it to `plan-summaries.txt` in the work folder. */
  record(label: string, p: LabPlan): void {
    log(`PLAN SUMMARY ${this.label} ${label}:\n${p.summary}`);
    fs.appendFileSync(path.join(this.lab.work, "plan-summaries.txt"), `## ${this.label} ${label}\n${p.summary}\n\n`);
  }

  /**
   * `npx cdktf deploy <stack> --auto-approve` of `env` (written first); on success `this.env`
   * is `env`. When `env` is not what was last synthesized, `cdktf synth` runs first, so the
   * simulator override is next to cdk.tf.json for the deploy (cdktf's own synth leaves it there).
   * After a deploy, a DRS VM group that holds a destroyed VM is repaired (drs.ts).
   */
  async deploy(label: string, env: EnvFile, opts: CliCallOptions = {}): Promise<RunResult> {
    if (this.synthesized !== JSON.stringify(env)) await this.synth(label, env);
    this.write(label, env);
    const r = await this.lab.timings.time(`${this.label} ${label}: cdktf deploy`, () => this.cdktf.deploy(opts));
    if (r.code !== 0) return r;
    this.env = env;
    if (process.env.E2E_REPAIR_DRS_GROUPS !== "0") {
      const groups = (await this.state())
        .filter((x) => x.type === "vsphere_compute_cluster_vm_group")
        .map((x) => ({
          name: String(x.values.name),
          clusterId: String(x.values.compute_cluster_id),
          vmIds: (x.values.virtual_machine_ids as string[] | null) ?? [],
        }));
      const notes = await repairStaleVmGroups(this.lab.govc, groups);
      if (notes.length) log(`after ${label}: ${notes.join("\n  ")}`);
    }
    return r;
  }

  /** `npx cdktf destroy <stack> --auto-approve` of the deployed environment. */
  async destroy(label = "destroy", opts: CliCallOptions = {}): Promise<RunResult> {
    this.write(label, this.env);
    return this.lab.timings.time(`${this.label} ${label}: cdktf destroy`, () => this.cdktf.destroy(opts));
  }

  /** Synthesizes the deployed environment and fails, naming every change, unless a fresh plan is clean. */
  async expectNoDrift(label: string): Promise<LabPlan> {
    if (this.synthesized !== JSON.stringify(this.env)) await this.synth(label, this.env);
    const p = await this.plan(label);
    if (p.changed || changesOf(p.plan).changes.length)
      throw new Error(`${label}: ${this.binary} plan -detailed-exitcode shows changes:\n${describeChanges(p.plan)}`);
    return p;
  }

  /** Resources in the state (`show -json`). */
  state(): Promise<{ address: string; type: string; values: Record<string, unknown> }[]> {
    return this.cdktf.terraform.stateResources();
  }

  /** cdktf's output without escape sequences. */
  static output(r: RunResult): string {
    return stripAnsi(r.stdout + r.stderr);
  }
}
