/**
 * `npm run synth -- --format github` (issue 15): findings and config errors as GitHub Actions
 * workflow commands, escaped as the runner unescapes them, with the exit code of text mode.
 */
import * as path from "path";
import type { Finding } from "../../lib";
import { escapeData, escapeProperty, githubFinding, githubProblem, workflowCommand } from "../../lib/report/github";
import { tempDir } from "../helpers/files";
import { BROKEN_DIR, BROKEN_FILE, FINDINGS_DIR, FINDINGS_FILE, runMain, synth } from "./helpers";

const annotate = { finding: githubFinding, problem: githubProblem };

/**
 * How GitHub's runner reads a workflow command (actions/runner ActionCommand.TryParseV2):
 * properties split at `,` then at the first `=`, and unescaped; the message unescaped.
 */
function parseCommand(line: string): { command: string; props: Record<string, string>; message: string } {
  const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/s.exec(line.trimStart());
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? "").split(",").filter(Boolean)) {
    const i = pair.indexOf("=");
    props[pair.slice(0, i)] = pair
      .slice(i + 1)
      .replace(/%0D/g, "\r")
      .replace(/%0A/g, "\n")
      .replace(/%3A/g, ":")
      .replace(/%2C/g, ",")
      .replace(/%25/g, "%");
  }
  const message = m[3].replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
  return { command: m[1], props, message };
}

const finding = (over: Partial<Finding>): Finding => ({
  rule: "chain-size",
  severity: "error",
  ruleSeverity: "error",
  stack: "lab",
  path: "lab/web",
  message: "[chain-size] lab/web: 9 vs 8; split the group",
  location: { file: "environments/lab.yaml", line: 14, column: 5 },
  ...over,
});

