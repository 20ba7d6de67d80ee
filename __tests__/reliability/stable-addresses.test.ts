/**
 * Stable addresses (issue 7, "nothing lost"): adding, removing or reordering members,
 * groups and environments never changes a surviving VM.
 *
 * Why it matters: in the vSphere provider `clone` (and the `customize` block in it,
 * which holds the IP address) is ForceNew. A VM whose Terraform address moves (a
 * `count` index shifting) is destroyed and created again; a VM whose IP address
 * shifts is replaced. Either loses the guest's disk. So every surviving VM must keep
 * its address `vsphere_virtual_machine.<group>["<vm name>"]`, its for_each value (IP
 * address, host) and the whole resource body, and a new VM must get a new address.
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import YAML from "yaml";
import { PROJECT_ROOT, seedOf, stackJson, synthFiles, toYaml, type Env, type SynthRun } from "./helpers";

// ---------------------------------------------------------------------------
// A small generator of valid environments. Every generated environment is valid by
// construction: its own datacenter (so VM names and chains never meet across
// environments), vSphere 8.0 on vmfs6 with at most 4 hosts (no chain limit is hit),
// globally unique group ids, one /24 per group (ranges never overlap), VM names that
// start with the group name and end in a number inside the group's range.
// ---------------------------------------------------------------------------

type Pattern = "{n}" | "{nn}" | "{nnn}" | "default";
type Addressing = "none" | "dhcp" | "static";

interface GenGroup {
  id: number;
  base: "vm" | "tmpl";
  pattern: Pattern;
  addressing: Addressing;
  hosts?: string[];
  cpus?: number;
  /** count-based group: 1..count */
  count?: number;
  /** member-based group: the numbers of its members, and per member an optional fixed IP suffix */
  members?: { n: number; fixedIp?: number }[];
  /** numbers of members removed by a mutation: a new member never takes one */
  retired?: number[];
}

interface GenEnv {
  id: number;
  groups: GenGroup[];
}

const RANGE_SIZE = 50;
const HOSTS = ["H0", "H1", "H2", "H3"];

function groupName(g: GenGroup): string {
  return `g${g.id}`;
}

function vmName(g: GenGroup, n: number): string {
  const pattern = g.pattern === "default" ? "{nn}" : g.pattern;
  return `${groupName(g)}-${String(n).padStart(pattern.length - 2, "0")}`;
}

/** The VM names the spec says a group has, in spec order. */
function vmNames(g: GenGroup): string[] {
  if (g.count !== undefined) return Array.from({ length: g.count }, (_, i) => vmName(g, i + 1));
  return g.members!.map((m) => vmName(g, m.n));
}

function subnet(g: GenGroup): string {
  return `10.${g.id}.1`;
}

function groupSpec(g: GenGroup): Env {
  const spec: Env = {
    name: groupName(g),
    base: g.base,
    cluster: "C0",
    datastore: "DS0",
    network: "VM Network",
  };
  if (g.count !== undefined) spec.count = g.count;
  else {
    spec.members = g.members!.map((m) =>
      m.fixedIp !== undefined ? { name: vmName(g, m.n), ipv4: `${subnet(g)}.${m.fixedIp}` } : vmName(g, m.n),
    );
  }
  if (g.pattern !== "default") spec.namePattern = `${groupName(g)}-${g.pattern}`;
  if (g.hosts) spec.hosts = g.hosts;
  if (g.cpus !== undefined) spec.cpus = g.cpus;
  if (g.addressing === "dhcp") spec.customization = { domain: "lab.local", ipv4: "dhcp" };
  if (g.addressing === "static") {
    spec.customization = {
      domain: "lab.local",
      ipv4: {
        range: `${subnet(g)}.10-${subnet(g)}.${10 + RANGE_SIZE - 1}`,
        prefixLength: 24,
        gateway: `${subnet(g)}.1`,
      },
    };
  }
  return spec;
}

function envSpec(e: GenEnv): Env {
  return {
    vsphere: { server: "vcenter.example.com", version: "8.0" },
    datacenter: `DC-${e.id}`,
    clusters: { C0: { hosts: HOSTS } },
    datastores: { DS0: { type: "vmfs6" } },
    bases: {
      vm: { vm: `src-${e.id}`, snapshot: `snap-${e.id}`, manageSnapshot: true },
      tmpl: { vm: `tmpl-${e.id}`, template: true, guestOs: "windows" },
    },
    groups: e.groups.map(groupSpec),
  };
}

