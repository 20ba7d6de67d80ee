/**
 * terraform or tofu in a stack folder, with the project-local mirror's CLI config: used
 * where a step must assert exactly what changes (`plan -out` + `show -json`) and for the
 * tooling checks. Deploys go through the cdktf CLI (cdktf-project.ts).
 */
import * as path from "node:path";
import type { PlanJson } from "./plans";
import { run, type RunResult } from "./run";
import { terraformEnv, type E2eTools } from "./tools";

export type Binary = "terraform" | "tofu";

/** The path of `binary` among the tools (undefined when it is missing). */
export function binaryPath(tools: E2eTools, binary: Binary): string | undefined {
  return binary === "tofu" ? tools.tofu : tools.terraform;
}

/** Environment for `binary`: the mirror's CLI config, no checkpoint calls, no prompts; tofu first on PATH. */
export function binaryEnv(tools: E2eTools, binary: Binary, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = binaryPath(tools, binary);
  const env = terraformEnv(tools, extra);
  if (bin) env.PATH = `${path.dirname(bin)}${path.delimiter}${env.PATH ?? ""}`;
  return env;
}

export class Terraform {
  constructor(
    private readonly tools: E2eTools,
    readonly dir: string,
    private readonly vars: Record<string, string>,
    private readonly logFile?: string,
    readonly binary: Binary = "terraform",
  ) {}

  run(args: string[], okCodes = [0], timeoutMs = 300_000, logStdout = true): Promise<RunResult> {
    const bin = binaryPath(this.tools, this.binary);
    if (!bin) throw new Error(`${this.binary} is not among the e2e tools`);
    return run(bin, args, {
      cwd: this.dir,
      env: binaryEnv(this.tools, this.binary, this.vars),
      okCodes,
      timeoutMs,
      logFile: this.logFile,
      logStdout,
      shown: [this.binary, ...args].join(" "),
    });
  }

  init(): Promise<RunResult> {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** Plans into `file` (relative to the stack folder); returns whether there are changes (-detailed-exitcode). */
  async plan(file: string, extra: string[] = []): Promise<{ changed: boolean; text: string }> {
    const r = await this.run(
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock=false", `-out=${file}`, ...extra],
      [0, 2],
    );
    return { changed: r.code === 2, text: r.stdout };
  }

  async show(file: string): Promise<PlanJson> {
    const r = await this.run(["show", "-json", "-no-color", file], [0], 300_000, false);
    return JSON.parse(r.stdout) as PlanJson;
  }

  /** The resources in the state: address, type and attribute values. */
  async stateResources(): Promise<{ address: string; type: string; values: Record<string, unknown> }[]> {
    const r = await this.run(["show", "-json", "-no-color"], [0], 300_000, false);
    const state = JSON.parse(r.stdout) as {
      values?: { root_module?: { resources?: { address: string; type: string; values: Record<string, unknown> }[] } };
    };
    return state.values?.root_module?.resources ?? [];
  }
}
