import { groupLabel, groupsByStack, vcenterKey } from "../model/chains";
import { formatIpv4, networkOf, parseIpv4, parseIpv4Range, rangeSize } from "../model/ipv4";
import type { GroupModel } from "../model/types";
import { formatMessage, listSome, type RawFinding, type Rule } from "./rule";

/**
 * `ip-pool`: a static range lies inside its prefix, holds neither the network, broadcast nor
 * gateway address, is large enough for the group, and no address is used twice: in one environment,
 * or in two environments on the same vCenter (`vsphere.server`, without case or the default port
 * :443). Two vCenters are two sites, which may well reuse the same private ranges.
 *
 * Source: RFC 950 / RFC 1122 3.2.1.3 (network and broadcast addresses are not host addresses);
 * the provider's `customize` is ForceNew (clone is ForceNew, docs/linked-clones.md),
 * so a clash found after apply costs a rebuild of the VM.
 */
/**
 * The users of one address split into the sets that clash: users in one stack, or in stacks on
 * one vCenter server, are in one set (joined transitively); other sites reuse ranges freely.
 */
function sameNetwork<T extends { group: GroupModel }>(users: readonly T[]): T[][] {
  const parent = users.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  for (let i = 0; i < users.length; i++) {
    for (let j = i + 1; j < users.length; j++) {
      const a = users[i].group;
      const b = users[j].group;
      if (a.stack === b.stack || vcenterKey(a.site.server) === vcenterKey(b.site.server)) parent[root(j)] = root(i);
    }
  }
  const sets = new Map<number, T[]>();
  for (const [i, u] of users.entries()) {
    const list = sets.get(root(i));
    if (list) list.push(u);
    else sets.set(root(i), [u]);
  }
  return [...sets.values()];
}

