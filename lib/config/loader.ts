/** Environment files as typed data: parse, check, and keep where each field is written. */
import * as fs from "fs";
import YAML from "yaml";
import { crossCheck, parsedParts, partsOf } from "./cross-check";
import { decodeUtf8, displayPath, MAX_FILE_BYTES, stackNameOf } from "./files";
import { describeIssue } from "./issues";
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
