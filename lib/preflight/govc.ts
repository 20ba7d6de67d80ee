/**
 * govc (govmomi's vSphere CLI) as preflight's client: found on PATH, else installed once with
 * `go install` into the user's cache. Read-only commands only (`about`, `object.collect`).
 * Credentials reach govc through its environment (GOVC_USERNAME / GOVC_PASSWORD), never on its
 * command line, and are blanked out of anything it prints.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ABOUT_QUERY,
  DATACENTERS_QUERY,
  buildInventory,
  findDatacenter,
  govcQueries,
  parseDatacenters,
  type GovcOutputs,
  type Inventory,
} from "./inventory";

/** The govmomi release the project pins (the e2e tools use the same). */
export const GOVC_VERSION = "v0.46.3";
export const GOVC_MODULE = "github.com/vmware/govmomi/govc";

/** A problem that stops preflight before it can check anything (exit 2). */
export class PreflightUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreflightUsageError";
  }
}

export function which(cmd: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Where `go install` puts govc: `$XDG_CACHE_HOME` (else `~/.cache`)/cdktf-vsphere-linked-clones/govmomi-<version>. */
export function govcCacheDir(env: NodeJS.ProcessEnv = process.env): { dir: string; shown: string } {
  const sub = path.join("cdktf-vsphere-linked-clones", `govmomi-${GOVC_VERSION}`);
  if (env.XDG_CACHE_HOME) return { dir: path.join(env.XDG_CACHE_HOME, sub), shown: path.join("$XDG_CACHE_HOME", sub) };
  return { dir: path.join(os.homedir(), ".cache", sub), shown: path.join("~/.cache", sub) };
}

/**
 * The govc binary: on PATH, else in the user cache, else installed there with
 * `go install github.com/vmware/govmomi/govc@v0.46.3`. Says on `log` what it does.
 */
export function findGovc(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => {}): string {
  const onPath = which("govc", env.PATH ?? "");
  if (onPath) return onPath;
  const cache = govcCacheDir(env);
  const cached = path.join(cache.dir, "govc");
  if (fs.existsSync(cached)) return cached;
  const go = which("go", env.PATH ?? "");
  if (!go) {
    throw new PreflightUsageError(
      `govc is not on PATH and Go is not installed to build it; put govc ${GOVC_VERSION} on PATH (https://github.com/vmware/govmomi/releases) or install Go`,
    );
  }
  log(`preflight: govc is not on PATH; go install ${GOVC_MODULE}@${GOVC_VERSION} into ${cache.shown} (once)`);
  fs.mkdirSync(cache.dir, { recursive: true });
  const r = spawnSync(go, ["install", `${GOVC_MODULE}@${GOVC_VERSION}`], {
    encoding: "utf8",
    env: { ...env, GOBIN: cache.dir },
    timeout: 600_000,
  });
  if (r.status !== 0 || !fs.existsSync(cached)) {
    const line = (r.stderr || r.stdout || "").trim().split("\n").pop() ?? "";
    throw new PreflightUsageError(`go install ${GOVC_MODULE}@${GOVC_VERSION} failed: ${line}`);
  }
  return cached;
}

export interface Connection {
  /** vsphere.server: host or host:port. */
  readonly server: string;
  readonly allowUnverifiedSsl: boolean;
  readonly user: string;
  readonly password: string;
}

/**
 * govc's environment: the caller's, without any GOVC_* setting that could point it elsewhere
 * (a GOVC_URL with credentials, GOVC_DATACENTER, ...), plus the server, the credentials and
 * TLS as the environment file says. Trust settings (GOVC_TLS_CA_CERTS, GOVC_TLS_KNOWN_HOSTS)
 * are kept. Sessions are not persisted, so nothing is left in ~/.govmomi.
 */
export function govcEnv(c: Connection, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (k.startsWith("GOVC_") && k !== "GOVC_TLS_CA_CERTS" && k !== "GOVC_TLS_KNOWN_HOSTS") continue;
    env[k] = v;
  }
  return {
    ...env,
    GOVC_URL: `https://${c.server}/sdk`,
    GOVC_USERNAME: c.user,
    GOVC_PASSWORD: c.password,
    GOVC_INSECURE: c.allowUnverifiedSsl ? "true" : "false",
    GOVC_PERSIST_SESSION: "false",
  };
}

/** Replaces the credentials (and their URL-encoded forms) in text that govc printed. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 2) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  return out;
}

/** govc failed: the first line of what it said, without credentials. */
export class GovcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GovcError";
  }
}

export type GovcRunner = (args: readonly string[]) => Promise<string>;

/** Runs govc with `env`; resolves with its stdout, rejects with a GovcError. */
export function govcRunner(
  bin: string,
  env: NodeJS.ProcessEnv,
  secrets: readonly string[],
  timeoutMs = 120_000,
): GovcRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new GovcError(redact(e.message, secrets)));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
        const said = Buffer.concat(err).toString("utf8") || Buffer.concat(out).toString("utf8");
        const line =
          said
            .split("\n")
            .map((l) => l.trim())
            .find((l) => l !== "") ?? (signal ? `killed by ${signal} after ${timeoutMs / 1000} s` : `exit ${code}`);
        reject(new GovcError(redact(line.replace(/^govc: /, ""), secrets)));
      });
    });
}

/** Asks vCenter (read-only) for what preflight checks, and keeps govc's text as it came. */
export async function collect(datacenter: string, govc: GovcRunner): Promise<GovcOutputs> {
  const [about, datacenters] = await Promise.all([govc(ABOUT_QUERY), govc(DATACENTERS_QUERY)]);
  const dc = findDatacenter(datacenter, parseDatacenters(datacenters));
  if (!dc) return { about, datacenters };
  const q = govcQueries(`${dc.ref.type}:${dc.ref.value}`);
  const [entities, vms, clusters, hosts, datastores] = await Promise.all([
    govc(q.entities),
    govc(q.vms),
    govc(q.clusters),
    govc(q.hosts),
    govc(q.datastores),
  ]);
  return { about, datacenters, entities, vms, clusters, hosts, datastores };
}

/** The inventory of one datacenter, read with govc. */
export async function gather(datacenter: string, govc: GovcRunner): Promise<Inventory> {
  return buildInventory(datacenter, await collect(datacenter, govc));
}
