/**
 * The review report: what a change to the environment files does, between two commits, as
 * Markdown for a pull-request comment. Pure: it compares two plain models (each built with the
 * current code) and their findings; reading git and building the models is the caller's job
 * (`scripts/report.ts`). Nothing here depends on cdktf.
 */
import { formatProblem, type Problem } from "../config/problems";
import {
  bindingLimit,
  chainHosts,
  chainKey,
  chainsOf,
  memberBase,
  partsOf,
  siteKey,
  stackLimits,
  type Chain,
} from "../model/chains";
import { defaultMaxClonesPerChain, defaultMaxHostsPerChain } from "../model/platform";
import type { AppModel, BaseModel, GroupModel, Limits, MemberModel } from "../model/types";
import type { Finding } from "../rules/engine";

/** One side of a review: the environment files at a commit (or in the working tree), built with the current code. */
export interface ReviewSide {
  /** How the report names the side, e.g. "`origin/main` (1a2b3c4d5e6f)" or "the working tree". */
  readonly label: string;
  /** The app's model, when the environment files loaded. */
  readonly model?: AppModel;
  /** The app's findings, when the environment files loaded. */
  readonly findings?: readonly Finding[];
  /** Config errors, when they did not load (file paths as the reader should see them). */
  readonly problems?: readonly Problem[];
}

/** A base's disk chain and its clones in one environment, on one side. */
export interface BaseState {
  /** The source: `DC0/VM0@snap`, or `template DC0/T`. */
  readonly source: string;
  readonly template: boolean;
  /** Clones of this base in this environment. */
  readonly clones: number;
  /** Clones on the whole chain, every environment's; undefined for a template (full copies, no chain). */
  readonly chainClones?: number;
  /** The chain's clone limit (maxClonesPerChain, the strictest of its environments); undefined: no limit. */
  readonly cloneLimit?: number;
  /** Distinct hosts that may run the chain's clones; "unknown" when a group's hosts are; undefined for a template. */
  readonly hosts?: number | "unknown";
  /** The chain's host limit (maxHostsPerChain); undefined for a template. */
  readonly hostLimit?: number;
  /** Worst-case storage of this environment's clones of the base: clones x diskGb; undefined without diskGb. */
  readonly storageGb?: number;
}

/** One base of one environment, before and after (undefined where it has no clones). */
export interface BaseChange {
  readonly env: string;
  readonly base: string;
  readonly before?: BaseState;
  readonly after?: BaseState;
}

/** Why a member is replaced; `kind` names the cause, `text` says it for the reader. */
export interface ReplaceReason {
  readonly kind:
    | "generation"
    | "member-generation"
    | "rollout"
    | "rollout-back"
    | "base"
    | "source-vm"
    | "snapshot"
    | "customization"
    | "disks"
    | "address";
  readonly text: string;
}

/** A clone that deploying the change creates, destroys or replaces. */
export interface MemberChange {
  readonly env: string;
  readonly group: string;
  readonly member: string;
  /** For a replaced member: every reason, in a fixed order. Empty otherwise. */
  readonly reasons: readonly ReplaceReason[];
  /** For a created or destroyed member: why (new group, group removed, moved between groups), when there is more to say. */
  readonly note?: string;
}

/** A finding that appears or disappears, compared by severity, rule id and message (positions ignored). */
export interface FindingChange {
  readonly env: string;
  readonly rule: string;
  readonly severity: Finding["severity"];
  readonly message: string;
  readonly suppressionReason?: string;
  /** Where the finding points, on the current side, when known. */
  readonly location?: Finding["location"];
}

/** A group's rollout before and after, when it changed. */
export interface RolloutChange {
  readonly env: string;
  readonly group: string;
  /** "started", "progressed" or "finished" (rollout removed). */
  readonly kind: "started" | "progressed" | "finished";
  readonly from: string;
  readonly to: string;
  /** Members on the new base before (0 when the rollout starts) and after. */
  readonly movedBefore: number;
  readonly movedAfter: number;
  readonly total: number;
}

export interface EnvironmentTotals {
  readonly clones: number;
  readonly groups: number;
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
  /** Worst-case storage of the clones of bases with diskGb. */
  readonly storageGb: number;
  /** Bases with clones but no diskGb: not counted in storageGb. */
  readonly storageUnknown: readonly string[];
}

export interface EnvironmentReview {
  readonly name: string;
  readonly status: "added" | "removed" | "changed" | "unchanged";
  readonly before?: EnvironmentTotals;
  readonly after?: EnvironmentTotals;
  /** Bases with clones on either side, by name. */
  readonly bases: readonly BaseChange[];
  readonly groupsAdded: readonly string[];
  readonly groupsRemoved: readonly string[];
  readonly rollouts: readonly RolloutChange[];
  readonly created: readonly MemberChange[];
  readonly destroyed: readonly MemberChange[];
  readonly replaced: readonly MemberChange[];
  readonly findingsAdded: readonly FindingChange[];
  readonly findingsFixed: readonly FindingChange[];
}

export interface Review {
  readonly before: ReviewSide;
  readonly after: ReviewSide;
  /** Every environment of either side, by name; empty when either side has config errors. */
  readonly environments: readonly EnvironmentReview[];
}

const EMPTY: AppModel = { stacks: [], bases: [], groups: [] };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names in natural order: `web-2` before `web-10`, then by text. */
export function compareNames(a: string, b: string): number {
  const ma = /^(.*?)(\d+)$/.exec(a);
  const mb = /^(.*?)(\d+)$/.exec(b);
  if (ma && mb && ma[1] === mb[1]) {
    const d = Number(ma[2]) - Number(mb[2]);
    if (d !== 0) return d;
  }
  return cmp(a, b);
}

