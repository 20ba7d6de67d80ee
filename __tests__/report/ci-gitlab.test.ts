/**
 * examples/ci/gitlab-ci.yml (issue 15): valid YAML with the stages and jobs the README
 * describes, credentials from CI/CD variables only, a Code Quality report made from the SARIF,
 * and the review report as one merge request note (against a local stand-in for GitLab's API).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import YAML from "yaml";
import { tempDir } from "../helpers/files";
import { FINDINGS_DIR, FINDINGS_FILE, PROJECT_ROOT, sarifOf, synth } from "./helpers";

const CI_DIR = path.join(PROJECT_ROOT, "examples", "ci");
const FILE = path.join(CI_DIR, "gitlab-ci.yml");

function parse(): any {
  const doc = YAML.parseDocument(fs.readFileSync(FILE, "utf8"));
  expect(doc.errors.map(String)).toEqual([]);
  expect(doc.warnings.map(String)).toEqual([]);
  return doc.toJS();
}

/** Runs a Node script of examples/ci; resolves with its exit code and output. */
function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("GitLab CI template", () => {
  it("has the stages and jobs: check, review report and diff on merge requests, plan and a manual deploy on the default branch", () => {
    const ci = parse();
    expect(ci.stages).toEqual(["check", "review", "plan", "deploy"]);
    const jobs = Object.keys(ci).filter((k) => !k.startsWith(".") && ci[k]?.script);
    expect(jobs).toEqual(["synth", "review-report", "diff", "plan", "deploy"]);
    expect(Object.fromEntries(jobs.map((j) => [j, ci[j].stage]))).toEqual({
      synth: "check",
      "review-report": "review",
      diff: "review",
      plan: "plan",
      deploy: "deploy",
    });
    const mr = [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }];
    expect(ci["review-report"].rules).toEqual(mr);
    expect(ci.diff.rules).toEqual(mr);
    expect(ci.plan.rules).toEqual([{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
    expect(ci.deploy.rules).toEqual([{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", when: "manual" }]);
    expect(ci.deploy).toMatchObject({
      allow_failure: false,
      needs: ["plan"],
      environment: { name: "vsphere-labs" },
      resource_group: "linked-clones-deploy",
      extends: ".vsphere",
    });
    expect(ci.deploy.script.join("\n")).toContain('npm run deploy -- "$env" --auto-approve');
    expect(ci.plan.script.join("\n")).toContain("node examples/ci/gitlab-api.mjs last-deployment vsphere-labs");
  });

  it("synthesizes strictly, keeps the SARIF and reports the findings as Code Quality", () => {
    const synthJob = parse().synth;
    expect(synthJob.script).toEqual([
      "npm run synth -- --format sarif --output linked-clones.sarif || [ $? -eq 1 ]",
      "node examples/ci/sarif-to-codequality.mjs linked-clones.sarif gl-code-quality-report.json",
      "LINKED_CLONES_STRICT=1 npm run synth",
    ]);
    expect(synthJob.artifacts.when).toBe("always");
    expect(synthJob.artifacts.paths).toContain("linked-clones.sarif");
    expect(synthJob.artifacts.reports).toEqual({ codequality: "gl-code-quality-report.json" });
  });

  it("maps credentials from masked CI/CD variables, never literals, and runs preflight before diff and deploy", () => {
    const ci = parse();
    expect(ci[".vsphere"].variables).toMatchObject({
      TF_VAR_vsphere_user: "$VSPHERE_USER",
      TF_VAR_vsphere_password: "$VSPHERE_PASSWORD",
    });
    for (const job of ["diff", "plan", "deploy"]) {
      expect(ci[job].extends).toBe(".vsphere");
      const script = ci[job].script.join("\n");
      expect(script).toContain("examples/ci/require-shared-state.sh $envs");
      expect(script.indexOf("npm run preflight")).toBeGreaterThan(-1);
      expect(script.indexOf("npm run preflight")).toBeLessThan(
        Math.max(script.indexOf("npm run diff"), script.indexOf("npm run deploy")),
      );
    }
    expect(ci.diff.script.join("\n")).toContain('changed-environments.sh "$CI_MERGE_REQUEST_DIFF_BASE_SHA"');
    expect(fs.readFileSync(FILE, "utf8")).not.toMatch(/(password|token|secret)\w*:\s*["']?[A-Za-z0-9]/i);
  });

  it("names only scripts that exist in examples/ci, executable", () => {
    const text = fs.readFileSync(FILE, "utf8");
    const named = [...new Set([...text.matchAll(/examples\/ci\/([\w.-]+\.(?:sh|mjs))/g)].map((m) => m[1]))];
    expect(named.sort()).toEqual([
      "changed-environments.sh",
      "gitlab-api.mjs",
      "install-tools.sh",
      "require-shared-state.sh",
      "sarif-to-codequality.mjs",
    ]);
    for (const f of named.filter((n) => n.endsWith(".sh"))) {
      expect(fs.statSync(path.join(CI_DIR, f)).mode & 0o111).not.toBe(0);
    }
  });

  it("turns the SARIF of a run into Code Quality issues: severity, file, line, unique fingerprints", async () => {
    const dir = tempDir("lc-cq-");
    fs.writeFileSync(path.join(dir, "in.sarif"), sarifOf(synth(FINDINGS_DIR)));
    const r = await node([
      path.join(CI_DIR, "sarif-to-codequality.mjs"),
      path.join(dir, "in.sarif"),
      path.join(dir, "cq.json"),
    ]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const issues = JSON.parse(fs.readFileSync(path.join(dir, "cq.json"), "utf8"));
    expect(
      issues.map((i: any) => `${i.check_name} ${i.severity} ${i.location.path}:${i.location.lines.begin}`),
    ).toEqual([
      `ip-pool critical ${FINDINGS_FILE}:27`,
      `chain-size critical ${FINDINGS_FILE}:17`,
      `storage-estimate minor ${FINDINGS_FILE}:15`,
      `chain-hosts info ${FINDINGS_FILE}:20`,
    ]);
    expect(issues[3].description).toMatch(/\(suppressed: the pool's hosts: H0, H1 \(100% known\)\)$/);
    expect(new Set(issues.map((i: any) => i.fingerprint)).size).toBe(4);
    for (const i of issues) expect(Object.keys(i)).toEqual(expect.arrayContaining(["description", "fingerprint"]));
  });

  describe("gitlab-api.mjs against a stand-in for GitLab's API", () => {
    let server: http.Server;
    let api: string;
    const requests: string[] = [];
    let notes: { id: number; body: string }[] = [];
    let deployments: { sha: string }[] = [];
    let denied = false;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d) => (body += d));
        req.on("end", () => {
          const token = req.headers["private-token"] ?? `job:${req.headers["job-token"]}`;
          requests.push(`${req.method} ${req.url} ${token}`);
          const send = (status: number, data: unknown) => {
            res.writeHead(status, { "Content-Type": "application/json" });
            res.end(JSON.stringify(data));
          };
          if (denied) return send(403, { message: "403 Forbidden" });
          const url = new URL(req.url!, "http://x");
          if (url.pathname === "/api/v4/projects/group%2Flab/merge_requests/5/notes") {
            if (req.method === "GET") return send(200, notes);
            const note = { id: 100 + notes.length, body: JSON.parse(body).body };
            notes = [...notes, note];
            return send(201, note);
          }
          const m = /^\/api\/v4\/projects\/group%2Flab\/merge_requests\/5\/notes\/(\d+)$/.exec(url.pathname);
          if (m && req.method === "PUT") {
            notes = notes.map((n) => (n.id === Number(m[1]) ? { ...n, body: JSON.parse(body).body } : n));
            return send(200, { id: Number(m[1]) });
          }
          if (url.pathname === "/api/v4/projects/group%2Flab/deployments") return send(200, deployments);
          send(404, { message: "404 Not Found" });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const env = (extra: NodeJS.ProcessEnv = {}) => ({
      CI_API_V4_URL: api,
      CI_PROJECT_ID: "group/lab",
      CI_MERGE_REQUEST_IID: "5",
      LINKED_CLONES_GITLAB_TOKEN: "glpat-test",
      ...extra,
    });
    const script = path.join(CI_DIR, "gitlab-api.mjs");

    it("posts the review report as a note, then updates that note rather than adding another", async () => {
      const dir = tempDir("lc-glnote-");
      const file = path.join(dir, "review.md");
      notes = [{ id: 1, body: "a person's comment" }];
      fs.writeFileSync(file, "## Review\n\none\n");
      expect(await node([script, "note", file], env())).toMatchObject({
        code: 0,
        stdout: "gitlab-api: review report posted as note 101\n",
      });
      fs.writeFileSync(file, "## Review\n\ntwo\n");
      expect(await node([script, "note", file], env())).toMatchObject({
        code: 0,
        stdout: "gitlab-api: review report updated in note 101\n",
      });
      expect(notes).toEqual([
        { id: 1, body: "a person's comment" },
        { id: 101, body: "<!-- linked-clones-review -->\n## Review\n\ntwo\n" },
      ]);
      expect(requests.every((r) => r.endsWith(" glpat-test"))).toBe(true);
    });

    it("prints the commit of the last successful deployment, or 0 when there was none", async () => {
      deployments = [{ sha: "a".repeat(40) }];
      expect(await node([script, "last-deployment", "vsphere-labs"], env())).toMatchObject({
        code: 0,
        stdout: `${"a".repeat(40)}\n`,
      });
      expect(requests.at(-1)).toMatch(/deployments\?environment=vsphere-labs&status=success&order_by=id&sort=desc/);
      deployments = [];
      expect((await node([script, "last-deployment", "vsphere-labs"], env())).stdout).toBe("0\n");
    });

    it("without access: the note is skipped with a message (exit 0), last-deployment exits 1", async () => {
      denied = true;
      const dir = tempDir("lc-glnote-");
      fs.writeFileSync(path.join(dir, "review.md"), "x\n");
      const note = await node([script, "note", path.join(dir, "review.md")], env({ LINKED_CLONES_GITLAB_TOKEN: "" }));
      expect(note.code).toBe(0);
      expect(note.stdout).toContain("cannot read the notes (HTTP 403); set LINKED_CLONES_GITLAB_TOKEN");
      const last = await node(
        [script, "last-deployment", "vsphere-labs"],
        env({ LINKED_CLONES_GITLAB_TOKEN: "", CI_JOB_TOKEN: "jt" }),
      );
      expect(last.code).toBe(1);
      expect(last.stdout).toBe("");
      expect(requests.at(-1)).toMatch(/ job:jt$/);
      denied = false;
    });
  });
});
