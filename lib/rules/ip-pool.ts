import { groupLabel, groupsByStack } from "../model/chains";
import { formatIpv4, networkOf, parseIpv4, parseIpv4Range, rangeSize } from "../model/ipv4";
import type { GroupModel } from "../model/types";
import { formatMessage, listSome, type RawFinding, type Rule } from "./rule";

/**
 * `ip-pool`: a static range lies inside its prefix, holds neither the network, broadcast nor
 * gateway address, is large enough for the group, and no address is used twice across the app.
 *
 * Source: RFC 950 / RFC 1122 3.2.1.3 (network and broadcast addresses are not host addresses);
 * the provider's `customize` is ForceNew (clone is ForceNew, shared/reference/vsphere-linked-clones.md),
 * so a clash found after apply costs a rebuild of the VM.
 */
export const ipPool: Rule = {
  id: "ip-pool",
  defaultSeverity: "error",
  info: "Static ranges fit their prefix, avoid network/broadcast/gateway, are large enough, and never overlap.",
  explanation:
    "Clones get static addresses from their group's range by member number. A range outside the gateway's " +
    "network, one that includes the gateway, or two groups handing out one address all give guests that cannot " +
    "talk, found only after deploy, when fixing it replaces the VMs.",
  source: "RFC 950, RFC 1122 3.2.1.3; provider: clone/customize is ForceNew",
  check(model) {
    const findings: RawFinding[] = [];
    const push = (g: GroupModel, what: string, fix: string, av?: { actual: string | number; limit: string | number }) =>
      findings.push({ rule: "ip-pool", severity: "error", stack: g.stack, path: g.path, groups: [g],
        message: formatMessage("ip-pool", groupLabel(g), what, fix, av) });

    const users = new Map<number, GroupModel[]>();
    for (const g of model.groups) {
      for (const m of g.members) {
        const a = m.ipv4 === undefined ? undefined : parseIpv4(m.ipv4);
        if (a === undefined) continue;
        const list = users.get(a);
        if (!list) users.set(a, [g]);
        else list.push(g);
      }
      const plan = g.ipv4;
      if (!plan) continue;
      const range = parseIpv4Range(`${plan.first}-${plan.last}`);
      const gateway = parseIpv4(plan.gateway);
      if (!range || gateway === undefined) {
        push(g, `range ${plan.first}-${plan.last} or gateway ${plan.gateway} is not valid IPv4`,
          "write the range as a.b.c.d-a.b.c.e and the gateway as a.b.c.d");
        continue;
      }
      const net = networkOf(gateway, plan.prefixLength);
      const cidr = `${formatIpv4(net.network)}/${plan.prefixLength}`;
      if (range.first < net.network || range.last > net.broadcast) {
        push(g, `range ${plan.first}-${plan.last} is not inside the gateway's network ${cidr}`,
          `keep the range within ${formatIpv4(net.network + 1)}-${formatIpv4(net.broadcast - 1)} or fix prefixLength`,
          { actual: `${plan.first}-${plan.last}`, limit: cidr });
      }
      const reserved: [number, string][] = [[net.network, "network"], [net.broadcast, "broadcast"], [gateway, "gateway"]];
      for (const [addr, what] of reserved) {
        if (addr >= range.first && addr <= range.last) {
          push(g, `range ${plan.first}-${plan.last} includes the ${what} address ${formatIpv4(addr)}`,
            `start or end the range so it leaves out ${formatIpv4(addr)}`);
        }
      }
      const size = rangeSize(range);
      const past = g.members.filter((m) => m.ipv4 === undefined || (m.number !== undefined && m.number > size));
      if (past.length) {
        const needed = Math.max(g.members.length, ...past.map((m) => m.number ?? 0));
        push(g, `range ${plan.first}-${plan.last} is too small for ${listSome(past.map((m) => m.name), 3)}`,
          `widen the range to at least ${needed} addresses or give those members an ipv4`,
          { actual: `${needed} addresses needed`, limit: `${size} in range` });
      }
      for (const m of g.members) {
        const a = m.ipv4 === undefined ? undefined : parseIpv4(m.ipv4);
        if (a !== undefined && (a < range.first || a > range.last) && (a <= net.network || a >= net.broadcast)) {
          push(g, `member '${m.name}' address ${m.ipv4} is not a host address of ${cidr}`,
            `give '${m.name}' an address inside ${cidr}`);
        }
      }
    }
    // Addresses used twice: one finding per set of groups, in each of their stacks.
    const clashes = new Map<string, { groups: GroupModel[]; addresses: string[] }>();
    for (const [addr, groups] of [...users.entries()].sort(([a], [b]) => a - b)) {
      if (groups.length < 2) continue;
      const id = groups.map((g) => g.path).join("\u0000");
      const clash = clashes.get(id);
      if (clash) clash.addresses.push(formatIpv4(addr));
      else clashes.set(id, { groups, addresses: [formatIpv4(addr)] });
    }
    for (const { groups, addresses } of clashes.values()) {
      const distinct = [...new Set(groups)];
      const subject = distinct.map(groupLabel).join(", ");
      for (const [stack, own] of groupsByStack(distinct)) {
        findings.push({
          rule: "ip-pool", severity: "error", stack, path: own[0].path, groups: own,
          message: formatMessage("ip-pool", subject,
            `address ${listSome(addresses, 3)} is handed out ${groups.length} times`,
            "give the groups ranges that do not overlap", { actual: groups.length, limit: 1 }),
        });
      }
    }
    return findings;
  },
};