/** Compares the two sides. When either side has config errors there is nothing to compare: no environments. */
export function compareSides(before: ReviewSide, after: ReviewSide): Review {
  if (before.problems?.length || after.problems?.length || !before.model || !after.model) {
    return { before, after, environments: [] };
  }
  const a = new SideIndex(before.model, before.findings ?? []);
  const b = new SideIndex(after.model, after.findings ?? []);
  const names = [...new Set([...a.stacks.keys(), ...b.stacks.keys()])].sort(cmp);
  return { before, after, environments: names.map((n) => compareEnvironment(n, a, b)) };
}

/** One side's model, indexed for the comparison. */
class SideIndex {
  public readonly stacks: Map<string, Limits>;
  public readonly chains: Map<string, Chain>;
  private readonly limits: ReturnType<typeof stackLimits>;
  constructor(
    public readonly model: AppModel,
    public readonly findings: readonly Finding[],
  ) {
    this.stacks = new Map(model.stacks.map((s) => [s.name, s.limits]));
    this.chains = new Map(chainsOf(model).map((c) => [c.key, c]));
    this.limits = stackLimits(model);
  }

  public groups(env: string): Map<string, GroupModel> {
    return new Map(this.model.groups.filter((g) => g.stack === env).map((g) => [g.name, g]));
  }

  /** Clones per base name in an environment (during a rollout a group counts on both of its bases). */
  public baseClones(env: string): Map<string, { base: BaseModel; clones: number }> {
    const out = new Map<string, { base: BaseModel; clones: number }>();
    for (const g of this.model.groups.filter((x) => x.stack === env)) {
      for (const p of partsOf(g)) {
        const entry = out.get(p.base.name) ?? { base: p.base, clones: 0 };
        entry.clones += p.members.length;
        out.set(p.base.name, entry);
      }
    }
    return out;
  }

  public baseState(base: BaseModel, clones: number): BaseState {
    const storageGb = base.diskGb !== undefined ? clones * base.diskGb : undefined;
    const source = base.template
      ? `template ${base.site.datacenter}/${base.vm}`
      : `${base.site.datacenter}/${base.vm}@${base.snapshot ?? "(no snapshot)"}`;
    if (base.template) return { source, template: true, clones, ...(storageGb !== undefined ? { storageGb } : {}) };
    const chain = this.chains.get(chainKey(base));
    if (!chain) return { source, template: false, clones, chainClones: 0, hosts: 0, ...optional({ storageGb }) };
    const cloneLimit = bindingLimit(chain, this.limits, "maxClonesPerChain", (g) =>
      defaultMaxClonesPerChain(g.site.version),
    )?.limit;
    const hostLimit = bindingLimit(chain, this.limits, "maxHostsPerChain", (g) =>
      defaultMaxHostsPerChain(g.site.version, g.datastore?.type),
    )?.limit;
    const { hosts, unknown } = chainHosts(chain);
    return {
      source,
      template: false,
      clones,
      chainClones: chain.clones,
      hosts: unknown.length ? "unknown" : hosts.length,
      ...optional({ cloneLimit, hostLimit, storageGb }),
    };
  }

  /** Distinct findings of an environment, keyed by severity, rule and message. */
  public findingsOf(env: string): Map<string, Finding> {
    const out = new Map<string, Finding>();
    for (const f of this.findings.filter((x) => x.stack === env)) {
      const key = `${f.severity}\u0000${f.rule}\u0000${f.message}`;
      if (!out.has(key)) out.set(key, f);
    }
    return out;
  }

  public totals(env: string, bases: readonly BaseChange[], side: "before" | "after"): EnvironmentTotals {
    const groups = [...this.groups(env).values()];
    const findings = [...this.findingsOf(env).values()];
    const count = (s: string) => findings.filter((f) => f.severity === s).length;
    let storageGb = 0;
    const storageUnknown: string[] = [];
    for (const row of bases) {
      const state = row[side];
      if (!state || state.clones === 0) continue;
      if (state.storageGb === undefined) storageUnknown.push(row.base);
      else storageGb += state.storageGb;
    }
    return {
      clones: groups.reduce((n, g) => n + g.members.length, 0),
      groups: groups.length,
      errors: count("error"),
      warnings: count("warning"),
      suppressed: count("info"),
      storageGb,
      storageUnknown,
    };
  }
}

