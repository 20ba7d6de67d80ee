/**
 * Helpers of the e2e test: running commands with logs and timings, govc, terraform,
 * synthesizing an environment, and reading Terraform plans.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { blockedMaySkip, log, terraformEnv, type E2eTools } from "./tools";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures. @default [0] */
  okCodes?: number[];
  timeoutMs?: number;
  /** Appends the command and its output here. */
  logFile?: string;
}

export class CommandError extends Error {
  constructor(
    message: string,
    public readonly result: RunResult,
  ) {
    super(message);
  }
}

function tail(text: string, lines = 60): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["...", ...all.slice(-lines)] : all).join("\n");
}

/** Runs a command; rejects with its output's tail unless its exit code is ok. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const shown = [path.basename(cmd), ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? PROJECT_DIR,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 600_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = { code: code ?? (signal ? 128 : 1), stdout, stderr, seconds: (Date.now() - t0) / 1000 };
      if (opts.logFile) {
        fs.appendFileSync(
          opts.logFile,
          `\n$ (cd ${opts.cwd ?? PROJECT_DIR} && ${shown})  # exit ${result.code}, ${result.seconds.toFixed(1)} s\n${stdout}${stderr}`,
        );
      }
      if ((opts.okCodes ?? [0]).includes(result.code)) resolve(result);
      else
        reject(
          new CommandError(
            `'${shown}' exited ${result.code}${signal ? ` (${signal})` : ""}:\n${tail(stderr || stdout)}`,
            result,
          ),
        );
    });
  });
}

/** Phase timings of a run, printed as they happen and summarized at the end. */
export class Timings {
  readonly phases: { phase: string; seconds: number }[] = [];
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      const seconds = (Date.now() - t0) / 1000;
      this.phases.push({ phase, seconds });
      log(`phase ${phase}: ${seconds.toFixed(1)} s`);
    }
  }
  summary(): string {
    const width = Math.max(...this.phases.map((p) => p.phase.length), 5);
    const total = this.phases.reduce((s, p) => s + p.seconds, 0);
    return [
      ...this.phases.map((p) => `  ${p.phase.padEnd(width)} ${p.seconds.toFixed(1).padStart(6)} s`),
      `  ${"total".padEnd(width)} ${total.toFixed(1).padStart(6)} s`,
    ].join("\n");
  }
}

// ---------------------------------------------------------------------------------------------
// govc

export class Govc {
  constructor(
    private readonly bin: string,
    private readonly env: Record<string, string>,
    private readonly logFile?: string,
  ) {}

  async run(...args: string[]): Promise<string> {
    const r = await run(this.bin, args, {
      env: { ...process.env, ...this.env },
      logFile: this.logFile,
      timeoutMs: 60_000,
    });
    return r.stdout;
  }

  async json<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.run(...args)) as T;
  }

  /** Inventory paths directly under `dir` (empty when it does not exist). */
  async ls(dir: string): Promise<string[]> {
    const out = await this.run("ls", dir);
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  /** Snapshot names of a VM, depth-first. */
  async snapshotNames(vm: string): Promise<string[]> {
    const out = (await this.run("snapshot.tree", "-json", "-vm", vm)).trim();
    type Tree = { name: string; childSnapshotList?: Tree[] | null };
    const walk = (ts: Tree[]): string[] => ts.flatMap((t) => [t.name, ...walk(t.childSnapshotList ?? [])]);
    return out ? walk(JSON.parse(out) as Tree[]) : [];
  }
}

export interface VmFacts {
  name: string;
  /** Inventory path. */
  path: string;
  numCpus: number;
  memoryMb: number;
  /** Network (port group) name of each NIC. */
  networks: string[];
  powerState: string;
  /** Backing file of each disk, and its parent's when it has one (a linked clone on a real vCenter). */
  disks: { file: string; parent?: string }[];
}

interface VmInfoJson {
  virtualMachines:
    | { name: string; config: { hardware: { numCPU: number; memoryMB: number } }; runtime: { powerState: string } }[]
    | null;
}

interface DeviceInfoJson {
  devices: {
    name: string;
    backing?: {
      deviceName?: string;
      network?: unknown;
      port?: { portgroupKey?: string };
      fileName?: string;
      parent?: { fileName?: string };
    };
  }[];
}

