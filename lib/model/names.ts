/** Member names: patterns with a number placeholder, and numbers read back from names. */

const PLACEHOLDER = /\{(n{1,})\}/;

export function hasPlaceholder(pattern: string): boolean {
  return PLACEHOLDER.test(pattern);
}

/** `web-{nn}` with 3 gives `web-03`; `{n}` is unpadded, `{nnn}` pads to three digits. */
export function expandPattern(pattern: string, n: number): string {
  return pattern.replace(PLACEHOLDER, (_m, ns: string) => String(n).padStart(ns.length, "0"));
}

/** A suggested pattern for one without a placeholder: `web-` and `web` both give `web-{nn}`. */
export function patternHint(pattern: string, groupName: string): string {
  const stem = pattern.replace(/\{[^}]*\}/g, "").replace(/[-_.]+$/, "");
  const sep = /[-_.]$/.exec(pattern.replace(/\{[^}]*\}/g, ""))?.[0] ?? "-";
  return `${stem || groupName}${sep}{nn}`;
}

/** Group names: lower-case letters, digits and inner '-'; they name Terraform resources and DRS objects. */
export const GROUP_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function isGroupName(name: string): boolean {
  return GROUP_NAME.test(name);
}

export function groupNameProblem(name: string): string | undefined {
  return isGroupName(name)
    ? undefined
    : `group name '${name}' may hold only lower-case letters, digits and inner '-' (e.g. web-tier); rename the group`;
}

export function defaultPattern(groupName: string): string {
  return `${groupName}-{nn}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The number a name carries: by the pattern when it matches, else the digits
 * that end the name. Undefined when the name has no number.
 */
export function numberOfName(name: string, pattern?: string): number | undefined {
  if (pattern && hasPlaceholder(pattern)) {
    const [before, after] = pattern.split(PLACEHOLDER.exec(pattern)![0]);
    const m = new RegExp(`^${escapeRegExp(before)}(\\d+)${escapeRegExp(after)}$`).exec(name);
    if (m) return Number.parseInt(m[1], 10);
  }
  const tail = /(\d+)$/.exec(name);
  return tail ? Number.parseInt(tail[1], 10) : undefined;
}

/** Members of a group from `count` + pattern: 1..count. */
export function namesFromCount(pattern: string, count: number): string[] {
  const names: string[] = [];
  for (let n = 1; n <= count; n++) names.push(expandPattern(pattern, n));
  return names;
}

/** Names that occur more than once, in first-seen order. */
export function duplicates(names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}
