/**
 * What this environment's Terraform state holds, as far as preflight needs it: the managed base
 * snapshots and the clones. It tells "before the first deploy" from "after", and this
 * environment's VMs from anybody else's.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnvironmentSpec } from "../config/schema";
import { which } from "./govc";

/** The state cannot be read (exit 2). */
export class StateReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateReadError";
  }
}

/** A path for output: relative to the working directory, never absolute. */
export function shownPath(p: string): string {
  return path.relative(process.cwd(), path.resolve(p)) || ".";
}

export interface StateSnapshot {
  /** The snapshot's managed object id (the provider's resource id), e.g. `snapshot-81`. */
  readonly id: string;
  readonly name: string;
  /** `virtual_machine_uuid`: the source VM's uuid. */
  readonly vmUuid: string;
}

export interface StateVm {
  readonly name: string;
  readonly uuid?: string;
  readonly moid?: string;
  /** `clone.0.template_uuid`: the source VM's uuid. */
  readonly templateUuid?: string;
}

export interface StateView {
  /** False when the state could not be read (a remote backend not initialized here, say). */
  readonly known: boolean;
  /** Where it came from, for messages (never an absolute path). */
  readonly source: string;
  /** Why it is unknown. */
  readonly reason?: string;
  readonly snapshots: readonly StateSnapshot[];
  readonly vms: readonly StateVm[];
}

interface RawInstance {
  index_key?: string | number;
  attributes?: Record<string, unknown>;
}
interface RawResource {
  mode?: string;
  type?: string;
  instances?: RawInstance[];
}

/** Reads Terraform's state JSON (a `.tfstate` file or `terraform state pull`); empty text is an empty state. */
export function parseState(text: string, source: string): StateView {
  if (text.trim() === "") return { known: true, source, snapshots: [], vms: [] };
  let doc: { resources?: RawResource[] };
  try {
    doc = JSON.parse(text) as { resources?: RawResource[] };
  } catch (e) {
    throw new StateReadError(`the state from ${source} is not JSON (${(e as Error).message})`);
  }
  const snapshots: StateSnapshot[] = [];
  const vms: StateVm[] = [];
  for (const r of doc.resources ?? []) {
    if (r.mode !== "managed") continue;
    for (const i of r.instances ?? []) {
      const a = i.attributes ?? {};
      const str = (k: string) => (typeof a[k] === "string" && a[k] !== "" ? (a[k] as string) : undefined);
      if (r.type === "vsphere_virtual_machine_snapshot") {
        snapshots.push({
          id: str("id") ?? "",
          name: str("snapshot_name") ?? "",
          vmUuid: str("virtual_machine_uuid") ?? "",
        });
      } else if (r.type === "vsphere_virtual_machine") {
        const clone = Array.isArray(a.clone) ? (a.clone[0] as Record<string, unknown> | undefined) : undefined;
        const templateUuid = typeof clone?.template_uuid === "string" ? clone.template_uuid : undefined;
        const name = str("name") ?? (typeof i.index_key === "string" ? i.index_key : undefined);
        if (!name) continue;
        const uuid = str("uuid") ?? str("id");
        const moid = str("moid");
        vms.push({
          name,
          ...(uuid ? { uuid } : {}),
          ...(moid ? { moid } : {}),
          ...(templateUuid ? { templateUuid } : {}),
        });
      }
    }
  }
  return { known: true, source, snapshots, vms };
}

export interface StateLocation {
  /** Where cdktf writes stacks: CDKTF_OUTDIR, else `cdktf.out` (relative to the working directory). */
  readonly outdir: string;
  /** A state file given on the command line (`terraform state pull > file`). */
  readonly stateFile?: string;
  /** Environment for `terraform state pull` (backend credentials). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The local backend's state file, as the stack writes it: `state/<env>.tfstate` (or the
 * backend's `path`), relative to the stack folder's grandparent's parent, which is the project
 * with the default `cdktf.out` (stacks/backend.ts).
 */
export function localStatePath(name: string, spec: EnvironmentSpec, outdir: string): string {
  const backend = spec.backend as { type: string; path?: string };
  const rel = backend.path ?? path.posix.join("state", `${name}.tfstate`);
  return path.resolve(outdir, "stacks", name, "../../..", rel);
}

/**
 * This environment's state: the file given, else the local backend's file, else (other
 * backends) `terraform state pull` in the initialized stack folder, else unknown.
 */
export function readState(name: string, spec: EnvironmentSpec, where: StateLocation): StateView {
  if (where.stateFile !== undefined) {
    const shown = shownPath(where.stateFile);
    if (!fs.existsSync(where.stateFile)) throw new StateReadError(`the state file ${shown} does not exist`);
    return parseState(fs.readFileSync(where.stateFile, "utf8"), shown);
  }
  if (spec.backend.type === "local") {
    const file = localStatePath(name, spec, where.outdir);
    const shown = shownPath(file);
    if (!fs.existsSync(file)) return { known: true, source: `${shown}, not there yet`, snapshots: [], vms: [] };
    return parseState(fs.readFileSync(file, "utf8"), shown);
  }
  const stackDir = path.resolve(where.outdir, "stacks", name);
  const shownDir = shownPath(stackDir);
  const unknown = (reason: string): StateView => ({
    known: false,
    source: `the ${spec.backend.type} backend`,
    reason,
    snapshots: [],
    vms: [],
  });
  if (!fs.existsSync(path.join(stackDir, ".terraform"))) {
    return unknown(
      `the ${spec.backend.type} backend is not initialized in ${shownDir}; run cdktf synth and terraform init there, or pass --state FILE (from terraform state pull)`,
    );
  }
  const terraform = which("terraform");
  if (!terraform) return unknown("terraform is not on PATH to run terraform state pull");
  const r = spawnSync(terraform, ["state", "pull"], {
    cwd: stackDir,
    encoding: "utf8",
    env: { ...(where.env ?? process.env), TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" },
    timeout: 120_000,
  });
  if (r.status !== 0) {
    const line = (r.stderr || r.stdout || "").split("\n").find((l) => l.trim() !== "") ?? `exit ${r.status}`;
    return unknown(`terraform state pull in ${shownDir} failed: ${line.trim()}`);
  }
  return parseState(r.stdout, `terraform state pull (${spec.backend.type} backend)`);
}
