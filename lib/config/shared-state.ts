/**
 * Checks across environment files: two environments must never share one Terraform state.
 * Deploying one of them would plan to destroy the other's VMs (its resources are in the
 * state but not in the configuration). Each environment's state is identified as Terraform
 * finds it for the default workspace (the one cdktf deploys to), defaults included:
 *
 * - `local`: the state file, relative to the project: `path` (normalized), else
 *   `state/<env>.tfstate` (stacks/backend.ts). `workspaceDir` holds only other workspaces.
 * - `s3`: the object `bucket` + `key` on the same S3 service (`endpoints.s3`, else `endpoint`,
 *   else AWS), unless both name different regions. `workspaceKeyPrefix` applies only to
 *   other workspaces.
 * - `pg`: the schema `schemaName`, else Terraform's default `terraform_remote_state`, in the
 *   database of `PG_CONN_STR`, which is one for every environment of a run (Terraform quotes
 *   the name, so case counts).
 * - `http`: the state `address` (scheme and host without case, default port and dot segments dropped).
 * - `remote`: the `organization` and `workspaces.name` (or `workspaces.prefix`) on `hostname`,
 *   else app.terraform.io.
 */
import * as path from "path";
import type { LoadedEnvironment } from "./loader";
import type { Problem } from "./problems";
import type { BackendSpec } from "./schema";

/** Terraform's pg backend keeps the state in this schema when `schema_name` is not set. */
export const PG_DEFAULT_SCHEMA = "terraform_remote_state";
/** The remote backend's host when `hostname` is not set. */
export const REMOTE_DEFAULT_HOST = "app.terraform.io";

/** Where one environment keeps its state, as far as the file tells. */
export interface StateIdentity {
  readonly type: BackendSpec["type"];
  /** Equal for two environments that use the same state (with `region` below for s3). */
  readonly id: string;
  /** s3 only: the region when the file names one (two different regions are two buckets). */
  readonly region?: string;
  /** The field that picks the state, to change for a fix (it may be unset: a default). */
  readonly field: string;
  /** The state in words, for messages. */
  readonly where: string;
  /**
   * What to give each environment, and a value of this environment's own (named after it);
   * `keep` when that is the value in effect now (another environment took it).
   */
  readonly fix: { readonly what: string; readonly example: string; readonly keep: boolean };
}

/** `a/./b/../c.tfstate` as `a/c.tfstate`: the same file however the path is written. */
function normalizePath(p: string): string {
  return path.posix.normalize(p).replace(/\/+$/, "");
}

/** A URL with its scheme and host in lower case, default port and dot segments dropped; else the text. */
function normalizeUrl(u: string): string {
  try {
    return new URL(u.trim()).href.replace(/\/+$/, "");
  } catch {
    return u.trim();
  }
}

/** A URL for messages: without its query, which may hold a token. */
function showUrl(u: string): string {
  try {
    const url = new URL(u.trim());
    return `${url.origin}${url.pathname}${url.search ? "?..." : ""}`;
  } catch {
    return u.trim().replace(/\?.*$/, "?...");
  }
}

/** The same key in the folder of `key`, named after the environment: `labs/lab.tfstate` -> `labs/<env>.tfstate`. */
function sibling(key: string, env: string): string {
  const dir = path.posix.dirname(key);
  return dir === "." ? `${env}.tfstate` : `${dir}/${env}.tfstate`;
}

