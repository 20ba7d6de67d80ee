import type { AppModel, BaseModel, GroupModel, Severity } from "../model/types";

/** What a rule reports, before suppressions and strict mode are applied. */
export interface RawFinding {
  readonly rule: string;
  readonly severity: Severity;
  /** Stack the finding belongs to (its synth fails on an error). */
  readonly stack: string;
  /** Construct path the finding is attached to. */
  readonly path: string;
  /** Full message, starting with `[rule-id]`. */
  readonly message: string;
  /** Groups whose suppressions may silence the finding (all of them must). */
  readonly groups: readonly GroupModel[];
  /** Bases whose suppressions may silence a finding about bases (all of them must). */
  readonly bases?: readonly BaseModel[];
  /**
   * The field of the group or base at `path` the finding is about (e.g. `count`, `members[2].ipv4`,
   * `snapshot`), so that a finding can point at a line of an environment file.
   */
  readonly field?: string;
  /**
   * Set when the finding is something vSphere or the provider refuses outright, so that a deploy
   * would fail whatever the file says: why. Suppressions do not apply to such a finding.
   */
  readonly unsuppressible?: string;
}

/** The stable id of a rule; messages start with it in brackets. */
export type RuleId =
  | "chain-size"
  | "chain-hosts"
  | "clone-density"
  | "ha-cluster"
  | "vm-name"
  | "hostname"
  | "ip-pool"
  | "storage-drs"
  | "snapshot-source"
  | "storage-estimate";

export interface Rule {
  /** Stable id; messages start with it in brackets. */
  readonly id: RuleId;
  /** Default severity; "by version" where the platform picks it. */
  readonly defaultSeverity: Severity | "by version";
  /** One line: what the rule checks. */
  readonly info: string;
  /** Why it matters and what to do. */
  readonly explanation: string;
  /** Where the limit comes from. */
  readonly source: string;
  check(model: AppModel): RawFinding[];
}

/** `[rule-id] <subject>: <what is wrong>, <actual> vs <limit>; <how to fix>`: every finding has all four. */
export function formatMessage(
  rule: string,
  subject: string,
  what: string,
  fix: string,
  actualVsLimit: { actual: string | number; limit: string | number },
): string {
  return `[${rule}] ${subject}: ${what}, ${actualVsLimit.actual} vs ${actualVsLimit.limit}; ${fix}`;
}

/** Lists at most `max` items (each quoted, or as `show` gives it), then says how many more. */
export function listSome(items: readonly string[], max = 5, show: (item: string) => string = (i) => `'${i}'`): string {
  const shown = items.slice(0, max).map(show).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
