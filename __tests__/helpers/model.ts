import type {
  AppModel,
  BaseModel,
  ClusterFacts,
  GroupModel,
  Limits,
  MemberModel,
  Site,
  Suppression,
} from "../../lib/model/types";
import { ALL_RULES, runRules, type Finding } from "../../lib/rules";

/** Builders of plain models for rule tests: small, explicit, no cdktf. */

export function site(version = "8.0", datacenter = "DC0"): Site {
  return { datacenter, version };
}

export function base(over: Partial<BaseModel> = {}): BaseModel {
  return {
    stack: "lab",
    path: "lab/Bases/golden",
    name: "golden",
    site: site(),
    vm: "VM0",
    snapshot: "snap-1",
    template: false,
    manageSnapshot: true,
    guestOs: "linux",
    suppressions: [],
    ...over,
  };
}

export function members(prefix: string, count: number, first = 1, baseName = "golden"): MemberModel[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const name = `${prefix}-${String(n).padStart(2, "0")}`;
    return { name, hostname: name, number: n, base: baseName, generation: 0 };
  });
}

/** A member by name, on base `golden`. */
export function member(name: string, over: Partial<MemberModel> = {}): MemberModel {
  return { name, hostname: name, base: "golden", generation: 0, ...over };
}

export function hosts(count: number, prefix = "esx"): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`);
}

export function cluster(hostCount: number | undefined, over: Partial<ClusterFacts> = {}): ClusterFacts {
  return { name: "C0", ...(hostCount !== undefined ? { hosts: hosts(hostCount) } : {}), haEnabled: false, ...over };
}

export interface GroupOptions extends Partial<GroupModel> {
  count?: number;
}

export function group(name: string, opts: GroupOptions = {}): GroupModel {
  const { count = 2, ...over } = opts;
  const stack = over.stack ?? "lab";
  const b = over.base ?? base({ stack });
  return {
    stack,
    path: `${stack}/${name}`,
    name,
    base: b,
    site: over.site ?? b.site,
    cluster: cluster(3),
    datastore: { name: "DS0", type: "vmfs6" },
    members: members(name, count, 1, b.name),
    customized: false,
    nonpersistent: false,
    generation: 0,
    suppressions: [],
    ...over,
  };
}

export function app(
  groups: GroupModel[],
  opts: { limits?: Record<string, Limits>; suppress?: Record<string, Suppression[]>; bases?: BaseModel[] } = {},
): AppModel {
  const stacks = [...new Set([...groups.map((g) => g.stack), ...(opts.bases ?? []).map((b) => b.stack)])];
  return {
    stacks: stacks.map((name) => ({
      name,
      limits: opts.limits?.[name] ?? {},
      suppressions: opts.suppress?.[name] ?? [],
    })),
    bases: opts.bases ?? [...new Map(groups.map((g) => [g.base.path, g.base])).values()],
    groups,
  };
}

/** Findings of one rule over a model (all rules run, as at synth). */
export function findingsOf(rule: string, model: AppModel, strict = false): Finding[] {
  return runRules(model, ALL_RULES, { strict }).filter((f) => f.rule === rule);
}

export function messages(rule: string, model: AppModel): string[] {
  return findingsOf(rule, model).map((f) => f.message);
}
