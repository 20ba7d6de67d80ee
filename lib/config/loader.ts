import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { z } from "zod";
import { netmaskPrefix } from "../model/ipv4";
import { checkBase, checkGroup, checkInventory, checkLimits, didYouMean, serverProblem } from "../model/validate";
import { BACKEND_SECRETS, environmentSchema, groupSchema, type EnvironmentSpec, type GroupSpec } from "./schema";
import { YamlLocator, type Position } from "./locate";
import { ConfigError, fieldPath, showValue, sortProblems, type Problem } from "./problems";

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
  /** Where a field (e.g. `groups[1].count`, alternatives separated by `|`) is written in the file. */
  readonly locate: (field: string) => Position | undefined;
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
  return parseEnvironmentWithPositions(text, file).spec;
}

/** Parses and checks one environment's text, keeping where each field is written. Throws ConfigError. */
export function parseEnvironmentWithPositions(
  text: string,
  file: string,
): { spec: EnvironmentSpec; locate: (field: string) => Position | undefined } {
  const lines = new YAML.LineCounter();
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  if (text.trim() === "") {
    add(
      "",
      "the file is empty; an environment needs vsphere, datacenter, bases and groups (see docs/environment-file.md)",
    );
    throw new ConfigError(problems);
  }
  const doc = YAML.parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: true,
    strict: true,
    stringKeys: true,
    lineCounter: lines,
  });
  const locator = new YamlLocator(doc, lines);
  const fail = (): never => {
    throw new ConfigError(
      sortProblems(
        dedupe(problems).map((p) => {
          const at = p.field && p.line === undefined ? locator.locate(p.field) : undefined;
          return at ? { ...p, line: at.line, column: at.column } : p;
        }),
      ),
    );
  };
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    problems.push({
      file,
      field: "",
      message: `YAML syntax error: ${yamlReason(e)}; fix the YAML at that spot`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  }
  // Tags such as !Ref or !Sub are CloudFormation's: YAML keeps the text and drops the tag, so the
  // value would mean something else than what was written.
  for (const w of doc.warnings) {
    const pos = w.linePos?.[0];
    const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1];
    problems.push({
      file,
      field: "",
      message: tag
        ? `YAML tag ${tag} is not supported here (environment files hold plain values, no tags); remove ${tag} and write the value itself`
        : `YAML warning: ${yamlReason(w)}; fix the YAML at that spot`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    });
  }
  if (problems.length) fail();
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    add("", `the YAML cannot be read: ${(e as Error).message}; remove aliases that expand too far`);
    fail();
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    add(
      "",
      `the file holds ${showValue(raw)}, not a mapping; start with keys such as vsphere:, datacenter:, bases:, groups:`,
    );
    fail();
  }
  const templates = findTemplates(raw, []);
  for (const at of templates) {
    add(
      at,
      "holds '${' or '%{', which Terraform would evaluate as an expression; write plain text (environment files hold literals only)",
    );
  }
  if (problems.length) fail();
  const result = environmentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, raw, file));
    problems.push(...crossCheck(parsedParts(raw as Record<string, unknown>), file));
    fail();
  }
  problems.push(...crossCheck(partsOf(result.data!), file));
  if (problems.length) fail();
  return { spec: result.data!, locate: (field) => locator.locate(field) };
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
  const text = decodeUtf8(fs.readFileSync(filePath), file);
  const { spec, locate } = parseEnvironmentWithPositions(text, file);
  return { name, file, spec, locate };
}

