import type { Chain } from "../model/chains";
import { groupLabel, groupsByStack } from "../model/chains";
import type { Severity } from "../model/types";
import type { RawFinding } from "./rule";

/** Names every group of a chain, across stacks. */
export function chainSubject(chain: Chain): string {
  return chain.groups.map(groupLabel).join(", ");
}

/**
 * A chain finding is reported once in each stack that has clones on the chain,
 * attached to that stack's first group of it. Each stack's groups may suppress it.
 * `field` names the field of that group the finding points at (alternatives separated by `|`,
 * the first the group has wins).
 */
export function perStack(
  chain: Chain,
  rule: string,
  severity: Severity,
  message: string,
  field?: string,
): RawFinding[] {
  return [...groupsByStack(chain.groups).entries()].map(([stack, groups]) => ({
    rule,
    severity,
    stack,
    path: groups[0].path,
    ...(field !== undefined ? { field } : {}),
    message,
    groups,
  }));
}
