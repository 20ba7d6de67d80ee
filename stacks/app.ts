import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import {
  ConfigError,
  displayPath,
  environmentFiles,
  formatProblem,
  hasErrors,
  intendedStackNames,
  LinkedCloneChecks,
  loadEnvironment,
  printFinding,
  renderReport,
  REPORT_FILE,
  sharedFactsProblems,
  sharedStateProblems,
  sortProblems,
  summarize,
  writeFindings,
  type Finding,
  type LoadedEnvironment,
  type Problem,
} from "../lib";
import { EnvironmentStack } from "./environment-stack";

export const DEFAULT_ENV_DIR = "environments";

/** The folder of environment files: LINKED_CLONES_ENV_DIR, else environments/. */
export function environmentDir(): string {
  return process.env.LINKED_CLONES_ENV_DIR || DEFAULT_ENV_DIR;
}

/** Loads every environment of a folder; throws one ConfigError with every problem of every file. */
export function loadEnvironments(dir: string): LoadedEnvironment[] {
  const { files, problems } = environmentFiles(dir);
  const all: Problem[] = [...problems];
  const envs: LoadedEnvironment[] = [];
  for (const file of files) {
    try {
      envs.push(loadEnvironment(file));
    } catch (e) {
      if (e instanceof ConfigError) all.push(...e.problems);
      else throw e;
    }
  }
  // Across files: two environments must not share one Terraform state, nor contradict each other
  // about the clusters, datastores or version of one vCenter.
  all.push(...sharedStateProblems(envs), ...sharedFactsProblems(envs));
  if (all.length) throw new ConfigError(sortProblems(all));
  return envs;
}

/** The folder cdktf writes to: the given one, else CDKTF_OUTDIR (set by the cdktf CLI), else cdktf.out. */
export function outputDir(outdir?: string): string {
  return outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out";
}

/** Stack folders under `outdir/stacks` that hold a cdk.tf.json. */
function synthesizedStacks(outdir: string): string[] {
  const stacks = path.join(outdir, "stacks");
  if (!fs.existsSync(stacks)) return [];
  return fs
    .readdirSync(stacks)
    .filter((name) => fs.existsSync(path.join(stacks, name, "cdk.tf.json")))
    .sort();
}

/**
 * After a failed synth no earlier output may stay deployable: the cdk.tf.json of every
 * environment of the folder is removed (Terraform's working files and the state stay).
 */
function removeStaleOutputs(outdir: string, names: readonly string[], err: Out): void {
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(outdir, "stacks", name, "cdk.tf.json");
    if (fs.existsSync(file)) {
      fs.rmSync(file);
      removed.push(displayPath(file));
    }
  }
  if (removed.length) {
    err(
      `Removed the earlier output that no longer matches the environment files, so it cannot be deployed by mistake: ${removed.join(", ")}`,
    );
  }
}

/** Where a finding points in its environment file, from the construct path of its group or base and its field. */
export function locateFinding(f: Finding, stacks: readonly EnvironmentStack[]): Finding {
  const stack = stacks.find((s) => s.node.id === f.stack);
  if (!stack) return f;
  const file = displayPath(stack.file);
  const prefix = stack.fieldOf(f.path);
  if (prefix === undefined) return { ...f, location: { file, line: 1, column: 1 } };
  const fields = (f.field ?? "").split("|").map((x) => (x ? (prefix ? `${prefix}.${x}` : x) : prefix));
  const at = stack.locate(fields.join("|"));
  return at ? { ...f, location: { file, line: at.line, column: at.column } } : f;
}

export interface BuiltApp {
  readonly app: App;
  readonly stacks: EnvironmentStack[];
  readonly checks: LinkedCloneChecks;
}

/**
 * One stack per environment file. Stack traces of constructs are off: they cost time and say
 * nothing here. `LINKED_CLONES_STRICT=1` becomes the checks' `strict` option (the library itself
 * reads no environment variables).
 */
export function buildApp(envs: readonly LoadedEnvironment[], outdir?: string): BuiltApp {
  // cdktf creates the output folder but not its parents (CDKTF_OUTDIR=/new/path/out).
  fs.mkdirSync(outputDir(outdir), { recursive: true });
  const app = new App({ stackTraces: false, ...(outdir !== undefined ? { outdir } : {}) });
  // The YAML route checks before it synthesizes and reports errors itself.
  LinkedCloneChecks.of(app, { strict: process.env.LINKED_CLONES_STRICT === "1", onError: "throw" });
  const stacks = envs.map((env) => {
    try {
      return new EnvironmentStack(app, env);
    } catch (e) {
      // Constructs throw on literal mistakes the loader let through; name the file.
      throw new ConfigError([{ file: env.file, field: "", message: (e as Error).message }]);
    }
  });
  return { app, stacks, checks: LinkedCloneChecks.of(app) };
}

