/**
 * `npm run deploy|diff|destroy -- <env> [cdktf options]`: the cdktf CLI with the flags a
 * linked-clone lab needs, and Terraform's error shown even when cdktf swallows it.
 *
 * - `--skip-provider-lock` when the Terraform CLI config installs providers from a mirror
 *   (filesystem_mirror, network_mirror) or the registry cannot be reached: cdktf otherwise
 *   runs `terraform providers lock`, which ignores mirrors and fails offline. The lock file
 *   is still written by `terraform init`, for this platform.
 * - `--terraform-parallelism` (LINKED_CLONES_TERRAFORM_PARALLELISM, default 10, Terraform's own
 *   default): lower it for big labs, so vCenter is not asked for too many clones at once.
 * - CHECKPOINT_DISABLE=1: no version checks against the network.
 * - Output is streamed. When the command fails and no Terraform diagnostic (`Error: ...`)
 *   reached the output (cdktf 0.21 without a terminal sometimes prints only "Invoking
 *   Terraform CLI failed with exit code 1"), a read-only `terraform plan -no-color
 *   -lock=false` runs in the stack folder and its diagnostics are printed, labelled.
 * - After every command, success, failure or Ctrl-C, the saved plan cdktf leaves in the stack
 *   folder (`cdktf diff` runs `terraform plan -out plan`) is deleted, with one line saying so:
 *   a Terraform saved plan holds the values of the variables, the vCenter password included.
 * - `destroy --no-refresh`: `terraform destroy -refresh=false` (through TF_CLI_ARGS_destroy),
 *   for a state whose refresh fails (after a failed first deploy the provider's clone checks
 *   fail in destroy's plan too). When a destroy fails, the wrapper names that next step.
 * - Exits with cdktf's exit code; never prints a Node stack trace.
 *
 * Knobs: TERRAFORM_BINARY_NAME=tofu (cdktf's own variable; also used for the fallback plan),
 * LINKED_CLONES_PROVIDER_LOCK=skip|run (override the detection), LINKED_CLONES_CDKTF (the
 * cdktf CLI to run; default: the project's node_modules/.bin/cdktf).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";

export const COMMANDS = ["deploy", "diff", "destroy"] as const;
export type Command = (typeof COMMANDS)[number];

/** cdktf options that take a value (so the value is not a stack name). */
const VALUE_OPTIONS = new Set([
  "-a",
  "--app",
  "-o",
  "--output",
  "--parallelism",
  "--terraform-parallelism",
  "--var",
  "--var-file",
  "--outputs-file",
  "--log-level",
  "--log-file-directory",
  "--experimental-provider-schema-cache-path",
]);

export const DEFAULT_TERRAFORM_PARALLELISM = "10";

/** The stack names among cdktf arguments (positionals, not option values). */
export function stacksOf(args: string[]): string[] {
  const stacks: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") continue;
    if (a.startsWith("-")) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    stacks.push(a);
  }
  return stacks;
}

function hasOption(args: string[], name: string): boolean {
  return args.some((a) => a === name || a.startsWith(`${name}=`));
}

/** The value of an option (`--x v` or `--x=v`), if given. */
function optionValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/**
 * The Terraform (or tofu) CLI config file in effect, if any: TF_CLI_CONFIG_FILE (both read it;
 * also TERRAFORM_CONFIG, its old name), else ~/.terraformrc (tofu: ~/.tofurc, then ~/.terraformrc).
 */
export function cliConfigFile(env: NodeJS.ProcessEnv, binary: string): string | undefined {
  const override = env.TF_CLI_CONFIG_FILE || env.TERRAFORM_CONFIG;
  if (override) return fs.existsSync(override) ? override : undefined;
  const home = env.HOME ?? os.homedir();
  const defaults =
    path.basename(binary) === "tofu"
      ? [".tofurc", ".terraformrc"]
      : [process.platform === "win32" ? "terraform.rc" : ".terraformrc"];
  return defaults.map((f) => path.join(home, f)).find((f) => fs.existsSync(f));
}