export const ipPool: Rule = {
  id: "ip-pool",
  defaultSeverity: "error",
  info: "Static ranges fit their prefix, avoid network/broadcast/gateway, are large enough, and never overlap on one vCenter.",
  explanation:
    "Clones get static addresses from their group's range by member number. A range outside the gateway's " +
    "network, one that includes the gateway, or two groups handing out one address all give guests that cannot " +
    "talk, found only after deploy, when fixing it replaces the VMs. Addresses are compared within an environment " +
    "and across environments on the same vCenter server; environments on different servers are other sites, " +
    "which may reuse the same private ranges.",
  source: "RFC 950, RFC 1122 3.2.1.3; provider: clone/customize is ForceNew",
  check(model) {
    const findings: RawFinding[] = [];
    const push = (
      g: GroupModel,
      field: string,
      what: string,
      fix: string,
      av: { actual: string | number; limit: string | number },
    ) =>
      findings.push({
        rule: "ip-pool",
        severity: "error",
        stack: g.stack,
        path: g.path,
        field,
        groups: [g],
        message: formatMessage("ip-pool", groupLabel(g), what, fix, av),
      });

    const users = new Map<number, { group: GroupModel; vm: string }[]>();
    for (const g of model.groups) {
      for (const m of g.members) {
        const a = m.ipv4 === undefined ? undefined : parseIpv4(m.ipv4);
        if (a === undefined) continue;
        const list = users.get(a);
        if (!list) users.set(a, [{ group: g, vm: m.name }]);
        else list.push({ group: g, vm: m.name });
      }
      const plan = g.ipv4;
      if (!plan) continue;
      // The range, prefix and gateway were checked when the group was built (lib/model/validate.ts):
      // the range lies in one network of the prefix, and the gateway is a host address of it.
      const range = parseIpv4Range(`${plan.first}-${plan.last}`);
      const gateway = parseIpv4(plan.gateway);
      if (!range || gateway === undefined) continue;
      const net = networkOf(gateway, plan.prefixLength);
      const cidr = `${formatIpv4(net.network)}/${plan.prefixLength}`;
      // A /31 (RFC 3021) or /32 has no network or broadcast address: every address is a host's.
      const reserved: [number, string][] = [
        ...(plan.prefixLength <= 30
          ? ([
              [net.network, "network"],
              [net.broadcast, "broadcast"],
            ] as [number, string][])
          : []),
        [gateway, "gateway"],
      ];
      for (const [addr, what] of reserved) {
        if (addr >= range.first && addr <= range.last) {
          push(
            g,
            "customization.ipv4.range",
            `range ${plan.first}-${plan.last} includes the ${what} address ${formatIpv4(addr)}`,
            `move the range (or fix the gateway or prefixLength) so the range leaves out ${formatIpv4(addr)}`,
            { actual: `${plan.first}-${plan.last}`, limit: `a range without ${formatIpv4(addr)}` },
          );
        }
      }
      const size = rangeSize(range);
      const past = g.members.filter((m) => m.ipv4 === undefined || (m.number !== undefined && m.number > size));
      if (past.length) {
        const needed = Math.max(g.members.length, ...past.map((m) => m.number ?? 0));
        push(
          g,
          "customization.ipv4.range",
          `range ${plan.first}-${plan.last} is too small for ${listSome(
            past.map((m) => m.name),
            3,
          )}`,
          `widen the range to at least ${needed} addresses or give those members an ipv4`,
          { actual: `${needed} addresses needed`, limit: `${size} in range` },
        );
      }
      for (const [i, m] of g.members.entries()) {
        const a = m.ipv4 === undefined ? undefined : parseIpv4(m.ipv4);
        if (a === undefined || (a >= range.first && a <= range.last)) continue; // range addresses are checked above
        if (a === gateway) {
          push(
            g,
            `members[${i}].ipv4`,
            `member '${m.name}' has the gateway's address ${m.ipv4}`,
            `give '${m.name}' another address of ${cidr}`,
            { actual: m.ipv4!, limit: `any host address of ${cidr} but the gateway` },
          );
        } else if (a <= net.network || a >= net.broadcast) {
          push(
            g,
            `members[${i}].ipv4`,
            `member '${m.name}' address ${m.ipv4} is not a host address of ${cidr}`,
            `give '${m.name}' an address inside ${cidr}`,
            { actual: m.ipv4!, limit: `${formatIpv4(net.network + 1)}-${formatIpv4(net.broadcast - 1)}` },
          );
        }
      }
    }
    // Addresses used twice (in one stack, or on one vCenter): one finding per set of groups, in each
    // of their stacks, naming the VMs.
    const clashes = new Map<string, { groups: GroupModel[]; uses: string[]; times: number }>();
    const sets = [...users.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([addr, all]) => sameNetwork(all).map((owners) => [addr, owners] as const));
    for (const [addr, owners] of sets) {
      if (owners.length < 2) continue;
      const groups = [...new Set(owners.map((o) => o.group))];
      const id = groups.map((g) => g.path).join("\u0000");
      const use = `${formatIpv4(addr)} (${owners.map((o) => `${groupLabel(o.group)} ${o.vm}`).join(", ")})`;
      const clash = clashes.get(id);
      if (clash) {
        clash.uses.push(use);
        clash.times = Math.max(clash.times, owners.length);
      } else clashes.set(id, { groups, uses: [use], times: owners.length });
    }
    for (const { groups, uses, times } of clashes.values()) {
      const subject = groups.map(groupLabel).join(", ");
      const shown = uses.slice(0, 3).join("; ") + (uses.length > 3 ? `; and ${uses.length - 3} more` : "");
      for (const [stack, own] of groupsByStack(groups)) {
        findings.push({
          rule: "ip-pool",
          severity: "error",
          stack,
          path: own[0].path,
          field: "customization.ipv4.range|members",
          groups: own,
          message: formatMessage(
            "ip-pool",
            subject,
            `address ${shown} is handed out ${times} times`,
            groups.length > 1
              ? "give the groups ranges that do not overlap, or the members another ipv4"
              : "give each member its own ipv4",
            { actual: times, limit: 1 },
          ),
        });
      }
    }
    return findings;
  },
};
