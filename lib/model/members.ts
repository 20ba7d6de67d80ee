import {
  formatIpv4,
  ipv4Problem,
  ipv4RangeProblem,
  nthAddress,
  parseIpv4Range,
  rangeSize,
  specialAddressProblem,
} from "./ipv4";
import { defaultPattern, duplicates, hasPlaceholder, namesFromCount, numberOfName, patternHint } from "./names";
import type { MemberModel } from "./types";

/**
 * The largest generation: any whole number up to 2^53 - 1 (a date stamp such as 20261127 is fine);
 * past it a number is not even read exactly.
 */
export const MAX_GENERATION = Number.MAX_SAFE_INTEGER;

/** A member given by name, optionally with its own address and generation. */
export interface MemberSpec {
  readonly name: string;
  /** The member's own static address; the default is the address of its number in the group's range. */
  readonly ipv4?: string;
  /**
   * The member's own generation: raising it replaces (refreshes) this member only.
   * @default 0
   */
  readonly generation?: number;
}

export interface MemberPlanInput {
  readonly group: string;
  readonly count?: number;
  readonly namePattern?: string;
  readonly members?: readonly (string | MemberSpec)[];
  /** Static range `a.b.c.d-a.b.c.e`, when addresses are static. */
  readonly range?: string;
  /** The group's base (the new base during a rollout). */
  readonly base: string;
  /** During a rollout: the old base, and how many members (by member number) use the new one. */
  readonly rollout?: { readonly from: string; readonly moved: number };
}

/** A literal mistake in a group's members, with the field (relative to the group) it concerns. */
export interface PlanProblem {
  /** Field path relative to the group: count, members, members[2].ipv4, namePattern, customization.ipv4.range. */
  readonly field: string;
  readonly message: string;
}

export interface MemberPlan {
  readonly members: MemberModel[];
  readonly problems: PlanProblem[];
}

/** Upper bound on clones per group: far above any platform limit, low enough to stop typos. */
export const MAX_GROUP_COUNT = 10000;

/**
 * The order in which a rollout moves members: by member number, then by name for members
 * whose name carries no number.
 */
export function rolloutOrder<T extends { name: string; number?: number }>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => {
    const na = a.number ?? Number.POSITIVE_INFINITY;
    const nb = b.number ?? Number.POSITIVE_INFINITY;
    if (na !== nb) return na - nb;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function isWholeNumber(n: unknown, min: number, max = Number.MAX_SAFE_INTEGER): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
}

/**
 * Members of a group, each with its number, address, base and generation derived from its
 * name and its own fields alone: adding, removing or reordering members never changes another
 * member.
 */
