/**
 * `npm run synth -- --format sarif` (issue 15): SARIF 2.1.0 that validates against the schema
 * @microsoft/jest-sarif ships, with every rule, results on the exact YAML node, suppressed
 * findings as suppressions, config errors as results, and the same bytes on every run.
 */
import * as fs from "fs";
import * as path from "path";
import type * as Sarif from "sarif";
import { ALL_RULES } from "../../lib";
import { CONFIG_RULE_ID, fileUri, portablePath, renderSarif, SARIF_FILE } from "../../lib/report/sarif";
import { tempDir } from "../helpers/files";
import {
  BROKEN_DIR,
  BROKEN_FILE,
  FINDINGS_DIR,
  FINDINGS_FILE,
  PROJECT_ROOT,
  runMain,
  sarifOf,
  sarifValidator,
  synth,
} from "./helpers";

const validate = sarifValidator();

function expectValid(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  return log;
}

/** What a result says, in one line per result: rule, level, where, suppression. */
function summary(log: Sarif.Log): string[] {
  const run = log.runs[0];
  return run.results!.map((r) => {
    const loc = r.locations?.[0]?.physicalLocation;
    const rule = run.tool.driver.rules![r.ruleIndex!].id;
    const supp = r.suppressions?.map((s) => ` suppressed(${s.kind}: ${s.justification})`).join("") ?? "";
    return `${r.ruleId}=${rule} ${r.level} ${loc?.artifactLocation?.uriBaseId}/${loc?.artifactLocation?.uri}:${loc?.region?.startLine}:${loc?.region?.startColumn}${supp}`;
  });
}

