/**
 * The e2e test's tools, pinned and cached under e2e/.cache/:
 *
 * - vcsim and govc from govmomi (go install, pinned version),
 * - terraform (the one on PATH when >= 1.5, else go install of a pinned version),
 * - the Terraform vSphere provider, in a project-local filesystem mirror, with a
 *   Terraform CLI config that installs it only from there (no network, no direct{}).
 *
 * Run alone with `npm run e2e:tools`; the e2e jest suite runs it in its globalSetup.
 * When a tool cannot be obtained the result says so in `blocked`; callers decide
 * whether that fails the run or skips it (E2E_ALLOW_BLOCKED=1).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const GOVMOMI_VERSION = "v0.46.3";
export const TERRAFORM_FALLBACK_VERSION = "v1.8.5";
export const TERRAFORM_MIN_VERSION: readonly [number, number] = [1, 5];
export const PROVIDER_SOURCE = "registry.terraform.io/vmware/vsphere";
export const PROVIDER_VERSION = "2.15.0";
/** The commit of the provider's v2.15.0 release. */
export const PROVIDER_COMMIT = "0aab07b95f220f447e994d028a52ed50d4264166";
export const PROVIDER_GO_MODULE = "github.com/vmware/terraform-provider-vsphere";

export const E2E_DIR = __dirname;
export const CACHE_DIR = path.join(E2E_DIR, ".cache");
export const BIN_DIR = path.join(CACHE_DIR, "bin");
export const MIRROR_DIR = path.join(CACHE_DIR, "tf-mirror");
export const CLI_CONFIG = path.join(CACHE_DIR, "terraform.rc");
export const TOOLS_JSON = path.join(CACHE_DIR, "tools.json");

export interface E2eTools {
  vcsim?: string;
  govc?: string;
  terraform?: string;
  terraformVersion?: string;
  /** The provider binary inside the filesystem mirror. */
  provider?: string;
  /** Where the provider came from: the pinned go install, or VSPHERE_PROVIDER_BIN. */
  providerOrigin?: string;
  mirrorDir: string;
  cliConfig: string;
  /** Why the e2e cannot run here; undefined when every tool is present. */
  blocked?: string;
  /** Seconds per phase. */
  timings: Record<string, number>;
}

export function log(msg: string): void {
  process.stderr.write(`[e2e] ${msg}\n`);
}

/** Runs `fn`, prints and records how long it took. */
export function timed<T>(timings: Record<string, number>, phase: string, fn: () => T): T {
  const t0 = Date.now();
  try {
    return fn();
  } finally {
    const s = (Date.now() - t0) / 1000;
    timings[phase] = s;
    log(`phase ${phase}: ${s.toFixed(1)} s`);
  }
}

function goPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

export function providerMirrorPath(mirror = MIRROR_DIR): string {
  const [host, ns, type] = PROVIDER_SOURCE.split("/");
  return path.join(
    mirror,
    host,
    ns,
    type,
    PROVIDER_VERSION,
    goPlatform(),
    `terraform-provider-${type}_v${PROVIDER_VERSION}`,
  );
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** `go version -m` of a binary: its main module path and version, or undefined. */
function goBuildInfo(bin: string): { path?: string; mod?: string; version?: string } | undefined {
  const go = which("go");
  if (!go || !fs.existsSync(bin)) return undefined;
  const r = spawnSync(go, ["version", "-m", bin], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const info: { path?: string; mod?: string; version?: string } = {};
  for (const line of r.stdout.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] === "path") info.path = f[1];
    if (f[0] === "mod") {
      info.mod = f[1];
      info.version = f[2];
    }
  }
  return info;
}

/** go install `pkg@version` into BIN_DIR; returns the error text on failure. */
function goInstall(pkgAtVersion: string, gobin = BIN_DIR): string | undefined {
  const go = which("go");
  if (!go) return "the 'go' command is not on PATH";
  fs.mkdirSync(gobin, { recursive: true });
  const r = spawnSync(go, ["install", pkgAtVersion], { encoding: "utf8", env: { ...process.env, GOBIN: gobin } });
  if (r.status === 0) return undefined;
  return (r.stderr || r.stdout || `go install exited ${r.status ?? r.signal}`).trim();
}

