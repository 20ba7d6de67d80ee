/**
 * The shell scripts both CI templates call (examples/ci/*.sh): which environments changed (on
 * a temporary git repository), the shared-state guard, and the tool installer's offline path.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../helpers/files";
import { PROJECT_ROOT } from "./helpers";

const CI_DIR = path.join(PROJECT_ROOT, "examples", "ci");
const SCRIPTS = ["changed-environments.sh", "require-shared-state.sh", "install-tools.sh"];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const r = run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], cwd);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function write(root: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
}

describe("CI scripts", () => {
  it("are valid bash (and shellcheck-clean where shellcheck is installed)", () => {
    for (const s of SCRIPTS) expect(run("bash", ["-n", path.join(CI_DIR, s)], CI_DIR)).toMatchObject({ code: 0 });
    const sc = run("sh", ["-c", "command -v shellcheck"], CI_DIR).stdout.trim();
    if (!sc) return console.log("shellcheck is not installed: only bash -n was checked");
    const r = run(
      sc,
      SCRIPTS.map((s) => path.join(CI_DIR, s)),
      CI_DIR,
    );
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });

  describe("changed-environments.sh", () => {
    let repo: string;
    const changed = (base: string, env: NodeJS.ProcessEnv = {}) =>
      run("bash", [path.join(CI_DIR, "changed-environments.sh"), base], repo, env);

    beforeAll(() => {
      repo = tempDir("lc-changed-");
      git(repo, "init", "-q", "-b", "main");
      write(repo, {
        "environments/a.yaml": "a: 1\n",
        "environments/b.yaml": "b: 1\n",
        "environments/c.yaml": "c: 1\n",
        "environments/notes/old.yaml": "x: 1\n",
        "lib/x.ts": "export {};\n",
        "README.md": "readme\n",
      });
      git(repo, "add", ".");
      git(repo, "commit", "-q", "-m", "base");
      git(repo, "checkout", "-q", "-b", "change");
      write(repo, {
        "environments/a.yaml": "a: 2\n",
        "environments/d.yaml": "d: 1\n",
        "environments/notes/old.yaml": "x: 2\n",
        "README.md": "readme 2\n",
      });
      fs.rmSync(path.join(repo, "environments", "c.yaml"));
      git(repo, "add", "-A");
      git(repo, "commit", "-q", "-m", "change");
      // main moves on after the branch: its changes are not the branch's.
      git(repo, "checkout", "-q", "main");
      write(repo, { "environments/b.yaml": "b: 2\n" });
      git(repo, "commit", "-q", "-am", "main moves");
      git(repo, "checkout", "-q", "change");
    });

    it("lists environment files added or changed since the merge base, not deleted ones or other files", () => {
      const r = changed("main");
      expect(r).toMatchObject({ code: 0, stdout: "a\nd\n" });
      expect(r.stderr).toContain(
        "environments/c.yaml was deleted; its resources stay until destroyed (cdktf destroy c from the commit before)",
      );
    });

    it("lists every environment when shared code changed, or the base is not a commit here", () => {
      write(repo, { "lib/x.ts": "export const x = 1;\n" });
      git(repo, "commit", "-q", "-am", "code");
      try {
        const r = changed("main");
        expect(r).toMatchObject({ code: 0, stdout: "a\nb\nd\n" });
        expect(r.stderr).toContain("code that shapes every stack changed");
      } finally {
        git(repo, "reset", "-q", "--hard", "HEAD~1");
      }
      expect(changed("0000000000000000000000000000000000000000")).toMatchObject({ code: 0, stdout: "a\nb\nd\n" });
      const unknown = changed("origin/nowhere");
      expect(unknown).toMatchObject({ code: 0, stdout: "a\nb\nd\n" });
      expect(unknown.stderr).toContain("'origin/nowhere' is not a commit of this clone; listing every environment");
    });

    it("honours LINKED_CLONES_ENV_DIR", () => {
      git(repo, "checkout", "-q", "-b", "other-dir", "main");
      write(repo, { "labs/x.yaml": "x: 1\n", "environments/a.yaml": "a: 3\n" });
      git(repo, "add", "-A");
      git(repo, "commit", "-q", "-m", "labs");
      expect(changed("main", { LINKED_CLONES_ENV_DIR: "labs/" })).toMatchObject({ code: 0, stdout: "x\n" });
      git(repo, "checkout", "-q", "change");
    });
  });

  describe("require-shared-state.sh", () => {
    const stack = (root: string, env: string, backend: unknown) =>
      write(root, { [`cdktf.out/stacks/${env}/cdk.tf.json`]: JSON.stringify({ terraform: { backend } }) });

    it("passes environments with a shared backend and fails, naming the fix, on local state", () => {
      const root = tempDir("lc-state-");
      stack(root, "shared", { pg: { schema_name: "lab" } });
      stack(root, "laptop", { local: { path: "../../../state/laptop.tfstate" } });
      const script = path.join(CI_DIR, "require-shared-state.sh");
      expect(run("bash", [script, "shared"], root)).toMatchObject({
        code: 0,
        stdout: "shared: state in the pg backend\n",
      });
      const bad = run("bash", [script, "shared", "laptop", "missing"], root);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(
        "environment laptop keeps its state on this runner (backend local), so it would be lost after the job",
      );
      expect(bad.stderr).toContain("cdktf.out/stacks/missing/cdk.tf.json does not exist; run npm run synth first");
    });
  });

  describe("install-tools.sh", () => {
    it("uses govc and terraform already on PATH, downloads nothing, and prints the bin folder", () => {
      const root = tempDir("lc-tools-");
      const fake = path.join(root, "fake-bin");
      write(root, { "fake-bin/govc": "#!/bin/sh\n", "fake-bin/terraform": "#!/bin/sh\n" });
      for (const t of ["govc", "terraform"]) fs.chmodSync(path.join(fake, t), 0o755);
      const r = run("bash", [path.join(CI_DIR, "install-tools.sh"), path.join(root, "bin")], root, {
        PATH: `${fake}:/usr/bin:/bin`,
        // A download would fail: nothing may be fetched.
        https_proxy: "http://127.0.0.1:9",
      });
      expect(r).toMatchObject({ code: 0, stdout: `${path.join(root, "bin")}\n` });
      expect(r.stderr).toContain(`govc on PATH: ${fake}/govc`);
      expect(r.stderr).toContain(`terraform on PATH: ${fake}/terraform`);
      expect(fs.readdirSync(path.join(root, "bin"))).toEqual([]);
    });
  });
});
