/**
 * Checks that the sides build the same estate: every VM and every replacement trigger
 * (terraform_data), for_each instances expanded, with references to data sources,
 * snapshots, triggers and VMs rewritten to what they name, compared across sides; so are
 * the data sources and snapshots, the outputs (a `for` expression over a for_each resource
 * expanded to the map it makes), provider, variables and the terraform block. A resource
 * type it does not know, or two data sources it cannot tell apart, is an error rather than
 * something left out of the comparison.
 */
import * as fs from "fs";
import * as path from "path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export interface Estate {
  /** VM name => normalized attributes. */
  readonly vms: Map<string, string>;
  /** Normalized data sources and snapshots. */
  readonly lookups: string[];
  /** Normalized terraform_data instances, each named by the VMs whose replace_triggered_by names it. */
  readonly triggers: string[];
  /** Output name => normalized description, value and flags. */
  readonly outputs: Map<string, string>;
  readonly providers: string;
  readonly variables: string;
  /** The terraform block: required providers and backend. */
  readonly terraform: string;
}

/** The resource types this comparison understands; any other makes it fail. */
const VM = "vsphere_virtual_machine";
const SNAPSHOT = "vsphere_virtual_machine_snapshot";
const TRIGGER = "terraform_data";
const KNOWN_RESOURCES = [VM, SNAPSHOT, TRIGGER];

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Maps every string (a string may become any value), drops cdktf's "//" metadata, sorts keys. */
function mapStrings(v: Json, f: (s: string) => Json): Json {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) if (k !== "//") out[k] = mapStrings(v[k], f);
    return out;
  }
  return v;
}

/** Every string of a value, in order. */
function stringsOf(v: Json, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) if (k !== "//") stringsOf(x, out);
  return out;
}

export function readStack(outdir: string, stack: string): Obj {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Obj;
}

/** Number of VM instances: for_each keys, or one per resource without for_each. */
export function countVms(tf: Obj): number {
  const vms = (tf.resource as Obj | undefined)?.[VM];
  if (!isObj(vms)) return 0;
  let n = 0;
  for (const r of Object.values(vms)) n += isObj(r) && isObj(r.for_each) ? Object.keys(r.for_each).length : 1;
  return n;
}

/** An instance of a resource block: its address and its body with `each` substituted. */
interface Instance {
  readonly address: string;
  /** The for_each key, or the block's `name` (VMs) without for_each. */
  readonly key: string;
  readonly body: Obj;
}

/**
 * The instances of a resource block: one per for_each key, with `${each.key}`,
 * `${each.value}` and `${each.value.<attr>}` replaced by the instance's values (a string that
 * is exactly `${each.value}` becomes the value itself), and bare `each.key` in expressions
 * and lifecycle references by the quoted key. Any other use of `each` is an error.
 */
function instancesOf(type: string, id: string, block: Obj): Instance[] {
  const { for_each: forEach, count, ...rest } = block;
  if (count !== undefined) throw new Error(`verify: ${type}.${id} uses count; only for_each is expanded`);
  if (forEach === undefined) return [{ address: `${type}.${id}`, key: String(block.name ?? id), body: rest }];
  if (!isObj(forEach)) throw new Error(`verify: ${type}.${id} has a for_each that is not a literal map`);
  return Object.entries(forEach).map(([key, value]) => {
    const body = mapStrings(rest, (s) => {
      if (s === "${each.value}") return value;
      const one = s
        .replace(/\$\{each\.key\}/g, key)
        .replace(/\$\{each\.value\.([A-Za-z0-9_]+)\}/g, (_m, a: string) => {
          if (!isObj(value) || value[a] === undefined) throw new Error(`verify: ${type}.${id}: each.value.${a} unset`);
          return String(value[a]);
        })
        .replace(/\beach\.key\b/g, JSON.stringify(key));
      if (/\beach\./.test(one)) throw new Error(`verify: ${type}.${id}: cannot expand "${s}"`);
      return one;
    }) as Obj;
    return { address: `${type}.${id}[${JSON.stringify(key)}]`, key, body };
  });
}

/**
 * What a data source names, the same on every side: `data.<type>[<name or path>]`, with its
 * other literal arguments when it has any (e.g. the VM read for its disks, with its controller
 * scan counts, apart from the plain lookup of the same VM).
 */
function dataLabel(type: string, b: Obj): string {
  const what = b.name ?? b.path;
  const extra = Object.keys(b)
    .filter((k) => k !== "//" && k !== "name" && k !== "path" && !stringsOf(b[k]).some((s) => s.includes("${")))
    .sort()
    .map((k) => `${k}=${JSON.stringify(b[k])}`);
  return `data.${type}[${String(what)}${extra.length ? ` ${extra.join(" ")}` : ""}]`;
}