/**
 * The file's text: it must be UTF-8 (a UTF-8 byte-order mark is dropped). Anything else, a
 * Latin-1 file or UTF-16, would be read as garbled names, so it is refused, saying how to convert.
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    (bytes.length > 1 && bytes.subarray(0, Math.min(bytes.length, 200)).filter((b) => b === 0).length > 10);
  const fix = `save it as UTF-8 (e.g. iconv -f <its encoding> -t UTF-8 ${path.basename(file)})`;
  if (utf16) {
    throw new ConfigError([{ file, field: "", message: `the file is UTF-16, not UTF-8; ${fix}` }]);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1;
    throw new ConfigError([
      {
        file,
        field: "",
        line,
        column: 1,
        message: `the file is not UTF-8 (byte 0x${bytes[at].toString(16)} on line ${line}, e.g. Latin-1 text); ${fix}`,
      },
    ]);
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return 0;
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
    const ext = path.extname(entry);
    if (ext === ".yaml") files.push(full);
    else if (/^\.ya?ml$/i.test(ext)) {
      problems.push({
        file: displayPath(full),
        field: "",
        message: `environment files end in .yaml (lower case), so this one would be skipped; rename it to ${entry.slice(0, -ext.length)}.yaml`,
      });
    }
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
      const key = String(issue.path[issue.path.length - 1] ?? at);
      if (issue.expected === "number" && typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got the text '${value}'; drop the quotes: ${key}: ${value.trim()}`,
          },
        ];
      }
      const prefix = key === "prefixLength" && typeof value === "string" ? netmaskPrefix(value) : undefined;
      if (prefix !== undefined) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got '${value}'; write the prefix length: prefixLength: ${prefix}`,
          },
        ];
      }
      if (issue.expected === "boolean" && typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got the text '${value}'; drop the quotes: ${key}: ${value.trim().toLowerCase()}`,
          },
        ];
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
      // A mapping where the union allows one (e.g. customization.ipv4 as {range, prefixLength, gateway}):
      // report what is wrong inside it, at its own field, rather than that the union failed.
      const option = schemaAt(environmentSchema, issue.path, raw);
      if (option instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
        const inner = option.safeParse(value);
        if (!inner.success) {
          return inner.error.issues.flatMap((i) =>
            describeIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, raw, file),
          );
        }
      }
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
    }
    default:
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
  }
}

/** Field paths of a group's problems, relative to the group, made absolute. */
function groupField(i: number, field: string): string {
  return field ? `groups[${i}].${field}` : `groups[${i}]`;
}

/** The sections of an environment that parsed, for checks that run even when others did not. */
interface Parts {
  readonly vsphere?: EnvironmentSpec["vsphere"];
  readonly clusters?: EnvironmentSpec["clusters"];
  readonly datastores?: EnvironmentSpec["datastores"];
  readonly bases?: EnvironmentSpec["bases"];
  /** Groups that parsed, with their index in the file. */
  readonly groups: readonly (readonly [number, GroupSpec])[];
  /** Fields left out of a group because they did not parse, by group index. */
  readonly skipped?: ReadonlyMap<number, ReadonlySet<string>>;
  readonly limits?: EnvironmentSpec["limits"];
}

function partsOf(spec: EnvironmentSpec): Parts {
  return { ...spec, groups: spec.groups.map((g, i) => [i, g] as const) };
}

/**
 * The sections (and groups) of a file that failed the schema as a whole but parse one by one:
 * their values are checked too, so that one type error does not hide the other problems.
 */
function parsedParts(raw: Record<string, unknown>): Parts {
  const shape = environmentSchema.shape;
  const section = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined => {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
  };
  // A group with a bad field is checked without that field (its problem is reported already).
  const skipped = new Map<number, Set<string>>();
  const groups = Array.isArray(raw.groups)
    ? raw.groups.flatMap((g, i) => {
        let r = groupSchema.safeParse(g);
        if (!r.success && g && typeof g === "object" && !Array.isArray(g)) {
          const bad = new Set(r.error.issues.map((issue) => String(issue.path[0] ?? "")));
          const rest = Object.fromEntries(Object.entries(g).filter(([k]) => !bad.has(k)));
          r = groupSchema.safeParse(rest);
          if (r.success) skipped.set(i, bad);
        }
        return r.success ? [[i, r.data] as const] : [];
      })
    : [];
  return {
    vsphere: section(shape.vsphere, raw.vsphere),
    clusters: section(shape.clusters, raw.clusters),
    datastores: section(shape.datastores, raw.datastores),
    bases: section(shape.bases, raw.bases),
    groups,
    skipped,
    limits: section(shape.limits, raw.limits),
  };
}

