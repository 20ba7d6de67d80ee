/**
 * Base protection (issue 7, "nothing lost"): a managed base snapshot is never
 * destroyed or replaced before the linked clones that read from it, a base still in
 * use cannot be removed from a file, and rolling a base to a new snapshot replaces its
 * clones in the right order instead of orphaning them.
 *
 * Deleting a base snapshot while clones use it breaks the clones (Horizon/View 5.2 planning
 * worksheet; NTPRO.NL comments; see docs/linked-clones.md).
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { changed, PROJECT_ROOT, stackJson, synthFiles, toYaml, validEnv, walkFiles, type Env } from "./helpers";

type Json = any;

const EXAMPLES = fs
  .readdirSync(path.join(PROJECT_ROOT, "environments"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** The data source key of a VM looked up by name (the one for its settings, not the one that reads its disks). */
function vmDataKey(json: Json, vm: string): string {
  const found = Object.entries<Json>(json.data?.vsphere_virtual_machine ?? {}).filter(
    ([, d]) => d.name === vm && d.scsi_controller_scan_count === undefined,
  );
  expect(found).toHaveLength(1);
  return found[0][0];
}

/** The managed snapshot resource of a base: the snapshot of its source VM with its name. */
function snapshotKey(json: Json, base: Env): string {
  const uuid = `\${data.vsphere_virtual_machine.${vmDataKey(json, base.vm)}.uuid}`;
  const found = Object.entries<Json>(json.resource?.vsphere_virtual_machine_snapshot ?? {}).filter(
    ([, s]) => s.virtual_machine_uuid === uuid && s.snapshot_name === base.snapshot,
  );
  expect(found).toHaveLength(1);
  return found[0][0];
}

/** Checks every group of one environment against its base; returns how many clone groups were checked. */
function expectClonesProtected(spec: Env, json: Json): number {
  let checked = 0;
  for (const g of spec.groups) {
    const base = spec.bases[g.base];
    const clones = json.resource.vsphere_virtual_machine[g.name];
    expect(clones).toBeDefined();
    const sourceUuid = `data.vsphere_virtual_machine.${vmDataKey(json, base.vm)}.uuid`;
    // prevent_destroy is deliberately NOT set on the clones or the snapshot: it would also
    // block rolling the base (replacing the snapshot and its clones), and the provider offers
    // nothing finer. Ordering (depends_on) and replace_triggered_by give the protection instead.
    expect(clones.lifecycle?.prevent_destroy).toBeUndefined();
    if (base.manageSnapshot && !base.template) {
      const snap = snapshotKey(json, base);
      const address = `vsphere_virtual_machine_snapshot.${snap}`;
      // Created before, destroyed after the clones: Terraform orders destroys in reverse of depends_on.
      expect({ group: g.name, depends_on: clones.depends_on }).toEqual({
        group: g.name,
        depends_on: expect.arrayContaining([address]),
      });
      // Replaced with it: each clone's trigger holds the snapshot's id, so a new snapshot (a rolled base)
      // replaces the trigger and with it the clone, after the snapshot exists.
      // A bare reference: Terraform's JSON syntax refuses `${...}` in replace_triggered_by.
      expect({ group: g.name, triggered: clones.lifecycle?.replace_triggered_by }).toEqual({
        group: g.name,
        triggered: [`terraform_data.${g.name}[each.key]`],
      });
      const trigger = json.resource.terraform_data[g.name];
      expect(trigger.triggers_replace).toBe("${each.value}");
      for (const key of Object.keys(clones.for_each)) {
        expect({ group: g.name, key, snapshot: trigger.for_each[key].base_snapshot }).toEqual({
          group: g.name,
          key,
          snapshot: `\${${address}.id}`,
        });
      }
      // The source stays unknown until the snapshot exists: the provider checks a known source for a snapshot at plan.
      expect(clones.clone.template_uuid).toBe(`\${(${address}.id != null) ? ${sourceUuid} : ${sourceUuid}}`);
      const snapshot = json.resource.vsphere_virtual_machine_snapshot[snap];
      expect(snapshot.lifecycle?.prevent_destroy).toBeUndefined(); // see above: rolling the base must work
      // Deleting this snapshot never takes child snapshots with it, and never saves memory state.
      expect(snapshot).toMatchObject({ remove_children: false, memory: false });
      checked++;
    } else {
      expect(clones.clone.template_uuid).toBe(`\${${sourceUuid}}`);
      expect(clones.depends_on ?? []).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^vsphere_virtual_machine_snapshot\./)]),
      );
    }
  }
  return checked;
}

