/**
 * examples/ci/github-actions.yml (issue 15): actionlint finds nothing in it, and it does what
 * the README says (strict synth with annotations, SARIF upload, the review comment, diff per
 * changed environment, deploy behind an approval), with credentials from secrets only.
 *
 * actionlint is a Go tool: `go install github.com/rhysd/actionlint/cmd/actionlint@<pinned>`
 * into e2e/.cache/bin (gitignored) on the first run, about 45 s with empty Go caches; then
 * reused while its version matches. Without Go the test fails and says how to get it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { tempDir } from "../helpers/files";
import { PROJECT_ROOT } from "./helpers";

const ACTIONLINT_VERSION = "v1.7.12";
const ACTIONLINT_MODULE = "github.com/rhysd/actionlint/cmd/actionlint";
const BIN_DIR = path.join(PROJECT_ROOT, "e2e", ".cache", "bin");
const ACTIONLINT = path.join(BIN_DIR, "actionlint");
const WORKFLOW = path.join(PROJECT_ROOT, "examples", "ci", "github-actions.yml");

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

function installedVersion(): string | undefined {
  if (!fs.existsSync(ACTIONLINT)) return undefined;
  const r = spawnSync(ACTIONLINT, ["-version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n")[0].trim() : undefined;
}

/** actionlint at the pinned version: the cached binary, else `go install` into the cache. */
function ensureActionlint(): string {
  if (installedVersion() === ACTIONLINT_VERSION) return ACTIONLINT;
  const go = which("go");
  if (!go) {
    throw new Error(
      `actionlint ${ACTIONLINT_VERSION} is needed to lint examples/ci/github-actions.yml, and Go is not on PATH to build it: ` +
        `install Go (https://go.dev/dl/), or put actionlint ${ACTIONLINT_VERSION} at ${path.relative(PROJECT_ROOT, ACTIONLINT)}`,
    );
  }
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync(go, ["install", `${ACTIONLINT_MODULE}@${ACTIONLINT_VERSION}`], {
    encoding: "utf8",
    env: { ...process.env, GOBIN: BIN_DIR },
    timeout: 280_000,
  });
  if (r.status !== 0) {
    throw new Error(
      `go install ${ACTIONLINT_MODULE}@${ACTIONLINT_VERSION} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  console.log(`actionlint ${ACTIONLINT_VERSION}: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ACTIONLINT;
}

interface LintError {
  message: string;
  line: number;
  column: number;
  kind: string;
}

function actionlint(bin: string, file: string): { errors: LintError[]; status: number | null; stderr: string } {
  const r = spawnSync(bin, ["-no-color", "-format", "{{json .}}", file], { encoding: "utf8", cwd: PROJECT_ROOT });
  const errors = r.stdout.trim() ? (JSON.parse(r.stdout) as LintError[]) : [];
  return { errors, status: r.status, stderr: r.stderr };
}

const workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8"));
const steps = (job: string): any[] => workflow.jobs[job].steps;
const runOf = (job: string) =>
  steps(job)
    .map((s) => s.run ?? "")
    .join("\n");

describe(`actionlint ${ACTIONLINT_VERSION} on the GitHub Actions template`, () => {
  let bin: string;
  beforeAll(() => {
    bin = ensureActionlint();
  }, 300_000);

  it("finds nothing", () => {
    const { errors, status, stderr } = actionlint(bin, WORKFLOW);
    expect(errors.map((e) => `${e.line}:${e.column} ${e.kind}: ${e.message}`)).toEqual([]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  });

  it("is really linted: actionlint reports a mistake put into a copy", () => {
    const broken = fs
      .readFileSync(WORKFLOW, "utf8")
      .replace("${{ secrets.VSPHERE_USER }}", "${{ secret.VSPHERE_USER }}")
      .replace("needs: plan", "needs: plann");
    const file = path.join(tempDir("lc-actionlint-"), "broken.yml");
    fs.writeFileSync(file, broken);
    const kinds = actionlint(bin, file).errors.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["expression", "job-needs"]));
  });
});

describe("GitHub Actions template", () => {
  it("checks pull requests: strict synth with annotations, SARIF to code scanning with a pinned action", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request", "push"]);
    expect(workflow.on.push.branches).toEqual(["main"]);
    const check = steps("check");
    const strict = check.find((s) => s.run?.includes("--format github"));
    expect(strict.run).toBe("npm run synth -- --format github");
    expect(strict.env).toEqual({ LINKED_CLONES_STRICT: "1" });
    const sarif = check.find((s) => s.run?.includes("--format sarif"));
    expect(sarif.run).toBe("npm run synth -- --format sarif --output linked-clones.sarif || [ $? -eq 1 ]");
    const upload = check.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload.uses).toBe("github/codeql-action/upload-sarif@v4");
    expect(upload.with.sarif_file).toBe("linked-clones.sarif");
    expect(workflow.jobs.check.permissions["security-events"]).toBe("write");
    expect(check.map((s) => s.run).filter(Boolean)[0]).toBe("npm ci --no-audit --no-fund");
  });

  it("pins every action to a released major version, never a branch", () => {
    const uses = Object.keys(workflow.jobs).flatMap((j) => steps(j).flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
  });

  it("diffs each changed environment after preflight, and deploys on main only after an approval", () => {
    expect(runOf("diff")).toContain('examples/ci/changed-environments.sh "$BASE"');
    expect(steps("diff").find((s) => s.id === "envs").env.BASE).toBe("origin/${{ github.base_ref }}");
    expect(runOf("diff")).toMatch(/npm run preflight -- "\$env"[\s\S]*npm run diff -- "\$env"/);
    expect(runOf("diff")).toContain('examples/ci/require-shared-state.sh "${envs[@]}"');
    expect(workflow.jobs.plan.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const deploy = workflow.jobs.deploy;
    expect(deploy.needs).toBe("plan");
    expect(deploy.environment).toBe("vsphere-labs");
    expect(deploy.concurrency).toEqual({ group: "linked-clones-deploy", "cancel-in-progress": false });
    expect(runOf("deploy")).toMatch(/npm run preflight -- "\$env"[\s\S]*npm run deploy -- "\$env" --auto-approve/);
  });

  it("takes credentials from the secret store only, in the steps that use them", () => {
    const text = fs.readFileSync(WORKFLOW, "utf8");
    for (const job of ["diff", "plan", "deploy"]) {
      const withSecrets = steps(job).filter((s) => JSON.stringify(s).includes("secrets."));
      expect(withSecrets.length).toBe(1);
      expect(withSecrets[0].env).toMatchObject({
        TF_VAR_vsphere_user: "${{ secrets.VSPHERE_USER }}",
        TF_VAR_vsphere_password: "${{ secrets.VSPHERE_PASSWORD }}",
      });
      // Not at job level, so npm ci's install scripts never see them.
      expect(JSON.stringify(workflow.jobs[job].env ?? {})).not.toContain("secrets.");
    }
    expect(JSON.stringify(workflow.jobs.check)).not.toContain("secrets.");
    expect(text).not.toMatch(/password:\s*["']?\w/i);
  });

  it("posts the review report as one comment, updated on the next push", async () => {
    const review = steps("review");
    const report = review.find((s) => s.id === "report");
    expect(report.run).toContain('npm run --silent report -- --since "$BASE" > review.md');
    const post = review.find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(post.uses).toBe("actions/github-script@v8");
    const dir = tempDir("lc-gh-script-");
    fs.writeFileSync(path.join(dir, "review.md"), "## Review\n\n+12 clones on base `golden`\n");
    const calls: string[] = [];
    let comments: { id: number; user: { type: string }; body: string }[] = [
      { id: 1, user: { type: "User" }, body: "<!-- linked-clones-review -->\nquoted by a person" },
    ];
    const github = {
      paginate: async (fn: (a: unknown) => Promise<unknown>, args: unknown) => fn(args),
      rest: {
        issues: {
          listComments: async () => comments,
          createComment: async (a: { body: string; issue_number: number }) => {
            calls.push(`create #${a.issue_number}`);
            comments = [...comments, { id: 2, user: { type: "Bot" }, body: a.body }];
          },
          updateComment: async (a: { comment_id: number; body: string }) => {
            calls.push(`update ${a.comment_id}`);
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    const script = new AsyncFunction("require", "github", "context", post.with.script);
    // The script reads review.md from the working directory: give it the temp folder's.
    const requireIn = (m: string) => {
      if (m !== "fs") throw new Error(`the comment script requires '${m}'; only fs is provided`);
      return { ...fs, readFileSync: (f: string, e: BufferEncoding) => fs.readFileSync(path.join(dir, f), e) };
    };
    await script(requireIn, github, context);
    await script(requireIn, github, context);
    expect(calls).toEqual(["create #7", "update 2"]);
    expect(comments[1].body).toBe("<!-- linked-clones-review -->\n## Review\n\n+12 clones on base `golden`\n");
  });
});
