/**
 * Saved Terraform plans (`terraform show -json <plan>`, same format for tofu): which
 * resources change and how, readable accounts of a plan, and exact expectations.
 */

export interface PlanChange {
  address: string;
  type: string;
  mode: string;
  actions: string[];
  before: unknown;
  after: unknown;
  replacePaths?: unknown[];
  actionReason?: string;
}

export interface PlanJson {
  resource_changes?: {
    address: string;
    type: string;
    mode: string;
    change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown; replace_paths?: unknown[] };
    action_reason?: string;
  }[];
  output_changes?: Record<string, { actions: string[] }>;
  resource_drift?: { address: string; change: { actions: string[]; before: unknown; after: unknown } }[];
}

/** Resource changes other than no-op (and data-source reads, listed separately). */
export function changesOf(plan: PlanJson): { changes: PlanChange[]; reads: string[] } {
  const changes: PlanChange[] = [];
  const reads: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.length === 1 && actions[0] === "no-op") continue;
    if (rc.mode === "data" && actions.length === 1 && actions[0] === "read") {
      reads.push(rc.address);
      continue;
    }
    changes.push({
      address: rc.address,
      type: rc.type,
      mode: rc.mode,
      actions,
      before: rc.change.before,
      after: rc.change.after,
      ...(rc.change.replace_paths ? { replacePaths: rc.change.replace_paths } : {}),
      ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    });
  }
  return { changes, reads };
}

/** Short action name: create, delete, update, replace, read. */
export function actionOf(actions: string[]): string {
  if (actions.includes("create") && actions.includes("delete")) return "replace";
  return actions.join("+");
}

/** Leaf paths where two JSON values differ, as `a.b[0].c: before -> after`. */
export function jsonDiff(before: unknown, after: unknown, at = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      out.push(...jsonDiff(before[i], after[i], `${at}[${i}]`));
    return out;
  }
  if (isObj(before) && isObj(after)) {
    const out: string[] = [];
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort())
      out.push(...jsonDiff(before[k], after[k], at ? `${at}.${k}` : k));
    return out;
  }
  const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));
  return [`${at || "(root)"}: ${show(before)} -> ${show(after)}`];
}

/** A readable account of a plan's changes: each resource, its action and the attributes that change. */
export function describeChanges(plan: PlanJson): string {
  const { changes, reads } = changesOf(plan);
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(`${c.address}: ${actionOf(c.actions)}${c.actionReason ? ` (${c.actionReason})` : ""}`);
    if (c.replacePaths?.length) lines.push(`    replace_paths: ${JSON.stringify(c.replacePaths)}`);
    if (c.actions.includes("update") || (c.actions.includes("create") && c.actions.includes("delete"))) {
      for (const d of jsonDiff(c.before, c.after)) lines.push(`    ${d}`);
    }
  }
  for (const r of reads) lines.push(`${r}: read (data source read during apply)`);
  for (const [name, oc] of Object.entries(plan.output_changes ?? {})) {
    if (!(oc.actions.length === 1 && oc.actions[0] === "no-op")) lines.push(`output.${name}: ${actionOf(oc.actions)}`);
  }
  for (const d of plan.resource_drift ?? []) {
    // Leave out what is only the provider filling in empty values (null -> {} or []).
    const diffs = jsonDiff(d.change.before, d.change.after).filter(
      (x) => !/: (null|\(absent\)) -> (\{\}|\[\])$/.test(x),
    );
    if (!diffs.length) continue;
    lines.push(`changed outside Terraform (refresh): ${d.address}: ${actionOf(d.change.actions)}`);
    for (const x of diffs) lines.push(`    ${x}`);
  }
  return lines.join("\n") || "(no changes)";
}

/** The plan's changes as address -> action. */
export function actionsByAddress(plan: PlanJson): Record<string, string> {
  const got: Record<string, string> = {};
  for (const c of changesOf(plan).changes) got[c.address] = actionOf(c.actions);
  return got;
}

/** Throws, naming every difference, unless the plan makes exactly the expected changes (address -> action). */
export function expectOnly(plan: PlanJson, expected: Record<string, string>, what: string): void {
  const got = actionsByAddress(plan);
  const missing = Object.keys(expected).filter((a) => got[a] !== expected[a]);
  const extra = Object.keys(got).filter((a) => !(a in expected));
  if (!missing.length && !extra.length) return;
  throw new Error(
    [
      `${what}: the plan should make exactly ${Object.keys(expected).length} change(s), but:`,
      ...missing.map((a) => `  expected ${a}: ${expected[a]}, got ${got[a] ?? "no change"}`),
      ...extra.map((a) => `  unexpected ${a}: ${got[a]}`),
      "details:",
      describeChanges(plan),
    ].join("\n"),
  );
}
