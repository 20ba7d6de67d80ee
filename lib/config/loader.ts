import * as fs from "fs";
import * as path from "path";
import { closest, distance } from "fastest-levenshtein";
import YAML from "yaml";
import { z } from "zod";
import { planMembers } from "../model/members";
import { BACKEND_SECRETS, environmentSchema, type EnvironmentSpec } from "./schema";
import { ConfigError, fieldPath, showValue, type Problem } from "./problems";

/** Environment files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Stack names come from file names and become folder names: keep them plain. */
const STACK_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

export interface LoadedEnvironment {
  /** Stack name: the file name without `.yaml`. */
  readonly name: string;
  /** The file, relative to the working directory, for messages. */
  readonly file: string;
  readonly spec: EnvironmentSpec;
}

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Stack name of an environment file, or a problem naming the fix. */
export function stackNameOf(file: string): { name?: string; problem?: string } {
  const base = path.basename(file);
  if (!base.endsWith(".yaml")) {
    return { problem: `'${base}' is not a .yaml file; environment files are named <stack>.yaml` };
  }
  const name = base.slice(0, -".yaml".length);
  if (!STACK_NAME.test(name)) {
    return {
      problem: `file name '${base}' does not make a valid stack name; rename it to lower-case letters, digits and inner '-' (at most 64), e.g. training-lab.yaml`,
    };
  }
  return { name };
}

/** Parses and checks one environment's text. Throws ConfigError with every problem found. */
export function parseEnvironment(text: string, file: string): EnvironmentSpec {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  if (text.trim() === "") {
    add(
      "",
      "the file is empty; an environment needs vsphere, datacenter, bases and groups (see shared spec: environment-file.md)",
    );
    throw new ConfigError(problems);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true, strict: true, stringKeys: true });
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : "";
    add(where, `YAML syntax error: ${yamlReason(e)}; fix the YAML at that spot`);
  }
  if (problems.length) throw new ConfigError(problems);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    add("", `the YAML cannot be read: ${(e as Error).message}; remove aliases that expand too far`);
    throw new ConfigError(problems);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    add(
      "",
      `the file holds ${showValue(raw)}, not a mapping; start with keys such as vsphere:, datacenter:, bases:, groups:`,
    );
    throw new ConfigError(problems);
  }
  const templates = findTemplates(raw, []);
  for (const at of templates) {
    add(
      at,
      "holds '${' or '%{', which Terraform would evaluate as an expression; write plain text (environment files hold literals only)",
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const result = environmentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, raw, file));
    throw new ConfigError(dedupe(problems));
  }
  problems.push(...crossCheck(result.data, file));
  if (problems.length) throw new ConfigError(problems);
  return result.data;
}

/** Reads, parses and checks one environment file. Throws ConfigError. */
export function loadEnvironment(filePath: string): LoadedEnvironment {
  const file = displayPath(filePath);
  const { name, problem } = stackNameOf(filePath);
  if (problem || !name) throw new ConfigError([{ file, field: "", message: problem! }]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    throw new ConfigError([{ file, field: "", message: "the file cannot be read; check that it exists" }]);
  }
  if (!stat.isFile())
    throw new ConfigError([
      { file, field: "", message: "is not a regular file; environment files are <stack>.yaml files" },
    ]);
  if (stat.size > MAX_FILE_BYTES) {
    throw new ConfigError([
      {
        file,
        field: "",
        message: `the file is ${stat.size} bytes, over the limit of ${MAX_FILE_BYTES}; split it into several environments`,
      },
    ]);
  }
  const text = fs.readFileSync(filePath, "utf8");
  return { name, file, spec: parseEnvironment(text, file) };
}

