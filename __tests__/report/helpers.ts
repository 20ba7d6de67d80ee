/**
 * Shared helpers of the machine-readable output tests (issue 15): the fixture environments,
 * synth in-process and as the real CLI, and the SARIF 2.1.0 schema validator.
 */
import Ajv from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ALL_RULES } from "../../lib";
import { renderSarif } from "../../lib/report/sarif";
import { runSynth, type Annotator, type RunResult } from "../../stacks/app";
import { tempDir } from "../helpers/files";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const TSX_CLI = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
export const MAIN_TS = path.join(PROJECT_ROOT, "main.ts");

/**
 * Fixture folders, relative to the project root (jest's working directory), so findings point
 * at `__tests__/report/fixtures/<name>/lab.yaml` as they would at `environments/lab.yaml`.
 * `findings`: two errors, a warning and a suppressed warning; `broken`: two config errors.
 */
export const FINDINGS_DIR = "__tests__/report/fixtures/findings";
export const BROKEN_DIR = "__tests__/report/fixtures/broken";
export const FINDINGS_FILE = `${FINDINGS_DIR}/lab.yaml`;
export const BROKEN_FILE = `${BROKEN_DIR}/lab.yaml`;

export interface CapturedRun extends RunResult {
  readonly out: string[];
  readonly err: string[];
}

/** runSynth over a folder into a fresh outdir, capturing what it prints. */
export function synth(dir: string, annotate?: Annotator): CapturedRun {
  const out: string[] = [];
  const err: string[] = [];
  const r = runSynth({
    dir,
    outdir: path.join(tempDir("lc-sarif-"), "cdktf.out"),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(annotate ? { annotate } : {}),
  });
  return { ...r, out, err };
}

/** The SARIF main.ts writes for a run (same tool, same rules). */
export function sarifOf(run: RunResult): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  return renderSarif({
    tool: { name: pkg.name, version: pkg.version },
    rules: ALL_RULES,
    findings: run.findings,
    problems: run.problems ?? [],
  });
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real CLI (`node node_modules/.bin/tsx main.ts ...args`) as a child process. */
export function runMain(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; main?: string } = {}) {
  return new Promise<CliRun>((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, options.main ?? MAIN_TS, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** The SARIF 2.1.0 schema as @microsoft/jest-sarif ships it (JSON Schema draft-04). */
export const SARIF_SCHEMA_FILE = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

/** RFC 3986 URI and URI-reference, strictly enough to catch a path with spaces or a relative helpUri. */
const PCT = "%[0-9A-Fa-f]{2}";
const URI_CHARS = `(?:[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]|${PCT})`;
const URI = new RegExp(`^[A-Za-z][A-Za-z0-9+.\\-]*:${URI_CHARS}*$`);
const URI_REFERENCE = new RegExp(`^${URI_CHARS}*$`);

/**
 * A validator for SARIF logs: the schema file loaded from the package (never copied), with
 * ajv-draft-04. `strict: false` because the schema itself trips ajv's strict checks (required
 * properties declared in other branches); `unicodeRegExp: false` because one of its patterns
 * (the `language` tag) is not a valid Unicode-mode regular expression.
 */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA_FILE, "utf8")) as object;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat("uri", URI);
  ajv.addFormat("uri-reference", URI_REFERENCE);
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}
