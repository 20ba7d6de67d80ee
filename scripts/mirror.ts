/**
 * `npm run mirror -- --from <provider zip | provider binary | terraform providers mirror folder>`:
 * a project-local filesystem mirror of the vSphere provider, for air-gapped deploys, under
 * both registry host names (terraform resolves vmware/vsphere on registry.terraform.io,
 * tofu on registry.opentofu.org), and a CLI config that installs providers only from it.
 * See docs/offline-deploy.md.
 *
 * Options:
 *   --from <path>        the release zip (terraform-provider-vsphere_<version>_<os>_<arch>.zip),
 *                        the provider binary (terraform-provider-vsphere_v<version>), or a folder
 *                        written by `terraform providers mirror` / `tofu providers mirror`
 *   --version <v>        the provider version, when the file name does not say it
 *                        (default: the version @cdktf/provider-vsphere was generated for)
 *   --platform <os_arch> for a binary (default: this machine's, e.g. linux_amd64)
 *   --dir <folder>       the mirror (default: .terraform/providers-mirror, which git ignores)
 *   --config <file>      the CLI config to write (default: .terraform/cli-config.tfrc)
 *   --check              then run `terraform init` (or $TERRAFORM_BINARY_NAME) on a scratch
 *                        configuration against the mirror, offline
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const PROVIDER = { namespace: "vmware", type: "vsphere" } as const;
export const HOSTS = ["registry.terraform.io", "registry.opentofu.org"] as const;
export const DEFAULT_DIR = path.join(".terraform", "providers-mirror");
export const DEFAULT_CONFIG = path.join(".terraform", "cli-config.tfrc");

export interface MirrorOptions {
  from: string;
  version?: string;
  platform?: string;
  dir: string;
  config: string;
}

export interface MirrorResult {
  /** What was placed, relative to the mirror folder. */
  files: string[];
  version: string;
  platforms: string[];
  config: string;
}

/** This machine's platform as Terraform names it, e.g. linux_amd64. */
export function hostPlatform(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform === "win32" ? "windows" : process.platform}_${arch[process.arch] ?? process.arch}`;
}

/** The provider version @cdktf/provider-vsphere was generated for (what the stacks ask for). */
export function bindingsProviderVersion(projectDir = path.resolve(__dirname, "..")): string | undefined {
  try {
    const js = fs.readFileSync(
      path.join(projectDir, "node_modules", "@cdktf", "provider-vsphere", "lib", "provider", "index.js"),
      "utf8",
    );
    return /providerVersion: '([^']+)'/.exec(js)?.[1];
  } catch {
    return undefined;
  }
}

const ZIP_NAME = /^terraform-provider-vsphere_(\d+\.\d+\.\d+[^_]*)_([a-z0-9]+_[a-z0-9]+)\.zip$/;
const BIN_NAME = /^terraform-provider-vsphere(?:_v(\d+\.\d+\.\d+\S*?))?(?:\.exe)?$/;

/** Places the provider in the mirror under both hosts; returns what it placed. */
export function buildMirror(o: MirrorOptions): MirrorResult {
  if (!fs.existsSync(o.from)) throw new Error(`--from ${o.from}: no such file or folder`);
  const files: string[] = [];
  const platforms = new Set<string>();
  let version = o.version;
  const place = (src: string, rel: string, mode?: number) => {
    for (const host of HOSTS) {
      const dest = path.join(o.dir, host, PROVIDER.namespace, PROVIDER.type, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(src, dest);
      if (mode !== undefined) fs.chmodSync(dest, mode);
      files.push(path.relative(o.dir, dest));
    }
  };
  const placeZip = (zip: string) => {
    const m = ZIP_NAME.exec(path.basename(zip));
    if (!m)
      throw new Error(`${zip}: not a provider release zip (terraform-provider-vsphere_<version>_<os>_<arch>.zip)`);
    if (version && version !== m[1]) throw new Error(`${zip} is version ${m[1]}, not --version ${version}`);
    version = m[1];
    platforms.add(m[2]);
    // The packed layout: the release zip as it is, right under <host>/vmware/vsphere/.
    place(zip, path.basename(zip));
  };
  if (fs.statSync(o.from).isDirectory()) {
    // `terraform providers mirror` output: <host>/vmware/vsphere/*.zip (+ JSON indexes, which a filesystem mirror does not need).
    const zips: string[] = [];
    for (const host of fs.readdirSync(o.from)) {
      const d = path.join(o.from, host, PROVIDER.namespace, PROVIDER.type);
      if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) if (ZIP_NAME.test(f)) zips.push(path.join(d, f));
    }
    const unique = new Map(zips.map((z) => [path.basename(z), z]));
    if (!unique.size)
      throw new Error(
        `${o.from}: no <host>/vmware/vsphere/terraform-provider-vsphere_*.zip in it (is it a \`terraform providers mirror\` folder?)`,
      );
    for (const z of unique.values()) placeZip(z);
  } else if (o.from.endsWith(".zip")) {
    placeZip(o.from);
  } else {
    const m = BIN_NAME.exec(path.basename(o.from));
    version = version ?? m?.[1] ?? bindingsProviderVersion();
    if (!version) throw new Error(`${o.from}: give --version (the file name does not say it)`);
    if (m?.[1] && m[1] !== version) throw new Error(`${o.from} is named for version ${m[1]}, not --version ${version}`);
    const platform = o.platform ?? hostPlatform();
    platforms.add(platform);
    // The unpacked layout: <host>/vmware/vsphere/<version>/<os_arch>/terraform-provider-vsphere_v<version>.
    const exe = platform.startsWith("windows_") ? ".exe" : "";
    place(o.from, path.join(version, platform, `terraform-provider-vsphere_v${version}${exe}`), 0o755);
  }
  writeCliConfig(o.config, o.dir);
  return { files, version: version!, platforms: [...platforms], config: o.config };
}