/** CPU, memory, NICs' networks and disks of a VM by inventory path, or undefined when it is absent. */
export async function vmFacts(govc: Govc, vmPath: string): Promise<VmFacts | undefined> {
  const info = await govc.json<VmInfoJson>("vm.info", "-json", vmPath);
  const vm = info.virtualMachines?.[0];
  if (!vm) return undefined;
  const devices = async (pattern: string) => {
    try {
      return (await govc.json<DeviceInfoJson>("device.info", "-json", "-vm", vmPath, pattern)).devices ?? [];
    } catch {
      return []; // govc: device '<pattern>' not found
    }
  };
  const networks: string[] = [];
  for (const nic of await devices("ethernet-*")) {
    const key = nic.backing?.port?.portgroupKey;
    if (key)
      networks.push(path.posix.basename((await govc.run("ls", "-L", `DistributedVirtualPortgroup:${key}`)).trim()));
    else networks.push(nic.backing?.deviceName ?? "?");
  }
  const disks = (await devices("disk-*")).map((d) => ({
    file: d.backing?.fileName ?? "?",
    ...(d.backing?.parent?.fileName ? { parent: d.backing.parent.fileName } : {}),
  }));
  return {
    name: vm.name,
    path: vmPath,
    numCpus: vm.config.hardware.numCPU,
    memoryMb: vm.config.hardware.memoryMB,
    networks,
    powerState: vm.runtime.powerState,
    disks,
  };
}

/** A cluster's DRS groups and rules, with members resolved to inventory paths ("" for a reference to nothing). */
export interface DrsConfig {
  clusterPath: string;
  groups: { name: string; vms?: string[]; hosts?: string[] }[];
  rules: { name: string; enabled?: boolean; mandatory?: boolean; vmGroupName?: string; affineHostGroupName?: string }[];
}

type Ref = { type: string; value: string };

export async function drsConfig(govc: Govc, clusterId: string): Promise<DrsConfig> {
  const ref = `ClusterComputeResource:${clusterId}`;
  const clusterPath = (await govc.run("ls", "-L", ref)).trim();
  const cfg =
    (
      await govc.json<{
        configurationEx?: { group?: { name: string; vm?: Ref[]; host?: Ref[] }[]; rule?: DrsConfig["rules"] };
      }>("object.collect", "-o", "-json", ref, "configurationEx")
    ).configurationEx ?? {};
  const resolve = async (refs: Ref[]) =>
    Promise.all(refs.map(async (r) => (await govc.run("ls", "-L", `${r.type}:${r.value}`)).trim()));
  const groups: DrsConfig["groups"] = [];
  for (const g of cfg.group ?? []) {
    groups.push({
      name: g.name,
      ...(g.vm ? { vms: await resolve(g.vm) } : {}),
      ...(g.host ? { hosts: await resolve(g.host) } : {}),
    });
  }
  return { clusterPath, groups, rules: cfg.rule ?? [] };
}

// ---------------------------------------------------------------------------------------------
// terraform

export interface PlanChange {
  address: string;
  type: string;
  mode: string;
  actions: string[];
  before: unknown;
  after: unknown;
  replacePaths?: unknown[];
  actionReason?: string;
}

export interface PlanJson {
  resource_changes?: {
    address: string;
    type: string;
    mode: string;
    change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown; replace_paths?: unknown[] };
    action_reason?: string;
  }[];
  output_changes?: Record<string, { actions: string[] }>;
  resource_drift?: { address: string; change: { actions: string[]; before: unknown; after: unknown } }[];
}

/**
 * Parallelism of terraform apply and destroy. 1 by default: on vcsim v0.46.3, clones
 * created in parallel sometimes never finish (the provider waits on a task update that
 * never comes, until its 5-minute timeout); one at a time they never hung here.
 */
export const TF_PARALLELISM = process.env.E2E_TF_PARALLELISM ?? "1";

export class Terraform {
  constructor(
    private readonly tools: E2eTools,
    readonly dir: string,
    private readonly vars: Record<string, string>,
    private readonly logFile?: string,
  ) {}

