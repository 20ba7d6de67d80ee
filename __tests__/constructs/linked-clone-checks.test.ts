import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import {
  BaseImage,
  FINDINGS_FILE,
  LinkedCloneChecks,
  LinkedCloneGroup,
  VsphereConnection,
  VsphereInventory,
} from "../../lib/constructs";
import { tempDir } from "../helpers/files";
import { chainSize } from "../../lib/rules/chain-size";

/** An app composed in TypeScript, without environment files. */
function composeApp(outdir: string, opts: { version?: string; web?: number; db?: number } = {}) {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "ts-lab");
  new VsphereConnection(stack, "Vsphere", { server: "vc.example.com" });
  const inventory = new VsphereInventory(stack, "Inventory", {
    datacenter: "DC0",
    version: opts.version ?? "4.0",
    clusters: { C0: { hosts: ["H0", "H1"] } },
    datastores: { DS0: { type: "vmfs5" } },
  });
  const base = new BaseImage(stack, "golden", { inventory, vm: "VM0", snapshot: "s1" });
  const common = { base, cluster: "C0", datastore: "DS0", network: "VM Network" };
  const web = new LinkedCloneGroup(stack, "web", { ...common, count: opts.web ?? 5 });
  const db = new LinkedCloneGroup(stack, "db", { ...common, count: opts.db ?? 4 });
  return { app, stack, web, db };
}

const stackDir = (outdir: string) => path.join(outdir, "stacks", "ts-lab");

describe("LinkedCloneChecks at synth", () => {
  afterEach(() => {
    delete process.env.LINKED_CLONES_STRICT;
  });

  it("fails synth of a TypeScript-composed app on an error finding, writing the findings and no cdk.tf.json", () => {
    const outdir = tempDir();
    const { app } = composeApp(outdir);
    expect(() => app.synth()).toThrow(
      /\[chain-size\] ts-lab\/web, ts-lab\/db: base 'golden' \(DC0\/VM0@s1\) has 9 linked clones in one chain, 9 vs 8;/,
    );
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(false);
    const findings = JSON.parse(fs.readFileSync(path.join(stackDir(outdir), FINDINGS_FILE), "utf8"));
    expect(findings).toEqual([
      expect.objectContaining({ rule: "chain-size", severity: "error", path: "ts-lab/web", suppressionReason: null }),
    ]);
  });

  it("removes a stale cdk.tf.json of a stack that now fails", () => {
    const outdir = tempDir();
    composeApp(outdir, { web: 4 }).app.synth();
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(true);
    expect(() => composeApp(outdir).app.synth()).toThrow(/chain-size/);
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(false);
  });

  it("synthesizes at the limit and writes an empty findings file", () => {
    const outdir = tempDir();
    composeApp(outdir, { web: 4 }).app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(stackDir(outdir), FINDINGS_FILE), "utf8"))).toEqual([]);
  });

  it("records a suppressed finding as info with its reason, and synthesizes", () => {
    const outdir = tempDir();
    const { app, stack } = composeApp(outdir);
    LinkedCloneChecks.suppress(stack, "chain-size", "old lab, accepted until migration");
    app.synth();
    const findings = JSON.parse(fs.readFileSync(path.join(stackDir(outdir), FINDINGS_FILE), "utf8"));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "chain-size",
        severity: "info",
        ruleSeverity: "error",
        suppressionReason: "old lab, accepted until migration",
      }),
    ]);
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(true);
  });

  it("lets warnings pass, and fails them with LINKED_CLONES_STRICT=1", () => {
    const warnOnly = (outdir: string) => {
      const built = composeApp(outdir, { version: "8.0", web: 20, db: 11 });
      return built.app;
    };
    const ok = tempDir();
    warnOnly(ok).synth();
    expect(JSON.parse(fs.readFileSync(path.join(stackDir(ok), FINDINGS_FILE), "utf8"))).toEqual([
      expect.objectContaining({ rule: "clone-density", severity: "warning" }),
    ]);
    process.env.LINKED_CLONES_STRICT = "1";
    const strict = tempDir();
    expect(() => warnOnly(strict).synth()).toThrow(/\[clone-density\]/);
    expect(fs.existsSync(path.join(stackDir(strict), "cdk.tf.json"))).toBe(false);
  });

  it("runs every rule once per synth of the app, however many stacks", () => {
    const outdir = tempDir();
    const { app } = composeApp(outdir, { version: "8.0" });
    const second = new TerraformStack(app, "ts-lab-2");
    new VsphereConnection(second, "Vsphere", { server: "vc.example.com" });
    const inventory = new VsphereInventory(second, "Inventory", {
      datacenter: "DC0",
      clusters: { C0: { hosts: ["H0"] } },
    });
    const base = new BaseImage(second, "golden", { inventory, vm: "VM0", snapshot: "s1" });
    new LinkedCloneGroup(second, "api", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count: 2 });
    const spy = jest.spyOn(chainSize, "check");
    app.synth();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0].groups.map((g) => `${g.stack}/${g.name}`)).toEqual([
      "ts-lab/web",
      "ts-lab/db",
      "ts-lab-2/api",
    ]);
    spy.mockRestore();
  });

  it("checks a stack whose limits were set before its groups existed", () => {
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "ts-lab");
    LinkedCloneChecks.setLimits(stack, { maxClonesPerChain: 2 });
    new VsphereConnection(stack, "Vsphere", { server: "vc.example.com" });
    const inventory = new VsphereInventory(stack, "Inventory", {
      datacenter: "DC0",
      clusters: { C0: { hosts: ["H0"] } },
    });
    const base = new BaseImage(stack, "golden", { inventory, vm: "VM0", snapshot: "s1" });
    new LinkedCloneGroup(stack, "web", { base, cluster: "C0", datastore: "DS0", network: "VM Network", count: 3 });
    expect(() => app.synth()).toThrow(/\[chain-size\] ts-lab\/web: .* 3 vs 2;/);
  });

  it("refuses limits that are not whole numbers of 1 or more", () => {
    const { stack } = composeApp(tempDir());
    expect(() => LinkedCloneChecks.setLimits(stack, { maxHostsPerChain: 0 })).toThrow(
      "ts-lab: limits.maxHostsPerChain is 0; use a whole number of 1 or more",
    );
  });
});
