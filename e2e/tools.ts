/**
 * The e2e test's tools, pinned and cached under e2e/.cache/:
 *
 * - vcsim and govc from govmomi (go install, pinned version),
 * - terraform (the one on PATH when >= 1.5, else go install of a pinned version),
 * - the Terraform vSphere provider, in a project-local filesystem mirror under both
 *   registry.terraform.io and registry.opentofu.org, with a CLI config (read by terraform
 *   and tofu) that installs it only from there (no network, no direct{}),
 * - OpenTofu, built from its pinned module source (go install refuses it: its go.mod has
 *   replace directives), only when the provider is there (nothing else would use it).
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
/** Registry host names the provider is mirrored under: terraform resolves vmware/vsphere on the first, tofu on the second. */
export const PROVIDER_HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;
export type ProviderHost = (typeof PROVIDER_HOSTS)[number];
export const TOFU_VERSION = "v1.10.10";
export const TOFU_GO_MODULE = "github.com/opentofu/opentofu";

export const E2E_DIR = __dirname;
export const CACHE_DIR = path.join(E2E_DIR, ".cache");
export const BIN_DIR = path.join(CACHE_DIR, "bin");
export const MIRROR_DIR = path.join(CACHE_DIR, "tf-mirror");
export const CLI_CONFIG = path.join(CACHE_DIR, "terraform.rc");
export const TOOLS_JSON = path.join(CACHE_DIR, "tools.json");
/**
 * The result of this run's ensureTools(), for the test files: the jest globalSetup points
 * E2E_TOOLS_JSON at a file of its own, so two runs in one checkout (say, one with
 * VSPHERE_PROVIDER_BIN and one without) do not read each other's tools.
 */
function runToolsJson(): string {
  return process.env.E2E_TOOLS_JSON || TOOLS_JSON;
}

