/**
 * Running commands for the e2e test: output captured (never a terminal), a log of every
 * command with its output, exit codes that count as success, timeouts, and phase timings.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { log } from "./tools";

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
  /** How the command is shown in the log and in errors. @default the command and its arguments */
  shown?: string;
  /** Whether stdout goes into the log (not for large JSON). @default true */
  logStdout?: boolean;
}

export class CommandError extends Error {
  constructor(
    message: string,
    public readonly result: RunResult,
  ) {
    super(message);
  }
}

/** cdktf's progress lines without a terminal (spinner frames, stack counters): left out of the command log. */
const PROGRESS = /^\s*([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\s+\w+|\d+ Stacks? deploying\s+\d+ Stacks? done\s+\d+ Stacks? waiting)\s*$/;

/** Output as the command log keeps it: no escape sequences, no progress lines, no runs of blank lines. */
export function forLog(text: string): string {
  return stripAnsi(text)
    .split("\n")
    .filter((l) => !PROGRESS.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/** Text without terminal escape sequences (colours, cursor moves of cdktf's spinner). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g, "");
}

export function tail(text: string, lines = 60): string {
  const all = stripAnsi(text).trimEnd().split("\n");
  return (all.length > lines ? ["...", ...all.slice(-lines)] : all).join("\n");
}

/** A path as the log shows it: relative to the project when inside it. */
export function shownPath(p: string): string {
  const rel = path.relative(PROJECT_DIR, p);
  return rel === "" ? "." : rel.startsWith("..") ? p : rel;
}

/** Runs a command with stdin closed and stdout/stderr piped; rejects with its output's tail unless its exit code is ok. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const shown = opts.shown ?? [path.basename(cmd), ...args].join(" ");
  const cwd = opts.cwd ?? PROJECT_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
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
          `\n$ (cd ${shownPath(cwd)} && ${shown})  # exit ${result.code}, ${result.seconds.toFixed(1)} s\n${opts.logStdout === false ? `(${stdout.length} characters of output, not logged)\n` : forLog(stdout)}${forLog(stderr)}`,
        );
      }
      if ((opts.okCodes ?? [0]).includes(result.code)) resolve(result);
      else
        reject(
          new CommandError(
            `'${shown}' exited ${result.code}${signal ? ` (${signal})` : ""}:\n${tail(forLog(stderr + stdout))}`,
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
