import { isIpv4, nthAddress, parseIpv4Range, rangeSize } from "./ipv4";
import { defaultPattern, duplicates, hasPlaceholder, namesFromCount, numberOfName } from "./names";
import type { MemberModel } from "./types";

/** A member given by name, optionally with its own address. */
export interface MemberSpec {
  readonly name: string;
  readonly ipv4?: string;
}

export interface MemberPlanInput {
  readonly group: string;
  readonly count?: number;
  readonly namePattern?: string;
  readonly members?: readonly (string | MemberSpec)[];
  /** Static range `a.b.c.d-a.b.c.e`, when addresses are static. */
  readonly range?: string;
  /** Hosts to spread members over, when confined. */
  readonly hosts?: readonly string[];
}

/** A literal mistake in a group's members, with the prop it concerns. */
export interface PlanProblem {
  /** Prop (or field) name: count, members, namePattern, customization.ipv4.range. */
  readonly prop: string;
  /** Index in members, when the problem is one member's. */
  readonly index?: number;
  readonly message: string;
}

export interface MemberPlan {
  readonly members: MemberModel[];
  readonly problems: PlanProblem[];
}

/** Upper bound on clones per group: far above any platform limit, low enough to stop typos. */
export const MAX_GROUP_COUNT = 10000;

/** Stable small hash (FNV-1a) for spreading named members over hosts. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Members of a group, each with its number, address and host derived from its name
 * alone: adding, removing or reordering members never changes another member.
 */
export function planMembers(input: MemberPlanInput): MemberPlan {
  const problems: PlanProblem[] = [];
  const g = input.group;
  const pattern = input.namePattern ?? defaultPattern(g);
  if (input.namePattern !== undefined && !hasPlaceholder(input.namePattern)) {
    problems.push({
      prop: "namePattern",
      message: `namePattern '${input.namePattern}' has no number placeholder; add {n}, {nn} or {nnn}, e.g. '${input.namePattern.replace(/\{[^}]*\}/g, "") || g}-{nn}'`,
    });
  }
  const hasCount = input.count !== undefined;
  const hasMembers = input.members !== undefined;
  if (hasCount && hasMembers) {
    problems.push({ prop: "count", message: `count (${input.count}) and members are both given; use one of them` });
  } else if (!hasCount && !hasMembers) {
    problems.push({
      prop: "count",
      message: `neither count nor members is given; set count (with namePattern) or list members`,
    });
  }
  if (hasCount && (!Number.isInteger(input.count) || input.count! < 1 || input.count! > MAX_GROUP_COUNT)) {
    problems.push({
      prop: "count",
      message: `count ${input.count} is out of range; use a whole number from 1 to ${MAX_GROUP_COUNT}`,
    });
  }
  if (hasMembers && input.members!.length === 0) {
    problems.push({ prop: "members", message: `members is empty; list at least one VM name, or use count` });
  }
  const range = input.range === undefined ? undefined : parseIpv4Range(input.range);
  if (input.range !== undefined && range === undefined) {
    problems.push({
      prop: "customization.ipv4.range",
      message: `IPv4 range '${input.range}' is malformed; write it as first-last, e.g. 10.0.10.10-10.0.10.50, with first <= last`,
    });
  }
  if (problems.length) return { members: [], problems };

  const specs: MemberSpec[] = hasCount
    ? namesFromCount(pattern, input.count!).map((name) => ({ name }))
    : input.members!.map((m) => (typeof m === "string" ? { name: m } : m));
  const dup = duplicates(specs.map((s) => s.name));
  if (dup.length) {
    problems.push({
      prop: "members",
      message: `member name ${dup.map((d) => `'${d}'`).join(", ")} is listed more than once; VM names must be unique`,
    });
  }
  for (const s of specs) {
    if (s.name.trim() === "" || s.name !== s.name.trim()) {
      problems.push({
        prop: "members",
        message: `member name '${s.name}' is empty or has surrounding spaces; write the VM name without them`,
      });
    }
    if (s.ipv4 !== undefined && !isIpv4(s.ipv4)) {
      problems.push({
        prop: "members",
        message: `member '${s.name}' has ipv4 '${s.ipv4}', which is not an IPv4 address; write it as a.b.c.d`,
      });
    }
  }
  const members = specs.map((s): MemberModel => {
    const number = hasCount ? specs.indexOf(s) + 1 : numberOfName(s.name, input.namePattern ?? pattern);
    const ipv4 = s.ipv4 ?? (range && number !== undefined ? nthAddress(range, number) : undefined);
    const hosts = input.hosts;
    const host =
      hosts && hosts.length ? hosts[(number !== undefined ? number - 1 : hash(s.name)) % hosts.length] : undefined;
    return {
      name: s.name,
      hostname: s.name,
      ...(number !== undefined ? { number } : {}),
      ...(ipv4 !== undefined ? { ipv4 } : {}),
      ...(host !== undefined ? { host } : {}),
    };
  });
  if (range) {
    const size = rangeSize(range);
    const short = members.filter((m) => m.ipv4 === undefined);
    if (short.length) {
      const needed = Math.max(members.length, ...short.map((m) => m.number ?? 0));
      const noNumber = short.filter((m) => m.number === undefined);
      for (const m of noNumber) {
        problems.push({
          prop: "members",
          index: members.indexOf(m),
          message: `member '${m.name}' has no number in its name to pick an address from range ${input.range}; give it ipv4, or a name ending in a number`,
        });
      }
      if (noNumber.length < short.length) {
        problems.push({
          prop: "customization.ipv4.range",
          message: `IPv4 range ${input.range} has ${size} addresses but the group needs ${needed}; widen the range or lower count`,
        });
      }
    }
  }
  return { members, problems };
}
