import { bindingLimit, chainsOf, groupLabel, raiseHint, siteKey, stackLimits } from "../model/chains";
import { defaultMaxHostsPerChain } from "../model/platform";
import type { GroupModel } from "../model/types";
import { chainSubject, perStack } from "./chain-findings";
import { formatMessage, type RawFinding, type Rule } from "./rule";

/** Hosts a group's clones may run on: its confined hosts, else its cluster's; undefined when unknown. */
export function hostsOf(g: GroupModel): readonly string[] | undefined {
  return g.hosts ?? g.cluster?.hosts;
}

/**
 * `chain-hosts`: distinct hosts that may run clones of one base at most `maxHostsPerChain`.
 *
 * Source: KB 1003319 (cited in NTPRO.NL, 2010-01-09): "Virtual machines from a single disk
 * chain may only run on 8 hosts (VMFS)"; lifted to 32 hosts with vSphere 5.1 and VMFS5
 * (Horizon 7 docs: linked-clone pools on clusters of up to 32 hosts). vSphere SDK Programming
 * Guide, "Linked Virtual Machines": at most eight hosts on one base disk. NFS and vSAN are not
 * subject to the VMFS file-locking limit.
 * Default: 8 for vmfs3 or below 5.1; 32 for vmfs5/vmfs6 from 5.1; none for nfs and vsan.
 */
export const chainHosts: Rule = {
  id: "chain-hosts",
  defaultSeverity: "error",
  info: "Distinct hosts that may run clones of one base stay within maxHostsPerChain.",
  explanation:
    "VMFS locks the base disk of a chain; only a limited number of hosts may open it (8 on VMFS3 or before 5.1, " +
    "32 on VMFS5+ from 5.1). DRS may move a clone to any host of its cluster unless a VM-host must-rule confines it, " +
    "so a group without hosts counts every host of its cluster.",
  source: "KB 1003319 (NTPRO.NL, 2010-01-09); Horizon 7 docs; vSphere SDK Programming Guide, Linked Virtual Machines",
  check(model) {
    const limits = stackLimits(model);
    const findings: RawFinding[] = [];
    for (const chain of chainsOf(model)) {
      const bound = bindingLimit(chain, limits, "maxHostsPerChain", (g) =>
        defaultMaxHostsPerChain(g.site.version, g.datastore?.type),
      );
      if (bound === undefined) continue;
      const limit = bound.limit;
      const hosts = new Set<string>();
      const hostNames: string[] = [];
      for (const g of chain.groups) {
        const list = hostsOf(g);
        if (list === undefined) {
          const where = g.cluster ? `cluster '${g.cluster.name}'` : `resource pool '${g.resourcePool ?? "?"}'`;
          const fix = g.cluster
            ? `list them under clusters.${g.cluster.name}.hosts, or confine the group with hosts`
            : "place the group in a declared cluster, or confine it with hosts";
          findings.push({
            rule: "chain-hosts",
            severity: "warning",
            stack: g.stack,
            path: g.path,
            message: formatMessage(
              "chain-hosts",
              groupLabel(g),
              `the hosts of ${where} are unknown, so the limit of ${limit} hosts per chain cannot be checked`,
              fix,
              { actual: "unknown hosts", limit: `${limit} hosts` },
            ),
            groups: [g],
          });
          continue;
        }
        for (const h of list) {
          const key = `${siteKey(g.site)}\u0000${h}`;
          if (!hosts.has(key)) {
            hosts.add(key);
            hostNames.push(h);
          }
        }
      }
      if (hosts.size > limit) {
        const message = formatMessage(
          "chain-hosts",
          chainSubject(chain),
          `clones of ${chain.label} may run on ${hosts.size} hosts`,
          `confine the groups to at most ${limit} hosts with hosts (a DRS must-rule keeps them there), ` +
            `split the clones over more bases, or ${raiseHint(chain, bound, "maxHostsPerChain")} if your datastore allows more`,
          { actual: hosts.size, limit },
        );
        findings.push(...perStack(chain, "chain-hosts", "error", message));
      }
    }
    return findings;
  },
};
