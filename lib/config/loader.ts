/** Environment files as typed data: parse, check, and keep where each field is written. */
import * as fs from "fs";
import YAML from "yaml";
import { crossCheck, parsedParts, partsOf } from "./cross-check";
import { decodeUtf8, displayPath, MAX_FILE_BYTES, stackNameOf } from "./files";
import { describeIssue, mergeTypos } from "./issues";
import { YamlLocator, type Position } from "./locate";
import { ConfigError, fieldPath, showValue, sortProblems, type Problem } from "./problems";
import { environmentSchema, type EnvironmentSpec } from "./schema";

export { displayPath, environmentFiles, intendedStackNames, MAX_FILE_BYTES, stackNameOf } from "./files";

export interface LoadedEnvironment {
  /** Stack name: the file name without `.yaml`. */
  readonly name: string;
  /** The file, relative to the working directory, for messages. */
  readonly file: string;
  readonly spec: EnvironmentSpec;
  /** Where a field (e.g. `groups[1].count`, alternatives separated by `|`) is written in the file. */
  readonly locate: (field: string) => Position | undefined;
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
  let lines = new YAML.LineCounter();
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  if (text.trim() === "") {
    add(
      "",
      "the file is empty; an environment needs vsphere, datacenter, bases and groups (see docs/environment-file.md)",
    );
    throw new ConfigError(problems);
  }
  if (/\r(?!\n)/.test(text)) {
    const line = text.slice(0, text.search(/\r(?!\n)/)).split(/\r\n|\n/).length;
    problems.push({
      file,
      field: "",
      line,
      column: 1,
      message:
        "the file has classic Mac line endings (a carriage return without a line feed), which YAML does not read as line breaks; save it with LF (or CRLF) line endings (e.g. tr '\\r' '\\n')",
    });
    throw new ConfigError(problems);
  }
  const options = {
    // `<<: *defaults` merge keys are read as YAML 1.1 tools read them.
    merge: true,
    prettyErrors: true,
    uniqueKeys: true,
    strict: true,
    stringKeys: true,
  };
  let doc: YAML.Document.Parsed = YAML.parseDocument(text, { ...options, lineCounter: lines });
  if (doc.errors.some((e) => e.code === "MULTIPLE_DOCS")) {
    // A closing `---` (or `---` and a comment) starts an empty document: that is still one environment.
    lines = new YAML.LineCounter();
    const all = YAML.parseAllDocuments(text, { ...options, lineCounter: lines });
    const rest = all.slice(1);
    const empty = (d: YAML.Document.Parsed) =>
      d.errors.length === 0 &&
      (d.contents === null || (YAML.isScalar(d.contents) && d.contents.value === null && !d.contents.source));
    if (all.length > 1 && rest.every(empty)) doc = all[0];
    else {
      lines = new YAML.LineCounter();
      doc = YAML.parseDocument(text, { ...options, lineCounter: lines });
    }
  }
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
  // JavaScript objects cannot hold a key `__proto__` as data: it would vanish (or change the object).
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === "__proto__") {
        const pos = pair.key.range ? lines.linePos(pair.key.range[0]) : undefined;
        problems.push({
          file,
          field: "",
          message:
            "the key __proto__ cannot be a name here (it is reserved in the JavaScript this tool runs on); rename it",
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        });
      }
    },
  });
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
  for (const { at, problem } of hiddenCharacters(raw, [])) add(at, problem);
  trimStrings(raw);
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
    problems.push(...mergeTypos(result.error.issues.flatMap((issue) => describeIssue(issue, raw, file))));
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

/** Fields of free text, where any character may be meant. */
const FREE_TEXT = new Set(["annotation", "reason"]);

/**
 * Characters inside a name that cannot be seen, or that stand for '-' or ' ' without being them
 * (pasted from a document or a chat): each with its fix. Spaces around a value are dropped anyway
 * (a block scalar's last line break too). Characters of real names stay allowed: CJK's ideographic
 * space (U+3000), en and em dashes.
 */
function hiddenCharacterProblem(raw: string): string | undefined {
  const value = raw.trim();
  const m = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?![ \u3000])\p{Zs}|[\u2010-\u2012\u2015\u2212]/u.exec(value);
  if (!m) return undefined;
  const ch = m[0];
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const where = `at character ${[...value.slice(0, m.index)].length + 1} of '${value.replace(/[\p{Cc}\p{Cf}]/gu, "")}'`;
  if (/[\u2010-\u2012\u2015\u2212]/u.test(ch)) {
    return `holds '${ch}' (${code}) ${where}, which looks like '-' but is another character; type a plain '-'`;
  }
  if (/\p{Zs}/u.test(ch)) {
    return `holds a non-breaking or other special space (${code}) ${where}, which looks like a space but is another character; type a plain space, or none`;
  }
  return `holds an invisible character (${code}) ${where}, often pasted from a chat or a document; retype the value`;
}

/** Field paths of keys and values (free text aside) holding hidden or look-alike characters. */
function hiddenCharacters(value: unknown, at: PropertyKey[]): { at: string; problem: string }[] {
  if (typeof value === "string") {
    const last = at[at.length - 1];
    if (typeof last === "string" && FREE_TEXT.has(last)) return [];
    const problem = hiddenCharacterProblem(value);
    return problem ? [{ at: fieldPath(at), problem }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => hiddenCharacters(v, [...at, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const problem = hiddenCharacterProblem(k);
      return [
        ...(problem ? [{ at: fieldPath([...at, k]), problem: `the key ${problem}` }] : []),
        ...hiddenCharacters(v, [...at, k]),
      ];
    });
  }
  return [];
}

/**
 * Drops the spaces around every text value: a name never has them, and what the checks see
 * must be what is written to the output (`vm: " golden "` is the VM `golden`).
 */
function trimStrings(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => (typeof v === "string" ? (value[i] = v.trim()) : trimStrings(v)));
  } else if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === "string") obj[k] = v.trim();
      else trimStrings(v);
    }
  }
}