  run(args: string[], okCodes = [0], timeoutMs = 300_000): Promise<RunResult> {
    return run(this.tools.terraform!, args, {
      cwd: this.dir,
      env: terraformEnv(this.tools, this.vars),
      okCodes,
      timeoutMs,
      logFile: this.logFile,
    });
  }

  init(): Promise<RunResult> {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** Plans into `file`; returns whether there are changes (plan -detailed-exitcode). */
  async plan(file: string, extra: string[] = []): Promise<{ changed: boolean; text: string }> {
    const r = await this.run(
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", `-out=${file}`, ...extra],
      [0, 2],
    );
    return { changed: r.code === 2, text: r.stdout };
  }

  async show(file: string): Promise<PlanJson> {
    const r = await this.run(["show", "-json", "-no-color", file]);
    return JSON.parse(r.stdout) as PlanJson;
  }

  apply(file: string): Promise<RunResult> {
    return this.run(["apply", "-input=false", "-no-color", "-auto-approve", `-parallelism=${TF_PARALLELISM}`, file]);
  }

  /** The resources in the state: address, type and attribute values. */
  async stateResources(): Promise<{ address: string; type: string; values: Record<string, unknown> }[]> {
    const r = await this.run(["show", "-json", "-no-color"]);
    const state = JSON.parse(r.stdout) as {
      values?: { root_module?: { resources?: { address: string; type: string; values: Record<string, unknown> }[] } };
    };
    return state.values?.root_module?.resources ?? [];
  }

  destroy(): Promise<RunResult> {
    return this.run(["destroy", "-input=false", "-no-color", "-auto-approve", `-parallelism=${TF_PARALLELISM}`]);
  }
}

/** Resource changes other than no-op (and data-source reads, listed separately). */
export function changesOf(plan: PlanJson): { changes: PlanChange[]; reads: string[] } {
  const changes: PlanChange[] = [];
  const reads: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && actions[0] === "no-op") continue;
    if (rc.mode === "data" && actions.length === 1 && actions[0] === "read") {
      reads.push(rc.address);
      continue;
    }
    changes.push({
      address: rc.address,
      type: rc.type,
      mode: rc.mode,
      actions,
      before: rc.change.before,
      after: rc.change.after,
      ...(rc.change.replace_paths ? { replacePaths: rc.change.replace_paths } : {}),
      ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    });
  }
  return { changes, reads };
}

/** Short action name: create, delete, update, replace, read. */
export function actionOf(actions: string[]): string {
  if (actions.includes("create") && actions.includes("delete")) return "replace";
  return actions.join("+");
}

/** Leaf paths where two JSON values differ, as `a.b[0].c: before -> after`. */
export function jsonDiff(before: unknown, after: unknown, at = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      out.push(...jsonDiff(before[i], after[i], `${at}[${i}]`));
    return out;
  }
  if (isObj(before) && isObj(after)) {
    const out: string[] = [];
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort())
      out.push(...jsonDiff(before[k], after[k], at ? `${at}.${k}` : k));
    return out;
  }
  const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));
  return [`${at || "(root)"}: ${show(before)} -> ${show(after)}`];
}

/** A readable account of a plan's changes: each resource, its action and the attributes that change. */
export function describeChanges(plan: PlanJson): string {
  const { changes, reads } = changesOf(plan);
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(`${c.address}: ${actionOf(c.actions)}${c.actionReason ? ` (${c.actionReason})` : ""}`);
    if (c.replacePaths?.length) lines.push(`    replace_paths: ${JSON.stringify(c.replacePaths)}`);
    if (c.actions.includes("update") || (c.actions.includes("create") && c.actions.includes("delete"))) {
      for (const d of jsonDiff(c.before, c.after)) lines.push(`    ${d}`);
    }
  }
  for (const r of reads) lines.push(`${r}: read (data source read during apply)`);
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    if (!(oc.actions.length === 1 && oc.actions[0] === "no-op")) lines.push(`output.${name}: ${actionOf(oc.actions)}`);
  }
  for (const d of plan.resource_drift ?? []) {
    // Leave out what is only the provider filling in empty values (null -> {} or []).
    const diffs = jsonDiff(d.change.before, d.change.after).filter(
      (x) => !/: (null|\(absent\)) -> (\{\}|\[\])$/.test(x),
    );
    if (!diffs.length) continue;
    lines.push(`changed outside Terraform (refresh): ${d.address}: ${actionOf(d.change.actions)}`);
    for (const x of diffs) lines.push(`    ${x}`);
  }
  return lines.join("\n") || "(no changes)";
}