/**
 * Checks across fields: the file's own references (bases, clusters, datastores by name) and
 * uniqueness here; every value check through the model's checks, which the constructs run too.
 * Sections that did not parse are left out (their problems are reported already).
 */
function crossCheck(spec: Parts, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  const baseNames = Object.keys(spec.bases ?? {});
  const clusterNames = Object.keys(spec.clusters ?? {});
  const datastoreNames = Object.keys(spec.datastores ?? {});
  if (spec.vsphere) {
    const serverProblemText = serverProblem(spec.vsphere.server);
    if (serverProblemText) add("vsphere.server", `server ${serverProblemText}`);
  }
  for (const p of checkInventory({
    version: spec.vsphere?.version,
    clusters: spec.clusters ?? {},
    datastores: spec.datastores ?? {},
  })) {
    add(p.field, p.message);
  }
  for (const p of checkLimits(spec.limits ?? {})) add(p.field, p.message);
  const referTo = (field: string, kind: string, name: string, known: string[], declare: string) => {
    const guess = didYouMean(name, known);
    add(
      field,
      `${kind} '${name}' is not declared under ${kind === "base" ? "bases" : `${kind}s`}; ${guess ? `did you mean '${guess}'?` : declare}`,
    );
  };
  const seen = new Map<string, number>();
  for (const [i, g] of spec.groups) {
    const first = seen.get(g.name);
    if (first !== undefined) {
      add(
        groupField(i, "name"),
        `group name '${g.name}' is already used by groups[${first}]; group names must be unique in an environment`,
      );
    } else seen.set(g.name, i);
    const bases = spec.bases;
    const base = bases && Object.hasOwn(bases, g.base) ? bases[g.base] : undefined;
    if (bases && !base) {
      referTo(groupField(i, "base"), "base", g.base, baseNames, `declare it, or use one of: ${baseNames.join(", ")}`);
    }
    const from = g.rollout && bases && Object.hasOwn(bases, g.rollout.from) ? bases[g.rollout.from] : undefined;
    if (g.rollout && bases && !from) {
      referTo(groupField(i, "rollout.from"), "base", g.rollout.from, baseNames, "name the base the group moves from");
    }
    if (g.cluster !== undefined && spec.clusters && !Object.hasOwn(spec.clusters, g.cluster)) {
      referTo(
        groupField(i, "cluster"),
        "cluster",
        g.cluster,
        clusterNames,
        "declare it (with its hosts) under clusters",
      );
    }
    if (g.datastore !== undefined && spec.datastores && !Object.hasOwn(spec.datastores, g.datastore)) {
      referTo(
        groupField(i, "datastore"),
        "datastore",
        g.datastore,
        datastoreNames,
        "declare it (with its type) under datastores",
      );
    }
    const { name, base: _base, rollout, suppress: _suppress, ...values } = g;
    const check = checkGroup({
      ...values,
      name,
      base: { name: g.base, guestOs: base?.guestOs ?? "linux" },
      ...(rollout
        ? { rollout: { from: { name: rollout.from, guestOs: from?.guestOs ?? "linux" }, moved: rollout.moved } }
        : {}),
      clusters: spec.clusters ?? {},
    });
    const skipped = spec.skipped?.get(i);
    for (const p of check.problems) {
      // Without the clusters section the hosts cannot be checked against it: its own problem says why.
      if (!spec.clusters && p.field.startsWith("hosts")) continue;
      // A field left out because it did not parse has its own problem; count and members answer for each other.
      const top = p.field.split(/[.[]/)[0];
      if (skipped && (skipped.has(top) || (top === "count" && (skipped.has("members") || skipped.has("count"))))) {
        continue;
      }
      add(groupField(i, p.field), p.message);
    }
  }
  for (const [name, base] of Object.entries(spec.bases ?? {})) {
    const at = fieldPath(["bases", name]);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      add(at, "base names may hold only letters, digits, '_', '.' and '-'; rename the base");
    }
    for (const p of checkBase(base)) add(`${at}.${p.field}`, p.message);
  }
  return problems;
}
