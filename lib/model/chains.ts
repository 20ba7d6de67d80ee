import type { AppModel, BaseModel, GroupModel, Limits, StackModel } from "./types";

/**
 * One disk chain: all clones of one source VM and snapshot in one datacenter,
 * whichever group or stack declares them. The platform's limits apply to it.
 */
export interface Chain {
  readonly key: string;
  readonly label: string;
  readonly groups: readonly GroupModel[];
  readonly clones: number;
}

/** One vCenter datacenter; server names are case-insensitive (DNS). */
export function siteKey(site: { server?: string; datacenter: string }): string {
  return `${(site.server ?? "").toLowerCase()}\u0000${site.datacenter}`;
}

export function chainKey(base: BaseModel): string {
  const source = base.template ? `${base.vm}\u0000(template)` : `${base.vm}\u0000${base.snapshot ?? ""}`;
  return `${siteKey(base.site)}\u0000${source}`;
}

export function describeBase(base: BaseModel): string {
  const source = base.template ? `template ${base.vm}` : `${base.vm}@${base.snapshot ?? "(no snapshot)"}`;
  return `base '${base.name}' (${base.site.datacenter}/${source})`;
}

/** Chains in a stable order (by key), each with its groups in declaration order. */
export function chainsOf(model: AppModel): Chain[] {
  const byKey = new Map<string, GroupModel[]>();
  for (const g of model.groups) {
    const key = chainKey(g.base);
    const list = byKey.get(key);
    if (list) list.push(g);
    else byKey.set(key, [g]);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, groups]) => ({
      key,
      label: describeBase(groups[0].base),
      groups,
      clones: groups.reduce((n, g) => n + g.members.length, 0),
    }));
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