describe("GitHub Actions annotations", () => {
  it("prints one exact line per finding of a known environment: errors, warning, suppressed as notice", () => {
    const run = synth(FINDINGS_DIR, annotate);
    expect(run.exitCode).toBe(1);
    const annotations = run.out.filter((l) => l.startsWith("::"));
    expect(annotations).toEqual([
      `::error file=${FINDINGS_FILE},line=27,col=15,title=ip-pool::[ip-pool] lab/db: range 10.0.0.1-10.0.0.20 includes the gateway address 10.0.0.1, 10.0.0.1-10.0.0.20 vs a range without 10.0.0.1; move the range (or fix the gateway or prefixLength) so the range leaves out 10.0.0.1`,
      `::error file=${FINDINGS_FILE},line=17,col=5,title=chain-size::[chain-size] lab/web, lab/db: base 'golden' (DC0/VM0@s1) has 11 linked clones in one chain, 11 vs 8; move some clones to another base on its own source VM (a copy of the golden, with its own snapshot) or raise limits.maxClonesPerChain if your platform allows more`,
      `::warning file=${FINDINGS_FILE},line=15,col=5,title=storage-estimate::[storage-estimate] lab/web, lab/db: clones on datastore 'DS0' may grow to 110 GB (delta disks at 100%25 of their base, full copies of template bases), 110 GB vs 50 GB; move some groups to another datastore, or add capacity (then raise capacityGb); on a thin-provisioned or deduplicating array, suppress storage-estimate with the reason`,
      `::notice file=${FINDINGS_FILE},line=20,col=5,title=chain-hosts::[chain-hosts] lab/db: the hosts of resource pool 'H9/Resources' are unknown, so the limit of 8 hosts per chain cannot be checked, unknown hosts vs 8 hosts; place the group in a declared cluster, or confine it with hosts (warning suppressed in lab: the pool's hosts: H0, H1 (100%25 known))`,
    ]);
    // Annotations replace the text lines of the findings; the summary stays.
    expect(run.err.join("\n")).not.toContain("error: [");
    expect(run.err).toContain("Synth failed: 2 error finding(s) in lab; no cdk.tf.json was written.");
    // The runner reads back exactly the finding's message and position.
    const parsed = parseCommand(annotations[3]);
    expect(parsed.props).toEqual({ file: FINDINGS_FILE, line: "20", col: "5", title: "chain-hosts" });
    expect(parsed.message).toContain("(warning suppressed in lab: the pool's hosts: H0, H1 (100% known))");
  });

  it("prints config errors as ::error on the line of the bad field", () => {
    const run = synth(BROKEN_DIR, annotate);
    expect(run.exitCode).toBe(1);
    expect(run.out).toEqual([
      `::error file=${BROKEN_FILE},line=17,col=5,title=config::groups[0].namepattern: unknown field 'namepattern'; did you mean 'namePattern'?`,
      expect.stringMatching(
        new RegExp(
          `^::error file=${BROKEN_FILE},line=25,col=15,title=config::groups\\[1\\]\\.customization\\.ipv4\\.range: `,
        ),
      ),
    ]);
    expect(run.err).toEqual(["Environment files have 2 problems; nothing was written:"]);
  });

  it("escapes %, CR and LF in messages, and also : and , in properties", () => {
    expect(escapeData("100% done\r\nnext: a, b")).toBe("100%25 done%0D%0Anext: a, b");
    expect(escapeProperty("C:\\labs, 100%\n")).toBe("C%3A\\labs%2C 100%25%0A");
    // % first, so an escape already in the text survives the runner's unescaping.
    expect(escapeData("%0A")).toBe("%250A");
    const line = githubFinding(
      finding({
        message: "[chain-size] lab/web: 9 vs 8 (113% of the limit)\nsplit the group\r",
        location: { file: "envs: a,b/lab.yaml", line: 3, column: 1 },
      }),
    );
    expect(line).toBe(
      "::error file=envs%3A a%2Cb/lab.yaml,line=3,col=1,title=chain-size::[chain-size] lab/web: 9 vs 8 (113%25 of the limit)%0Asplit the group%0D",
    );
    expect(line.split("\n")).toHaveLength(1);
    expect(parseCommand(line)).toEqual({
      command: "error",
      props: { file: "envs: a,b/lab.yaml", line: "3", col: "1", title: "chain-size" },
      message: "[chain-size] lab/web: 9 vs 8 (113% of the limit)\nsplit the group\r",
    });
  });

  it("maps severities to commands and leaves out a position it does not know", () => {
    expect(githubFinding(finding({ severity: "warning", ruleSeverity: "warning" }))).toMatch(/^::warning /);
    expect(
      githubFinding(finding({ severity: "info", ruleSeverity: "error", suppressionReason: "lab only, 2 hosts" })),
    ).toBe(
      "::notice file=environments/lab.yaml,line=14,col=5,title=chain-size::[chain-size] lab/web: 9 vs 8; split the group (error suppressed in lab: lab only, 2 hosts)",
    );
    expect(githubFinding(finding({ location: undefined }))).toBe(
      "::error title=chain-size::[chain-size] lab/web: 9 vs 8; split the group",
    );
    expect(githubProblem({ file: "/abs/envs/lab.yaml", field: "", message: "not valid YAML: x" })).toBe(
      "::error file=envs/lab.yaml,title=config::not valid YAML: x",
    );
    expect(workflowCommand("notice", {}, "plain")).toBe("::notice::plain");
  });

  it("keeps the exit code of text mode in the CLI, with --format github and LINKED_CLONES_FORMAT=github", async () => {
    const env = { LINKED_CLONES_ENV_DIR: FINDINGS_DIR, CDKTF_OUTDIR: path.join(tempDir("lc-gh-"), "cdktf.out") };
    const [flag, byEnv, broken] = await Promise.all([
      runMain(["--format", "github"], { env }),
      runMain([], { env: { ...env, LINKED_CLONES_FORMAT: "github" } }),
      runMain(["--format=github"], { env: { ...env, LINKED_CLONES_ENV_DIR: BROKEN_DIR } }),
    ]);
    expect(flag.code).toBe(1);
    expect(byEnv).toEqual(flag);
    expect(flag.stdout.split("\n").filter((l) => l.startsWith("::"))).toHaveLength(4);
    expect(broken.code).toBe(1);
    expect(broken.stdout.split("\n").filter((l) => l.startsWith("::error "))).toHaveLength(2);
  });
});
