import * as fs from "fs";
import * as path from "path";
import { ALL_RULES, displayPath, githubFinding, githubProblem, renderSarif, SARIF_FILE } from "./lib";
import { outputDir, runSynth } from "./stacks/app";

// --- output format (`--format text|sarif|github [--output FILE]`, or LINKED_CLONES_FORMAT) ---

const FORMATS = ["text", "sarif", "github"] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: npm run synth -- [--format text|sarif|github] [--output FILE]
  --format text     findings as file:line:column: severity: message (the default)
  --format sarif    also write SARIF 2.1.0 for code scanning to FILE (default: <output folder>/${SARIF_FILE})
  --format github   findings and config errors as GitHub Actions annotations (::error file=...,line=...::...)
  Under cdktf synth/diff/deploy (no arguments reach the app): LINKED_CLONES_FORMAT=sarif|github.`;

class UsageError extends Error {}

/** The output options from the arguments, else from LINKED_CLONES_FORMAT (what cdktf passes on). */
function outputOptions(args: readonly string[], envFormat: string | undefined): { format: Format; output?: string } {
  let format: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].startsWith("--") && args[i].includes("=") ? args[i].split(/=(.*)/s) : [args[i]];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === "--format") format = value();
    else if (name === "--output" || name === "-o") output = value();
    else if (name === "--help" || name === "-h") throw new UsageError("");
    else throw new UsageError(`unknown argument '${args[i]}'`);
  }
  const from = format !== undefined ? "--format" : "LINKED_CLONES_FORMAT";
  format ??= envFormat || "text";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`${from} must be one of ${FORMATS.join(", ")}, got '${format}'`);
  }
  if (output !== undefined && format !== "sarif") throw new UsageError(`--output goes with --format sarif`);
  return { format: format as Format, ...(output !== undefined ? { output } : {}) };
}

/** The tool SARIF names: this package's name and version. */
function tool(): { name: string; version: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  return { name: pkg.name, version: pkg.version };
}

// Synthesizes one stack per environment file (environments/, or LINKED_CLONES_ENV_DIR).
// User errors exit 1 with a message and no stack trace; a usage error exits 2.
try {
  const { format, output } = outputOptions(process.argv.slice(2), process.env.LINKED_CLONES_FORMAT);
  const result = runSynth(format === "github" ? { annotate: { finding: githubFinding, problem: githubProblem } } : {});
  if (format === "sarif") {
    const file = output ?? path.join(outputDir(), SARIF_FILE);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(
      file,
      renderSarif({ tool: tool(), rules: ALL_RULES, findings: result.findings, problems: result.problems ?? [] }),
    );
    process.stdout.write(`SARIF 2.1.0: ${displayPath(path.resolve(file))}\n`);
  }
  process.exitCode = result.exitCode;
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(e.message ? `error: ${e.message}\n${USAGE}\n` : `${USAGE}\n`);
    process.exitCode = e.message ? 2 : 0;
  } else {
    process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
