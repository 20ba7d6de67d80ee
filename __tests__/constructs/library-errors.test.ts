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

/** A two-stack app; `web` clones in the first stack break chain-size on vSphere 4.0 when above 8. */
function appSource(web: number): string {
  const lib = JSON.stringify(path.join(PROJECT, "lib"));
  return `
import { App, TerraformStack } from "cdktf";
import { BaseImage, LinkedCloneGroup, VsphereConnection, VsphereInventory } from ${lib};
const app = new App({ stackTraces: false });
for (const [name, count] of [["lab-a", ${web}], ["lab-b", 2]] as const) {
  const stack = new TerraformStack(app, name);
  new VsphereConnection(stack, "Vsphere", { server: "vc.example.com" });
  const inventory = new VsphereInventory(stack, "Inventory", {
    datacenter: name, version: "4.0", clusters: { C0: { hosts: ["H0"] } },
  });
  const base = new BaseImage(stack, "golden", { inventory, vm: "VM0", snapshot: "s1" });
  new LinkedCloneGroup(stack, "web", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count });
}
app.synth();
`;
}

function runApp(web: number, outdir: string) {
  const dir = tempDir();
  const file = path.join(dir, "main.ts");
  fs.writeFileSync(file, appSource(web));
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
