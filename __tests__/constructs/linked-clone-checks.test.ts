import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  BaseImage,
  FINDINGS_FILE,
  LinkedCloneChecks,
  LinkedCloneGroup,
  SUPPRESSION_METADATA,
  VsphereConnection,
  VsphereInventory,
} from "../../lib/constructs";
import { tempDir } from "../helpers/files";
import { chainSize } from "../../lib/rules/chain-size";
import { ALL_RULES } from "../../lib/rules";

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

  it("lets warnings pass, and fails them with the strict option", () => {
    const warnOnly = (outdir: string) => {
      const built = composeApp(outdir, { version: "8.0", web: 20, db: 11 });
      return built.app;
    };
    const ok = tempDir();
    warnOnly(ok).synth();
    expect(JSON.parse(fs.readFileSync(path.join(stackDir(ok), FINDINGS_FILE), "utf8"))).toEqual([
      expect.objectContaining({ rule: "clone-density", severity: "warning" }),
    ]);
    const strict = tempDir();
    const app = warnOnly(strict);
    LinkedCloneChecks.of(app, { strict: true });
    expect(() => app.synth()).toThrow(/\[clone-density\]/);
    expect(fs.existsSync(path.join(stackDir(strict), "cdk.tf.json"))).toBe(false);
  });

  it("does not read the process environment: LINKED_CLONES_STRICT alone changes nothing in library use", () => {
    process.env.LINKED_CLONES_STRICT = "1";
    const outdir = tempDir();
    composeApp(outdir, { version: "8.0", web: 20, db: 11 }).app.synth();
    expect(fs.existsSync(path.join(stackDir(outdir), "cdk.tf.json"))).toBe(true);
  });

  it("runs only the rules it is given", () => {
    const outdir = tempDir();
    const { app } = composeApp(outdir, { version: "8.0", web: 20, db: 11 });
    LinkedCloneChecks.of(app, { rules: ALL_RULES.filter((r) => r.id !== "clone-density") });
    app.synth();
    expect(JSON.parse(fs.readFileSync(path.join(stackDir(outdir), FINDINGS_FILE), "utf8"))).toEqual([]);
  });

  it("applies app-wide limits from its options, a stack's own limits winning", () => {
    const outdir = tempDir();
    const { app, stack } = composeApp(outdir, { version: "8.0", web: 2, db: 2 });
    LinkedCloneChecks.of(app, { limits: { maxClonesPerChain: 3 } });
    expect(() => app.synth()).toThrow(/\[chain-size\] ts-lab\/web, ts-lab\/db: .* 4 vs 3;/);
    const again = composeApp(tempDir(), { version: "8.0", web: 2, db: 2 });
    LinkedCloneChecks.of(again.app, { limits: { maxClonesPerChain: 3 } });
    LinkedCloneChecks.setLimits(again.stack, { maxClonesPerChain: 4 });
    again.app.synth();
    expect(stack.node.id).toBe("ts-lab");
  });

  it("fails two groups of one id under different parents of a stack, naming both paths", () => {
    const { stack } = composeApp(tempDir(), { version: "8.0" });
    const base = stack.node.findChild("golden") as BaseImage;
    const common = { base, cluster: "C0", datastore: "DS0", network: "VM Network", count: 1 };
    new LinkedCloneGroup(new Construct(stack, "teamA"), "api", common);
    expect(() => new LinkedCloneGroup(new Construct(stack, "teamB"), "api", common)).toThrow(
      "ts-lab/teamB/api: collides with ts-lab/teamA/api: both would make Terraform resources named 'api' in stack ts-lab; give one of the groups another id",
    );
  });

  it("fails two confined groups whose DRS objects would share names in one cluster, across stacks", () => {
    const app = new App({ outdir: tempDir(), stackTraces: false });
    const add = (stackName: string, group: string) => {
      const stack = new TerraformStack(app, stackName);
      const inventory = new VsphereInventory(stack, "Inventory", {
        datacenter: "DC0",
        server: "vc.example.com",
        clusters: { C0: { hosts: ["H0", "H1"] } },
      });
      const base = new BaseImage(stack, "golden", { inventory, vm: `VM-${stackName}`, snapshot: "s1" });
      new LinkedCloneGroup(stack, group, {
        base,
        cluster: "C0",
        datastore: "DS0",
        network: "VM Network",
        count: 1,
        hosts: ["H0"],
      });
    };
    add("lab", "a-b");
    expect(() => add("lab-a", "b")).toThrow(
      "lab-a/b: collides with lab/a-b: both would make the DRS object 'lab-a-b-hosts' in the same cluster; give one of the groups another id",
    );
  });

  it("applies a suppression put on any construct above the groups to every group under it", () => {
    const outdir = tempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "ts-lab");
    new VsphereConnection(stack, "Vsphere", { server: "vc.example.com" });
    const inventory = new VsphereInventory(stack, "Inventory", {
      datacenter: "DC0",
      version: "4.0",
      clusters: { C0: { hosts: ["H0"] } },
    });
    const base = new BaseImage(stack, "golden", { inventory, vm: "VM0", snapshot: "s1" });
    const team = new Construct(stack, "team");
    const common = { base, cluster: "C0", datastore: "DS0", network: "VM Network" };
    new LinkedCloneGroup(team, "web", { ...common, count: 5 });
    new LinkedCloneGroup(team, "db", { ...common, count: 4 });
    LinkedCloneChecks.suppress(team, "chain-size", "lab retired next month");
    app.synth();
    const findings = JSON.parse(fs.readFileSync(path.join(stackDir(outdir), FINDINGS_FILE), "utf8"));
    expect(findings).toEqual([
      expect.objectContaining({ rule: "chain-size", severity: "info", suppressionReason: "lab retired next month" }),
    ]);
    expect(team.node.metadata.map((m) => m.type)).toContain(SUPPRESSION_METADATA);
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
      "ts-lab: limits.maxHostsPerChain: limits.maxHostsPerChain is 0; use a whole number of 1 or more",
    );
  });
});