/** The object without its undefined properties (the model's optional fields are left out, never undefined). */
function optional<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function compareEnvironment(name: string, a: SideIndex, b: SideIndex): EnvironmentReview {
  const inBefore = a.stacks.has(name);
  const inAfter = b.stacks.has(name);
  // Bases with clones on either side.
  const clonesBefore = inBefore ? a.baseClones(name) : new Map<string, { base: BaseModel; clones: number }>();
  const clonesAfter = inAfter ? b.baseClones(name) : new Map<string, { base: BaseModel; clones: number }>();
  const bases: BaseChange[] = [...new Set([...clonesBefore.keys(), ...clonesAfter.keys()])].sort(cmp).map((base) => {
    const x = clonesBefore.get(base);
    const y = clonesAfter.get(base);
    return {
      env: name,
      base,
      ...(x ? { before: a.baseState(x.base, x.clones) } : {}),
      ...(y ? { after: b.baseState(y.base, y.clones) } : {}),
    };
  });
  const groupsBefore = inBefore ? a.groups(name) : new Map<string, GroupModel>();
  const groupsAfter = inAfter ? b.groups(name) : new Map<string, GroupModel>();
  const groupsAdded = inBefore ? [...groupsAfter.keys()].filter((g) => !groupsBefore.has(g)).sort(cmp) : [];
  const groupsRemoved = inAfter ? [...groupsBefore.keys()].filter((g) => !groupsAfter.has(g)).sort(cmp) : [];

  const created: MemberChange[] = [];
  const destroyed: MemberChange[] = [];
  const replaced: MemberChange[] = [];
  const rollouts: RolloutChange[] = [];
  // A removed environment's clones stay deployed (its state stays) until `cdktf destroy`: none is destroyed here.
  if (inAfter) {
    for (const [gname, g] of groupsAfter) {
      const old = groupsBefore.get(gname);
      const oldMembers = new Map((old?.members ?? []).map((m) => [m.name, m]));
      for (const m of g.members) {
        const was = oldMembers.get(m.name);
        if (!old) {
          created.push({
            env: name,
            group: gname,
            member: m.name,
            reasons: [],
            ...(inBefore ? { note: "new group" } : {}),
          });
        } else if (!was) created.push({ env: name, group: gname, member: m.name, reasons: [] });
        else {
          const reasons = replaceReasons(old, was, g, m);
          if (reasons.length) replaced.push({ env: name, group: gname, member: m.name, reasons });
        }
      }
      if (old) {
        const current = new Set(g.members.map((m) => m.name));
        for (const m of old.members) {
          if (!current.has(m.name)) destroyed.push({ env: name, group: gname, member: m.name, reasons: [] });
        }
        const r = rolloutChange(name, old, g);
        if (r) rollouts.push(r);
      }
    }
    for (const [gname, old] of groupsBefore) {
      if (groupsAfter.has(gname)) continue;
      for (const m of old.members) {
        destroyed.push({ env: name, group: gname, member: m.name, reasons: [], note: "group removed" });
      }
    }
  }
  // A VM name that leaves one group and joins another in the same environment is a new resource address.
  const movedTo = new Map(created.map((c) => [c.member, c.group]));
  const movedFrom = new Map(destroyed.map((d) => [d.member, d.group]));
  const annotate = (list: MemberChange[], other: Map<string, string>, word: string) =>
    list.map((c) =>
      other.has(c.member) ? { ...c, note: `${word} group \`${other.get(c.member)}\` (a new Terraform address)` } : c,
    );
  const byMember = (x: MemberChange, y: MemberChange) => cmp(x.group, y.group) || compareNames(x.member, y.member);

  const fa = inBefore ? a.findingsOf(name) : new Map<string, Finding>();
  const fb = inAfter ? b.findingsOf(name) : new Map<string, Finding>();
  const findingsAdded = [...fb.entries()].filter(([k]) => !fa.has(k)).map(([, f]) => findingChange(name, f, true));
  const findingsFixed = [...fa.entries()].filter(([k]) => !fb.has(k)).map(([, f]) => findingChange(name, f, false));

  const review = {
    name,
    bases,
    groupsAdded,
    groupsRemoved,
    rollouts: rollouts.sort((x, y) => cmp(x.group, y.group)),
    created: annotate(created, movedFrom, "moved from").sort(byMember),
    destroyed: annotate(destroyed, movedTo, "moved to").sort(byMember),
    replaced: replaced.sort(byMember),
    findingsAdded: findingsAdded.sort(compareFindingChanges),
    findingsFixed: findingsFixed.sort(compareFindingChanges),
    ...(inBefore ? { before: a.totals(name, bases, "before") } : {}),
    ...(inAfter ? { after: b.totals(name, bases, "after") } : {}),
  };
  const changed =
    bases.some((r) => !sameState(r.before, r.after)) ||
    groupsAdded.length + groupsRemoved.length + rollouts.length > 0 ||
    created.length + destroyed.length + replaced.length > 0 ||
    findingsAdded.length + findingsFixed.length > 0 ||
    review.before?.groups !== review.after?.groups;
  const status = !inBefore ? "added" : !inAfter ? "removed" : changed ? "changed" : "unchanged";
  return { ...review, status };
}