/** The state an environment's backend uses, with its defaults (see the top of this file). */
export function stateIdentity(envName: string, backend: BackendSpec): StateIdentity {
  switch (backend.type) {
    case "local": {
      const own = `state/${envName}.tfstate`;
      const file = backend.path !== undefined ? normalizePath(backend.path) : own;
      return {
        type: "local",
        id: file,
        field: "backend.path",
        where: `the local state file ${file}${backend.path === undefined ? " (the default, as backend.path is not set)" : ""}`,
        fix: {
          what: "path",
          example: backend.path === undefined ? `the default ${own}` : `path: ${own}`,
          keep: file === own,
        },
      };
    }
    case "s3": {
      const endpoint = backend.endpoints?.s3 ?? backend.endpoint;
      const service = endpoint !== undefined ? normalizeUrl(endpoint) : "aws";
      const region = backend.region?.trim().toLowerCase() || undefined;
      return {
        type: "s3",
        id: JSON.stringify([service, backend.bucket, backend.key]),
        ...(region !== undefined ? { region } : {}),
        field: "backend.key",
        where: `the S3 object s3://${backend.bucket}/${backend.key}${endpoint !== undefined ? ` at ${showUrl(endpoint)}` : ""}`,
        fix: {
          what: "key",
          example: `key: ${sibling(backend.key, envName)}`,
          keep: sibling(backend.key, envName) === backend.key,
        },
      };
    }
    case "pg": {
      const schema = backend.schemaName ?? PG_DEFAULT_SCHEMA;
      const own = envName.replace(/-/g, "_");
      return {
        type: "pg",
        id: schema,
        field: "backend.schemaName",
        where: `the PostgreSQL schema ${schema}${backend.schemaName === undefined ? " (Terraform's default, as backend.schemaName is not set)" : ""} of the database in PG_CONN_STR`,
        fix: { what: "schemaName", example: `schemaName: ${own}`, keep: schema === own },
      };
    }
    case "http":
      return {
        type: "http",
        id: normalizeUrl(backend.address),
        field: "backend.address",
        where: `the state address ${showUrl(backend.address)}`,
        fix: { what: "address", example: `an address ending in /${envName}`, keep: false },
      };
    case "remote": {
      const host = (backend.hostname?.trim() || REMOTE_DEFAULT_HOST).toLowerCase().replace(/\.$/, "");
      const ws = backend.workspaces;
      const byName = "name" in ws;
      return {
        type: "remote",
        id: JSON.stringify([host, backend.organization, byName ? "name" : "prefix", byName ? ws.name : ws.prefix]),
        field: byName ? "backend.workspaces.name" : "backend.workspaces.prefix",
        where: byName
          ? `the workspace ${ws.name} of organization ${backend.organization} on ${host}`
          : `the workspaces with prefix ${ws.prefix} of organization ${backend.organization} on ${host}`,
        fix: byName
          ? { what: "workspace name", example: `workspaces: { name: ${envName} }`, keep: ws.name === envName }
          : {
              what: "workspace prefix",
              example: `workspaces: { prefix: ${envName}- }`,
              keep: ws.prefix === `${envName}-`,
            },
      };
    }
  }
}

/** Whether two environments' states are one. */
export function sameState(a: StateIdentity, b: StateIdentity): boolean {
  return (
    a.type === b.type && a.id === b.id && (a.region === undefined || b.region === undefined || a.region === b.region)
  );
}

/**
 * A problem on each environment whose backend uses the same Terraform state as another's:
 * the field, both files (with where the other writes it) and the fix.
 */
export function sharedStateProblems(envs: readonly LoadedEnvironment[]): Problem[] {
  const states = envs.map((env) => ({ env, state: stateIdentity(env.name, env.spec.backend) }));
  const at = (env: LoadedEnvironment, field: string) => {
    const pos = env.locate(field);
    return pos ? { line: pos.line, column: pos.column } : {};
  };
  const problems: Problem[] = [];
  for (const { env, state } of states) {
    const others = states.filter((o) => o.env !== env && sameState(state, o.state));
    if (!others.length) continue;
    const shown = others.map((o) => {
      const pos = at(o.env, o.state.field);
      return pos.line !== undefined ? `${o.env.file}:${pos.line}:${pos.column}` : o.env.file;
    });
    const one = others.length === 1;
    const examples = [{ env, state }, ...others].map(
      (s) => `${s.state.fix.keep ? "keep " : ""}${s.state.fix.example} in ${path.basename(s.env.file)}`,
    );
    problems.push({
      file: env.file,
      field: state.field,
      ...at(env, state.field),
      message:
        `shares one Terraform state with ${shown.join(", ")}: ${one ? "both" : "all"} keep it in ${state.where}, ` +
        `so deploying one environment would plan to destroy the VMs of the other${one ? "" : "s"}; ` +
        `give each environment its own ${state.fix.what}, e.g. ${examples.join(", ")}`,
    });
  }
  return problems;
}