function stackName(e: GenEnv): string {
  return `env-${e.id}`;
}

function synthEnvs(envs: readonly GenEnv[]): SynthRun {
  return synthFiles(Object.fromEntries(envs.map((e) => [`${stackName(e)}.yaml`, toYaml(envSpec(e))])));
}

/** What Terraform sees of one VM: its for_each value and the body shared by its group. */
interface VmState {
  readonly value: unknown;
  readonly body: string;
}

/** Every VM of a synth by address `<stack>: vsphere_virtual_machine.<group>["<vm>"]`. */
function vmsOf(run: SynthRun, stacks: readonly string[]): Map<string, VmState> {
  const out = new Map<string, VmState>();
  for (const stack of stacks) {
    const json = stackJson(run.outdir, stack);
    if (!json) throw new Error(`no cdk.tf.json for ${stack}:\n${run.printed}`);
    for (const [resource, body] of Object.entries<Record<string, unknown>>(
      json.resource?.vsphere_virtual_machine ?? {},
    )) {
      const { for_each: forEach, ...rest } = body;
      expect(forEach).toEqual(expect.any(Object)); // keyed by name: never `count`
      expect(rest).not.toHaveProperty("count");
      for (const [vm, value] of Object.entries(forEach as Record<string, unknown>)) {
        out.set(`${stack}: vsphere_virtual_machine.${resource}["${vm}"]`, { value, body: JSON.stringify(rest) });
      }
    }
  }
  return out;
}

/** The addresses a set of environments must produce, from the spec alone. */
function expectedAddresses(envs: readonly GenEnv[]): Set<string> {
  const out = new Set<string>();
  for (const e of envs)
    for (const g of e.groups)
      for (const vm of vmNames(g)) out.add(`${stackName(e)}: vsphere_virtual_machine.${groupName(g)}["${vm}"]`);
  return out;
}

// --- arbitraries -------------------------------------------------------------

const hostsArb = fc.option(fc.subarray(HOSTS, { minLength: 1 }), { nil: undefined });