describe("base protection", () => {
  it.each(EXAMPLES)("example %s: each clone group depends on its managed snapshot and is replaced with it", (file) => {
    const spec = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "environments", file), "utf8"));
    const r = synthFiles({ [file]: toYaml(spec) });
    expect(r.exitCode).toBe(0);
    const checked = expectClonesProtected(spec, stackJson(r.outdir, file.slice(0, -5)));
    expect(
      checked +
        spec.groups.filter((g: Env) => !spec.bases[g.base].manageSnapshot || spec.bases[g.base].template).length,
    ).toBe(spec.groups.length);
  });

  it("protects every group of several bases, some managed, some not, some templates", () => {
    const spec = changed(validEnv(), (e) => {
      e.bases.second = { vm: "second-vm", snapshot: "second-s1", manageSnapshot: true };
      e.bases.external = { vm: "external-vm", snapshot: "made-by-hand" };
      e.bases.tmpl = { vm: "tmpl-vm", template: true };
      const g = e.groups[0];
      e.groups = [
        { ...g, name: "a", namePattern: "a-{nn}", customization: undefined },
        { ...g, name: "b", base: "second", namePattern: "b-{nn}", customization: undefined },
        { ...g, name: "c", base: "second", namePattern: "c-{nn}", customization: undefined },
        { ...g, name: "d", base: "external", namePattern: "d-{nn}", customization: undefined },
        { ...g, name: "e", base: "tmpl", namePattern: "e-{nn}", customization: undefined },
      ];
    });
    const r = synthFiles({ "lab.yaml": toYaml(spec) });
    expect(r.exitCode).toBe(0);
    expect(expectClonesProtected(spec, stackJson(r.outdir, "lab"))).toBe(3);
  });

  it("rolling a base (new snapshot name) keeps the snapshot's address, so Terraform replaces it and then its clones", () => {
    const before = synthFiles({ "lab.yaml": toYaml(validEnv()) });
    const rolled = synthFiles({
      "lab.yaml": toYaml(changed(validEnv(), (e) => (e.bases.golden.snapshot = "golden-s2"))),
    });
    const a = stackJson(before.outdir, "lab");
    const b = stackJson(rolled.outdir, "lab");
    expect(Object.keys(b.resource.vsphere_virtual_machine_snapshot)).toEqual(
      Object.keys(a.resource.vsphere_virtual_machine_snapshot),
    );
    const key = Object.keys(b.resource.vsphere_virtual_machine_snapshot)[0];
    expect(b.resource.vsphere_virtual_machine_snapshot[key].snapshot_name).toBe("golden-s2");
    // Every snapshot argument is ForceNew: the new name replaces the snapshot; replace_triggered_by
    // then replaces the clones, and depends_on makes them wait for the new snapshot.
    expect(b.resource.vsphere_virtual_machine.web.lifecycle.replace_triggered_by).toEqual(
      a.resource.vsphere_virtual_machine.web.lifecycle.replace_triggered_by,
    );
    expect(b.resource.terraform_data.web).toEqual(a.resource.terraform_data.web);
    expect(b.resource.vsphere_virtual_machine.web.depends_on).toEqual([`vsphere_virtual_machine_snapshot.${key}`]);
  });

  it("refuses to remove a base that groups still use, naming each of those groups", () => {
    const env = changed(validEnv(), (e) => {
      e.bases.other = { vm: "other-vm", snapshot: "other-s1", manageSnapshot: true };
      const g = e.groups[0];
      e.groups = [
        { ...g, name: "web", namePattern: "web-{nn}" },
        { ...g, name: "api", base: "other", namePattern: "api-{nn}", customization: undefined },
        { ...g, name: "db", namePattern: "db-{nn}", customization: undefined },
      ];
    });
    expect(synthFiles({ "lab.yaml": toYaml(env) }).exitCode).toBe(0);
    const removed = changed(env, (e) => delete e.bases.golden);
    const r = synthFiles({ "lab.yaml": toYaml(removed) });
    expect(r.exitCode).toBe(1);
    expect(r.err[0]).toMatch(/problems?; nothing was written/);
    expect(r.err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/lab\.yaml:\d+:\d+: groups\[0\]\.base: base 'golden' is not declared/),
        expect.stringMatching(/lab\.yaml:\d+:\d+: groups\[2\]\.base: base 'golden' is not declared/),
      ]),
    );
    expect(r.err.join("\n")).not.toMatch(/groups\[1\]\.base/);
    expect(walkFiles(r.outdir)).toEqual([]);
  });

  it("refuses to remove the only base, saying bases must declare one", () => {
    const r = synthFiles({ "lab.yaml": toYaml(changed(validEnv(), (e) => (e.bases = {}))) });
    expect(r.exitCode).toBe(1);
    expect(r.err.join("\n")).toMatch(/lab\.yaml(:\d+:\d+)?: bases: .*at least one base/);
    expect(walkFiles(r.outdir)).toEqual([]);
  });

  // Regression (found by these tests): nothing stops two bases from managing a snapshot of one source VM. The
  // provider needs the source's snapshot to be its only one ("exactly one root snapshot",
  // "root snapshot must not have children"), and `cdktf destroy` of one environment deletes
  // the snapshot the other environment's clones still read from.
  it("refuses two environments that both manage a snapshot of the same source VM in one datacenter", () => {
    const a = validEnv({ prefix: "web", net: 10 });
    const b = validEnv({ prefix: "api", net: 20 });
    const r = synthFiles({ "lab-a.yaml": toYaml(a), "lab-b.yaml": toYaml(b) });
    expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({
      exitCode: 1,
      printed: expect.stringMatching(/golden-vm/),
    });
    expect(walkFiles(r.outdir).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([]);
  });

  it("refuses two bases of one environment that both manage a snapshot of the same source VM", () => {
    const env = changed(validEnv(), (e) => {
      e.bases.golden2 = { vm: "golden-vm", snapshot: "golden-s2", manageSnapshot: true };
      e.groups.push({
        ...e.groups[0],
        name: "api",
        base: "golden2",
        namePattern: "api-{nn}",
        customization: undefined,
      });
    });
    const r = synthFiles({ "lab.yaml": toYaml(env) });
    expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({
      exitCode: 1,
      printed: expect.stringMatching(/golden-vm/),
    });
    expect(walkFiles(r.outdir).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([]);
  });
});