export function planMembers(input: MemberPlanInput): MemberPlan {
  const problems: PlanProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const g = input.group;
  const pattern = input.namePattern ?? defaultPattern(g);
  if (input.namePattern !== undefined && !hasPlaceholder(input.namePattern)) {
    add(
      "namePattern",
      `namePattern '${input.namePattern}' has no number placeholder; add {n}, {nn} or {nnn}, e.g. '${patternHint(input.namePattern, g)}'`,
    );
  }
  const hasCount = input.count !== undefined;
  const hasMembers = input.members !== undefined;
  if (hasCount && hasMembers) {
    add("count", `count (${input.count}) and members are both given; use one of them`);
  } else if (!hasCount && !hasMembers) {
    add("count", `neither count nor members is given; set count (with namePattern) or list members`);
  }
  if (hasCount && !isWholeNumber(input.count, 1, MAX_GROUP_COUNT)) {
    add("count", `count ${input.count} is out of range; use a whole number from 1 to ${MAX_GROUP_COUNT}`);
  }
  if (hasMembers && input.members!.length === 0) {
    add("members", `members is empty; list at least one VM name, or use count`);
  }
  const rangeProblem = input.range === undefined ? undefined : ipv4RangeProblem(input.range);
  if (rangeProblem) add("customization.ipv4.range", `IPv4 range: ${rangeProblem}`);
  if (problems.length) return { members: [], problems };
  const range = input.range === undefined ? undefined : parseIpv4Range(input.range);

  const specs: MemberSpec[] = hasCount
    ? namesFromCount(pattern, input.count!).map((name) => ({ name }))
    : input.members!.map((m) => (typeof m === "string" ? { name: m } : m));
  const dup = duplicates(specs.map((s) => s.name));
  if (dup.length) {
    add(
      "members",
      `member name ${dup.map((d) => `'${d}'`).join(", ")} is listed more than once; VM names must be unique`,
    );
  }
  specs.forEach((s, i) => {
    if (s.name.trim() === "" || s.name !== s.name.trim()) {
      add(
        `members[${i}]`,
        `member name '${s.name}' is empty or has surrounding spaces; write the VM name without them`,
      );
    }
    const addressProblem = s.ipv4 === undefined ? undefined : ipv4Problem(s.ipv4);
    if (addressProblem) {
      add(`members[${i}].ipv4`, `member '${s.name}' has ipv4 '${s.ipv4}': ${addressProblem}; write it as a.b.c.d`);
    } else if (s.ipv4 !== undefined && specialAddressProblem(s.ipv4)) {
      add(
        `members[${i}].ipv4`,
        `member '${s.name}' has ipv4 ${s.ipv4}, which ${specialAddressProblem(s.ipv4)}; give it a host address of the group's network`,
      );
    }
    if (s.generation !== undefined && !isWholeNumber(s.generation, 0, MAX_GENERATION)) {
      add(
        `members[${i}].generation`,
        `member '${s.name}' has generation ${s.generation}; use a whole number from 0 to ${MAX_GENERATION} (raise it by 1 to refresh the member)`,
      );
    }
  });
  const numbered = specs.map((s, i) => ({
    spec: s,
    index: i,
    name: s.name,
    number: hasCount ? i + 1 : numberOfName(s.name, input.namePattern ?? pattern),
  }));
  // Which members use the new base during a rollout: the first `moved` by member number.
  const rollout = input.rollout;
  const moved = new Set<string>();
  if (rollout) {
    if (!isWholeNumber(rollout.moved, 0)) {
      add(
        "rollout.moved",
        `rollout.moved is ${rollout.moved}; use a whole number from 0 to the group's ${specs.length} members`,
      );
    } else if (rollout.moved > specs.length) {
      add(
        "rollout.moved",
        `rollout.moved is ${rollout.moved} but the group has ${specs.length} members; the rollout is complete at ${specs.length}: set moved to ${specs.length}, deploy, then delete rollout`,
      );
    } else {
      for (const m of rolloutOrder(numbered).slice(0, rollout.moved)) moved.add(m.name);
    }
  }
  const members = numbered.map(({ spec: s, number }): MemberModel => {
    const ipv4 = s.ipv4 ?? (range && number !== undefined ? nthAddress(range, number) : undefined);
    return {
      name: s.name,
      hostname: s.name,
      ...(number !== undefined ? { number } : {}),
      ...(ipv4 !== undefined ? { ipv4 } : {}),
      base: rollout && !moved.has(s.name) ? rollout.from : input.base,
      generation: s.generation ?? 0,
    };
  });
  if (range) {
    const size = rangeSize(range);
    const short = members.filter((m) => m.ipv4 === undefined);
    if (short.length) {
      const needed = Math.max(members.length, ...short.map((m) => m.number ?? 0));
      const noNumber = short.filter((m) => m.number === undefined);
      for (const m of noNumber) {
        add(
          `members[${members.indexOf(m)}]`,
          `member '${m.name}' has no number in its name to pick an address from range ${input.range}; give it ipv4, or a name ending in a number`,
        );
      }
      // Addresses go by member number: member n gets the range's nth address.
      const zero = short.filter((m) => m.number === 0);
      for (const m of zero) {
        add(
          `members[${members.indexOf(m)}]`,
          `member '${m.name}' has number 0, but member numbers pick addresses from 1 (the first address of range ${input.range}); rename it to start at 1, or give it ipv4`,
        );
      }
      const past = short.filter((m) => m.number !== undefined && m.number > 0);
      if (past.length) {
        const wider = `${formatIpv4(range.first)}-${formatIpv4(range.first + needed - 1)}`;
        const widen = `widen the range at its end (${wider}; moving its start would re-address every member)`;
        add(
          "customization.ipv4.range",
          hasCount
            ? `IPv4 range ${input.range} has ${size} addresses but count ${members.length} needs ${needed}; ${widen}, or lower count`
            : `IPv4 range ${input.range} has ${size} addresses, too few for ${past
                .map((m) => `'${m.name}' (number ${m.number})`)
                .join(
                  ", ",
                )}: member n gets the range's nth address; ${widen}, or give ${past.length === 1 ? "it" : "them"} ipv4`,
        );
      }
    }
  }
  return { members, problems };
}
