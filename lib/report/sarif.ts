/**
 * Findings and config problems as SARIF 2.1.0, the format code-scanning tools read (GitHub
 * code scanning, Azure DevOps, IDE viewers): one run, every rule as a SARIF rule with its
 * explanation and the source of its limit, every finding as a result on the line and column
 * of the YAML node it is about.
 *
 * Pure functions: no cdktf, no environment, no clock. The same findings give the same bytes,
 * and no absolute path is ever written (file paths are relative to `%SRCROOT%`, the folder
 * synth ran in).
 */
import * as path from "path";
import type * as Sarif from "sarif";
import type { Problem } from "../config/problems";
import type { Severity } from "../model/types";
import type { Finding } from "../rules/engine";
import type { Rule } from "../rules/rule";

/** The SARIF file `--format sarif` writes into the output folder unless `--output` says otherwise. */
export const SARIF_FILE = "linked-clones.sarif";

/** The published SARIF 2.1.0 schema (the `$schema` of every log). */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** The base every result's file path is relative to: the folder synth ran in. */
export const SRCROOT = "%SRCROOT%";

/** The rule id of config problems (bad YAML, unknown fields, bad values), so a broken file shows up too. */
export const CONFIG_RULE_ID = "config";

/** Where the rules are documented, as paths in this project (SARIF's helpUri must be absolute, so they go in properties). */
const RULES_DOC = "README.md#rules";
const CONFIG_DOC = "README.md#the-environment-file";

export interface SarifTool {
  /** The tool's name, e.g. the package name. */
  readonly name: string;
  /** The tool's version, e.g. the package version. */
  readonly version: string;
}

export interface SarifInput {
  readonly tool: SarifTool;
  /** Every rule the run checked (ALL_RULES), found or not: code scanning closes alerts of rules that ran and found nothing. */
  readonly rules: readonly Rule[];
  /** The findings, with their location in the environment files when known. */
  readonly findings: readonly Finding[];
  /** Config problems: when there are some, synth stopped before the rules ran. */
  readonly problems?: readonly Problem[];
}

/**
 * A file path as it may be written into output: `/` as separator, and for an absolute path
 * (a file outside the working directory) its folder's name and its own, as findings do.
 */
export function portablePath(file: string): string {
  if (path.posix.isAbsolute(file) || path.win32.isAbsolute(file)) {
    const parts = file.split(/[\\/]+/).filter((p) => p !== "");
    return parts.slice(-2).join("/");
  }
  return file.replace(/\\/g, "/");
}

/** A relative file path as a URI reference: each segment percent-encoded (spaces, `#`, `%`, `:`). */
export function fileUri(file: string): string {
  return portablePath(file).split("/").map(encodeURIComponent).join("/");
}

const LEVEL: Record<Severity, Sarif.Result.level> = { error: "error", warning: "warning", info: "note" };

function configRule(): Sarif.ReportingDescriptor {
  const explanation =
    "A bad environment file (YAML syntax, an unknown or misspelled field, a wrong type, a bad range or address, a secret written into the file) stops synth before anything is written; every problem of every file is reported, each on the line of its field.";
  return {
    id: CONFIG_RULE_ID,
    shortDescription: { text: "Environment files follow the contract: known fields, right types, valid values." },
    fullDescription: { text: explanation },
    help: {
      text: `${explanation}\n\nDocumentation: ${CONFIG_DOC}.`,
      markdown: `${explanation}\n\n**Documentation:** \`${CONFIG_DOC}\` in this repository.`,
    },
    defaultConfiguration: { level: "error" },
    properties: {
      tags: ["linked-clones", "vsphere", "config"],
      defaultSeverity: "error",
      source: "the environment-file contract",
      documentation: CONFIG_DOC,
    },
  };
}

function ruleDescriptor(r: Rule): Sarif.ReportingDescriptor {
  const file = `lib/rules/${r.id}.ts`;
  const source = r.source.replace(/\.$/, "");
  return {
    id: r.id,
    shortDescription: { text: r.info },
    fullDescription: { text: r.explanation },
    help: {
      text: `${r.explanation}\n\nSource of the limit: ${source}.\nDocumentation: ${RULES_DOC} and ${file}.`,
      markdown: `${r.explanation}\n\n**Source of the limit:** ${source}.\n\n**Documentation:** \`${RULES_DOC}\` and \`${file}\` in this repository.`,
    },
    // "by version": the platform picks the level, so there is no single default.
    ...(r.defaultSeverity !== "by version" ? { defaultConfiguration: { level: LEVEL[r.defaultSeverity] } } : {}),
    properties: {
      tags: ["linked-clones", "vsphere"],
      defaultSeverity: r.defaultSeverity,
      source: r.source,
      documentation: RULES_DOC,
      ruleFile: file,
    },
  };
}

function physical(file: string, line: number, column: number): Sarif.Location["physicalLocation"] {
  return {
    artifactLocation: { uri: fileUri(file), uriBaseId: SRCROOT },
    region: { startLine: line, startColumn: column },
  };
}

function findingResult(f: Finding, ruleIndex: number): Sarif.Result {
  const location: Sarif.Location = {
    ...(f.location ? { physicalLocation: physical(f.location.file, f.location.line, f.location.column) } : {}),
    logicalLocations: [{ fullyQualifiedName: f.path, kind: "resource" }],
  };
  return {
    ruleId: f.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location],
    ...(f.suppressionReason !== undefined
      ? { suppressions: [{ kind: "inSource", justification: f.suppressionReason }] }
      : {}),
    properties: {
      stack: f.stack,
      constructPath: f.path,
      ruleSeverity: f.ruleSeverity,
    },
  };
}

function problemResult(p: Problem, ruleIndex: number): Sarif.Result {
  return {
    ruleId: CONFIG_RULE_ID,
    ruleIndex,
    level: "error",
    message: { text: p.field ? `${p.field}: ${p.message}` : p.message },
    // A problem without a position is about the whole file: its first line.
    locations: [{ physicalLocation: physical(p.file, p.line ?? 1, p.line !== undefined ? (p.column ?? 1) : 1) }],
    properties: { ...(p.field ? { field: p.field } : {}) },
  };
}

/** The SARIF log of one synth: config problems and findings as results of one run. */
export function toSarif(input: SarifInput): Sarif.Log {
  const rules = [...input.rules.map(ruleDescriptor), configRule()];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = [];
  const seen = new Set<string>();
  const add = (r: Sarif.Result) => {
    // A finding about several environments is reported in each; the same result goes in once.
    const key = JSON.stringify(r);
    if (seen.has(key)) return;
    seen.add(key);
    results.push(r);
  };
  for (const p of input.problems ?? []) add(problemResult(p, index.get(CONFIG_RULE_ID)!));
  for (const f of input.findings) add(findingResult(f, index.get(f.rule) ?? -1));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: input.tool.name,
            version: input.tool.version,
            semanticVersion: input.tool.version,
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

/** The SARIF log as the bytes written to the file: two-space JSON and a final newline. */
export function renderSarif(input: SarifInput): string {
  return `${JSON.stringify(toSarif(input), null, 2)}\n`;
}