export interface E2eTools {
  vcsim?: string;
  govc?: string;
  terraform?: string;
  terraformVersion?: string;
  /** The provider binary inside the filesystem mirror. */
  provider?: string;
  /** Where the provider came from: the pinned go install, or VSPHERE_PROVIDER_BIN. */
  providerOrigin?: string;
  /** OpenTofu, for the scenario run with TERRAFORM_BINARY_NAME=tofu. */
  tofu?: string;
  tofuVersion?: string;
  /** Where tofu came from: the cache, E2E_TOFU_BIN, or a build from the module source. */
  tofuOrigin?: string;
  /** Why a tool is missing, by tool (vcsim, govc, terraform, provider, tofu); `blocked` joins the blocking ones. */
  reasons?: Partial<Record<"vcsim" | "govc" | "terraform" | "provider" | "tofu", string>>;
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

export function goPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** The provider binary's place in a filesystem mirror (unpacked layout), under `host`. */
export function providerMirrorPath(mirror = MIRROR_DIR, host: ProviderHost = PROVIDER_HOSTS[0]): string {
  const [, ns, type] = PROVIDER_SOURCE.split("/");
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
  const install = (src: string) => {
    for (const host of PROVIDER_HOSTS) installCopy(src, providerMirrorPath(MIRROR_DIR, host));
  };
  const buildDir = path.join(CACHE_DIR, "provider-build");
  const built = path.join(buildDir, "terraform-provider-vsphere");
  log(`provider ${PROVIDER_VERSION}: go install ${PROVIDER_GO_MODULE}@${PROVIDER_COMMIT}`);
  const goErr = goInstall(`${PROVIDER_GO_MODULE}@${PROVIDER_COMMIT}`, buildDir);
  if (!goErr) {
    install(built);
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
    install(fromEnv);
    return { bin: dest, origin: "VSPHERE_PROVIDER_BIN" };
  }
  return { error: goErr };
}

/** `tofu version -json`'s version, or undefined when `bin` is not a working tofu (tofu answers as terraform does). */
function tofuVersionOf(bin: string): string | undefined {
  return fs.existsSync(bin) ? terraformVersionOf(bin) : undefined;
}

/** Whether `version` is TOFU_VERSION (a build without release flags says "<version>-dev": accepted). */
function isPinnedTofu(version: string | undefined): boolean {
  return version !== undefined && version.replace(/-dev$/, "") === TOFU_VERSION.slice(1);
}

/**
 * OpenTofu at TOFU_VERSION: E2E_TOFU_BIN when it is that version; else the cached build;
 * else built from the module source: `go mod download -json <module>@<version>`, its Dir
 * copied to a writable folder (the module cache is read-only), `go build ./cmd/tofu` there
 * with the release's version flag. About 2.5 minutes on 2 cores; cached in e2e/.cache/bin.
 */
function ensureTofu(): { bin?: string; version?: string; origin?: string; error?: string } {
  const fromEnv = process.env.E2E_TOFU_BIN;
  if (fromEnv) {
    const v = tofuVersionOf(fromEnv);
    if (isPinnedTofu(v)) {
      log(`tofu ${v}: E2E_TOFU_BIN (${fromEnv})`);
      return { bin: fromEnv, version: v, origin: "E2E_TOFU_BIN" };
    }
    log(`tofu: E2E_TOFU_BIN is ${v ?? "not a working tofu"}, not ${TOFU_VERSION}; building instead`);
  }
  const bin = path.join(BIN_DIR, "tofu");
  const cached = tofuVersionOf(bin);
  if (isPinnedTofu(cached)) {
    log(`tofu ${cached}: cached at ${path.relative(process.cwd(), bin)}`);
    return { bin, version: cached, origin: "cache" };
  }
  const go = which("go");
  if (!go) return { error: "the 'go' command is not on PATH" };
  log(
    `tofu ${TOFU_VERSION}: go mod download -json ${TOFU_GO_MODULE}@${TOFU_VERSION}, then go build ./cmd/tofu (about 2.5 min)`,
  );
  const dl = spawnSync(go, ["mod", "download", "-json", `${TOFU_GO_MODULE}@${TOFU_VERSION}`], {
    encoding: "utf8",
    cwd: CACHE_DIR,
  });
  let dir: string | undefined;
  try {
    dir = (JSON.parse(dl.stdout) as { Dir?: string; Error?: string }).Dir;
  } catch {
    /* reported below */
  }
  if (dl.status !== 0 || !dir) return { error: (dl.stderr || dl.stdout || "go mod download failed").trim() };
  const src = path.join(CACHE_DIR, "tofu-src");
  fs.rmSync(src, { recursive: true, force: true });
  fs.cpSync(dir, src, { recursive: true });
  spawnSync("chmod", ["-R", "u+w", src]);
  const build = spawnSync(
    go,
    [
      "build",
      "-buildvcs=false",
      "-trimpath",
      "-ldflags",
      "-s -w -X github.com/opentofu/opentofu/version.dev=no",
      "-o",
      bin,
      "./cmd/tofu",
    ],
    { encoding: "utf8", cwd: src, env: { ...process.env, CGO_ENABLED: "0" } },
  );
  fs.rmSync(src, { recursive: true, force: true });
  if (build.status !== 0) return { error: (build.stderr || build.stdout || "go build failed").trim() };
  const v = tofuVersionOf(bin);
  if (!isPinnedTofu(v)) return { error: `the build reports version ${v ?? "nothing"}, not ${TOFU_VERSION}` };
  return { bin, version: v, origin: `go build of ${TOFU_GO_MODULE}@${TOFU_VERSION}` };
}

/** The CLI config: providers only from the project-local mirror, nothing from the network. */
function writeCliConfig(): void {
  const text = [
    "# Written by e2e/tools.ts: the vSphere provider comes only from the local filesystem mirror",
    "# (terraform looks it up under registry.terraform.io, tofu under registry.opentofu.org).",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(MIRROR_DIR)}`,
    `    include = [${PROVIDER_HOSTS.map((h) => JSON.stringify(PROVIDER_SOURCE.replace(/^[^/]+/, h))).join(", ")}]`,
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
    else {
      const why = `E2E BLOCKED: ${name} ${GOVMOMI_VERSION} cannot be obtained here: ${r.error}`;
      tools.reasons = { ...tools.reasons, [name]: why };
      blocked.push(why);
    }
  }
  const tf = timed(timings, "tools:terraform", () => ensureTerraform());
  if (tf.bin) {
    tools.terraform = tf.bin;
    tools.terraformVersion = tf.version;
  } else {
    const why = `E2E BLOCKED: terraform cannot be obtained here: ${tf.error}`;
    tools.reasons = { ...tools.reasons, terraform: why };
    blocked.push(why);
  }

  const prov = timed(timings, "tools:provider", () => ensureProvider());
  if (prov.bin) {
    tools.provider = prov.bin;
    tools.providerOrigin = prov.origin;
  } else {
    const why =
      `E2E BLOCKED: the Terraform vSphere provider cannot be obtained here: ${prov.error}\n` +
      `(to run anyway, set VSPHERE_PROVIDER_BIN to a terraform-provider-vsphere ${PROVIDER_VERSION} binary built for ${goPlatform()})`;
    tools.reasons = { ...tools.reasons, provider: why };
    blocked.push(why);
  }

  // tofu runs the same scenario as terraform, so it is only worth building when the provider is there.
  if (!tools.provider) {
    tools.reasons = {
      ...tools.reasons,
      tofu: "tofu is not built: the vSphere provider is blocked, so nothing would use it",
    };
  } else if (process.env.E2E_TOFU === "0") {
    tools.reasons = { ...tools.reasons, tofu: "E2E SKIPPED: tofu is not built (E2E_TOFU=0)" };
  } else {
    const tofu = timed(timings, "tools:tofu", () => ensureTofu());
    if (tofu.bin) {
      tools.tofu = tofu.bin;
      tools.tofuVersion = tofu.version;
      tools.tofuOrigin = tofu.origin;
    } else {
      const why = `E2E BLOCKED: OpenTofu ${TOFU_VERSION} cannot be built here: ${tofu.error}\n(to run anyway, set E2E_TOFU_BIN to a tofu ${TOFU_VERSION} binary)`;
      tools.reasons = { ...tools.reasons, tofu: why };
      blocked.push(why);
    }
  }

  if (blocked.length) tools.blocked = blocked.join("\n");
  timings["tools:total"] = (Date.now() - t0) / 1000;
  fs.writeFileSync(TOOLS_JSON, JSON.stringify(tools, null, 2) + "\n");
  if (runToolsJson() !== TOOLS_JSON) fs.writeFileSync(runToolsJson(), JSON.stringify(tools, null, 2) + "\n");
  if (tools.blocked) {
    const bar = "!".repeat(78);
    log(`\n${bar}\n${tools.blocked}\n${bar}`);
  }
  return tools;
}

/** The result of the last ensureTools() run (written by the jest globalSetup). */
export function readTools(): E2eTools {
  if (!fs.existsSync(runToolsJson())) return ensureTools();
  return JSON.parse(fs.readFileSync(runToolsJson(), "utf8")) as E2eTools;
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
  show("tofu", tools.tofu ? `${tools.tofu} (${tools.tofuVersion}, ${tools.tofuOrigin})` : tools.reasons?.tofu);
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