const groupArb: fc.Arbitrary<Omit<GenGroup, "id">> = fc
  .record({
    base: fc.constantFrom<"vm" | "tmpl">("vm", "tmpl"),
    pattern: fc.constantFrom<Pattern>("{n}", "{nn}", "{nnn}", "default"),
    addressing: fc.constantFrom<Addressing>("none", "dhcp", "static"),
    hosts: hostsArb,
    cpus: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    byCount: fc.boolean(),
    count: fc.integer({ min: 1, max: 12 }),
    numbers: fc.uniqueArray(fc.integer({ min: 1, max: RANGE_SIZE }), { minLength: 1, maxLength: 8 }),
    fixed: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  })
  .map(({ byCount, count, numbers, fixed, hosts, cpus, ...rest }) => ({
    ...rest,
    ...(hosts ? { hosts } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(byCount
      ? { count }
      : // a fixed IP lies outside the range (.200 and up) so it never meets a range address
        {
          members: numbers.map((n, i) => (fixed[i] && rest.addressing === "static" ? { n, fixedIp: 200 + i } : { n })),
        }),
  }));

const envsArb = fc.array(fc.array(groupArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });

type Op =
  | "add-member"
  | "remove-member"
  | "reorder-members"
  | "count-up"
  | "count-down"
  | "add-group"
  | "remove-group"
  | "reorder-groups"
  | "add-env"
  | "remove-env";

const opArb = fc.record({
  op: fc.constantFrom<Op>(
    "add-member",
    "remove-member",
    "reorder-members",
    "count-up",
    "count-down",
    "add-group",
    "remove-group",
    "reorder-groups",
    "add-env",
    "remove-env",
  ),
  a: fc.nat(),
  b: fc.nat(),
  group: groupArb,
  groups: fc.array(groupArb, { minLength: 1, maxLength: 2 }),
});

function shuffle<T>(items: T[], seed: number): T[] {
  // a deterministic rotation plus swap, enough to change the order for 2+ items
  if (items.length < 2) return items;
  const k = 1 + (seed % (items.length - 1));
  const rotated = [...items.slice(k), ...items.slice(0, k)];
  if (rotated.length > 2) [rotated[0], rotated[rotated.length - 1]] = [rotated[rotated.length - 1], rotated[0]];
  return rotated;
}

/** Applies one mutation in place. Ids handed to new groups and environments are never reused. */
type Mutation = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function mutate(envs: GenEnv[], m: Mutation, ids: { group: number; env: number }): string {
  const env = envs[m.a % envs.length];
  const group = env.groups[m.b % env.groups.length];
  switch (m.op) {
    case "add-member": {
      if (!group.members) return "skip";
      const used = new Set(group.members.map((x) => x.n));
      const free = Array.from({ length: RANGE_SIZE }, (_, i) => i + 1).filter(
        (n) => !used.has(n) && !group.retired?.includes(n),
      );
      if (!free.length) return "skip";
      const n = free[m.a % free.length];
      group.members.splice(m.b % (group.members.length + 1), 0, { n });
      return `add ${vmName(group, n)}`;
    }
    case "remove-member": {
      if (!group.members || group.members.length < 2) return "skip";
      const [gone] = group.members.splice(m.a % group.members.length, 1);
      (group.retired ??= []).push(gone.n);
      return `remove ${vmName(group, gone.n)}`;
    }
    case "reorder-members":
      if (!group.members) return "skip";
      group.members = shuffle(group.members, m.a);
      return `reorder ${groupName(group)}`;
    case "count-up":
      if (group.count === undefined) return "skip";
      group.count = Math.min(RANGE_SIZE, group.count + 1 + (m.a % 5));
      return `count ${groupName(group)} up to ${group.count}`;
    case "count-down":
      if (group.count === undefined || group.count < 2) return "skip";
      group.count = Math.max(1, group.count - 1 - (m.a % 5));
      return `count ${groupName(group)} down to ${group.count}`;
    case "add-group": {
      const g = { ...structuredClone(m.group), id: ids.group++ };
      env.groups.splice(m.b % (env.groups.length + 1), 0, g);
      return `add group ${groupName(g)}`;
    }
    case "remove-group": {
      if (env.groups.length < 2) return "skip";
      const [gone] = env.groups.splice(m.b % env.groups.length, 1);
      return `remove group ${groupName(gone)}`;
    }
    case "reorder-groups":
      env.groups = shuffle(env.groups, m.a);
      return `reorder groups of ${stackName(env)}`;
    case "add-env": {
      const e = { id: ids.env++, groups: m.groups.map((g) => ({ ...structuredClone(g), id: ids.group++ })) };
      envs.push(e);
      return `add ${stackName(e)}`;
    }
    case "remove-env": {
      if (envs.length < 2) return "skip";
      const [gone] = envs.splice(m.a % envs.length, 1);
      return `remove ${stackName(gone)}`;
    }
  }
}

/** The heart of the guarantee: survivors unchanged, the rest exactly the spec's additions. */
function expectStable(
  beforeEnvs: readonly GenEnv[],
  before: SynthRun,
  afterEnvs: readonly GenEnv[],
  after: SynthRun,
  log: string,
): void {
  expect({ exitCode: before.exitCode, printed: before.printed }).toEqual({ exitCode: 0, printed: expect.any(String) });
  expect({ exitCode: after.exitCode, printed: after.printed, log }).toEqual({
    exitCode: 0,
    printed: expect.any(String),
    log,
  });
  const vmsBefore = vmsOf(before, beforeEnvs.map(stackName));
  const vmsAfter = vmsOf(after, afterEnvs.map(stackName));
  // Exactly the VMs the spec asks for, before and after.
  expect(new Set(vmsBefore.keys())).toEqual(expectedAddresses(beforeEnvs));
  expect(new Set(vmsAfter.keys())).toEqual(expectedAddresses(afterEnvs));
  const survivorIps = new Set<string>();
  for (const [address, was] of vmsBefore) {
    const now = vmsAfter.get(address);
    if (!now) continue; // removed by the mutation (checked above against the spec)
    // Same for_each value (IP address, host) and same resource body: no ForceNew diff.
    expect({ address, value: now.value, log }).toEqual({ address, value: was.value, log });
    expect({ address, body: now.body, log }).toEqual({ address, body: was.body, log });
    const ip = (now.value as { ipv4?: string }).ipv4;
    if (ip) survivorIps.add(ip);
  }
  for (const [address, now] of vmsAfter) {
    if (vmsBefore.has(address)) continue;
    // A new VM: a new address (above), and never the IP of a VM that stays.
    const ip = (now.value as { ipv4?: string }).ipv4;
    if (ip) expect({ address, ip, taken: survivorIps.has(ip) }).toEqual({ address, ip, taken: false });
  }
}

describe("stable addresses", () => {
  it("keeps every surviving VM's address, IP address and attributes when members, groups and environments are added, removed or reordered (property)", () => {
    const seed = seedOf("stable-addresses", 70707);
    fc.assert(
      fc.property(envsArb, fc.array(opArb, { minLength: 1, maxLength: 4 }), (groupLists, ops) => {
        let gid = 1;
        const envs: GenEnv[] = groupLists.map((gs, i) => ({
          id: i + 1,
          groups: gs.map((g) => ({ ...structuredClone(g), id: gid++ })),
        }));
        const ids = { group: 100, env: 50 };
        const mutated = structuredClone(envs);
        const log = ops.map((op) => mutate(mutated, op, ids)).join("; ");
        expectStable(envs, synthEnvs(envs), mutated, synthEnvs(mutated), log);
      }),
      { seed, numRuns: 35, endOnFailure: true },
    );
  });

  describe("on the training-lab example", () => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, "environments", "training-lab.yaml"), "utf8");
    const original = YAML.parse(text) as Env;
    const synth = (env: Env) => synthFiles({ "training-lab.yaml": toYaml(env) });
    const vms = (run: SynthRun) => vmsOf(run, ["training-lab"]);

    it("keeps the other services when one is removed, one is added and the rest are reordered", () => {
      const changedEnv = structuredClone(original);
      const services = changedEnv.groups.find((g: Env) => g.name === "services");
      services.members = services.members.filter((m: Env) => m.name !== "lab-registry-01").reverse();
      services.members.push({ name: "lab-cache-01", ipv4: "10.20.3.14" });
      const before = vms(synth(original));
      const after = vms(synth(changedEnv));
      expect([...after.keys()].filter((k) => !before.has(k))).toEqual([
        'training-lab: vsphere_virtual_machine.services["lab-cache-01"]',
      ]);
      expect([...before.keys()].filter((k) => !after.has(k))).toEqual([
        'training-lab: vsphere_virtual_machine.services["lab-registry-01"]',
      ]);
      for (const name of ["lab-git-01", "lab-proxy-01", "lab-monitor-01"]) {
        const address = `training-lab: vsphere_virtual_machine.services["${name}"]`;
        expect(after.get(address)).toEqual(before.get(address));
      }
      expect(after.get('training-lab: vsphere_virtual_machine.services["lab-proxy-01"]')?.value).toEqual({
        ipv4: "10.20.3.12",
      });
    });

    it("adds student-25 with the next address and leaves student-01..24 alone when count grows", () => {
      const grown = structuredClone(original);
      grown.groups.find((g: Env) => g.name === "students").count = 25;
      const before = vms(synth(original));
      const after = vms(synth(grown));
      expect(after.size).toBe(before.size + 1);
      for (const [address, state] of before) expect(after.get(address)).toEqual(state);
      expect(after.get('training-lab: vsphere_virtual_machine.students["student-25"]')?.value).toEqual({
        ipv4: "10.20.1.35",
      });
    });

    it("changes nothing at all when the groups are listed in another order", () => {
      const reordered = structuredClone(original);
      reordered.groups.reverse();
      const a = synth(original);
      const b = synth(reordered);
      expect(vms(b)).toEqual(vms(a));
      // Not only the VMs: every resource, data source and output keeps its address and body.
      const json = (run: SynthRun) => {
        const j = stackJson(run.outdir, "training-lab");
        return { resource: j.resource, data: j.data, output: j.output };
      };
      expect(json(b)).toEqual(json(a));
    });
  });
});
