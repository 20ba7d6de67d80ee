/**
 * Lab lifecycle in git (issue 12): generation refreshes exactly the clones it covers, a rollout
 * moves a group to a new base a wave at a time, and finishing the rollout changes nothing.
 * Each test compares the synthesized JSON of two commits' worth of props, as Terraform would.
 */
import type { LinkedCloneGroupProps } from "../../lib/constructs";
import { addGroup, synthJson, testStack, twoBases } from "../helpers/stack";

type Json = Record<string, any>;

/** Per member: what Terraform compares for it (the clone's for_each value, the trigger's inputs, and every per-member expression). */
function perMember(json: Json, group: string): Record<string, { vm: Json; trigger: Json }> {
  const vm = json.resource.vsphere_virtual_machine[group];
  const trigger = json.resource.terraform_data[group];
  return Object.fromEntries(
    Object.keys(vm.for_each).map((name) => [name, { vm: vm.for_each[name], trigger: trigger.for_each[name] }]),
  );
}

/** The members whose per-member values differ between two syntheses. */
function changedMembers(a: Json, b: Json, group: string): string[] {
  const pa = perMember(a, group);
  const pb = perMember(b, group);
  return Object.keys({ ...pa, ...pb })
    .filter((n) => JSON.stringify(pa[n]) !== JSON.stringify(pb[n]))
    .sort();
}

/** The clone's resource without its per-member map: what changes for every member at once. */
function shared(json: Json, group: string): unknown {
  const { for_each: _f, "//": _m, ...rest } = json.resource.vsphere_virtual_machine[group];
  return rest;
}

/** `(x)` → `x` when the parentheses enclose all of it. */
function unwrap(expr: string): string {
  let e = expr.trim();
  for (;;) {
    if (!(e.startsWith("(") && e.endsWith(")"))) return e;
    let depth = 0;
    for (let i = 0; i < e.length; i++) {
      depth += e[i] === "(" ? 1 : e[i] === ")" ? -1 : 0;
      if (depth === 0 && i < e.length - 1) return e;
    }
    e = e.slice(1, -1).trim();
  }
}

/** What a member's source uuid resolves to: the branch of `each.value.base == "x" ? (a) : (b)` for its base. */
function sourceOf(json: Json, group: string, member: string): string {
  const vm = json.resource.vsphere_virtual_machine[group];
  const expr = unwrap((vm.clone.template_uuid as string).replace(/^\$\{(.*)\}$/s, "$1"));
  const m = /^each\.value\.base == "([^"]+)" \? (.*)$/s.exec(expr);
  if (!m) return expr;
  // Split "(a) : (b)" at the top-level colon.
  let depth = 0;
  for (let i = 0; i < m[2].length; i++) {
    const c = m[2][i];
    depth += c === "(" ? 1 : c === ")" ? -1 : 0;
    if (depth === 0 && m[2].slice(i, i + 3) === " : ") {
      const [yes, no] = [unwrap(m[2].slice(0, i)), unwrap(m[2].slice(i + 3))];
      return vm.for_each[member].base === m[1] ? yes : no;
    }
  }
  throw new Error(`not a per-member choice: ${expr}`);
}