/** A `for` expression over a for_each resource that makes a map of some of its attributes. */
const FOR_MAP = /^\$\{\{ ?for (\w+), (\w+) in ([a-z_]+\.[A-Za-z0-9_-]+) ?: ?\1 => \{ ?(.*?) ?\} ?\}\}$/;

export function estateOf(tf: Obj): Estate {
  const data = isObj(tf.data) ? tf.data : {};
  const resource = isObj(tf.resource) ? tf.resource : {};
  const unknown = Object.keys(resource).filter((t) => !KNOWN_RESOURCES.includes(t));
  if (unknown.length)
    throw new Error(`verify does not compare resource type(s) ${unknown.join(", ")}; teach it before benchmarking`);

  // Address => what it names. Data sources by name (and their other literal arguments).
  const names = new Map<string, string>();
  const named = new Map<string, string>();
  const claim = (address: string, name: string) => {
    const other = named.get(name);
    if (other !== undefined) throw new Error(`verify cannot tell ${other} and ${address} apart: both are ${name}`);
    named.set(name, address);
    names.set(address, name);
  };
  for (const [type, blocks] of Object.entries(data)) {
    if (!isObj(blocks)) continue;
    for (const [id, b] of Object.entries(blocks)) {
      if (!isObj(b)) continue;
      if (b.for_each !== undefined || b.count !== undefined)
        throw new Error(`verify: data.${type}.${id} uses for_each or count; data sources are compared one by one`);
      claim(`data.${type}.${id}`, dataLabel(type, b));
    }
  }
  const rename = (s: string): string =>
    s.replace(
      /\b(data\.[a-z_]+|vsphere_[a-z_]+|terraform_data)\.([A-Za-z0-9_-]+)(\["[^"\]]*"\])?/g,
      (m, type: string, id: string, index: string | undefined) => {
        const whole = names.get(m);
        if (whole !== undefined) return whole;
        const base = names.get(`${type}.${id}`);
        return base !== undefined ? `${base}${index ?? ""}` : m;
      },
    );
  const normalize = (v: Json) => mapStrings(v, rename);

  // Snapshots by the VM they snapshot (references to data sources renamed first).
  const snapshots = isObj(resource[SNAPSHOT]) ? resource[SNAPSHOT] : {};
  for (const [id, b] of Object.entries(snapshots)) {
    if (!isObj(b)) continue;
    if (b.for_each !== undefined || b.count !== undefined)
      throw new Error(`verify: ${SNAPSHOT}.${id} uses for_each or count`);
    claim(`${SNAPSHOT}.${id}`, `snapshot[${rename(String(b.virtual_machine_uuid))}]`);
  }

  // VM instances, named by their `name`; a for_each block's address also names its map of instances.
  const vmInstances: Instance[] = [];
  const vmBlocks = isObj(resource[VM]) ? resource[VM] : {};
  const vmKeysOf = new Map<string, string[]>();
  for (const [id, block] of Object.entries(vmBlocks)) {
    if (!isObj(block)) continue;
    const instances = instancesOf(VM, id, block);
    vmKeysOf.set(
      `${VM}.${id}`,
      instances.map((i) => i.key),
    );
    for (const i of instances) {
      if (i.body.name !== i.key) throw new Error(`verify: ${i.address} is named ${JSON.stringify(i.body.name)}`);
      if (named.has(`vm[${i.key}]`)) throw new Error(`VM ${i.key} is declared twice`);
      claim(i.address, `vm[${i.key}]`);
      vmInstances.push(i);
    }
  }

  // Triggers: each terraform_data instance is named by the VMs whose replace_triggered_by names it.
  const triggerInstances: Instance[] = [];
  const triggerBlocks = isObj(resource[TRIGGER]) ? resource[TRIGGER] : {};
  for (const [id, block] of Object.entries(triggerBlocks))
    if (isObj(block)) triggerInstances.push(...instancesOf(TRIGGER, id, block));
  const triggeredVms = new Map<string, string[]>(triggerInstances.map((t) => [t.address, []]));
  for (const vm of vmInstances) {
    const lifecycle = vm.body.lifecycle;
    const refs =
      isObj(lifecycle) && Array.isArray(lifecycle.replace_triggered_by) ? lifecycle.replace_triggered_by : [];
    for (const ref of refs) {
      if (typeof ref !== "string" || !ref.startsWith(`${TRIGGER}.`)) continue;
      const vmsOfTrigger = triggeredVms.get(ref);
      if (!vmsOfTrigger)
        throw new Error(`verify: VM ${vm.key} is replaced by ${ref}, which names no single terraform_data instance`);
      vmsOfTrigger.push(vm.key);
    }
  }
  for (const t of triggerInstances) {
    const vmsOfTrigger = triggeredVms.get(t.address)!;
    claim(t.address, `trigger[${vmsOfTrigger.length ? [...vmsOfTrigger].sort().join(",") : `unused ${t.address}`}]`);
  }
  const triggers = triggerInstances.map((t) => `${names.get(t.address)} ${JSON.stringify(normalize(t.body))}`).sort();

  const vms = new Map<string, string>();
  for (const vm of vmInstances) vms.set(vm.key, JSON.stringify(normalize(vm.body)));

  const lookups: string[] = [];
  for (const [type, blocks] of Object.entries(data)) {
    if (isObj(blocks))
      for (const b of Object.values(blocks)) lookups.push(`data.${type} ${JSON.stringify(normalize(b))}`);
  }
  for (const b of Object.values(snapshots)) lookups.push(`snapshot ${JSON.stringify(normalize(b))}`);
  lookups.sort();

  // Outputs: a `for` map over a for_each VM resource is expanded to the map it makes.
  const outputs = new Map<string, string>();
  for (const [name, o] of Object.entries(isObj(tf.output) ? tf.output : {})) {
    if (!isObj(o)) continue;
    let value = o.value;
    const m = typeof value === "string" ? FOR_MAP.exec(value) : null;
    const keys = m ? vmKeysOf.get(m[3]) : undefined;
    if (m && keys) {
      const [, keyVar, valVar, address, body] = m;
      const fields = body.split(/\s*,\s*/).map((f) => {
        const fm = new RegExp(`^(\\w+) = ${valVar}\\.(\\w+)$`).exec(f);
        if (!fm) throw new Error(`verify: output ${name}: cannot expand "${f}" of for ${keyVar}, ${valVar}`);
        return [fm[1], fm[2]] as const;
      });
      const expanded: Obj = {};
      for (const k of keys) {
        const entry: Obj = {};
        for (const [field, attr] of fields) entry[field] = `\${${address}[${JSON.stringify(k)}].${attr}}`;
        expanded[k] = entry;
      }
      value = expanded;
    }
    outputs.set(name, JSON.stringify(normalize({ ...o, value: value ?? null })));
  }

  return {
    vms,
    lookups,
    triggers,
    outputs,
    providers: JSON.stringify(normalize(tf.provider ?? null)),
    variables: JSON.stringify(normalize(tf.variable ?? null)),
    terraform: JSON.stringify(normalize(tf.terraform ?? null)),
  };
}