/** A CLI config that installs vmware/vsphere from the mirror only (no direct{}: nothing from the network). */
export function cliConfigText(mirrorDir: string): string {
  return [
    "# Written by `npm run mirror` (scripts/mirror.ts): the vSphere provider comes only from the",
    "# project-local filesystem mirror, for terraform (registry.terraform.io) and tofu (registry.opentofu.org).",
    "# Use it with: export TF_CLI_CONFIG_FILE=<this file>",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(path.resolve(mirrorDir))}`,
    `    include = [${HOSTS.map((h) => JSON.stringify(`${h}/${PROVIDER.namespace}/${PROVIDER.type}`)).join(", ")}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

function writeCliConfig(file: string, mirrorDir: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, cliConfigText(mirrorDir));
}

/** `terraform init` (or tofu) on a scratch configuration asking for the provider, with only the mirror's CLI config. */
export function checkMirror(
  config: string,
  version: string,
  binary = process.env.TERRAFORM_BINARY_NAME || "terraform",
): {
  ok: boolean;
  output: string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-mirror-check-"));
  try {
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { vsphere: { source: "vmware/vsphere", version } } } }),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: path.resolve(config),
      CHECKPOINT_DISABLE: "1",
    };
    delete env.TF_PLUGIN_CACHE_DIR;
    delete env.TERRAFORM_CONFIG;
    const r = spawnSync(binary, ["init", "-input=false", "-no-color", "-backend=false"], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 300_000,
    });
    return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const USAGE = `usage: npm run mirror -- --from <provider zip | provider binary | terraform providers mirror folder>
         [--version <v>] [--platform <os_arch>] [--dir <mirror folder>] [--config <cli config file>] [--check]
  e.g. npm run mirror -- --from ~/Downloads/terraform-provider-vsphere_2.15.0_linux_amd64.zip --check`;

export function parseArgs(argv: string[]): (MirrorOptions & { check: boolean }) | string {
  const o: Partial<MirrorOptions> & { check: boolean } = { dir: DEFAULT_DIR, config: DEFAULT_CONFIG, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--from":
        o.from = value();
        break;
      case "--version":
        o.version = value();
        break;
      case "--platform":
        o.platform = value();
        break;
      case "--dir":
        o.dir = value();
        break;
      case "--config":
        o.config = value();
        break;
      case "--check":
        o.check = true;
        break;
      case "-h":
      case "--help":
        return USAGE;
      default:
        return `unknown option '${a}'\n${USAGE}`;
    }
    if (o.from === undefined && flag === "--from") return `--from needs a path\n${USAGE}`;
  }
  if (!o.from) return `--from is required\n${USAGE}`;
  return o as MirrorOptions & { check: boolean };
}

function main(argv: string[]): number {
  const o = parseArgs(argv);
  if (typeof o === "string") {
    process.stderr.write(`${o}\n`);
    return o.startsWith("usage") ? 0 : 2;
  }
  const r = buildMirror(o);
  const out = (l: string) => process.stdout.write(`${l}\n`);
  out(`Mirror ready in ${o.dir}: vmware/vsphere ${r.version} (${r.platforms.join(", ")}) for terraform and tofu:`);
  for (const f of r.files) out(`  ${f}`);
  out(`CLI config: ${o.config}`);
  out("");
  out("Use it (see docs/offline-deploy.md):");
  out(`  export TF_CLI_CONFIG_FILE="${path.resolve(o.config)}" CHECKPOINT_DISABLE=1`);
  out("  npm run deploy -- <env> --auto-approve     # adds --skip-provider-lock for a mirror");
  out("  npx cdktf deploy <env> --skip-provider-lock  # the same with cdktf itself");
  if (o.check) {
    const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
    const c = checkMirror(o.config, r.version, binary);
    const name = path.basename(binary);
    out("");
    out(c.ok ? `Check: ${name} init installs the provider from the mirror.` : `Check FAILED: ${name} init said:`);
    if (!c.ok) {
      process.stderr.write(`${c.output.trim()}\n`);
      return 1;
    }
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