/** Every `.yaml` in a folder, sorted; other files there are problems (a `.yml` is likely a mistake). */
export function environmentFiles(dir: string): { files: string[]; problems: Problem[] } {
  const shown = displayPath(dir) || dir;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return {
      files: [],
      problems: [
        {
          file: shown,
          field: "",
          message: `the environment folder ${missing ? "does not exist" : "cannot be read"}; check LINKED_CLONES_ENV_DIR (default: environments)`,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (entry.endsWith(".yml")) {
      problems.push({ file: displayPath(full), field: "", message: "environment files end in .yaml; rename it" });
    } else if (entry.endsWith(".yaml")) files.push(full);
  }
  if (!files.length && !problems.length) {
    problems.push({
      file: shown,
      field: "",
      message: `holds no environment (.yaml) files; add one, e.g. ${path.join(shown, "lab.yaml")}`,
    });
  }
  return { files, problems };
}

/** Where a secret option belongs instead: the variable the backend (or provider) reads. */
function secretVariableFor(pathParts: readonly PropertyKey[], key: string): string | undefined {
  if (pathParts[0] === "vsphere" && (key === "password" || key === "user")) return `TF_VAR_vsphere_${key}`;
  return Object.hasOwn(BACKEND_SECRETS, key) ? BACKEND_SECRETS[key] : undefined;
}

/** The reason of a YAML error without its position (shown separately) or parser advice. */
function yamlReason(e: YAML.YAMLError): string {
  if (/Maximum call stack/.test(e.message)) return "the document is nested too deeply";
  if (/multiple documents/i.test(e.message))
    return "the file holds more than one YAML document (---); keep one environment per file";
  return e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

/** Field paths of strings holding Terraform template syntax (`${` or `%{`), keys included. */
function findTemplates(value: unknown, at: PropertyKey[]): string[] {
  if (typeof value === "string") return /[$%]\{/.test(value) ? [fieldPath(at)] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findTemplates(v, [...at, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(/[$%]\{/.test(k) ? [fieldPath([...at, k])] : []),
      ...findTemplates(v, [...at, k]),
    ]);
  }
  return [];
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueAt(root: unknown, pathParts: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of pathParts) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

type AnySchema = z.ZodType;

/** The schema that describes the value at a path, unwrapping optionals, defaults and pipes. */
function schemaAt(schema: AnySchema, pathParts: readonly PropertyKey[], raw: unknown): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  let v: unknown = raw;
  const unwrap = (x: AnySchema): AnySchema => {
    let cur = x;
    for (;;) {
      if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable)
        cur = cur.unwrap() as AnySchema;
      else if (cur instanceof z.ZodPipe) cur = cur.in as AnySchema;
      else return cur;
    }
  };
  const pick = (x: AnySchema, value: unknown): AnySchema => {
    const u = unwrap(x);
    if (u instanceof z.ZodUnion || u instanceof z.ZodDiscriminatedUnion) {
      const objects = (u.options as AnySchema[]).map(unwrap).filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      const type = value && typeof value === "object" ? (value as Record<string, unknown>).type : undefined;
      const byType = objects.find((o) => o.shape.type instanceof z.ZodLiteral && o.shape.type.value === type);
      const byKeys = objects.find(
        (o) => value && typeof value === "object" && Object.keys(value).some((k) => k in o.shape),
      );
      return byType ?? byKeys ?? objects[0] ?? u;
    }
    return u;
  };
  s = pick(s, v);
  for (const p of pathParts) {
    v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
    if (s instanceof z.ZodObject) s = s.shape[String(p)] as AnySchema | undefined;
    else if (s instanceof z.ZodArray) s = s.element as AnySchema;
    else if (s instanceof z.ZodRecord) s = s.valueType as AnySchema;
    else return undefined;
    if (!s) return undefined;
    s = pick(s, v);
  }
  return s;
}

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (!candidates.length) return undefined;
  const best = closest(word, candidates as string[]);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, file: string): Problem[] {
  const at = fieldPath(issue.path);
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const schema = schemaAt(environmentSchema, issue.path, raw);
      const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      return issue.keys.map((key) => {
        const field = fieldPath([...issue.path, key]);
        const secretEnv = secretVariableFor(issue.path, key);
        if (secretEnv) {
          return {
            file,
            field,
            message: `secrets never go in environment files; remove ${key} and set ${secretEnv} in the environment instead`,
          };
        }
        const guess = didYouMean(key, known);
        const hint = guess ? `did you mean '${guess}'?` : `known fields here: ${known.join(", ")}`;
        return { file, field, message: `unknown field '${key}'; ${hint}` };
      });
    }
    case "invalid_type": {
      if (value === undefined) {
        return [{ file, field: at, message: `is missing; ${issue.message.replace(/^must be/, "add it: it must be")}` }];
      }
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
    }
    case "invalid_value": {
      const options = issue.values.map((o) => String(o));
      const guess = typeof value === "string" ? didYouMean(value, options) : undefined;
      const fix = guess ? `; did you mean '${guess}'?` : "";
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}${fix}` }];
    }
    case "invalid_union": {
      const endsInType = issue.path[issue.path.length - 1] === "type";
      if (endsInType || (value && typeof value === "object" && "type" in value && at === "backend")) {
        const t = endsInType ? value : (value as Record<string, unknown>).type;
        const guess = typeof t === "string" ? didYouMean(t, ["local", "s3", "pg", "http", "remote"]) : undefined;
        return [
          {
            file,
            field: endsInType ? at : `${at}.type`,
            message: `must be one of local, s3, pg, http, remote, got ${showValue(t)}${guess ? `; did you mean '${guess}'?` : ""}`,
          },
        ];
      }
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
    }
    default:
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
  }
}

/** Checks across fields: references, uniqueness, placement and members. */
function crossCheck(spec: EnvironmentSpec, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  const baseNames = Object.keys(spec.bases);
  const clusterNames = Object.keys(spec.clusters);
  const datastoreNames = Object.keys(spec.datastores);
  const seen = new Map<string, number>();
  spec.groups.forEach((g, i) => {
    const at = `groups[${i}]`;
    const first = seen.get(g.name);
    if (first !== undefined)
      add(
        `${at}.name`,
        `group name '${g.name}' is already used by groups[${first}]; group names must be unique in an environment`,
      );
    else seen.set(g.name, i);
    if (!Object.hasOwn(spec.bases, g.base)) {
      const guess = didYouMean(g.base, baseNames);
      add(
        `${at}.base`,
        `base '${g.base}' is not declared under bases; ${guess ? `did you mean '${guess}'?` : `declare it, or use one of: ${baseNames.join(", ")}`}`,
      );
    }
    if ((g.cluster === undefined) === (g.resourcePool === undefined)) {
      add(
        at,
        g.cluster === undefined
          ? "has neither cluster nor resourcePool; set one of them"
          : "has both cluster and resourcePool; set only one",
      );
    }
    if (g.cluster !== undefined && !Object.hasOwn(spec.clusters, g.cluster)) {
      const guess = didYouMean(g.cluster, clusterNames);
      add(
        `${at}.cluster`,
        `cluster '${g.cluster}' is not declared under clusters; ${guess ? `did you mean '${guess}'?` : "declare it (with its hosts) under clusters"}`,
      );
    }
    if ((g.datastore === undefined) === (g.datastoreCluster === undefined)) {
      add(
        at,
        g.datastore === undefined
          ? "has neither datastore nor datastoreCluster; set datastore"
          : "has both datastore and datastoreCluster; set only one",
      );
    }
    if (g.datastore !== undefined && !Object.hasOwn(spec.datastores, g.datastore)) {
      const guess = didYouMean(g.datastore, datastoreNames);
      add(
        `${at}.datastore`,
        `datastore '${g.datastore}' is not declared under datastores; ${guess ? `did you mean '${guess}'?` : "declare it (with its type) under datastores"}`,
      );
    }
    if (g.hosts) {
      const clusterName = g.cluster ?? g.resourcePool?.split("/")[0];
      const cluster =
        clusterName !== undefined && Object.hasOwn(spec.clusters, clusterName) ? spec.clusters[clusterName] : undefined;
      if (!cluster) {
        add(
          `${at}.hosts`,
          `hosts need a declared cluster to confine the group in; place the group in a cluster declared under clusters`,
        );
      } else if (!cluster.hosts) {
        add(`${at}.hosts`, `cluster '${clusterName}' declares no hosts; list them under clusters.${clusterName}.hosts`);
      } else {
        g.hosts.forEach((h, j) => {
          if (!cluster.hosts!.includes(h)) {
            const guess = didYouMean(h, cluster.hosts!);
            add(
              `${at}.hosts[${j}]`,
              `host '${h}' is not in cluster '${clusterName}'; ${guess ? `did you mean '${guess}'?` : `use one of: ${cluster.hosts!.join(", ")}`}`,
            );
          }
        });
      }
    }
    const ipv4 = g.customization?.ipv4;
    if (ipv4 === undefined || ipv4 === "dhcp") {
      (g.members ?? []).forEach((m, j) => {
        if (typeof m !== "string" && m.ipv4 !== undefined) {
          add(
            `${at}.members[${j}].ipv4`,
            "is given but the group has no static customization.ipv4 range, so it would be ignored; set customization.ipv4 to {range, prefixLength, gateway}, or drop the address",
          );
        }
      });
    }
    const plan = planMembers({
      group: g.name,
      ...(g.count !== undefined ? { count: g.count } : {}),
      ...(g.namePattern !== undefined ? { namePattern: g.namePattern } : {}),
      ...(g.members !== undefined ? { members: g.members } : {}),
      ...(ipv4 !== undefined && ipv4 !== "dhcp" ? { range: ipv4.range } : {}),
    });
    for (const p of plan.problems) {
      add(`${at}.${p.prop}${p.index !== undefined ? `[${p.index}]` : ""}`, p.message);
    }
  });
  for (const [name, base] of Object.entries(spec.bases)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      add(
        `bases[${JSON.stringify(name)}]`,
        "base names may hold only letters, digits, '_', '.' and '-'; rename the base",
      );
    }
    if (base.manageSnapshot && base.snapshot === undefined && !base.template) {
      add(`bases.${name}.snapshot`, "is missing; manageSnapshot needs the name of the snapshot to create");
    }
  }
  return problems;
}