function findingChange(env: string, f: Finding, current: boolean): FindingChange {
  return {
    env,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    ...(f.suppressionReason !== undefined ? { suppressionReason: f.suppressionReason } : {}),
    ...(current && f.location ? { location: f.location } : {}),
  };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function compareFindingChanges(x: FindingChange, y: FindingChange): number {
  return SEVERITY_ORDER[x.severity] - SEVERITY_ORDER[y.severity] || cmp(x.rule, y.rule) || cmp(x.message, y.message);
}

function sameState(x: BaseState | undefined, y: BaseState | undefined): boolean {
  return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
}

/**
 * What the clone's replacement depends on, as the constructs wire it: the source VM
 * (`clone.template_uuid`), the `terraform_data` trigger (group generation, member generation,
 * base snapshot: a managed snapshot's id, which changes whenever that snapshot resource is
 * re-created, else the snapshot's name) and the customized address (`clone.customize` forces a
 * new VM).
 */
function sourceOf(b: BaseModel): string {
  return `${siteKey(b.site)}\u0000${b.vm}`;
}

function snapshotOf(b: BaseModel): string | undefined {
  if (b.template) return undefined;
  // A managed snapshot is a resource of the base (its address comes from the base's name); its
  // id changes when it is re-created: a new name, another source VM or another base.
  return b.manageSnapshot && b.snapshot !== undefined
    ? `managed\u0000${b.path}\u0000${sourceOf(b)}\u0000${b.snapshot}`
    : `name\u0000${b.snapshot ?? ""}`;
}

function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.includes("`") ? ` ${text} ` : text}${fence}`;
}

function raised(a: number, b: number): string {
  return b > a ? `raised ${a} → ${b}` : `lowered ${a} → ${b}`;
}

/** Why a member present on both sides is replaced; empty when it is not. */
export function replaceReasons(ga: GroupModel, ma: MemberModel, gb: GroupModel, mb: MemberModel): ReplaceReason[] {
  const reasons: ReplaceReason[] = [];
  if (ga.generation !== gb.generation) {
    reasons.push({ kind: "generation", text: `group generation ${raised(ga.generation, gb.generation)}` });
  }
  if (ma.generation !== mb.generation) {
    reasons.push({ kind: "member-generation", text: `member generation ${raised(ma.generation, mb.generation)}` });
  }
  const ba = memberBase(ga, ma);
  const bb = memberBase(gb, mb);
  const sourceChanged = sourceOf(ba) !== sourceOf(bb);
  const snapshotChanged = snapshotOf(ba) !== snapshotOf(bb);
  if (sourceChanged || snapshotChanged) {
    if (ba.name !== bb.name) {
      const inRollout = (g: GroupModel) => g.rollout !== undefined;
      if (inRollout(gb) && bb.name === gb.base.name && ba.name === gb.rollout!.from.name) {
        reasons.push({ kind: "rollout", text: `rollout wave moved it to base ${code(bb.name)}` });
      } else if (inRollout(gb) && bb.name === gb.rollout!.from.name) {
        reasons.push({ kind: "rollout-back", text: `rollout moved it back to base ${code(bb.name)}` });
      } else {
        reasons.push({ kind: "base", text: `base changed ${code(ba.name)} → ${code(bb.name)}` });
      }
    } else {
      if (sourceChanged) {
        const show = (b: BaseModel) => `${b.site.datacenter}/${b.vm}`;
        reasons.push({ kind: "source-vm", text: `source VM changed ${code(show(ba))} → ${code(show(bb))}` });
      }
      if (snapshotChanged) reasons.push({ kind: "snapshot", text: snapshotText(ba, bb, sourceChanged) });
    }
  }
  // Any change in the provider's `clone` block, `customize` included, replaces the VM.
  if (ga.customized !== gb.customized) {
    reasons.push({ kind: "customization", text: `guest customization ${gb.customized ? "added" : "removed"}` });
  } else if (gb.customized) {
    if (ga.ipv4 && gb.ipv4 && ga.ipv4.gateway !== gb.ipv4.gateway) {
      reasons.push({ kind: "customization", text: `gateway changed ${ga.ipv4.gateway} → ${gb.ipv4.gateway}` });
    }
    if (ga.ipv4 && gb.ipv4 && ga.ipv4.prefixLength !== gb.ipv4.prefixLength) {
      reasons.push({
        kind: "customization",
        text: `prefix length changed /${ga.ipv4.prefixLength} → /${gb.ipv4.prefixLength}`,
      });
    }
    if (ba.guestOs !== bb.guestOs) {
      reasons.push({ kind: "customization", text: `guest OS changed ${ba.guestOs} → ${bb.guestOs} (customization)` });
    }
    const ca = ga.customization ?? {};
    const cb = gb.customization ?? {};
    const settings: [string, unknown, unknown][] = [
      ["domain", ca.domain, cb.domain],
      ["DNS servers", ca.dnsServers?.join(", "), cb.dnsServers?.join(", ")],
      ["Windows workgroup", ca.workgroup, cb.workgroup],
      ["Windows time zone", ca.timeZone, cb.timeZone],
    ];
    for (const [what, before, after] of settings) {
      if (before !== after) {
        const show = (v: unknown) => (v === undefined ? "none" : String(v));
        reasons.push({ kind: "customization", text: `${what} changed ${show(before)} → ${show(after)}` });
      }
    }
  }
  // The clones' trigger holds the disk mode and the datastore: a change recreates them as linked clones.
  if (ga.nonpersistent !== gb.nonpersistent) {
    const mode = (g: GroupModel) => (g.nonpersistent ? "nonpersistent" : "persistent");
    reasons.push({ kind: "disks", text: `disk mode changed ${mode(ga)} → ${mode(gb)}` });
  }
  const store = (g: GroupModel) => g.datastore?.name ?? g.datastoreCluster ?? "?";
  if (store(ga) !== store(gb)) {
    reasons.push({ kind: "disks", text: `datastore changed ${store(ga)} → ${store(gb)}` });
  }
  if (ma.ipv4 !== mb.ipv4) {
    const shown = (g: GroupModel, m: MemberModel) => m.ipv4 ?? (g.customized ? "DHCP" : "none");
    reasons.push({ kind: "address", text: `address changed ${shown(ga, ma)} → ${shown(gb, mb)}` });
  }
  return reasons;
}

function snapshotText(ba: BaseModel, bb: BaseModel, sourceChanged: boolean): string {
  if (ba.template !== bb.template) {
    return bb.template ? "base is now a template (full copies)" : "base is no longer a template";
  }
  const managedA = ba.manageSnapshot && ba.snapshot !== undefined;
  const managedB = bb.manageSnapshot && bb.snapshot !== undefined;
  if (managedA !== managedB) {
    return managedB
      ? `base snapshot ${code(bb.snapshot!)} is now managed (created by this stack)`
      : `base snapshot ${code(bb.snapshot ?? "")} is no longer managed`;
  }
  if ((ba.snapshot ?? "") !== (bb.snapshot ?? "")) {
    return managedB
      ? `managed base snapshot renamed ${code(ba.snapshot!)} → ${code(bb.snapshot!)} (re-created)`
      : `base snapshot rolled ${code(ba.snapshot ?? "")} → ${code(bb.snapshot ?? "")}`;
  }
  return sourceChanged
    ? "its managed snapshot is re-created on the new source VM"
    : "its managed snapshot is re-created (moved to another base)";
}

function rolloutChange(env: string, a: GroupModel, b: GroupModel): RolloutChange | undefined {
  if (!a.rollout && !b.rollout) return undefined;
  const movedOf = (g: GroupModel) => g.members.filter((m) => memberBase(g, m) === g.base).length;
  const total = b.members.length;
  if (!b.rollout) {
    return {
      env,
      group: b.name,
      kind: "finished",
      from: a.rollout!.from.name,
      to: b.base.name,
      movedBefore: movedOf(a),
      movedAfter: total,
      total,
    };
  }
  const from = b.rollout.from.name;
  const movedAfter = movedOf(b);
  if (!a.rollout || a.rollout.from.name !== from || a.base.name !== b.base.name) {
    return { env, group: b.name, kind: "started", from, to: b.base.name, movedBefore: 0, movedAfter, total };
  }
  const movedBefore = movedOf(a);
  if (movedBefore === movedAfter && a.members.length === total) return undefined;
  return { env, group: b.name, kind: "progressed", from, to: b.base.name, movedBefore, movedAfter, total };
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Text for a Markdown table cell: a `|` would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function gb(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)} GB`;
}

