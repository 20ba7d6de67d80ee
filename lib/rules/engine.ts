import type { AppModel, Severity, SourceLocation, Suppression } from "../model/types";
import type { RawFinding, Rule } from "./rule";

/** A finding after suppressions and strict mode: what is printed and written. */
export interface Finding {
  readonly rule: string;
  /** Severity in effect: a suppressed finding is "info". */
  readonly severity: Severity;
  /** Severity the rule gave, before suppression. */
  readonly ruleSeverity: Severity;
  readonly stack: string;
  readonly path: string;
  /** The field of the group or base at `path` the finding is about, when the rule says. */
  readonly field?: string;
  /** Where in an environment file the finding points, when the app knows (set by the YAML route). */
  readonly location?: SourceLocation;
  readonly message: string;
  /** Why it was suppressed, when it was. */
  readonly suppressionReason?: string;
}

export interface RunOptions {
  /** Warnings fail too (LINKED_CLONES_STRICT=1). */
  readonly strict?: boolean;
}

function suppressionFor(rule: string, list: readonly Suppression[]): Suppression | undefined {
  return list.find((s) => s.rule === rule);
}

/**
 * Runs every rule once over the whole app. A finding is suppressed when its stack
 * suppresses the rule, or when every group it concerns does; never a finding of something the
 * platform refuses outright (`unsuppressible`), which says so instead.
 */
export function runRules(model: AppModel, rules: readonly Rule[], options: RunOptions = {}): Finding[] {
  const stackSuppressions = new Map(model.stacks.map((s) => [s.name, s.suppressions]));
  const raw: RawFinding[] = rules.flatMap((r) => r.check(model));
  const findings = raw.map((f): Finding => {
    const byStack = suppressionFor(f.rule, stackSuppressions.get(f.stack) ?? []);
    const owners = f.groups.length > 0 ? f.groups : (f.bases ?? []);
    const byGroups =
      owners.length > 0 && owners.every((g) => suppressionFor(f.rule, g.suppressions))
        ? owners.map((g) => suppressionFor(f.rule, g.suppressions)!.reason)
        : undefined;
    const asked = byStack?.reason ?? (byGroups ? [...new Set(byGroups)].join("; ") : undefined);
    // What the platform refuses stays an error: a suppression would only move the failure to the deploy.
    const reason = f.unsuppressible === undefined ? asked : undefined;
    // A finding about a base is not silenced by the suppression of a group that clones it: say so there.
    const groupTried =
      asked === undefined && f.groups.length === 0 && f.bases?.length
        ? model.groups.find(
            (g) =>
              suppressionFor(f.rule, g.suppressions) &&
              f.bases!.some((b) => b.path === g.base.path || b.path === g.rollout?.from.path),
          )
        : undefined;
    const message =
      f.unsuppressible !== undefined && asked !== undefined
        ? `${f.message} (the suppression of ${f.rule} does not apply here: ${f.unsuppressible})`
        : groupTried
          ? `${f.message} (the suppression of ${f.rule} on group ${groupTried.name} does not cover its base; suppress it for the environment)`
          : f.message;
    const ruleSeverity: Severity = options.strict && f.severity === "warning" ? "error" : f.severity;
    return {
      rule: f.rule,
      severity: reason !== undefined ? "info" : ruleSeverity,
      ruleSeverity,
      stack: f.stack,
      path: f.path,
      ...(f.field !== undefined ? { field: f.field } : {}),
      message,
      ...(reason !== undefined ? { suppressionReason: reason } : {}),
    };
  });
  return findings.sort(compareFindings);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.stack, b.stack) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    cmp(a.path, b.path) ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How a finding is printed: `file:line:column: severity: message` (the position when known, as
 * compilers print it), and for a suppressed one its reason.
 */
export function printFinding(f: Finding): string {
  const suffix =
    f.suppressionReason !== undefined ? ` (${f.ruleSeverity} suppressed in ${f.stack}: ${f.suppressionReason})` : "";
  const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : "";
  return `${where}${f.severity}: ${f.message}${suffix}`;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