// ---------------------------------------------------------------------------------------------
// what vcsim does differently from vCenter

/**
 * Attributes of vsphere_virtual_machine that vcsim cannot round-trip. The e2e tells
 * Terraform to ignore them through an override file next to cdk.tf.json (the synthesized
 * JSON itself is left as it is), and reports them apart from real drift.
 */
export const SIMULATOR_ARTIFACTS: Record<string, string> = {
  swap_placement_policy:
    'vcsim v0.46.3 neither reports nor stores config.swapPlacement, so the provider reads "" where it set its default ' +
    '"inherit"; the in-place update that would fix it then fails on vcsim with *types.AlreadyUpgradedFault',
};

/**
 * Why the override drops `host_system_id` (the initial host of a clone confined to hosts):
 * with it the provider checks the host against the pool's owner, looked up as
 * ComputeResource:<cluster id>; vCenter resolves that for a cluster, vcsim answers
 * ManagedObjectNotFound ("The object has already been deleted or has not been completely created").
 * The DRS host group, VM group and VM-host rule stay and are checked.
 */
export const HOST_SYSTEM_ID_LIMIT =
  "vcsim cannot resolve a cluster referenced as ComputeResource, which the provider does to validate host_system_id " +
  "(ServerFaultCode: The object has already been deleted or has not been completely created)";

/**
 * vCenter drops a destroyed VM from the cluster's DRS VM groups; vcsim keeps the stale
 * reference, and the provider's next read of the group then fails with
 * "ServerFaultCode: The object has already been deleted or has not been completely created".
 * And vcsim derives a VM's uuid from its name, so a replaced clone keeps its uuid: the VM
 * group's planned update (new ids) turns out empty at apply time, and the provider skips it.
 */
export const STALE_VM_GROUP_LIMIT =
  "vcsim keeps destroyed VMs in DRS VM groups (vCenter removes them) and gives a re-created VM its old uuid, so the provider's group update is a no-op";

/** Inventory path of the VM with this uuid, or "". */
async function vmPathByUuid(govc: Govc, uuid: string): Promise<string> {
  const info = await govc.json<{ virtualMachines: { self: Ref }[] | null }>("vm.info", "-json", "-vm.uuid", uuid);
  const self = info.virtualMachines?.[0]?.self;
  return self ? (await govc.run("ls", "-L", `${self.type}:${self.value}`)).trim() : "";
}

/**
 * Does for vcsim what vCenter and the provider would have done: a DRS VM group that
 * holds a destroyed VM gets the members Terraform's state says it has. Groups without
 * stale members are left alone, so their contents stay the provider's doing.
 * Returns what it changed.
 */
export async function repairStaleVmGroups(
  govc: Govc,
  groups: { name: string; clusterId: string; vmIds: string[] }[],
  datacenter: string,
): Promise<string[]> {
  const notes: string[] = [];
  const vmRoot = `/${datacenter}/vm/`;
  for (const g of groups) {
    const drs = await drsConfig(govc, g.clusterId);
    const now = drs.groups.find((x) => x.name === g.name);
    if (!now?.vms?.includes("")) continue;
    const paths = await Promise.all(g.vmIds.map((id) => vmPathByUuid(govc, id)));
    const members = paths.filter((p) => p !== "").map((p) => (p.startsWith(vmRoot) ? p.slice(vmRoot.length) : p));
    await govc.run("cluster.group.change", "-cluster", drs.clusterPath, "-name", g.name, ...members);
    notes.push(
      `${drs.clusterPath} VM group ${g.name}: held ${now.vms.filter((p) => p === "").length} destroyed VM(s); set to ${JSON.stringify(
        members,
      )} from the state (${STALE_VM_GROUP_LIMIT})`,
    );
  }
  return notes;
}