function signed(n: number): string {
  return `${n > 0 ? "+" : n < 0 ? "-" : "±"}${Math.abs(n)}`;
}

function signedGb(n: number): string {
  return `${n > 0 ? "+" : n < 0 ? "-" : "±"}${gb(Math.abs(n))}`;
}

/** `a`, or `a → b` when they differ; `—` for a missing side. */
function change(a: string | undefined, b: string | undefined): string {
  const x = a ?? "—";
  const y = b ?? "—";
  return x === y ? x : `${x} → ${y}`;
}

/** Numbers before → after with the difference: `20 → 32 (+12)`; one number when equal. */
function numberChange(a: number | undefined, b: number | undefined, unit: (n: number) => string = String): string {
  if (a === b) return a === undefined ? "—" : unit(a);
  const delta = a !== undefined && b !== undefined ? ` (${unit === gb ? signedGb(b - a) : signed(b - a)})` : "";
  return `${a === undefined ? "—" : unit(a)} → ${b === undefined ? "—" : unit(b)}${delta}`;
}

function limitText(n: number | undefined): string {
  return n === undefined ? "no limit" : String(n);
}

function hostsText(s: BaseState | undefined): string | undefined {
  if (!s) return undefined;
  if (s.template) return "n/a (full copies)";
  return `${s.hosts ?? "unknown"} / ${limitText(s.hostLimit)}`;
}

function storageText(s: BaseState | undefined): string | undefined {
  if (!s) return undefined;
  return s.storageGb === undefined ? "unknown (no diskGb)" : gb(s.storageGb);
}

/** Names, runs of 3 or more consecutive numbers shortened: `web-01 … web-24`. */
export function nameList(names: readonly string[]): string {
  const sorted = [...names].sort(compareNames);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const m = /^(.*?)(\d+)$/.exec(sorted[i]);
    let j = i;
    if (m) {
      while (j + 1 < sorted.length) {
        const n = /^(.*?)(\d+)$/.exec(sorted[j + 1]);
        const prev = /^(.*?)(\d+)$/.exec(sorted[j])!;
        if (!n || n[1] !== m[1] || n[2].length !== m[2].length || Number(n[2]) !== Number(prev[2]) + 1) break;
        j++;
      }
    }
    if (j - i >= 2) out.push(`${sorted[i]} … ${sorted[j]}`);
    else for (let k = i; k <= j; k++) out.push(sorted[k]);
    i = j + 1;
  }
  return out.join(", ");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function problemList(problems: readonly Problem[]): string[] {
  return problems.map((p) => `- ${code(formatProblem(p))}`);
}

/** The review as Markdown for a pull-request comment. Pure: the same review gives the same text. */
export function renderReview(review: Review): string {
  const { before, after } = review;
  const out: string[] = [`## Linked-clone review: ${before.label} → ${after.label}`, ""];
  const beforeBroken = !!before.problems?.length || !before.model;
  const afterBroken = !!after.problems?.length || !after.model;
  if (beforeBroken || afterBroken) {
    if (afterBroken) {
      const n = after.problems?.length ?? 0;
      out.push(
        `> [!CAUTION]`,
        `> **The environment files in ${after.label} have ${plural(n, "config error")}**: synth fails ` +
          `and nothing can be deployed until they are fixed.`,
        "",
        ...problemList(after.problems ?? []),
        "",
      );
    }
    if (beforeBroken) {
      const n = before.problems?.length ?? 0;
      out.push(
        `> [!NOTE]`,
        `> **The environment files at ${before.label} have ${plural(n, "config error")}** when read with the ` +
          `current code, so there is nothing to compare against${afterBroken ? "" : "; this change fixes them"}.`,
        "",
        ...problemList(before.problems ?? []),
        "",
      );
    }
    out.push("No comparison: it needs both sides to load.", "");
    for (const side of [before, after]) {
      if (side.model) out.push(...sideOverview(side), "");
    }
    return out.join("\n").replace(/\n+$/, "") + "\n";
  }
  out.push(summary(review), "");
  const envs = review.environments;
  if (envs.length) {
    out.push(
      "| environment | clones | groups | storage, worst case | errors | warnings |",
      "|---|---|---|---|---|---|",
      ...envs.map((e) => {
        const name = e.status === "added" || e.status === "removed" ? `${e.name} (${e.status})` : e.name;
        return `| ${cell(name)} | ${numberChange(e.before?.clones, e.after?.clones)} | ${numberChange(
          e.before?.groups,
          e.after?.groups,
        )} | ${envStorage(e.before, e.after)} | ${numberChange(
          e.before?.errors,
          e.after?.errors,
        )} | ${numberChange(e.before?.warnings, e.after?.warnings)} |`;
      }),
      "",
    );
  }
  for (const e of envs.filter((x) => x.status !== "unchanged")) out.push(...environmentSection(e));
  const unchanged = envs.filter((x) => x.status === "unchanged").map((x) => code(x.name));
  if (unchanged.length) out.push(`Unchanged: ${unchanged.join(", ")}.`, "");
  out.push(
    "<sub>Both sides built with the current code. Storage: clones' delta disks at their worst case " +
      "(100% of the base's diskGb; full copies for template bases). Findings compared by severity, rule and " +
      "message. Replacements follow the clones' triggers: generations, base snapshot, source VM, rollout waves, disk mode, " +
      "datastore, customization and static address.</sub>",
    "",
  );
  return out.join("\n").replace(/\n+$/, "") + "\n";
}