/** Whether a CLI config installs providers from a mirror (terraform providers lock ignores mirrors). */
export function usesMirror(configText: string): boolean {
  const withoutComments = configText.replace(/(#|\/\/).*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
  return /\b(filesystem_mirror|network_mirror)\s*\{/.test(withoutComments);
}

/** Whether the registry answers its service discovery within `timeoutMs`. */
export function registryReachable(host: string, timeoutMs = 4000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`https://${host}/.well-known/terraform.json`, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.on("error", () => resolve(false));
  });
}

export interface Decision {
  args: string[];
  /** One line per flag added, saying why. */
  notes: string[];
}

/** The cdktf arguments with the flags this project needs added (never twice, never over the user's). */
export async function decideArgs(
  command: Command,
  userArgs: string[],
  env: NodeJS.ProcessEnv,
  probe: (host: string) => Promise<boolean> = registryReachable,
): Promise<Decision> {
  const args = [command, ...userArgs];
  const notes: string[] = [];
  const binary = env.TERRAFORM_BINARY_NAME || "terraform";
  if (!hasOption(userArgs, "--skip-provider-lock")) {
    const forced = env.LINKED_CLONES_PROVIDER_LOCK;
    const config = cliConfigFile(env, binary);
    let why: string | undefined;
    if (forced === "skip") why = "LINKED_CLONES_PROVIDER_LOCK=skip";
    else if (forced === "run") why = undefined;
    else if (config && usesMirror(fs.readFileSync(config, "utf8")))
      why = `the CLI config (${path.basename(config)}) installs providers from a mirror`;
    else {
      const host = path.basename(binary) === "tofu" ? "registry.opentofu.org" : "registry.terraform.io";
      if (!(await probe(host))) why = `${host} cannot be reached`;
    }
    if (why) {
      args.push("--skip-provider-lock");
      notes.push(`--skip-provider-lock: ${why} (terraform providers lock would fail; init still writes the lock file)`);
    }
  }
  if (!hasOption(userArgs, "--terraform-parallelism")) {
    const n = env.LINKED_CLONES_TERRAFORM_PARALLELISM || DEFAULT_TERRAFORM_PARALLELISM;
    args.push("--terraform-parallelism", n);
    notes.push(
      `--terraform-parallelism ${n}${env.LINKED_CLONES_TERRAFORM_PARALLELISM ? " (LINKED_CLONES_TERRAFORM_PARALLELISM)" : " (Terraform's default; set LINKED_CLONES_TERRAFORM_PARALLELISM to change it)"}`,
    );
  }
  return { args, notes };
}

/** Text without terminal escape sequences. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g, "");
}

/** Whether the output carries a Terraform diagnostic (`Error: ...`), not only cdktf's own summary lines. */
export function hasTerraformDiagnostics(output: string): boolean {
  return stripAnsi(output)
    .split("\n")
    .some(
      (l) =>
        /(^|[\s│╷])Error: /.test(l) &&
        !/Invoking Terraform CLI failed|External Error|Stack failed to|Usage Error|Error: Non-zero exit code/.test(l),
    );
}

/**
 * The saved plan cdktf 0.21 writes in a stack folder: `cdktf diff` runs `terraform plan -out plan`
 * there (`@cdktf/cli-core`, `TerraformCli.plan`; not for a `remote`/`cloud` backend). `deploy`
 * runs `terraform apply` and `destroy` runs `terraform destroy`, without a plan file.
 */
export const CDKTF_PLAN_FILE = "plan";

/**
 * Deletes cdktf's saved plan (`<dir>/plan`) from each stack folder: a Terraform saved plan holds
 * the values of the variables, `vsphere_password` in clear text. Returns the files deleted and
 * the ones that could not be.
 */
export function removeSavedPlans(dirs: string[]): { removed: string[]; failed: { file: string; error: string }[] } {
  const removed: string[] = [];
  const failed: { file: string; error: string }[] = [];
  for (const dir of dirs) {
    const file = path.join(dir, CDKTF_PLAN_FILE);
    let isFile: boolean;
    try {
      isFile = fs.lstatSync(file).isFile();
    } catch {
      continue; // none there
    }
    if (!isFile) continue;
    try {
      fs.rmSync(file);
      removed.push(file);
    } catch (e) {
      failed.push({ file, error: (e as Error).message });
    }
  }
  return { removed, failed };
}

/** The stack folder cdktf runs Terraform in: `<output>/stacks/<stack>`. */
export function stackDir(cwd: string, args: string[], stack: string): string {
  let output = optionValue(args, "-o", "--output");
  if (!output) {
    try {
      output = (JSON.parse(fs.readFileSync(path.join(cwd, "cdktf.json"), "utf8")) as { output?: string }).output;
    } catch {
      /* no cdktf.json: cdktf's default */
    }
  }
  return path.resolve(cwd, output ?? "cdktf.out", "stacks", stack);
}

/**
 * Terraform's diagnostics for a failed command, from a read-only plan in the stack folder
 * (`-lock=false`, nothing applied; `init` first when the folder was never initialized).
 */
export function diagnosticsFromPlan(
  command: Command,
  dir: string,
  binary: string,
  env: NodeJS.ProcessEnv,
  noRefresh = false,
): { shown: string; text: string; failed: boolean } {
  const runIt = (args: string[]) => spawnSync(binary, args, { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
  if (!fs.existsSync(path.join(dir, ".terraform"))) {
    const init = runIt(["init", "-input=false", "-no-color"]);
    if (init.status !== 0)
      return { shown: `${binary} init -input=false -no-color`, text: `${init.stderr}${init.stdout}`, failed: true };
  }
  const args = [
    "plan",
    "-input=false",
    "-no-color",
    "-lock=false",
    ...(command === "destroy" ? ["-destroy"] : []),
    ...(noRefresh ? ["-refresh=false"] : []),
  ];
  const plan = runIt(args);
  if (plan.error) return { shown: `${binary} ${args.join(" ")}`, text: String(plan.error.message), failed: true };
  return { shown: `${binary} ${args.join(" ")}`, text: plan.stderr || "", failed: plan.status !== 0 };
}

function cdktfBin(projectDir: string): string {
  return process.env.LINKED_CLONES_CDKTF || path.join(projectDir, "node_modules", ".bin", "cdktf");
}

/** `destroy --no-refresh`: the wrapper's own option, not cdktf's. */
export const NO_REFRESH = "--no-refresh";

const USAGE = `usage: npm run <deploy|diff|destroy> -- <env> [cdktf options]
  e.g. npm run diff -- training-lab
       npm run deploy -- training-lab --auto-approve
       npm run destroy -- training-lab --auto-approve --no-refresh   (terraform destroy -refresh=false)
  (tsx scripts/cdktf.ts <deploy|diff|destroy> <env> [cdktf options] does the same)`;

/** The stack folders a command is about: those of the stacks it names, or every synthesized one. */
function stackDirsOf(cwd: string, args: string[], userArgs: string[]): { stack: string; dir: string }[] {
  const stacks = stacksOf(userArgs);
  const stacksRoot = path.dirname(stackDir(cwd, args, "x"));
  return (stacks.length ? stacks : fs.existsSync(stacksRoot) ? fs.readdirSync(stacksRoot) : [])
    .map((s) => ({ stack: s, dir: stackDir(cwd, args, s) }))
    .filter((s) => fs.existsSync(s.dir));
}

/**
 * What to do when a destroy failed: the same destroy without the refresh, through the wrapper
 * and with plain Terraform in each stack folder (`-chdir`, so the backend's relative path
 * `../../../state/<env>.tfstate` still resolves from the stack folder).
 */
export function noRefreshNextStep(userArgs: string[], dirs: string[], binary: string, cwd: string): string[] {
  return [
    "destroy failed. If Terraform failed in its refresh, before destroying anything (after a failed first deploy the provider checks the clones it could not create again, and fails the same way), destroy what the state lists without reading vCenter first:",
    `  npm run destroy -- ${[...userArgs, NO_REFRESH].join(" ")}`,
    ...dirs.map(
      (d) =>
        `  (without the wrapper: ${path.basename(binary)} -chdir=${path.relative(cwd, d) || "."} destroy -refresh=false)`,
    ),
  ];
}

/**
 * What to do when a destroy without refresh failed: a VM or snapshot the state lists that
 * vCenter no longer has cannot be deleted without a refresh (the provider fails with `cannot
 * locate virtual machine with UUID ...`); drop it from the state, then destroy again.
 */
export function stateRmNextStep(userArgs: string[], dirs: string[], binary: string, cwd: string): string[] {
  const tf = (d: string) => `${path.basename(binary)} -chdir=${path.relative(cwd, d) || "."}`;
  return [
    `destroy -refresh=false failed. Without a refresh, a VM or snapshot the state lists that vCenter no longer has cannot be deleted ("cannot locate virtual machine with UUID ..."). What the state still lists, and how to drop one from it once vCenter shows it is gone:`,
    ...dirs.flatMap((d) => [`  ${tf(d)} state list`, `  ${tf(d)} state rm '<address>'`]),
    `then run it again: npm run destroy -- ${[...userArgs, NO_REFRESH].join(" ")}`,
  ];
}

export async function main(argv: string[], cwd = process.cwd()): Promise<number> {
  const [command, ...given] = argv;
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const cmd = command as Command;
  const noRefresh = given.includes(NO_REFRESH);
  const userArgs = given.filter((a) => a !== NO_REFRESH);
  if (noRefresh && cmd !== "destroy") {
    process.stderr.write(
      `error: ${NO_REFRESH} is an option of destroy only (npm run destroy -- <env> ${NO_REFRESH}: terraform destroy -refresh=false)\n`,
    );
    return 2;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1" };
  if (cmd !== "diff" && !process.stdin.isTTY && !hasOption(userArgs, "--auto-approve")) {
    process.stderr.write(
      `error: no terminal to approve the plan on; add --auto-approve (npm run ${cmd} -- ${[...given, "--auto-approve"].join(" ")})\n`,
    );
    return 2;
  }
  const { args, notes } = await decideArgs(cmd, userArgs, env);
  const binary = env.TERRAFORM_BINARY_NAME || "terraform";
  if (noRefresh) {
    // cdktf destroy runs `terraform destroy` with no plan of its own first; Terraform (and tofu)
    // append TF_CLI_ARGS_destroy to that command's arguments.
    env.TF_CLI_ARGS_destroy = [env.TF_CLI_ARGS_destroy, "-refresh=false"].filter(Boolean).join(" ");
    notes.push(
      `${NO_REFRESH}: TF_CLI_ARGS_destroy=${env.TF_CLI_ARGS_destroy} (${path.basename(binary)} destroy -refresh=false destroys what the state lists without reading vCenter first)`,
    );
  }
  for (const n of notes) process.stderr.write(`[cdktf wrapper] ${n}\n`);
  process.stderr.write(`[cdktf wrapper] cdktf ${args.join(" ")}\n`);

  const bin = cdktfBin(path.resolve(__dirname, ".."));
  const interactive = process.stdout.isTTY === true && process.stdin.isTTY === true;
  let recorded = "";
  const code = await new Promise<number>((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: interactive ? "inherit" : ["inherit", "pipe", "pipe"] });
    // Stay until cdktf has ended, to delete its saved plan: Ctrl-C reaches cdktf from the
    // terminal by itself (sending it again would make Terraform stop at once, mid-apply);
    // SIGTERM is passed on.
    const onSignal = (signal: NodeJS.Signals) => {
      if (signal !== "SIGINT") child.kill(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const done = (c: number) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(c);
    };
    child.stdout?.on("data", (d: Buffer) => {
      recorded += d.toString();
      process.stdout.write(d);
    });
    child.stderr?.on("data", (d: Buffer) => {
      recorded += d.toString();
      process.stderr.write(d);
    });
    child.on("error", (e) => {
      process.stderr.write(`error: cannot run ${bin}: ${e.message}\n`);
      done(127);
    });
    child.on("close", (c, signal) => done(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
  const dirs = stackDirsOf(cwd, args, userArgs);
  const plans = removeSavedPlans(dirs.map((d) => d.dir));
  for (const f of plans.removed)
    process.stderr.write(
      `[cdktf wrapper] deleted cdktf's saved plan ${path.relative(cwd, f)}: a saved plan holds the values of the variables, the vCenter password too\n`,
    );
  for (const f of plans.failed)
    process.stderr.write(
      `[cdktf wrapper] warning: cannot delete cdktf's saved plan ${path.relative(cwd, f.file)} (${f.error}); delete it yourself: it holds the values of the variables, the vCenter password too\n`,
    );
  if (code === 0 || code === 127) return code;
  const synthesized = dirs.filter((s) => fs.existsSync(path.join(s.dir, "cdk.tf.json")));
  // In a terminal cdktf shows Terraform's errors itself; without one, make sure they are shown.
  if (!interactive && !hasTerraformDiagnostics(recorded)) {
    const bar = "─".repeat(72);
    for (const { stack, dir } of synthesized) {
      const d = diagnosticsFromPlan(cmd, dir, binary, env, noRefresh);
      const where = path.relative(cwd, dir) || ".";
      process.stderr.write(
        `\n${bar}\nTerraform's diagnostics for stack ${stack}, which cdktf did not print: from a read-only\n\`${d.shown}\` in ${where}\n${bar}\n`,
      );
      process.stderr.write(
        d.failed
          ? `${d.text.trim()}\n`
          : `(this plan succeeds, so the failure came from applying; the provider's messages are above, and TF_LOG=DEBUG shows more)\n`,
      );
      process.stderr.write(`${bar}\n`);
    }
    if (!synthesized.length)
      process.stderr.write(`[cdktf wrapper] no synthesized stack found to show Terraform's diagnostics for\n`);
  }
  if (cmd === "destroy" && synthesized.length) {
    const next = noRefresh ? stateRmNextStep : noRefreshNextStep;
    for (const line of next(
      userArgs,
      synthesized.map((s) => s.dir),
      binary,
      cwd,
    ))
      process.stderr.write(`[cdktf wrapper] ${line}\n`);
  }
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
