/**
 * In library use (a TypeScript app without environment files, run as `cdktf synth` runs it), a
 * rule error prints the findings and exits 1, without a Node stack trace, and leaves no
 * cdk.tf.json of any stack of the app (issue 13).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../helpers/files";

const PROJECT = path.resolve(__dirname, "..", "..");
const TSX = path.join(PROJECT, "node_modules", ".bin", "tsx");

/**
 * A two-stack app; `web` clones in the first stack break chain-size on vSphere 4.0 when above 8.
 * `extra` is more code at the end of the first stack's loop body (`stack`, `base` in scope).
 */
function appSource(web: number, extra = ""): string {
  const lib = JSON.stringify(path.join(PROJECT, "lib"));
  return `
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { BaseImage, LinkedCloneChecks, LinkedCloneGroup, VsphereConnection, VsphereInventory } from ${lib};
void Construct, LinkedCloneChecks;
const app = new App({ stackTraces: false });
for (const [name, count] of [["lab-a", ${web}], ["lab-b", 2]] as const) {
  const stack = new TerraformStack(app, name);
  new VsphereConnection(stack, "Vsphere", { server: "vc.example.com" });
  const inventory = new VsphereInventory(stack, "Inventory", {
    datacenter: name, version: "4.0", clusters: { C0: { hosts: ["H0"] } },
  });
  const base = new BaseImage(stack, "golden", { inventory, vm: "VM0", snapshot: "s1" });
  new LinkedCloneGroup(stack, "web", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count });
  if (name === "lab-a") { ${extra} }
}
app.synth();
`;
}

function runApp(web: number, outdir: string, extra = "") {
  const dir = tempDir();
  const file = path.join(dir, "main.ts");
  fs.writeFileSync(file, appSource(web, extra));
  // As the cdktf CLI runs an app: CDKTF_OUTDIR set, no test runner in the environment.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDKTF_OUTDIR: outdir,
    NODE_PATH: path.join(PROJECT, "node_modules"),
  };
  delete env.JEST_WORKER_ID;
  return spawnSync(TSX, [file], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
}

describe("a rule error in library use", () => {
  it("prints the findings and exits 1 without a stack trace, leaving no cdk.tf.json of any stack", () => {
    const outdir = path.join(tempDir(), "cdktf.out");
    const good = runApp(8, outdir);
    expect({ status: good.status, stderr: good.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.existsSync(path.join(outdir, "stacks", "lab-a", "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks", "lab-b", "cdk.tf.json"))).toBe(true);

    const bad = runApp(9, outdir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      "error: [chain-size] lab-a/web: base 'golden' (lab-a/VM0@s1) has 9 linked clones in one chain, 9 vs 8;",
    );
    expect(bad.stderr).toContain("Synth failed: linked-clone rule errors in lab-a; no cdk.tf.json was written.");
    expect(bad.stderr + bad.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(bad.stderr).not.toMatch(/Error:|Validation failed/);
    // Neither the failing stack nor the other one keeps an earlier cdk.tf.json.
    expect(fs.existsSync(path.join(outdir, "stacks", "lab-a", "cdk.tf.json"))).toBe(false);
    expect(fs.existsSync(path.join(outdir, "stacks", "lab-b", "cdk.tf.json"))).toBe(false);
    expect(
      JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "lab-a", "linked-clones-findings.json"), "utf8")),
    ).toEqual([expect.objectContaining({ rule: "chain-size", severity: "error", path: "lab-a/web" })]);
  });
});

describe("a mistake in construct props in library use", () => {
  const cases: [string, string, string][] = [
    [
      "count 0",
      `new LinkedCloneGroup(stack, "db", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count: 0 });`,
      "error: lab-a/db: count: count 0 is out of range; use a whole number from 1 to 10000",
    ],
    [
      "one group id under two parents",
      `for (const tier of ["tierA", "tierB"]) new LinkedCloneGroup(new Construct(stack, tier), "app", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count: 1, namePattern: tier.toLowerCase() + "-{nn}" });`,
      "error: lab-a/tierB/app: collides with lab-a/tierA/app: both would make Terraform resources named 'app' in stack lab-a; give one of the groups another id",
    ],
    [
      "two bases of one id under two parents",
      `new BaseImage(new Construct(stack, "v2"), "golden", { inventory, vm: "VM2", snapshot: "s2" });`,
      "error: lab-a/v2/golden: collides with lab-a/golden: both would be base 'golden' of stack lab-a (rules, rollouts and messages name bases by id); give one of the bases another id",
    ],
    [
      "a suppression of an unknown rule",
      `LinkedCloneChecks.suppress(stack, "storage-estimat", "thin");`,
      "error: lab-a: suppress: cannot suppress unknown rule 'storage-estimat'; known rules: ",
    ],
  ];
  it.each(cases)(
    "%s: one message per problem, exit 1, no stack trace, no path of the machine, no stale cdk.tf.json",
    (_name, code, message) => {
      const outdir = path.join(tempDir(), "cdktf.out");
      expect(runApp(2, outdir).status).toBe(0);
      const r = runApp(2, outdir, code);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/Synth failed: lab-a\S* cannot be built; no cdk\.tf\.json was written\.\n$/);
      expect(r.stderr + r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(r.stderr + r.stdout).not.toContain(PROJECT);
      expect(r.stderr + r.stdout).not.toContain("/tmp/");
      for (const s of ["lab-a", "lab-b"])
        expect(fs.existsSync(path.join(outdir, "stacks", s, "cdk.tf.json"))).toBe(false);
    },
  );
});

describe("synth without Terraform installed", () => {
  it("synthesizes the examples with no terraform or tofu on PATH (no validation runs a Terraform binary)", () => {
    const node = path.dirname(process.execPath);
    const outdir = path.join(tempDir(), "cdktf.out");
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: node, CDKTF_OUTDIR: outdir };
    const r = spawnSync(TSX, [path.join(PROJECT, "main.ts")], {
      cwd: PROJECT,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.existsSync(path.join(outdir, "stacks", "training-lab", "cdk.tf.json"))).toBe(true);
  });
});