/** An environment's worst-case storage before → after; "+ unknown" for bases without diskGb. */
function envStorage(x: EnvironmentTotals | undefined, y: EnvironmentTotals | undefined): string {
  if (!x?.storageUnknown.length && !y?.storageUnknown.length) return numberChange(x?.storageGb, y?.storageGb, gb);
  const text = (t: EnvironmentTotals | undefined) =>
    t === undefined ? undefined : `${gb(t.storageGb)}${t.storageUnknown.length ? " + unknown" : ""}`;
  return change(text(x), text(y));
}

/** One side alone, for when the other has config errors. */
function sideOverview(side: ReviewSide): string[] {
  const model = side.model ?? EMPTY;
  const index = new SideIndex(model, side.findings ?? []);
  const out = [
    `Environments in ${side.label}:`,
    "",
    "| environment | clones | groups | storage, worst case | errors | warnings |",
    "|---|---|---|---|---|---|",
  ];
  for (const name of [...index.stacks.keys()].sort(cmp)) {
    const rows = [...index.baseClones(name).entries()].map(([base, x]) => ({
      env: name,
      base,
      after: index.baseState(x.base, x.clones),
    }));
    const t = index.totals(name, rows, "after");
    out.push(
      `| ${cell(name)} | ${t.clones} | ${t.groups} | ${gb(t.storageGb)}${t.storageUnknown.length ? " + unknown" : ""} | ${t.errors} | ${t.warnings} |`,
    );
  }
  return out;
}

function environmentSection(e: EnvironmentReview): string[] {
  const title =
    e.status === "added"
      ? `### ${code(e.name)} (new environment)`
      : e.status === "removed"
        ? `### ${code(e.name)} (environment removed)`
        : `### ${code(e.name)}`;
  const out = [title, ""];
  if (e.status === "removed") {
    out.push(
      `Its file is gone, but deploying destroys nothing: its ${plural(e.before?.clones ?? 0, "clone")} and its ` +
        `state stay until \`cdktf destroy ${e.name}\` (run it before removing the file). They no longer count ` +
        "on any chain in this report.",
      "",
    );
  }
  if (e.bases.length) {
    out.push(
      "#### Bases (disk chains)",
      "",
      "| base | source | clones here | clones on the chain | clone limit | hosts / limit | storage, worst case |",
      "|---|---|---|---|---|---|---|",
    );
    for (const r of e.bases) {
      const x = r.before;
      const y = r.after;
      out.push(
        `| ${cell(r.base)} | ${cell(change(x?.source, y?.source))} | ${numberChange(x?.clones ?? 0, y?.clones ?? 0)} | ` +
          `${chainCell(x, y)} | ${change(cloneLimitText(x), cloneLimitText(y))} | ${change(hostsText(x), hostsText(y))} | ` +
          `${storageCell(x, y)} |`,
      );
    }
    out.push("");
  }
  const groupLines: string[] = [];
  if (e.groupsAdded.length) groupLines.push(`- Added: ${e.groupsAdded.map(code).join(", ")}`);
  if (e.groupsRemoved.length) {
    groupLines.push(`- Removed: ${e.groupsRemoved.map(code).join(", ")} (their clones are destroyed)`);
  }
  for (const r of e.rollouts) {
    const what =
      r.kind === "started"
        ? `rollout started from ${code(r.from)} to ${code(r.to)}: ${r.movedAfter} of ${r.total} moved`
        : r.kind === "finished"
          ? `rollout from ${code(r.from)} to ${code(r.to)} finished (removed): ${r.movedBefore} → ${r.movedAfter} of ${r.total} moved`
          : `rollout from ${code(r.from)} to ${code(r.to)}: ${r.movedBefore} → ${r.movedAfter} of ${r.total} moved`;
    groupLines.push(`- ${code(r.group)}: ${what}`);
  }
  if (groupLines.length) out.push("#### Groups", "", ...groupLines, "");
  const rows = memberRows(e);
  if (rows.length) {
    out.push(
      "#### Clones",
      "",
      `${e.created.length} created, ${e.destroyed.length} destroyed, ${e.replaced.length} replaced.`,
      "",
      "| change | group | clones | why |",
      "|---|---|---|---|",
      ...rows,
      "",
    );
  }
  out.push(...movedBackWarning(e));
  if (e.findingsAdded.length || e.findingsFixed.length) {
    out.push("#### Findings", "");
    if (e.findingsAdded.length) out.push("New:", "", ...e.findingsAdded.map(findingLine), "");
    if (e.findingsFixed.length) out.push("Fixed (gone):", "", ...e.findingsFixed.map(findingLine), "");
  }
  return out;
}

