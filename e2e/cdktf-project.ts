/**
 * A work folder that is a cdktf project of its own (e2e/.work/<name>/): a cdktf.json whose
 * app runs the checkout's main.ts on the work copy of the environment, its own output
 * folder and local state. The cdktf CLI runs there exactly as a user runs it (`npx cdktf
 * diff|deploy|destroy <env>`), stdout and stderr piped, so nothing is written into the
 * checkout's cdktf.out/ or state/.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR, run, type RunResult } from "./run";
import { binaryEnv, Terraform, type Binary } from "./terraform";
import type { E2eTools } from "./tools";
import { SIM_PASSWORD, SIM_USER } from "./vcsim";

/**
 * Parallelism of Terraform under `cdktf deploy|destroy` (--terraform-parallelism). 1 by
 * default: on vcsim v0.46.3, clones made in parallel sometimes never finish (see e2e/README.md).
 */
export const TF_PARALLELISM = process.env.E2E_TF_PARALLELISM ?? "1";

export const CDKTF_BIN = path.join(PROJECT_DIR, "node_modules", ".bin", "cdktf");

/** Per-call options of `deploy` and `destroy`. */
export interface CliCallOptions {
  /** Exit codes that are not failures. @default [0] */
  okCodes?: number[];
  /** Variables for this call only, on top of the project's (e.g. TF_CLI_ARGS_apply). */
  env?: Record<string, string>;
  /** More arguments after the project's (e.g. --skip-synth). */
  extraArgs?: string[];
  timeoutMs?: number;
}

export class CdktfProject {
  readonly envDir: string;
  readonly outDir: string;
  readonly stackDir: string;
  readonly terraform: Terraform;

  constructor(
    private readonly tools: E2eTools,
    readonly dir: string,
    readonly stack: string,
    readonly binary: Binary,
    private readonly logFile: string,
    /**
     * Variables for every cdktf and terraform command of this project, e.g. a backend's
     * secret (PG_CONN_STR): given to the processes only, never written to a file.
     */
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.envDir = path.join(dir, "env");
    this.outDir = path.join(dir, "cdktf.out");
    this.stackDir = path.join(this.outDir, "stacks", stack);
    fs.mkdirSync(dir, { recursive: true });
    const project = path.relative(dir, PROJECT_DIR) || ".";
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "cdktf.json"), "utf8")) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(
      path.join(dir, "cdktf.json"),
      JSON.stringify(
        {
          ...cdktfJson,
          // The project's app, run from here; its environments come from LINKED_CLONES_ENV_DIR.
          app: `npx tsx ${path.posix.join(project, "main.ts")}`,
          output: "cdktf.out",
          codeMakerOutput: ".gen",
        },
        null,
        2,
      ) + "\n",
    );
    this.terraform = new Terraform(tools, this.stackDir, { ...this.credentials(), ...extraEnv }, logFile, binary);
  }

  private credentials(): Record<string, string> {
    return { TF_VAR_vsphere_user: SIM_USER, TF_VAR_vsphere_password: SIM_PASSWORD };
  }

  /** The environment cdktf runs with: the mirror's CLI config, the work copy of the environments, tofu when asked. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env = binaryEnv(this.tools, this.binary, {
      ...this.credentials(),
      LINKED_CLONES_ENV_DIR: this.envDir,
      ...this.extraEnv,
      ...extra,
    });
    if (this.binary === "tofu") env.TERRAFORM_BINARY_NAME = "tofu";
    else delete env.TERRAFORM_BINARY_NAME;
    delete env.CDKTF_OUTDIR;
    return env;
  }

  /** `npx cdktf <args>` in the work folder, output piped; `env` adds variables for this call (shown in the log). */
  cli(args: string[], okCodes = [0], timeoutMs = 600_000, env: Record<string, string> = {}): Promise<RunResult> {
    const shownEnv = Object.entries(env).map(([k, v]) => `${k}=${v} `);
    return run(CDKTF_BIN, args, {
      cwd: this.dir,
      env: this.env(env),
      okCodes,
      timeoutMs,
      logFile: this.logFile,
      shown: `${this.binary === "tofu" ? "TERRAFORM_BINARY_NAME=tofu " : ""}${shownEnv.join("")}npx cdktf ${args.join(" ")}`,
    });
  }

  synth(): Promise<RunResult> {
    return this.cli(["synth"], [0], 180_000);
  }

  /** `cdktf diff <stack>`; `--skip-provider-lock` because `terraform providers lock` ignores the mirror. */
  diff(okCodes = [0]): Promise<RunResult> {
    return this.cli(["diff", this.stack, "--skip-provider-lock"], okCodes);
  }

  deploy(opts: CliCallOptions = {}): Promise<RunResult> {
    return this.applyVerb("deploy", opts);
  }

  destroy(opts: CliCallOptions = {}): Promise<RunResult> {
    return this.applyVerb("destroy", opts);
  }

  /** `cdktf deploy|destroy <stack>`, approved, without the provider lock, at the e2e's parallelism. */
  private applyVerb(verb: "deploy" | "destroy", opts: CliCallOptions): Promise<RunResult> {
    return this.cli(
      [
        verb,
        this.stack,
        "--auto-approve",
        "--skip-provider-lock",
        "--terraform-parallelism",
        TF_PARALLELISM,
        ...(opts.extraArgs ?? []),
      ],
      opts.okCodes,
      opts.timeoutMs,
      opts.env,
    );
  }

  /** The synthesized stack, as Terraform reads it. */
  cdkTfJson(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
  }
}
