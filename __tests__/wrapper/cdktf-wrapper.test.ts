/**
 * The cdktf wrapper (`npm run deploy|diff|destroy`, scripts/cdktf.ts) without a vCenter: the
 * cdktf CLI and Terraform are stand-ins (LINKED_CLONES_CDKTF, TERRAFORM_BINARY_NAME) that do
 * what matters here the way cdktf 0.21 does it.
 *
 * - cdktf's saved plan (`cdktf diff` runs `terraform plan -out plan` in the stack folder, and a
 *   Terraform saved plan holds the variables' values, TF_VAR_vsphere_password included) is gone
 *   after every command: success, failure, a plan left by a plain `npx cdktf diff`, SIGTERM.
 * - `destroy --no-refresh` runs cdktf destroy with TF_CLI_ARGS_destroy=-refresh=false; a failed
 *   destroy names that next step (and, without refresh, how to drop what vCenter no longer has).
 * The same against vcsim with the real provider: e2e/cli-errors.e2e.test.ts.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CDKTF_PLAN_FILE, noRefreshNextStep, removeSavedPlans, stateRmNextStep } from "../../scripts/cdktf";
import { listFiles, tempDir } from "../helpers/files";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const WRAPPER = path.join(ROOT, "scripts", "cdktf.ts");
const PASSWORD = "Vc-Pl4n-S3cret-7d41";
const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

/**
 * A stand-in for the cdktf CLI: records its arguments and TF_CLI_ARGS_destroy; for `diff`
 * writes `<out>/stacks/<stack>/plan` holding the password, as Terraform's saved plan does;
 * then prints FAKE_OUTPUT and exits with FAKE_EXIT (or waits, with FAKE_WAIT, for a signal).
 */
const FAKE_CDKTF = `#!/bin/sh
printf '%s\\n' "$*" > "$PWD/cdktf-args.txt"
printf '%s' "$TF_CLI_ARGS_destroy" > "$PWD/tf-cli-args-destroy.txt"
if [ "$1" = diff ]; then
  mkdir -p "$PWD/cdktf.out/stacks/$2"
  printf 'PK\\003\\004 tfplan variables: vsphere_password=%s' "$TF_VAR_vsphere_password" > "$PWD/cdktf.out/stacks/$2/plan"
fi
[ -n "$FAKE_OUTPUT" ] && printf '%s\\n' "$FAKE_OUTPUT"
[ -n "$FAKE_WAIT" ] && exec sleep 30
exit "\${FAKE_EXIT:-0}"
`;

/** A stand-in for terraform (the wrapper's read-only plan when cdktf printed no diagnostics). */
const FAKE_TERRAFORM = `#!/bin/sh
echo "Error: the read-only plan of the stand-in terraform" >&2
exit 1
`;

interface Project {
  dir: string;
  stackDir(stack: string): string;
  run(args: string[], env?: Record<string, string>): Promise<Result>;
  start(args: string[], env?: Record<string, string>): { child: ReturnType<typeof spawn>; done: Promise<Result> };
}

interface Result {
  code: number | null;
  out: string;
}