describe("generation", () => {
  it("raising one member's generation changes the trigger of that member only", () => {
    const before = testStack();
    addGroup(before, "web", { members: ["web-01", "web-02", "web-03"] });
    const after = testStack();
    addGroup(after, "web", { members: ["web-01", { name: "web-02", generation: 1 }, "web-03"] });
    const a = synthJson(before);
    const b = synthJson(after);
    expect(changedMembers(a, b, "web")).toEqual(["web-02"]);
    expect(b.resource.terraform_data.web.for_each["web-02"].generation).toBe(1);
    // Same name, address, placement: only the trigger moves.
    expect(perMember(b, "web")["web-02"]).toEqual({
      vm: perMember(a, "web")["web-02"].vm,
      trigger: { ...perMember(a, "web")["web-02"].trigger, generation: 1 },
    });
    expect(shared(b, "web")).toEqual(shared(a, "web"));
  });

  it("raising the group's generation changes every member's trigger and nothing else", () => {
    const before = testStack();
    addGroup(before, "web", { count: 3 });
    const after = testStack();
    addGroup(after, "web", { count: 3, generation: 2 });
    const a = synthJson(before);
    const b = synthJson(after);
    expect(changedMembers(a, b, "web")).toEqual(["web-01", "web-02", "web-03"]);
    for (const m of ["web-01", "web-02", "web-03"]) {
      expect(b.resource.terraform_data.web.for_each[m].group_generation).toBe(2);
      expect(b.resource.vsphere_virtual_machine.web.for_each[m]).toEqual(
        a.resource.vsphere_virtual_machine.web.for_each[m],
      );
    }
    expect(shared(b, "web")).toEqual(shared(a, "web"));
  });

  it("replaces a clone when its trigger is replaced: replace_triggered_by on the member's own trigger", () => {
    const t = testStack();
    addGroup(t, "web", { count: 2 });
    expect(synthJson(t).resource.vsphere_virtual_machine.web.lifecycle.replace_triggered_by).toEqual([
      "terraform_data.web[each.key]",
    ]);
  });
});

describe("rollout", () => {
  const rolling = (moved: number | undefined): Json => {
    const t = twoBases();
    const props: Partial<LinkedCloneGroupProps> =
      moved === undefined ? { base: t.base, count: 4 } : { base: t.next, count: 4, rollout: { from: t.base, moved } };
    addGroup(t, "web", props);
    return synthJson(t);
  };

  it("moved from 0 to 3 changes the source of exactly 3 members, by member number", () => {
    const a = rolling(0);
    const b = rolling(3);
    const members = ["web-01", "web-02", "web-03", "web-04"];
    const moved = members.filter((m) => sourceOf(a, "web", m) !== sourceOf(b, "web", m));
    expect(moved).toEqual(["web-01", "web-02", "web-03"]);
    expect(changedMembers(a, b, "web")).toEqual(["web-01", "web-02", "web-03"]);
    // The members that moved now read the new base's snapshot; web-04 keeps the old one's.
    const snap = (json: Json, m: string) => json.resource.terraform_data.web.for_each[m].base_snapshot as string;
    expect(snap(b, "web-01")).not.toBe(snap(a, "web-01"));
    expect(snap(b, "web-04")).toBe(snap(a, "web-04"));
  });

  it("starting a rollout with moved 0 changes no member: every one still resolves to the old base", () => {
    const plain = rolling(undefined);
    const started = rolling(0);
    for (const m of ["web-01", "web-02", "web-03", "web-04"]) {
      expect(sourceOf(started, "web", m)).toBe(sourceOf(plain, "web", m));
      expect(started.resource.terraform_data.web.for_each[m]).toEqual(plain.resource.terraform_data.web.for_each[m]);
    }
  });

  it("removing rollout when every member has moved changes nothing a member resolves to", () => {
    const done = rolling(4);
    const t = twoBases();
    addGroup(t, "web", { base: t.next, count: 4 });
    const after = synthJson(t);
    for (const m of ["web-01", "web-02", "web-03", "web-04"]) {
      expect(sourceOf(after, "web", m)).toBe(sourceOf(done, "web", m));
      expect(after.resource.terraform_data.web.for_each[m]).toEqual(done.resource.terraform_data.web.for_each[m]);
    }
    // Both bases' snapshots are still created before (and destroyed after) the group's clones during the roll.
    expect(done.resource.vsphere_virtual_machine.web.depends_on).toHaveLength(2);
  });

  it("takes every source setting per member during a rollout: disks, guest id and the rest follow the member's base", () => {
    const json = rolling(2);
    const vm = json.resource.vsphere_virtual_machine.web;
    for (const attr of [vm.guest_id, vm.firmware, vm.scsi_type, vm.resource_pool_id]) {
      expect(attr).toMatch(/^\$\{each\.value\.base == "next" \? /);
    }
    expect(vm.dynamic.disk.for_each).toMatch(/^\$\{\(each\.value\.base == "next" \? /);
    expect(vm.annotation).toMatch(/^\$\{each\.value\.base == "next" \? \("Linked clone of base 'next'/);
  });
});
