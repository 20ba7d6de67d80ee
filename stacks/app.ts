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
  LinkedCloneChecks,
  loadEnvironment,
  printFinding,
  renderReport,
  REPORT_FILE,
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
  if (all.length) throw new ConfigError([...all].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)));
  return envs;
}

export interface BuiltApp {
  readonly app: App;
  readonly stacks: EnvironmentStack[];
  readonly checks: LinkedCloneChecks;
}

/** One stack per environment file. Stack traces of constructs are off: they cost time and say nothing here. */
export function buildApp(envs: readonly LoadedEnvironment[], outdir?: string): BuiltApp {
  // cdktf creates the output folder but not its parents (CDKTF_OUTDIR=/new/path/out).
  fs.mkdirSync(outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out", { recursive: true });
  const app = new App({ stackTraces: false, ...(outdir !== undefined ? { outdir } : {}) });
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
}

type Out = (line: string) => void;

/**
 * The main job: load, build, check, synthesize, report. User errors print one clear
 * message each and exit 1 with nothing written; rule errors print every finding,
 * write the findings files and no cdk.tf.json.
 */
export function runSynth(
  options: { dir?: string; outdir?: string; report?: "write" | "print"; out?: Out; err?: Out } = {},
): RunResult {
  const out = options.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const err = options.err ?? ((l: string) => process.stderr.write(l + "\n"));
  const dir = options.dir ?? environmentDir();
  // The report alone writes nothing: cdktf's App creates its outdir, so give it a scratch one.
  const scratch =
    options.report === "print" ? fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-report-")) : undefined;
  try {
    return synthIn(dir, scratch ?? options.outdir, options.report, out, err);
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
): RunResult {
  let built: BuiltApp;
  try {
    built = buildApp(loadEnvironments(dir), outdir);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(
        `Environment files have ${e.problems.length} problem${e.problems.length === 1 ? "" : "s"}; nothing was written:`,
      );
      for (const p of e.problems) err(`  ${formatProblem(p)}`);
      return { exitCode: 1, findings: [] };
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
  const findings = checks.findings();
  const model = checks.model();
  const printed = new Set<string>();
  for (const f of findings) {
    const line = printFinding(f);
    if (printed.has(line)) continue; // a finding across environments is reported in each; print it once
    printed.add(line);
    (f.severity === "error" ? err : out)(line);
  }
  const report = renderReport(model, findings);
  if (reportMode === "print") {
    out(report);
    return { exitCode: hasErrors(findings) ? 1 : 0, findings };
  }
  if (hasErrors(findings)) {
    for (const s of model.stacks)
      writeFindings(
        app.outdir,
        s.name,
        findings.filter((f) => f.stack === s.name),
      );
    const failing = [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.stack))];
    const distinct = new Set(findings.filter((f) => f.severity === "error").map((f) => f.message)).size;
    err(`Synth failed: ${distinct} error finding(s) in ${failing.join(", ")}; no cdk.tf.json was written.`);
    if (process.env.LINKED_CLONES_STRICT === "1") err("LINKED_CLONES_STRICT=1: warnings count as errors.");
    return { exitCode: 1, findings };
  }
  app.synth();
  fs.writeFileSync(path.join(app.outdir, REPORT_FILE), report);
  for (const line of summarize(model, findings).split("\n")) out(line);
  const where = displayPath(app.outdir);
  out(`Synthesized ${model.stacks.length} stack(s) into ${where}; report: ${path.join(where, REPORT_FILE)}`);
  return { exitCode: 0, findings };
}
