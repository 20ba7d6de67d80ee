#!/usr/bin/env node
/* global process */
// A SARIF log (npm run synth -- --format sarif) as a GitLab Code Quality report, the
// CodeClimate-style JSON that `artifacts: reports: codequality:` takes:
//
//   node examples/ci/sarif-to-codequality.mjs linked-clones.sarif gl-code-quality-report.json
//
// error -> critical, warning -> minor, note -> info; a suppressed finding stays in, as info
// with its reason (suppressions are reported, never silent). No dependencies.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const SEVERITY = { error: "critical", warning: "minor", note: "info", none: "info" };

function toCodeQuality(log) {
  const issues = [];
  for (const run of log.runs ?? []) {
    const rules = run.tool?.driver?.rules ?? [];
    for (const r of run.results ?? []) {
      const ruleId = r.ruleId ?? rules[r.ruleIndex]?.id ?? "linked-clones";
      const physical = r.locations?.find((l) => l.physicalLocation)?.physicalLocation;
      const file = physical?.artifactLocation?.uri;
      if (!file) continue; // Code Quality needs a file
      const suppression = r.suppressions?.[0];
      const description = suppression
        ? `${r.message.text} (suppressed: ${suppression.justification ?? "no reason given"})`
        : r.message.text;
      const issue = {
        type: "issue",
        check_name: ruleId,
        description,
        categories: ["Bug Risk"],
        severity: suppression ? "info" : (SEVERITY[r.level ?? "warning"] ?? "minor"),
        location: {
          path: file.split("/").map(decodeURIComponent).join("/"),
          lines: { begin: physical.region?.startLine ?? 1 },
        },
      };
      issue.fingerprint = createHash("sha256")
        .update(JSON.stringify([ruleId, issue.location.path, issue.location.lines.begin, r.message.text]))
        .digest("hex");
      issues.push(issue);
    }
  }
  return issues;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write("usage: node sarif-to-codequality.mjs <in.sarif> <out.json>\n");
  process.exit(2);
}
const issues = toCodeQuality(JSON.parse(readFileSync(input, "utf8")));
writeFileSync(output, `${JSON.stringify(issues, null, 2)}\n`);
process.stdout.write(`${output}: ${issues.length} Code Quality issue(s)\n`);