/**
 * A rollout's waves are its first `moved` members by member number, so adding or removing a
 * member numbered before them shifts the waves: members already moved go back to the old base.
 * That is rarely meant; say so, with the `moved` that keeps them where they are.
 */
function movedBackWarning(e: EnvironmentReview): string[] {
  const byGroup = new Map<string, string[]>();
  for (const c of e.replaced) {
    if (!c.reasons.some((r) => r.kind === "rollout-back")) continue;
    byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c.member]);
  }
  const lines: string[] = [];
  for (const [group, names] of [...byGroup.entries()].sort(([x], [y]) => cmp(x, y))) {
    const them = names.length === 1 ? "it" : "them";
    lines.push(
      `> [!WARNING]`,
      `> In ${code(group)}, ${nameList(names)} ${names.length === 1 ? "goes" : "go"} back to the old base and ` +
        `${names.length === 1 ? "is" : "are"} replaced: a rollout moves its first \`moved\` members by member number, ` +
        `so a member added or removed before them shifts the waves; raise \`rollout.moved\` by ${names.length} to keep ${them} ` +
        "on the new base, or add and remove members only before or after a rollout.",
      "",
    );
  }
  return lines;
}

function chainCell(x: BaseState | undefined, y: BaseState | undefined): string {
  const text = (s: BaseState | undefined) => (s === undefined ? undefined : s.template ? "full copies" : s.chainClones);
  const a = text(x);
  const b = text(y);
  if (typeof a !== "string" && typeof b !== "string") return numberChange(a, b);
  return change(a === undefined ? undefined : String(a), b === undefined ? undefined : String(b));
}

function cloneLimitText(s: BaseState | undefined): string | undefined {
  return s === undefined ? undefined : s.template ? "n/a" : limitText(s.cloneLimit);
}

/** Worst-case storage before → after; a side without clones of the base counts 0 GB. */
function storageCell(x: BaseState | undefined, y: BaseState | undefined): string {
  const known = (s: BaseState | undefined) => s === undefined || s.storageGb !== undefined;
  if (known(x) && known(y)) return numberChange(x?.storageGb ?? 0, y?.storageGb ?? 0, gb);
  return cell(change(storageText(x), storageText(y)));
}

/** Member changes, one row per change, group and reason, with the names shortened. */
function memberRows(e: EnvironmentReview): string[] {
  const rows: string[] = [];
  const emit = (kind: string, list: readonly MemberChange[], why: (c: MemberChange) => string) => {
    const byKey = new Map<string, { group: string; why: string; names: string[] }>();
    for (const c of list) {
      const w = why(c);
      const key = `${c.group}\u0000${w}`;
      const entry = byKey.get(key) ?? { group: c.group, why: w, names: [] };
      entry.names.push(c.member);
      byKey.set(key, entry);
    }
    for (const r of [...byKey.values()].sort((p, q) => cmp(p.group, q.group) || cmp(p.why, q.why))) {
      rows.push(
        `| ${kind} | ${cell(r.group)} | ${cell(nameList(r.names))}${r.names.length > 2 ? ` (${r.names.length})` : ""} | ${cell(r.why)} |`,
      );
    }
  };
  emit("replaced", e.replaced, (c) => c.reasons.map((r) => r.text).join("; "));
  emit("created", e.created, (c) => c.note ?? "");
  emit("destroyed", e.destroyed, (c) => c.note ?? "");
  return rows;
}

function findingLine(f: FindingChange): string {
  const where = f.location ? ` (${f.location.file}:${f.location.line})` : "";
  const suppressed = f.suppressionReason !== undefined ? ` _(suppressed: ${f.suppressionReason})_` : "";
  return `- **${f.severity}** ${f.message}${where}${suppressed}`;
}

const REASON_WORDS: Record<ReplaceReason["kind"], string> = {
  generation: "a raised group generation",
  "member-generation": "a raised member generation",
  rollout: "a rollout wave",
  "rollout-back": "a rollout wave moving back",
  base: "a changed base",
  "source-vm": "a changed source VM",
  snapshot: "a new base snapshot",
  customization: "changed guest customization",
  disks: "a new disk mode or datastore",
  address: "a changed address",
};