export const OVERRIDE_FILE = "e2e_vcsim_override.tf.json";

/**
 * Writes the Terraform override file that makes the stack deployable on vcsim: every
 * vsphere_virtual_machine ignores SIMULATOR_ARTIFACTS and has no host_system_id.
 * Returns one note per change it makes, for the log.
 */
export function writeSimulatorOverride(stackDir: string): string[] {
  type Lifecycle = { ignore_changes?: string[] | string };
  const cfg = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource?: { vsphere_virtual_machine?: Record<string, { lifecycle?: Lifecycle; host_system_id?: unknown }> };
  };
  const vms: Record<string, { lifecycle?: Lifecycle; host_system_id?: null }> = {};
  const notes: string[] = [];
  for (const [name, r] of Object.entries(cfg.resource?.vsphere_virtual_machine ?? {})) {
    const own = r.lifecycle?.ignore_changes;
    vms[name] = {};
    if (own !== "all") {
      vms[name].lifecycle = { ignore_changes: [...new Set([...(own ?? []), ...Object.keys(SIMULATOR_ARTIFACTS)])] };
      notes.push(`vsphere_virtual_machine.${name}: ignore_changes += ${Object.keys(SIMULATOR_ARTIFACTS).join(", ")}`);
    }
    if (r.host_system_id !== undefined) {
      vms[name].host_system_id = null;
      notes.push(`vsphere_virtual_machine.${name}: host_system_id = null (${HOST_SYSTEM_ID_LIMIT})`);
    }
  }
  fs.writeFileSync(
    path.join(stackDir, OVERRIDE_FILE),
    JSON.stringify({ resource: { vsphere_virtual_machine: vms } }, null, 2) + "\n",
  );
  return notes;
}

/**
 * Splits a plan's changes into simulator artifacts and the rest. Artifacts are updates
 * of SIMULATOR_ARTIFACTS, and of host_system_id, which the override drops (so the VM
 * starts on a host of vcsim's choice).
 */
export function classifyDrift(plan: PlanJson): { artifacts: string[]; real: PlanJson } {
  const artifacts: string[] = [];
  const rest: NonNullable<PlanJson["resource_changes"]> = [];
  for (const rc of plan.resource_changes ?? []) {
    const diffs = rc.change.actions.join() === "update" ? jsonDiff(rc.change.before, rc.change.after) : [];
    const attrs = diffs.map((d) => d.split(/[.[:]/)[0]);
    if (
      rc.type === "vsphere_virtual_machine" &&
      diffs.length &&
      attrs.every((a) => a in SIMULATOR_ARTIFACTS || a === "host_system_id")
    ) {
      artifacts.push(...diffs.map((d) => `${rc.address}: ${d}`));
    } else rest.push(rc);
  }
  return { artifacts, real: { ...plan, resource_changes: rest } };
}

// ---------------------------------------------------------------------------------------------
// environment files and synth

export interface GroupSpec {
  name: string;
  base: string;
  count?: number;
  namePattern?: string;
  members?: (string | { name: string })[];
  folder?: string;
  network: string;
  cpus?: number;
  memoryMb?: number;
  /** Hosts the clones are confined to by a DRS VM-host rule. */
  hosts?: string[];
  cluster?: string;
  resourcePool?: string;
}

export interface EnvSpec {
  vsphere: { server: string; allowUnverifiedSsl?: boolean; version?: string };
  datacenter: string;
  bases: Record<string, { vm: string; snapshot?: string; manageSnapshot?: boolean; template?: boolean }>;
  groups: GroupSpec[];
  backend?: { type: string };
  [k: string]: unknown;
}

export function readEnv(file: string): EnvSpec {
  return YAML.parse(fs.readFileSync(file, "utf8")) as EnvSpec;
}

/** Writes `<dir>/<name>.yaml`; the folder holds only this environment. */
export function writeEnv(dir: string, name: string, env: EnvSpec): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, `# Written by the e2e test from environments/${name}.yaml\n${YAML.stringify(env)}`);
  return file;
}