export interface RunResult {
  readonly exitCode: number;
  readonly findings: readonly Finding[];
  /** The config problems, when the environment files are bad (synth stopped before the rules ran). */
  readonly problems?: readonly Problem[];
}

/**
 * `--format github` (main.ts): each finding and config problem printed as this line instead of
 * the text one, on stdout (under `cdktf synth` only the app's stdout reaches the log).
 */
export interface Annotator {
  finding(f: Finding): string;
  problem(p: Problem): string;
}

type Out = (line: string) => void;

/**
 * The main job: load, build, check, synthesize, report. User errors print one clear
 * message each and exit 1 with nothing written; rule errors print every finding,
 * write the findings files and no cdk.tf.json.
 */
export function runSynth(
  options: {
    dir?: string;
    outdir?: string;
    report?: "write" | "print";
    out?: Out;
    err?: Out;
    annotate?: Annotator;
  } = {},
): RunResult {
  const out = options.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const err = options.err ?? ((l: string) => process.stderr.write(l + "\n"));
  const dir = options.dir ?? environmentDir();
  // The report alone writes nothing: cdktf's App creates its outdir, so give it a scratch one.
  const scratch =
    options.report === "print" ? fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-report-")) : undefined;
  try {
    return synthIn(dir, scratch ?? options.outdir, options.report, out, err, options.annotate);
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function synthIn(
  dir: string,
  outdir: string | undefined,
  reportMode: "write" | "print" | undefined,
  out: Out,
  err: Out,
  annotate?: Annotator,
): RunResult {
  let built: BuiltApp;
  try {
    built = buildApp(loadEnvironments(dir), outdir);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(
        `Environment files have ${e.problems.length} problem${e.problems.length === 1 ? "" : "s"}; nothing was written:`,
      );
      for (const p of e.problems) {
        if (annotate) out(annotate.problem(p));
        else err(`  ${formatProblem(p)}`);
      }
      if (reportMode !== "print") removeStaleOutputs(outputDir(outdir), intendedStackNames(dir), err);
      return { exitCode: 1, findings: [], problems: e.problems };
    }
    throw e;
  }
  const { app, checks } = built;
  for (const s of built.stacks) {
    if (s.spec.vsphere.version === undefined) {
      err(
        `warning: ${s.file}: vsphere.version is not set, so the rules assume vSphere 8.0 (the most permissive limits); set it to your platform's version, e.g. "7.0.3"`,
      );
    }
  }
  const findings = checks.findings().map((f) => locateFinding(f, built.stacks));
  const model = checks.model();
  const printed = new Set<string>();
  for (const f of findings) {
    const line = printFinding(f);
    // A finding across environments is reported in each stack, at each file's own position; the log
    // prints it once, at the first (its message names every group). Annotations go on each file.
    const key = annotate ? annotate.finding(f) : printFinding({ ...f, location: undefined });
    if (printed.has(key)) continue;
    printed.add(key);
    if (annotate) out(key);
    else (f.severity === "error" ? err : out)(line);
  }
  const report = renderReport(model, findings);
  if (reportMode === "print") {
    out(report);
    return { exitCode: hasErrors(findings) ? 1 : 0, findings };
  }
  if (hasErrors(findings)) {
    for (const s of model.stacks) {
      writeFindings(
        app.outdir,
        s.name,
        findings.filter((f) => f.stack === s.name),
      );
    }
    const failing = [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.stack))];
    const distinct = new Set(findings.filter((f) => f.severity === "error").map((f) => f.message)).size;
    err(`Synth failed: ${distinct} error finding(s) in ${failing.join(", ")}; no cdk.tf.json was written.`);
    if (checks.strict) err("LINKED_CLONES_STRICT=1: warnings count as errors.");
    removeStaleOutputs(app.outdir, intendedStackNames(dir), err);
    return { exitCode: 1, findings };
  }
  app.synth();
  // The checks wrote each stack's findings during synth; write them again with their positions in the files.
  for (const s of model.stacks) {
    writeFindings(
      app.outdir,
      s.name,
      findings.filter((f) => f.stack === s.name),
    );
  }
  fs.writeFileSync(path.join(app.outdir, REPORT_FILE), report);
  const current = new Set(model.stacks.map((s) => s.name));
  for (const name of synthesizedStacks(app.outdir).filter((n) => !current.has(n))) {
    err(
      `warning: ${displayPath(path.join(app.outdir, "stacks", name))} holds the output of environment '${name}', which has no file any more; ` +
        `its resources still exist unless destroyed: destroy them there (terraform destroy), then delete the folder`,
    );
  }
  for (const line of summarize(model, findings).split("\n")) out(line);
  const where = displayPath(app.outdir);
  out(`Synthesized ${model.stacks.length} stack(s) into ${where}; report: ${path.join(where, REPORT_FILE)}`);
  return { exitCode: 0, findings };
}