/** The opening paragraph: what the change does, in a few sentences. */
export function summary(review: Review): string {
  const envs = review.environments;
  const both = envs.filter((e) => e.status === "changed" || e.status === "unchanged");
  const sentences: string[] = [];
  const clauses: string[] = [];
  for (const e of both) {
    for (const r of e.bases) {
      const a = r.before?.clones ?? 0;
      const b = r.after?.clones ?? 0;
      if (a === b) continue;
      const where = `base ${code(r.base)} of ${code(e.name)}`;
      const what =
        b > a ? `adds ${plural(b - a, "clone")} to ${where}` : `removes ${plural(a - b, "clone")} from ${where}`;
      clauses.push(`${what}${chainPhrase(r)}`);
    }
  }
  if (clauses.length) sentences.push(`This change ${joinClauses(clauses)}.`);
  const created = envs.reduce((n, e) => n + e.created.length, 0);
  const destroyed = envs.reduce((n, e) => n + e.destroyed.length, 0);
  const replacedAll = envs.flatMap((e) => e.replaced);
  if (created + destroyed + replacedAll.length) {
    const byKind = new Map<string, number>();
    for (const m of replacedAll) {
      const word = REASON_WORDS[m.reasons[0].kind];
      byKind.set(word, (byKind.get(word) ?? 0) + 1);
    }
    const kinds = [...byKind.entries()]
      .sort(([x, n], [y, k]) => k - n || cmp(x, y))
      .map(([w, n]) => `${n} for ${w}`)
      .join(", ");
    const parts = [
      ...(created ? [`creates ${plural(created, "clone")}`] : []),
      ...(destroyed ? [`destroys ${plural(destroyed, "clone")}`] : []),
      ...(replacedAll.length ? [`replaces ${plural(replacedAll.length, "clone")} (${kinds})`] : []),
    ];
    sentences.push(`Deploying it ${joinClauses(parts, ", ")}.`);
  }
  for (const e of envs.filter((x) => x.status === "added")) {
    sentences.push(
      `It adds the environment ${code(e.name)} (${plural(e.after?.clones ?? 0, "clone")} in ${plural(e.after?.groups ?? 0, "group")}).`,
    );
  }
  for (const e of envs.filter((x) => x.status === "removed")) {
    sentences.push(
      `It removes the environment ${code(e.name)}, whose ${plural(e.before?.clones ?? 0, "clone")} stay deployed until \`cdktf destroy ${e.name}\`.`,
    );
  }
  // Storage over the environments that exist now (a removed environment's clones stay until destroyed),
  // base by base; a base without diskGb on either side is left out.
  let storageDelta = 0;
  const unknown: string[] = [];
  for (const e of envs.filter((x) => x.status !== "removed")) {
    for (const r of e.bases) {
      const x = r.before ? r.before.storageGb : 0;
      const y = r.after ? r.after.storageGb : 0;
      if (x !== undefined && y !== undefined) storageDelta += y - x;
      else if ((r.before?.clones ?? 0) !== (r.after?.clones ?? 0)) unknown.push(code(`${e.name}/${r.base}`));
    }
  }
  const without = unknown.length ? `${unknown.join(", ")} (no diskGb)` : "";
  if (storageDelta !== 0) {
    sentences.push(`Storage (worst case) ${signedGb(storageDelta)}${without ? `, not counting ${without}` : ""}.`);
  } else if (without) {
    sentences.push(`Storage (worst case) not estimated for ${without}.`);
  }
  const findings = findingPhrase(envs);
  if (findings) sentences.push(findings);
  if (!sentences.length) {
    return "No change to clones, chains, storage or findings in any environment.";
  }
  return sentences.join(" ");
}

function chainPhrase(r: BaseChange): string {
  const x = r.before;
  const y = r.after;
  const s = y ?? x!;
  if (s.template) return " (full copies, no chain)";
  const hosts = (t: BaseState | undefined) =>
    t === undefined || (t.chainClones ?? 0) === 0
      ? undefined
      : t.hosts === "unknown" || t.hosts === undefined
        ? `hosts that are unknown (limit ${limitText(t.hostLimit)})`
        : `${t.hosts} of ${limitText(t.hostLimit)} hosts`;
  const hx = hosts(x);
  const hy = hosts(y);
  const cx = x?.chainClones ?? 0;
  const cy = y?.chainClones ?? 0;
  if (x && y && x.source !== y.source) {
    return ` (its chain moves from ${x.source} to ${y.source}: ${cx} → ${cy} clones${hy ? ` on ${hy}` : ""})`;
  }
  if (hx === hy || hx === undefined) return ` (its chain goes from ${cx} to ${cy} clones${hy ? ` on ${hy}` : ""})`;
  if (hy === undefined) return ` (its chain goes from ${cx} clones on ${hx} to ${cy})`;
  return ` (its chain goes from ${cx} clones on ${hx} to ${cy} clones on ${hy})`;
}

function joinClauses(list: readonly string[], separator = "; "): string {
  if (list.length <= 1) return list.join("");
  return `${list.slice(0, -1).join(separator)} and ${list[list.length - 1]}`;
}

/** "1 new warning, 1 error fixed", counting a finding shared by several environments once. */
function findingPhrase(envs: readonly EnvironmentReview[]): string {
  const distinct = (list: FindingChange[]) => {
    const seen = new Map<string, FindingChange>();
    for (const f of list) seen.set(`${f.severity}\u0000${f.rule}\u0000${f.message}`, f);
    return [...seen.values()];
  };
  const added = distinct(envs.filter((e) => e.status !== "removed").flatMap((e) => [...e.findingsAdded]));
  const fixed = distinct(envs.filter((e) => e.status !== "removed").flatMap((e) => [...e.findingsFixed]));
  const parts: string[] = [];
  const count = (list: FindingChange[], sev: string) => list.filter((f) => f.severity === sev).length;
  for (const [sev, one, many] of [
    ["error", "error", "errors"],
    ["warning", "warning", "warnings"],
  ] as const) {
    const n = count(added, sev);
    if (n) parts.push(`${n} new ${n === 1 ? one : many}`);
  }
  for (const [sev, one, many] of [
    ["error", "error", "errors"],
    ["warning", "warning", "warnings"],
  ] as const) {
    const n = count(fixed, sev);
    if (n) parts.push(`${n} ${n === 1 ? one : many} fixed`);
  }
  const info = count(added, "info");
  if (info) parts.push(`${info} newly suppressed`);
  if (!parts.length) return "";
  const text = parts.join(", ");
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}