/** A project folder with two synthesized stacks, `lab` and `other`, and the stand-ins. */
function project(): Project {
  const dir = tempDir("lc-wrapper-");
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app: "true", output: "cdktf.out" }),
  );
  const stackDir = (stack: string) => path.join(dir, "cdktf.out", "stacks", stack);
  for (const stack of ["lab", "other"]) {
    fs.mkdirSync(stackDir(stack), { recursive: true });
    fs.writeFileSync(path.join(stackDir(stack), "cdk.tf.json"), "{}\n");
  }
  const cdktf = path.join(dir, "fake-cdktf.sh");
  const terraform = path.join(dir, "fake-terraform.sh");
  fs.writeFileSync(cdktf, FAKE_CDKTF, { mode: 0o755 });
  fs.writeFileSync(terraform, FAKE_TERRAFORM, { mode: 0o755 });
  const start = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(TSX, [WRAPPER, ...args], {
      cwd: dir,
      env: {
        ...process.env,
        TF_VAR_vsphere_user: "administrator@vsphere.local",
        TF_VAR_vsphere_password: PASSWORD,
        LINKED_CLONES_CDKTF: cdktf,
        LINKED_CLONES_PROVIDER_LOCK: "run", // no registry probe
        TERRAFORM_BINARY_NAME: terraform,
        TF_CLI_ARGS_destroy: "",
        ...env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const done = new Promise<Result>((resolve) => child.on("close", (code) => resolve({ code, out })));
    return { child, done };
  };
  return { dir, stackDir, start, run: (args, env) => start(args, env).done };
}

/** Files under the project folder that hold the password. */
function filesWithPassword(dir: string): string[] {
  return listFiles(dir).filter((f) => fs.readFileSync(path.join(dir, f), "utf8").includes(PASSWORD));
}

const deleted = (stack: string) =>
  `[cdktf wrapper] deleted cdktf's saved plan cdktf.out/stacks/${stack}/plan: a saved plan holds the values of the variables, the vCenter password too`;

describe("removeSavedPlans", () => {
  it("deletes the file cdktf's diff writes in each stack folder, and nothing else", () => {
    const dir = tempDir();
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    const c = path.join(dir, "c");
    for (const d of [a, b, c]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(a, CDKTF_PLAN_FILE), "PK");
    fs.writeFileSync(path.join(a, "cdk.tf.json"), "{}");
    fs.mkdirSync(path.join(b, CDKTF_PLAN_FILE)); // a folder of that name is not cdktf's
    expect(removeSavedPlans([a, b, c, path.join(dir, "missing")])).toEqual({
      removed: [path.join(a, "plan")],
      failed: [],
    });
    expect(listFiles(dir)).toEqual(["a/cdk.tf.json"]);
    expect(fs.statSync(path.join(b, "plan")).isDirectory()).toBe(true);
  });
});

describe("the wrapper deletes cdktf's saved plan (it holds the vCenter password)", () => {
  it("after a diff that succeeds: the stack's plan is gone, said in one line, the password is in no file", async () => {
    const p = project();
    const r = await p.run(["diff", "lab"]);
    expect(r.code).toBe(0);
    // The stand-in did write it, as cdktf does:
    expect(fs.readFileSync(path.join(p.dir, "cdktf-args.txt"), "utf8")).toMatch(/^diff lab /);
    expect(fs.existsSync(path.join(p.stackDir("lab"), "plan"))).toBe(false);
    expect(r.out.split("\n").filter((l) => l.includes("saved plan"))).toEqual([deleted("lab")]);
    expect(filesWithPassword(p.dir)).toEqual([]);
  });

  it("after a diff that fails: exit code kept, plan gone, no stack trace", async () => {
    const p = project();
    const r = await p.run(["diff", "lab"], { FAKE_EXIT: "1", FAKE_OUTPUT: "│ Error: cannot locate folder" });
    expect(r.code).toBe(1);
    expect(r.out).toContain(deleted("lab"));
    expect(filesWithPassword(p.dir)).toEqual([]);
    expect(r.out).not.toMatch(STACK_TRACE);
  });

  it("after deploy and destroy: a plan left by a plain `npx cdktf diff` goes too; another stack's is not touched", async () => {
    for (const verb of ["deploy", "destroy"]) {
      const p = project();
      const secret = (stack: string) => fs.writeFileSync(path.join(p.stackDir(stack), "plan"), `PK ${PASSWORD}`);
      secret("lab");
      secret("other");
      const r = await p.run([verb, "lab", "--auto-approve"]);
      expect({ verb, code: r.code }).toEqual({ verb, code: 0 });
      expect(fs.existsSync(path.join(p.stackDir("lab"), "plan"))).toBe(false);
      expect(filesWithPassword(p.dir)).toEqual(["cdktf.out/stacks/other/plan"]);
      expect(r.out).toContain(deleted("lab"));
    }
  });

  it("without a stack named (a one-stack app), every stack folder's plan; quiet when there was none", async () => {
    const p = project();
    fs.writeFileSync(path.join(p.stackDir("other"), "plan"), `PK ${PASSWORD}`);
    const r = await p.run(["deploy", "--auto-approve"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").filter((l) => l.includes("saved plan"))).toEqual([deleted("other")]);
    const again = await p.run(["deploy", "--auto-approve"]);
    expect(again.out).not.toContain("saved plan");
  });

  it("when the wrapper is stopped (SIGTERM) while cdktf runs: cdktf is stopped, then the plan is deleted", async () => {
    const p = project();
    const { child, done } = p.start(["diff", "lab"], { FAKE_WAIT: "1" });
    const plan = path.join(p.stackDir("lab"), "plan");
    for (let i = 0; i < 200 && !fs.existsSync(plan); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(plan)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the stand-in is sleeping by now
    child.kill("SIGTERM");
    const r = await done;
    expect(r.code).toBe(143);
    expect(fs.existsSync(plan)).toBe(false);
    expect(r.out).toContain(deleted("lab"));
  });
});

describe("destroy --no-refresh, and the next step after a failed destroy", () => {
  const refreshError = '│ Error: cannot find OS family for guest ID "otherGuest"';

  it("--no-refresh: cdktf destroy with TF_CLI_ARGS_destroy=-refresh=false (added to the caller's), said in one line", async () => {
    const p = project();
    const r = await p.run(["destroy", "lab", "--auto-approve", "--no-refresh"], {
      TF_CLI_ARGS_destroy: "-lock-timeout=5s",
    });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(p.dir, "cdktf-args.txt"), "utf8").trim()).toBe(
      "destroy lab --auto-approve --terraform-parallelism 10",
    );
    expect(fs.readFileSync(path.join(p.dir, "tf-cli-args-destroy.txt"), "utf8")).toBe(
      "-lock-timeout=5s -refresh=false",
    );
    expect(r.out).toContain(
      "[cdktf wrapper] --no-refresh: TF_CLI_ARGS_destroy=-lock-timeout=5s -refresh=false (fake-terraform.sh destroy -refresh=false destroys what the state lists without reading vCenter first)",
    );
    expect(r.out).not.toContain("destroy failed");
  });

  it("--no-refresh is refused for diff and deploy (exit 2, before cdktf runs)", async () => {
    for (const verb of ["diff", "deploy"]) {
      const p = project();
      const r = await p.run([verb, "lab", "--auto-approve", "--no-refresh"]);
      expect({ verb, code: r.code }).toEqual({ verb, code: 2 });
      expect(r.out).toContain(
        "error: --no-refresh is an option of destroy only (npm run destroy -- <env> --no-refresh: terraform destroy -refresh=false)",
      );
      expect(fs.existsSync(path.join(p.dir, "cdktf-args.txt"))).toBe(false);
    }
  });

  it("a failed destroy names --no-refresh and the plain terraform command (tofu with TERRAFORM_BINARY_NAME=tofu)", async () => {
    const p = project();
    const r = await p.run(["destroy", "lab", "--auto-approve", "--terraform-parallelism", "1"], {
      FAKE_EXIT: "1",
      FAKE_OUTPUT: refreshError,
    });
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    const at = lines.findIndex((l) => l.startsWith("[cdktf wrapper] destroy failed."));
    expect(lines.slice(at, at + 3)).toEqual([
      "[cdktf wrapper] destroy failed. If Terraform failed in its refresh, before destroying anything (after a failed first deploy the provider checks the clones it could not create again, and fails the same way), destroy what the state lists without reading vCenter first:",
      "[cdktf wrapper]   npm run destroy -- lab --auto-approve --terraform-parallelism 1 --no-refresh",
      "[cdktf wrapper]   (without the wrapper: fake-terraform.sh -chdir=cdktf.out/stacks/lab destroy -refresh=false)",
    ]);
    expect(noRefreshNextStep(["lab"], [p.stackDir("lab")], "tofu", p.dir).slice(1)).toEqual([
      "  npm run destroy -- lab --no-refresh",
      "  (without the wrapper: tofu -chdir=cdktf.out/stacks/lab destroy -refresh=false)",
    ]);
    expect(r.out).not.toMatch(STACK_TRACE);
  });

  it("a failed destroy --no-refresh names state list / state rm for what vCenter no longer has", async () => {
    const p = project();
    const r = await p.run(["destroy", "lab", "--auto-approve", "--no-refresh"], {
      FAKE_EXIT: "1",
      FAKE_OUTPUT:
        '│ Error: cannot locate virtual machine with UUID "4211": virtual machine with UUID "4211" not found',
    });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain("[cdktf wrapper] destroy failed.");
    const lines = r.out.split("\n");
    const at = lines.findIndex((l) => l.startsWith("[cdktf wrapper] destroy -refresh=false failed."));
    expect(lines.slice(at, at + 4)).toEqual([
      `[cdktf wrapper] destroy -refresh=false failed. Without a refresh, a VM or snapshot the state lists that vCenter no longer has cannot be deleted ("cannot locate virtual machine with UUID ..."). What the state still lists, and how to drop one from it once vCenter shows it is gone:`,
      "[cdktf wrapper]   fake-terraform.sh -chdir=cdktf.out/stacks/lab state list",
      "[cdktf wrapper]   fake-terraform.sh -chdir=cdktf.out/stacks/lab state rm '<address>'",
      "[cdktf wrapper] then run it again: npm run destroy -- lab --auto-approve --no-refresh",
    ]);
    expect(stateRmNextStep(["lab"], [p.stackDir("lab")], "terraform", p.dir)[1]).toBe(
      "  terraform -chdir=cdktf.out/stacks/lab state list",
    );
  });

  it("a failed diff or deploy names no destroy step", async () => {
    const p = project();
    const r = await p.run(["deploy", "lab", "--auto-approve"], { FAKE_EXIT: "1", FAKE_OUTPUT: refreshError });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain("--no-refresh");
  });
});
