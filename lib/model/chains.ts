import type { AppModel, BaseModel, GroupModel, Limits, MemberModel, StackModel } from "./types";

/** The clones of one group on one chain: all of a group's members, or during a rollout one side of it. */
export interface ChainPart {
  readonly group: GroupModel;
  readonly base: BaseModel;
  readonly members: readonly MemberModel[];
}

/**
 * One disk chain: all clones of one source VM and snapshot in one datacenter,
 * whichever group or stack declares them. The platform's limits apply to it.
 * During a rollout a group has clones on two chains: the old base's and the new one's.
 */
export interface Chain {
  readonly key: string;
  readonly label: string;
  /** Groups with clones on the chain, in declaration order. */
  readonly groups: readonly GroupModel[];
  readonly parts: readonly ChainPart[];
  readonly clones: number;
}

/**
 * A vCenter server as one name, however the files write it: without case (DNS), surrounding
 * spaces, a trailing dot or the default port :443. Equal for two files on the same vCenter.
 */
export function vcenterKey(server: string | undefined): string {
  return (server ?? "").trim().toLowerCase().replace(/:443$/, "").replace(/\.$/, "");
}

/** One vCenter datacenter: the server as `vcenterKey` reads it (no case, no :443, no trailing dot). */
export function siteKey(site: { server?: string; datacenter: string }): string {
  return `${vcenterKey(site.server)}\u0000${site.datacenter}`;
}

export function chainKey(base: BaseModel): string {
  const source = base.template ? `${base.vm}\u0000(template)` : `${base.vm}\u0000${base.snapshot ?? ""}`;
  return `${siteKey(base.site)}\u0000${source}`;
}

export function describeBase(base: BaseModel): string {
  const source = base.template ? `template ${base.vm}` : `${base.vm}@${base.snapshot ?? "(no snapshot)"}`;
  return `base '${base.name}' (${base.site.datacenter}/${source})`;
}

/** The base a member is cloned from: the group's base, or the rollout's old base until its wave moved. */
export function memberBase(g: GroupModel, m: MemberModel): BaseModel {
  return g.rollout && m.base === g.rollout.from.name ? g.rollout.from : g.base;
}

/** A group's members per base: one entry, or two during a rollout (new base first). */
export function partsOf(g: GroupModel): ChainPart[] {
  const bases = g.rollout ? [g.base, g.rollout.from] : [g.base];
  return bases
    .map((base) => ({ group: g, base, members: g.members.filter((m) => memberBase(g, m) === base) }))
    .filter((p) => p.members.length > 0);
}

/**
 * Disk chains in a stable order (by key), each with its groups in declaration order. Clones of
 * a template base are full copies (vSphere copies a template's disk, its child-most backing),
 * so they form no chain and are left out.
 */
export function chainsOf(model: AppModel): Chain[] {
  const byKey = new Map<string, ChainPart[]>();
  for (const g of model.groups) {
    for (const part of partsOf(g)) {
      if (part.base.template) continue;
      const key = chainKey(part.base);
      const list = byKey.get(key);
      if (list) list.push(part);
      else byKey.set(key, [part]);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, parts]) => ({
      key,
      label: describeBase(parts[0].base),
      groups: [...new Set(parts.map((p) => p.group))],
      parts,
      clones: parts.reduce((n, p) => n + p.members.length, 0),
    }));
}

/**
 * Names the rollout waves that put clones on a chain, for findings about the in-between state:
 * "during the rollout of lab/web (3 of 4 members moved)". Empty when no group of the chain rolls.
 */
export function rolloutNote(chain: Pick<Chain, "groups">): string {
  const notes = chain.groups
    .filter((g) => g.rollout)
    .map((g) => `${groupLabel(g)}: ${g.rollout!.moved} of ${g.members.length} members moved`);
  return notes.length ? ` during the rollout (${notes.join("; ")})` : "";
}

export function stackLimits(model: AppModel): Map<string, Limits> {
  return new Map(model.stacks.map((s: StackModel) => [s.name, s.limits]));
}

/**
 * A chain's limit: the strictest over its groups, each with its stack's override or its
 * platform default, and where it comes from. Undefined when no group has a limit.
 */
export interface BindingLimit {
  readonly limit: number;
  readonly stack: string;
  /** True when the stack's `limits` set it; false for the platform default. */
  readonly overridden: boolean;
  readonly version: string;
}

export function bindingLimit(
  chain: Chain,
  limits: Map<string, Limits>,
  name: keyof Limits,
  platformDefault: (g: GroupModel) => number | undefined,
): BindingLimit | undefined {
  let best: BindingLimit | undefined;
  for (const g of chain.groups) {
    const override = limits.get(g.stack)?.[name];
    const limit = override ?? platformDefault(g);
    if (limit !== undefined && (best === undefined || limit < best.limit)) {
      best = { limit, stack: g.stack, overridden: override !== undefined, version: g.site.version };
    }
  }
  return best;
}

/**
 * How to raise a chain's limit. When the chain spans environments, it names the one whose
 * limit binds: raising it elsewhere changes nothing.
 */
export function raiseHint(chain: Chain, bound: BindingLimit, name: keyof Limits): string {
  const stacks = new Set(chain.groups.map((g) => g.stack));
  if (stacks.size < 2) return `raise limits.${name}`;
  const origin = bound.overridden ? `its limits.${name}` : `its default for vSphere ${bound.version}`;
  return `raise limits.${name} in ${bound.stack} (${origin} is the strictest of the chain's environments)`;
}

export function groupLabel(g: GroupModel): string {
  return `${g.stack}/${g.name}`;
}

/** Groups of a chain per stack, in declaration order. */
export function groupsByStack(groups: readonly GroupModel[]): Map<string, GroupModel[]> {
  const out = new Map<string, GroupModel[]>();
  for (const g of groups) {
    const list = out.get(g.stack);
    if (list) list.push(g);
    else out.set(g.stack, [g]);
  }
  return out;
}

/** Hosts a group's clones may run on: its confined hosts, else its cluster's; undefined when unknown. */
export function hostsOf(g: GroupModel): readonly string[] | undefined {
  return g.hosts ?? g.cluster?.hosts;
}

/**
 * The distinct hosts that may run a chain's clones (names, in first-seen order), and the groups
 * whose hosts are unknown.
 */
export function chainHosts(chain: Chain): { hosts: string[]; unknown: GroupModel[] } {
  const seen = new Set<string>();
  const hosts: string[] = [];
  const unknown: GroupModel[] = [];
  for (const g of chain.groups) {
    const list = hostsOf(g);
    if (list === undefined) {
      unknown.push(g);
      continue;
    }
    for (const h of list) {
      const key = `${siteKey(g.site)}\u0000${h}`;
      if (!seen.has(key)) {
        seen.add(key);
        hosts.push(h);
      }
    }
  }
  return { hosts, unknown };
}
