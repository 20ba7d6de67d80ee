/**
 * Checks that the sides build the same estate: every VM (for_each instances expanded),
 * with references to data sources and snapshots rewritten to what they name, compared
 * across sides. Also counts VM instances, data sources and outputs.
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
  readonly outputs: number;
  readonly providers: string;
  readonly variables: string;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function mapStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) if (k !== "//") out[k] = mapStrings(v[k], f);
    return out;
  }
  return v;
}

export function readStack(outdir: string, stack: string): Obj {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as Obj;
}

/** Number of VM instances: for_each keys, or one per resource without for_each. */
export function countVms(tf: Obj): number {
  const vms = (tf.resource as Obj | undefined)?.vsphere_virtual_machine;
  if (!isObj(vms)) return 0;
  let n = 0;
  for (const r of Object.values(vms)) n += isObj(r) && isObj(r.for_each) ? Object.keys(r.for_each).length : 1;
  return n;
}

export function estateOf(tf: Obj): Estate {
  const data = isObj(tf.data) ? tf.data : {};
  const resource = isObj(tf.resource) ? tf.resource : {};
  // Address => what it names, e.g. data.vsphere_datastore.X => data.vsphere_datastore[ds-01].
  const names = new Map<string, string>();
  for (const [type, blocks] of Object.entries(data)) {
    if (!isObj(blocks)) continue;
    for (const [id, b] of Object.entries(blocks))
      if (isObj(b)) names.set(`data.${type}.${id}`, `data.${type}[${String(b.name)}]`);
  }
  const rename = (s: string) =>
    s.replace(/\b(data\.[a-z_]+|vsphere_[a-z_]+)\.([A-Za-z0-9_-]+)/g, (m) => names.get(m) ?? m);
  const snapshots = isObj(resource.vsphere_virtual_machine_snapshot) ? resource.vsphere_virtual_machine_snapshot : {};
  for (const [id, b] of Object.entries(snapshots)) {
    if (isObj(b))
      names.set(`vsphere_virtual_machine_snapshot.${id}`, `snapshot[${rename(String(b.virtual_machine_uuid))}]`);
  }
  const lookups: string[] = [];
  for (const [type, blocks] of Object.entries(data)) {
    if (isObj(blocks))
      for (const b of Object.values(blocks)) lookups.push(`data.${type} ${JSON.stringify(mapStrings(b, rename))}`);
  }
  for (const b of Object.values(snapshots)) lookups.push(`snapshot ${JSON.stringify(mapStrings(b, rename))}`);
  lookups.sort();

  const vms = new Map<string, string>();
  const blocks = isObj(resource.vsphere_virtual_machine) ? resource.vsphere_virtual_machine : {};
  for (const block of Object.values(blocks)) {
    if (!isObj(block)) continue;
    const { for_each: forEach, ...rest } = block;
    const instances: [string, Obj | undefined][] = isObj(forEach)
      ? Object.entries(forEach).map(([k, v]) => [k, isObj(v) ? v : undefined])
      : [[String(block.name), undefined]];
    for (const [key, value] of instances) {
      const expanded = mapStrings(rest, (s) => {
        if (!isObj(forEach)) return rename(s);
        const one = s
          .replace(/\$\{each\.key\}/g, key)
          .replace(/\$\{each\.value\.([A-Za-z0-9_]+)\}/g, (_m, a: string) => String(value?.[a]));
        return rename(one);
      });
      if (vms.has(key)) throw new Error(`VM ${key} is declared twice`);
      vms.set(key, JSON.stringify(expanded));
    }
  }
  return {
    vms,
    lookups,
    outputs: isObj(tf.output) ? Object.keys(tf.output).length : 0,
    providers: JSON.stringify(mapStrings(tf.provider ?? null, rename)),
    variables: JSON.stringify(mapStrings(tf.variable ?? null, rename)),
  };
}

/** Where two strings first differ, with some context. */
function around(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `...${a.slice(from, i + 60)}... vs ...${b.slice(from, i + 60)}...`;
}

/** Differences of `other` from `ref`, at most `max` lines. */
export function compareEstates(ref: Estate, other: Estate, max = 5): string[] {
  const out: string[] = [];
  if (ref.vms.size !== other.vms.size) out.push(`VMs: ${ref.vms.size} vs ${other.vms.size}`);
  for (const [name, attrs] of ref.vms) {
    if (out.length >= max) break;
    const o = other.vms.get(name);
    if (o === undefined) out.push(`VM ${name} missing`);
    else if (o !== attrs) out.push(`VM ${name} differs: ${around(attrs, o)}`);
  }
  if (JSON.stringify(ref.lookups) !== JSON.stringify(other.lookups))
    out.push(
      `data sources/snapshots differ:\n    ${ref.lookups.join("\n    ")}\n  vs\n    ${other.lookups.join("\n    ")}`,
    );
  if (ref.outputs !== other.outputs) out.push(`outputs: ${ref.outputs} vs ${other.outputs}`);
  if (ref.providers !== other.providers) out.push(`provider differs: ${ref.providers} vs ${other.providers}`);
  if (ref.variables !== other.variables) out.push(`variables differ: ${ref.variables} vs ${other.variables}`);
  return out.slice(0, max);
}