/** Where two strings first differ, with some context. */
function around(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `...${a.slice(from, i + 60)}... vs ...${b.slice(from, i + 60)}...`;
}

/** Differences between two lists of normalized entries, as lines. */
function listDiff(what: string, ref: string[], other: string[]): string[] {
  if (JSON.stringify(ref) === JSON.stringify(other)) return [];
  const only = (a: string[], b: string[]) => {
    const left = new Map<string, number>();
    for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
    return a.filter((x) => {
      const n = left.get(x) ?? 0;
      left.set(x, n - 1);
      return n <= 0;
    });
  };
  const missing = only(ref, other);
  const extra = only(other, ref);
  return [
    `${what} differ (${ref.length} vs ${other.length}):` +
      missing
        .slice(0, 3)
        .map((x) => `\n    only in ours: ${x}`)
        .join("") +
      extra
        .slice(0, 3)
        .map((x) => `\n    only in side: ${x}`)
        .join(""),
  ];
}

/** Differences of `other` from `ref`, at most `max` lines. */
export function compareEstates(ref: Estate, other: Estate, max = 8): string[] {
  const out: string[] = [];
  if (ref.vms.size !== other.vms.size) out.push(`VMs: ${ref.vms.size} vs ${other.vms.size}`);
  let vmDiffs = 0;
  for (const [name, attrs] of ref.vms) {
    if (vmDiffs >= 3) break;
    const o = other.vms.get(name);
    if (o === undefined) out.push(`VM ${name} missing`);
    else if (o !== attrs) out.push(`VM ${name} differs: ${around(attrs, o)}`);
    else continue;
    vmDiffs++;
  }
  out.push(...listDiff("triggers (terraform_data)", ref.triggers, other.triggers));
  out.push(...listDiff("data sources/snapshots", ref.lookups, other.lookups));
  if (ref.outputs.size !== other.outputs.size) out.push(`outputs: ${ref.outputs.size} vs ${other.outputs.size}`);
  for (const [name, o] of ref.outputs) {
    const x = other.outputs.get(name);
    if (x === undefined) out.push(`output ${name} missing`);
    else if (x !== o) out.push(`output ${name} differs: ${around(o, x)}`);
  }
  if (ref.providers !== other.providers) out.push(`provider differs: ${ref.providers} vs ${other.providers}`);
  if (ref.variables !== other.variables) out.push(`variables differ: ${ref.variables} vs ${other.variables}`);
  if (ref.terraform !== other.terraform) out.push(`terraform block differs: ${ref.terraform} vs ${other.terraform}`);
  return out.slice(0, max);
}
