/**
 * Shared helpers of the reliability suite (issue 7): temp folders, in-process and
 * child-process synth, file walks and the checks every bad input must pass.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { runSynth, type RunResult } from "../../stacks/app";
import { listFiles, tempDir as sharedTempDir } from "../helpers/files";

/** The project root (this file is __tests__/reliability/helpers.ts). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** tsx's CLI as installed in the project; run with `node` so no shell or npx is involved. */
export const TSX_CLI = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
export const MAIN_TS = path.join(PROJECT_ROOT, "main.ts");

/** A fresh temporary folder `lc-rel-<prefix>XXXXXX`, removed after the test file. */
export function tempDir(prefix = "tmp-"): string {
  return sharedTempDir(`lc-rel-${prefix.replace(/^lc-/, "")}`);
}

/** Writes files (name -> text, or Buffer) into a folder, creating it. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Every regular file under a folder, as sorted paths relative to it. */
export const walkFiles = listFiles;

/** Every file under a folder with its bytes, keyed by relative path. */
export function readTree(dir: string): Map<string, Buffer> {
  return new Map(walkFiles(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

export interface SynthRun extends RunResult {
  readonly dir: string;
  readonly outdir: string;
  readonly out: string[];
  readonly err: string[];
  /** stdout and stderr lines together, in order. */
  readonly printed: string;
  /** The exception runSynth threw, if it threw (it must not). */
  readonly thrown?: unknown;
}

/**
 * Runs the real synth in-process over a folder of environment files, into a fresh
 * outdir, capturing what it prints. Never throws: a throw is returned in `thrown`.
 */
export function synthFolder(
  dir: string,
  options: { outdir?: string; report?: "write" | "print"; cwd?: string } = {},
): SynthRun {
  const outdir = options.outdir ?? path.join(tempDir("lc-out-"), "cdktf.out");
  const out: string[] = [];
  const err: string[] = [];
  const all: string[] = [];
  // Paths in messages and output are relative to the working directory: run where the CLI would.
  const cwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const r = runSynth({
      dir,
      outdir,
      ...(options.report ? { report: options.report } : {}),
      out: (l) => (out.push(l), all.push(l)),
      err: (l) => (err.push(l), all.push(l)),
    });
    return { ...r, dir, outdir, out, err, printed: all.join("\n") };
  } catch (e) {
    return { exitCode: NaN, findings: [], dir, outdir, out, err, printed: all.join("\n"), thrown: e };
  } finally {
    process.chdir(cwd);
  }
}

/** Writes environment files into a fresh folder and synthesizes them in-process. */
export function synthFiles(
  files: Record<string, string | Buffer>,
  options: { report?: "write" | "print" } = {},
): SynthRun {
  return synthFolder(writeFiles(tempDir("lc-env-"), files), options);
}

/** The parsed cdk.tf.json of a stack, or undefined when none was written. */

export function stackJson(outdir: string, stack: string): any | undefined {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
}

/** A valid environment as plain data, as the contract spells it; tests change a field and dump it. */

export type Env = Record<string, any>;

/**
 * `datacenter` and `prefix` (group and VM names) tell environments apart; `net` picks the
 * group's /24 (10.0.<net>.0), since the ip-pool rule forbids one address twice across the app.
 */
export function validEnv(overrides: { datacenter?: string; prefix?: string; net?: number } = {}): Env {
  const p = overrides.prefix ?? "web";
  const net = `10.0.${overrides.net ?? 10}`;
  return {
    vsphere: { server: "vcenter.example.com", allowUnverifiedSsl: false, version: "8.0" },
    datacenter: overrides.datacenter ?? "DC0",
    clusters: { C0: { hosts: ["H0", "H1", "H2"], haEnabled: false } },
    datastores: { DS0: { type: "vmfs6", capacityGb: 500 } },
    bases: { golden: { vm: "golden-vm", snapshot: "golden-s1", manageSnapshot: true, diskGb: 10 } },
    groups: [
      {
        name: p,
        base: "golden",
        cluster: "C0",
        datastore: "DS0",
        network: "VM Network",
        count: 3,
        namePattern: `${p}-{nn}`,
        customization: {
          domain: "lab.local",
          ipv4: { range: `${net}.10-${net}.50`, prefixLength: 24, gateway: `${net}.1` },
          dnsServers: [`${net}.2`],
        },
      },
    ],
  };
}

export function toYaml(env: unknown): string {
  return YAML.stringify(env);
}

/** A deep copy of an environment with `change` applied. */
export function changed(env: Env, change: (e: Env) => void): Env {
  const copy = structuredClone(env);
  change(copy);
  return copy;
}

/** Lines that show a JavaScript stack trace or an exception's own print-out. */
export const STACK_TRACE = /^\s+at\s|^\s*(\w*Error|Uncaught \w+):\s|node:internal|\.ts:\d+:\d+|\.js:\d+:\d+/m;

/** Messages of JavaScript's own exceptions that escaped as if they were user messages. */
export const INTERNAL_MESSAGE =
  /Cannot read propert|is not a function|is not iterable|undefined \(reading|Maximum call stack|\[object Object\]|function \w*\(\) \{ \[native code\] \}|Unrecognized Token Key/;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI (`node node_modules/.bin/tsx main.ts`) as a child process. `cwd`
 * decides where cdktf.out goes; `main` defaults to this project's main.ts.
 */
export function runCli(options: {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  main?: string;
  tsx?: string;
  timeoutMs?: number;
}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.tsx ?? TSX_CLI, options.main ?? MAIN_TS], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30000);
    child.on("error", (e) => (clearTimeout(timer), reject(e)));
    child.on("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/**
 * A copy of the project that can run `tsx main.ts` on its own: sources, examples and
 * config copied, node_modules linked. Returns its root.
 */
export function copyProject(dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  for (const f of ["main.ts", "cdktf.json", "package.json", "tsconfig.json"]) {
    fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(dest, f));
  }
  for (const d of ["lib", "stacks", "environments"]) {
    fs.cpSync(path.join(PROJECT_ROOT, d), path.join(dest, d), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dest, "node_modules"), "dir");
  return dest;
}

/** The seed of a property-based suite: RELIABILITY_SEED overrides the fixed default. */
export function seedOf(name: string, fallback: number): number {
  const fromEnv = process.env.RELIABILITY_SEED;
  const seed = fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : fallback;
  console.log(`${name} seed: ${seed} (rerun with RELIABILITY_SEED=${seed})`);
  return seed;
}