/** VM names of a group, expanded independently of the project's code: {n}, {nn}, {nnn}. */
export function expectedNames(g: GroupSpec): string[] {
  if (g.members) return g.members.map((m) => (typeof m === "string" ? m : m.name));
  const pattern = g.namePattern ?? `${g.name}-{nn}`;
  return Array.from({ length: g.count ?? 0 }, (_, i) =>
    pattern.replace(/\{(n+)\}/g, (_m, ns: string) => String(i + 1).padStart(ns.length, "0")),
  );
}

/** Addresses of the DRS objects that confine a group with `hosts` to them. */
export function drsAddresses(g: GroupSpec): { hostGroup: string; vmGroup: string; rule: string } | undefined {
  if (!g.hosts) return undefined;
  const r = resourceNameOf(g.name);
  return {
    hostGroup: `vsphere_compute_cluster_host_group.${r}`,
    vmGroup: `vsphere_compute_cluster_vm_group.${r}`,
    rule: `vsphere_compute_cluster_vm_host_rule.${r}`,
  };
}

/** The Terraform resource name of a group (group names are lower-case letters, digits and '-'). */
export function resourceNameOf(group: string): string {
  const clean = group.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(clean) ? clean : `g_${clean}`;
}

/**
 * Synthesizes the environments in `envDir` into `outDir` with the project's cdktf app
 * (`tsx main.ts`, or E2E_SYNTH_ENTRY); returns the stack folder of `stack`.
 */
export async function synth(envDir: string, outDir: string, stack: string, logFile?: string): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  const entry = process.env.E2E_SYNTH_ENTRY ?? "main.ts";
  const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
  await run(tsx, [entry], {
    cwd: PROJECT_DIR,
    env: { ...process.env, LINKED_CLONES_ENV_DIR: envDir, CDKTF_OUTDIR: outDir },
    logFile,
    timeoutMs: 180_000,
  });
  const dir = path.join(outDir, "stacks", stack);
  if (!fs.existsSync(path.join(dir, "cdk.tf.json")))
    throw new Error(`synth wrote no ${path.relative(PROJECT_DIR, dir)}/cdk.tf.json`);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// blocked runs

/**
 * describe() when every tool in `needs` is there. Otherwise, when E2E_ALLOW_BLOCKED=1,
 * the suite's tests are registered as skipped with the reason in their names and
 * printed; else one test fails with the reason. Never skips silently.
 */
export function describeE2e(name: string, tools: E2eTools, needs: (keyof E2eTools)[], body: () => void): void {
  const missing = needs.filter((k) => !tools[k]);
  if (!missing.length) {
    describe(name, body);
    return;
  }
  const reason = tools.blocked ?? `E2E BLOCKED: missing ${missing.join(", ")}`;
  // "E2E BLOCKED: the Terraform vSphere provider cannot be obtained here"
  const headline = reason.split("\n")[0].split(": ").slice(0, 2).join(": ");
  if (blockedMaySkip()) {
    log(`SKIPPING '${name}' (E2E_ALLOW_BLOCKED=1):\n${reason}`);
    describe(`${name} — SKIPPED`, () => {
      test.todo(`${headline} (skipped because E2E_ALLOW_BLOCKED=1; the reason is printed above)`);
      describe.skip(headline, body);
    });
  } else {
    describe(name, () => {
      test(`deploy — ${headline}`, () => {
        const e = new Error(`${reason}\n\nSet E2E_ALLOW_BLOCKED=1 to report this as skipped instead of failed.`);
        e.stack = e.message;
        throw e;
      });
    });
  }
}

/**
 * Steps of a scenario, in order. A step fails alone, unless what failed was wrapped in
 * `critical` (deploy, apply): then the later steps fail at once, naming it.
 */
export class Steps {
  private fatal?: string;
  private current = "";
  step(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
    test(
      name,
      async () => {
        if (this.fatal) {
          const e = new Error(`not run: ${this.fatal}`);
          e.stack = e.message;
          throw e;
        }
        this.current = name;
        await fn();
      },
      timeoutMs,
    );
  }
  /** Runs `fn`; when it fails, the steps after this one are not run. */
  async critical<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.fatal = `${what} failed in step '${this.current}'`;
      throw e;
    }
  }
}
