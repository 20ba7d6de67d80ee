import {
  bindingLimit,
  chainHosts as hostsOfChain,
  chainsOf,
  groupLabel,
  raiseHint,
  rolloutNote,
  stackLimits,
} from "../model/chains";
import { defaultMaxHostsPerChain } from "../model/platform";
import { chainSubject, perStack } from "./chain-findings";
import { formatMessage, type RawFinding, type Rule } from "./rule";

/**
 * `chain-hosts`: distinct hosts that may run clones of one base at most `maxHostsPerChain`.
 *
 * Source: KB 1003319 (cited in NTPRO.NL, 2010-01-09): "Virtual machines from a single disk
 * chain may only run on 8 hosts (VMFS)". vSphere Web Services SDK Programming Guide (8.0),
 * Linked Virtual Machines, "Limitation for HA Clusters": with ESXi 5.0 or earlier hosts the
 * 8-host limit stays; in clusters of only ESXi 5.1+ hosts "the maximum host limit for a linked
 * clone group is the maximum number of hosts allowed in a cluster": 32 on 5.1-5.5, 64 on 6.0 to
 * 7.0 GA, 96 from 7.0 Update 1 (configuration maximums). NFS and vSAN are not subject to the
 * VMFS file-locking limit. (Horizon View Composer's 32 is Horizon's own limit: set
 * limits.maxHostsPerChain to 32 to keep it.)
 * Default: 8 for vmfs3 or below 5.1; the version's cluster maximum otherwise.
 */
export const chainHosts: Rule = {
  id: "chain-hosts",
  defaultSeverity: "error",
  info: "Distinct hosts that may run clones of one base stay within maxHostsPerChain.",
  explanation:
    "VMFS locks the base disk of a chain; before vSphere 5.1 (and on VMFS3) only 8 hosts may open it; from 5.1 " +
    "the limit is the cluster's maximum host count (32, 64 from 6.0, 96 from 7.0 Update 1). DRS may move a clone " +
    "to any host of its cluster unless a VM-host must-rule confines it, so a group without hosts counts every host " +
    "of its cluster.",
  source:
    "KB 1003319 (NTPRO.NL, 2010-01-09); vSphere Web Services SDK Programming Guide, Linked Virtual Machines, Limitation for HA Clusters; vSphere configuration maximums",
  check(model) {
    const limits = stackLimits(model);
    const findings: RawFinding[] = [];
    for (const chain of chainsOf(model)) {
      const bound = bindingLimit(chain, limits, "maxHostsPerChain", (g) =>
        defaultMaxHostsPerChain(g.site.version, g.datastore?.type),
      )!;
      const limit = bound.limit;
      const { hosts, unknown } = hostsOfChain(chain);
      for (const g of unknown) {
        const where = g.cluster ? `cluster '${g.cluster.name}'` : `resource pool '${g.resourcePool ?? "?"}'`;
        const fix = g.cluster
          ? `list them under clusters.${g.cluster.name}.hosts, or confine the group with hosts`
          : "place the group in a declared cluster, or confine it with hosts";
        findings.push({
          rule: "chain-hosts",
          severity: "warning",
          stack: g.stack,
          path: g.path,
          field: "cluster|resourcePool",
          message: formatMessage(
            "chain-hosts",
            groupLabel(g),
            `the hosts of ${where} are unknown, so the limit of ${limit} hosts per chain cannot be checked`,
            fix,
            { actual: "unknown hosts", limit: `${limit} hosts` },
          ),
          groups: [g],
        });
      }
      if (hosts.length > limit) {
        const message = formatMessage(
          "chain-hosts",
          chainSubject(chain),
          `clones of ${chain.label} may run on ${hosts.length} hosts${rolloutNote(chain)}`,
          `confine the groups to at most ${limit} hosts with hosts (a DRS must-rule keeps them there), ` +
            `give groups on different hosts bases of their own (one source VM each), or ${raiseHint(chain, bound, "maxHostsPerChain")} if your platform allows more`,
          { actual: hosts.length, limit },
        );
        findings.push(...perStack(chain, "chain-hosts", "error", message, "hosts|cluster|resourcePool"));
      }
    }
    return findings;
  },
};