describe("SARIF output", () => {
  it("validates against the SARIF 2.1.0 schema, and the validator rejects a broken log", () => {
    const log = expectValid(sarifOf(synth(FINDINGS_DIR)));
    // The validator is not a yes-machine: a wrong level and a relative helpUri fail.
    const bad = structuredClone(log);
    bad.runs[0].results![0].level = "fatal" as Sarif.Result.level;
    expect(validate(bad)).toBe(false);
    const relative = structuredClone(log);
    relative.runs[0].tool.driver.rules![0].helpUri = "README.md#rules";
    expect(validate(relative)).toBe(false);
  });

  it("lists every rule with its explanation, source and default severity, and the config rule", () => {
    const log = expectValid(sarifOf(synth(FINDINGS_DIR)));
    const driver = log.runs[0].tool.driver;
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(driver.name).toBe(pkg.name);
    expect(driver.version).toBe(pkg.version);
    expect(driver.informationUri).toBeUndefined();
    expect(driver.rules!.map((r) => r.id)).toEqual([...ALL_RULES.map((r) => r.id), CONFIG_RULE_ID]);
    for (const rule of ALL_RULES) {
      const d = driver.rules!.find((r) => r.id === rule.id)!;
      expect(d.shortDescription?.text).toBe(rule.info);
      expect(d.fullDescription?.text).toBe(rule.explanation);
      expect(d.help?.text).toContain(rule.explanation);
      expect(d.help?.text).toContain(rule.source.replace(/\.$/, ""));
      expect(d.helpUri).toBeUndefined();
      expect(d.properties).toMatchObject({
        source: rule.source,
        defaultSeverity: rule.defaultSeverity,
        documentation: "README.md#rules",
        ruleFile: `lib/rules/${rule.id}.ts`,
      });
      if (rule.defaultSeverity === "by version") expect(d.defaultConfiguration).toBeUndefined();
      else expect(d.defaultConfiguration?.level).toBe(rule.defaultSeverity === "info" ? "note" : rule.defaultSeverity);
    }
  });

  it("gives errors, a warning and a suppressed finding their level and the line and column of their YAML node", () => {
    const run = synth(FINDINGS_DIR);
    expect(run.exitCode).toBe(1);
    const log = expectValid(sarifOf(run));
    expect(summary(log)).toEqual([
      `ip-pool=ip-pool error %SRCROOT%/${FINDINGS_FILE}:27:15`, // groups[1].customization.ipv4.range
      `chain-size=chain-size error %SRCROOT%/${FINDINGS_FILE}:17:5`, // groups[0].count
      `storage-estimate=storage-estimate warning %SRCROOT%/${FINDINGS_FILE}:15:5`, // groups[0].datastore
      `chain-hosts=chain-hosts note %SRCROOT%/${FINDINGS_FILE}:20:5 suppressed(inSource: the pool's hosts: H0, H1 (100% known))`,
    ]);
    const [ipPool, , , chainHosts] = log.runs[0].results!;
    expect(ipPool.message.text).toMatch(/^\[ip-pool\] lab\/db: range 10\.0\.0\.1-10\.0\.0\.20 includes the gateway/);
    expect(ipPool.locations![0].logicalLocations).toEqual([{ fullyQualifiedName: "lab/db", kind: "resource" }]);
    expect(chainHosts.properties).toEqual({ stack: "lab", constructPath: "lab/db", ruleSeverity: "warning" });
    // The lines are the ones the text output prints.
    const text = [...run.out, ...run.err].join("\n");
    expect(text).toContain(`${FINDINGS_FILE}:27:15: error: [ip-pool]`);
    expect(text).toContain(`${FINDINGS_FILE}:20:5: info: [chain-hosts]`);
    // ... and the nodes there are the fields the findings are about.
    const lines = fs.readFileSync(path.join(PROJECT_ROOT, FINDINGS_FILE), "utf8").split("\n");
    expect(lines[26].slice(14)).toMatch(/^range: 10\.0\.0\.1-10\.0\.0\.20/);
    expect(lines[16].slice(4)).toBe("count: 9");
    expect(lines[14].slice(4)).toBe("datastore: DS0");
    expect(lines[19].slice(4)).toBe("resourcePool: H9/Resources");
  });

  it("reports config errors as results of the config rule, on the line of the bad field", () => {
    const run = synth(BROKEN_DIR);
    expect(run.exitCode).toBe(1);
    expect(run.findings).toEqual([]);
    const log = expectValid(sarifOf(run));
    expect(summary(log)).toEqual([
      `config=config error %SRCROOT%/${BROKEN_FILE}:17:5`,
      `config=config error %SRCROOT%/${BROKEN_FILE}:25:15`,
    ]);
    expect(log.runs[0].results!.map((r) => r.message.text)).toEqual([
      "groups[0].namepattern: unknown field 'namepattern'; did you mean 'namePattern'?",
      expect.stringMatching(/^groups\[1\]\.customization\.ipv4\.range: .*'10\.0\.0\.x'/),
    ]);
  });

  it("gives the same bytes on every run, and no absolute path, timestamp or machine name", () => {
    const a = sarifOf(synth(FINDINGS_DIR));
    const b = sarifOf(synth(FINDINGS_DIR));
    expect(b).toBe(a);
    expect(sarifOf(synth(BROKEN_DIR))).toBe(sarifOf(synth(BROKEN_DIR)));
    expect(a).not.toContain(PROJECT_ROOT);
    expect(a).not.toMatch(/"\/|file:|\d{4}-\d{2}-\d{2}T/);
  });

  it("writes a file outside the working directory as <folder>/<file> and percent-encodes URIs", () => {
    expect(portablePath("/home/me/labs/my lab/lab.yaml")).toBe("my lab/lab.yaml");
    expect(portablePath("C:\\labs\\envs\\lab.yaml")).toBe("envs/lab.yaml");
    expect(portablePath("environments\\lab.yaml")).toBe("environments/lab.yaml");
    expect(fileUri("my envs/50%#1.yaml")).toBe("my%20envs/50%25%231.yaml");
    const text = renderSarif({
      tool: { name: "t", version: "1.0.0" },
      rules: ALL_RULES,
      findings: [],
      problems: [{ file: "/abs/where/env dir/lab.yaml", field: "", message: "YAML syntax: bad indentation" }],
    });
    const log = expectValid(text);
    expect(log.runs[0].results![0].locations![0].physicalLocation).toEqual({
      artifactLocation: { uri: "env%20dir/lab.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 1, startColumn: 1 },
    });
    expect(text).not.toContain("/abs/");
  });

  it("is written by the CLI with --format sarif --output, and by LINKED_CLONES_FORMAT=sarif into the output folder, byte for byte alike", async () => {
    const dir = tempDir("lc-sarif-cli-");
    const env = { LINKED_CLONES_ENV_DIR: FINDINGS_DIR };
    const [flag, byEnv, text] = await Promise.all([
      runMain(["--format", "sarif", "--output", path.join(dir, "out", "x.sarif")], {
        env: { ...env, CDKTF_OUTDIR: path.join(dir, "flag.out") },
      }),
      runMain([], { env: { ...env, CDKTF_OUTDIR: path.join(dir, "env.out"), LINKED_CLONES_FORMAT: "sarif" } }),
      runMain([], { env: { ...env, CDKTF_OUTDIR: path.join(dir, "text.out") } }),
    ]);
    // Same exit code and the same text as without --format; plus where the SARIF went.
    for (const r of [flag, byEnv]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(text.stderr);
      expect(r.stdout.startsWith(text.stdout)).toBe(true);
    }
    expect(text.code).toBe(1);
    expect(fs.existsSync(path.join(dir, "text.out", SARIF_FILE))).toBe(false);
    const fromFlag = fs.readFileSync(path.join(dir, "out", "x.sarif"), "utf8");
    const fromEnv = fs.readFileSync(path.join(dir, "env.out", SARIF_FILE), "utf8");
    expect(fromEnv).toBe(fromFlag);
    expect(fromFlag).toBe(sarifOf(synth(FINDINGS_DIR)));
    expectValid(fromFlag);
  });

  it("rejects an unknown format or a stray argument with exit 2 and the usage", async () => {
    const [bad, byEnv, stray] = await Promise.all([
      runMain(["--format", "xml"]),
      runMain([], { env: { LINKED_CLONES_FORMAT: "json" } }),
      runMain(["--output", "x.sarif"]),
    ]);
    expect(bad).toMatchObject({ code: 2, stdout: "" });
    expect(bad.stderr).toContain("error: --format must be one of text, sarif, github, got 'xml'");
    expect(bad.stderr).toContain("usage: npm run synth -- [--format text|sarif|github] [--output FILE]");
    expect(byEnv.stderr).toContain("error: LINKED_CLONES_FORMAT must be one of text, sarif, github, got 'json'");
    expect(stray.stderr).toContain("error: --output goes with --format sarif");
    expect(stray.code).toBe(2);
  });
});