/** A govmomi command (vcsim, govc) at the pinned version, installed unless already there. */
function ensureGovmomiTool(name: string): { bin?: string; error?: string } {
  const bin = path.join(BIN_DIR, name);
  const info = goBuildInfo(bin);
  if (info?.path === `github.com/vmware/govmomi/${name}` && info.version === GOVMOMI_VERSION) {
    log(`${name} ${GOVMOMI_VERSION}: cached at ${path.relative(process.cwd(), bin)}`);
    return { bin };
  }
  log(`${name} ${GOVMOMI_VERSION}: go install github.com/vmware/govmomi/${name}@${GOVMOMI_VERSION}`);
  const err = goInstall(`github.com/vmware/govmomi/${name}@${GOVMOMI_VERSION}`);
  return err ? { error: err } : { bin };
}

function terraformVersionOf(bin: string): string | undefined {
  const r = spawnSync(bin, ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: CLI_CONFIG },
  });
  if (r.status !== 0) return undefined;
  try {
    return (JSON.parse(r.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
}

function versionAtLeast(v: string, min: readonly [number, number]): boolean {
  const [maj, minor] = v.split(".").map((x) => parseInt(x, 10));
  return maj > min[0] || (maj === min[0] && minor >= min[1]);
}

function ensureTerraform(): { bin?: string; version?: string; error?: string } {
  const onPath = which("terraform");
  const v = onPath ? terraformVersionOf(onPath) : undefined;
  if (onPath && v && versionAtLeast(v, TERRAFORM_MIN_VERSION)) {
    log(`terraform ${v}: on PATH (${onPath})`);
    return { bin: onPath, version: v };
  }
  const bin = path.join(BIN_DIR, "terraform");
  const info = goBuildInfo(bin);
  if (info?.mod === "github.com/hashicorp/terraform" && info.version === TERRAFORM_FALLBACK_VERSION) {
    log(`terraform ${TERRAFORM_FALLBACK_VERSION}: cached`);
    return { bin, version: TERRAFORM_FALLBACK_VERSION.slice(1) };
  }
  log(`terraform on PATH is ${v ?? "absent"}; go install github.com/hashicorp/terraform@${TERRAFORM_FALLBACK_VERSION}`);
  const err = goInstall(`github.com/hashicorp/terraform@${TERRAFORM_FALLBACK_VERSION}`);
  return err ? { error: err } : { bin, version: TERRAFORM_FALLBACK_VERSION.slice(1) };
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Copies `src` to `dest` unless dest already has the same content. */
function installCopy(src: string, dest: string): void {
  if (fs.existsSync(dest) && fs.statSync(dest).size === fs.statSync(src).size && sha256(dest) === sha256(src)) return;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.copyFileSync(src, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, dest);
}

/**
 * The provider, in this order: the pinned go install; else the binary named by
 * VSPHERE_PROVIDER_BIN; else blocked, with the go error quoted.
 */
function ensureProvider(): { bin?: string; origin?: string; error?: string } {
  const dest = providerMirrorPath();
  const buildDir = path.join(CACHE_DIR, "provider-build");
  const built = path.join(buildDir, "terraform-provider-vsphere");
  log(`provider ${PROVIDER_VERSION}: go install ${PROVIDER_GO_MODULE}@${PROVIDER_COMMIT}`);
  const goErr = goInstall(`${PROVIDER_GO_MODULE}@${PROVIDER_COMMIT}`, buildDir);
  if (!goErr) {
    installCopy(built, dest);
    return { bin: dest, origin: `go install ${PROVIDER_GO_MODULE}@${PROVIDER_COMMIT}` };
  }
  log(`provider: the pinned go install failed:\n${goErr}`);
  const fromEnv = process.env.VSPHERE_PROVIDER_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      return {
        error: `go install failed (${goErr}) and VSPHERE_PROVIDER_BIN names a file that does not exist: ${fromEnv}`,
      };
    }
    log(`provider: using VSPHERE_PROVIDER_BIN (${fromEnv})`);
    installCopy(fromEnv, dest);
    return { bin: dest, origin: "VSPHERE_PROVIDER_BIN" };
  }
  return { error: goErr };
}

/** The CLI config: providers only from the project-local mirror, nothing from the network. */
function writeCliConfig(): void {
  const text = [
    "# Written by e2e/tools.ts: the vSphere provider comes only from the local filesystem mirror.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(MIRROR_DIR)}`,
    `    include = [${JSON.stringify(PROVIDER_SOURCE)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(CLI_CONFIG, text);
}

/** Installs or finds every tool; never throws for a missing tool (see `blocked`). */
export function ensureTools(): E2eTools {
  const timings: Record<string, number> = {};
  const tools: E2eTools = { mirrorDir: MIRROR_DIR, cliConfig: CLI_CONFIG, timings };
  const blocked: string[] = [];
  const t0 = Date.now();
  fs.mkdirSync(BIN_DIR, { recursive: true });
  writeCliConfig();

  for (const name of ["vcsim", "govc"] as const) {
    const r = timed(timings, `tools:${name}`, () => ensureGovmomiTool(name));
    if (r.bin) tools[name] = r.bin;
    else blocked.push(`E2E BLOCKED: ${name} ${GOVMOMI_VERSION} cannot be obtained here: ${r.error}`);
  }
  const tf = timed(timings, "tools:terraform", () => ensureTerraform());
  if (tf.bin) {
    tools.terraform = tf.bin;
    tools.terraformVersion = tf.version;
  } else blocked.push(`E2E BLOCKED: terraform cannot be obtained here: ${tf.error}`);

  const prov = timed(timings, "tools:provider", () => ensureProvider());
  if (prov.bin) {
    tools.provider = prov.bin;
    tools.providerOrigin = prov.origin;
  } else {
    blocked.push(
      `E2E BLOCKED: the Terraform vSphere provider cannot be obtained here: ${prov.error}\n` +
        `(to run anyway, set VSPHERE_PROVIDER_BIN to a terraform-provider-vsphere ${PROVIDER_VERSION} binary built for ${goPlatform()})`,
    );
  }

  if (blocked.length) tools.blocked = blocked.join("\n");
  timings["tools:total"] = (Date.now() - t0) / 1000;
  fs.writeFileSync(TOOLS_JSON, JSON.stringify(tools, null, 2) + "\n");
  if (tools.blocked) {
    const bar = "!".repeat(78);
    log(`\n${bar}\n${tools.blocked}\n${bar}`);
  }
  return tools;
}

/** The result of the last ensureTools() run (written by the jest globalSetup). */
export function readTools(): E2eTools {
  if (!fs.existsSync(TOOLS_JSON)) return ensureTools();
  return JSON.parse(fs.readFileSync(TOOLS_JSON, "utf8")) as E2eTools;
}

/** Whether a blocked run may skip instead of fail. */
export function blockedMaySkip(): boolean {
  return process.env.E2E_ALLOW_BLOCKED === "1";
}

/** Environment for terraform: the local mirror's CLI config, no network checks, no prompts. */
export function terraformEnv(tools: E2eTools, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: tools.cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    ...extra,
  };
  delete env.TF_PLUGIN_CACHE_DIR;
  return env;
}

/** CLI: `npm run e2e:tools` installs or finds the tools and prints where they are. */
function main(): void {
  const tools = ensureTools();
  const show = (k: string, v: string | undefined) => log(`${k.padEnd(10)} ${v ?? "-"}`);
  show("vcsim", tools.vcsim);
  show("govc", tools.govc);
  show("terraform", tools.terraform && `${tools.terraform} (${tools.terraformVersion})`);
  show("provider", tools.provider && `${tools.provider} (from ${tools.providerOrigin})`);
  show("cliconfig", tools.cliConfig);
  show(
    "timings",
    Object.entries(tools.timings)
      .map(([k, v]) => `${k}=${v.toFixed(1)}s`)
      .join(" "),
  );
  if (tools.blocked) process.exitCode = blockedMaySkip() ? 0 : 1;
}

if (require.main === module) main();
