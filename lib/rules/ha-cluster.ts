import { groupLabel } from "../model/chains";
import { haSeverity } from "../model/platform";
import { formatMessage, type Rule } from "./rule";

/**
 * `ha-cluster`: linked clones in an HA cluster on platforms that forbid or limit it.
 *
 * Source: vSphere 4.0 linked VMs note (NTPRO.NL, 2010-01-09): linked VMs "cannot be part of
 * a VMware HA cluster". vSphere SDK Programming Guide, "Linked Virtual Machines": with ESX 5.0
 * or earlier hosts and more than 8 hosts, HA may fail to restart a linked VM (it tries five
 * hosts); clusters of only 5.1+ hosts have no such limit.
 * Severity by version: error below 5.0; warning on 5.0 with more than 8 hosts; none from 5.1.
 */
export const haCluster: Rule = {
  id: "ha-cluster",
  defaultSeverity: "by version",
  info: "Linked clones in an HA cluster on a platform that forbids (before 5.0) or limits (5.0, over 8 hosts) it.",
  explanation:
    "vSphere 4 does not support linked VMs in an HA cluster. On 5.0 HA tries five hosts to restart a VM and may " +
    "not find one that can open the base disk in a cluster of more than 8 hosts.",
  source: "vSphere 4.0 linked VMs note (NTPRO.NL, 2010-01-09); vSphere SDK Programming Guide, Linked Virtual Machines",
  check(model) {
    return model.groups.flatMap((g) => {
      if (!g.cluster?.haEnabled) return [];
      const hostCount = g.cluster.hosts?.length;
      const severity = haSeverity(g.site.version, hostCount);
      if (!severity) return [];
      const message =
        severity === "error"
          ? formatMessage(
              "ha-cluster",
              groupLabel(g),
              `cluster '${g.cluster.name}' has HA enabled, which linked clones do not support on vSphere ${g.site.version}`,
              "place the group in a cluster without HA, or upgrade to vSphere 5.1 or later",
              { actual: `vSphere ${g.site.version}`, limit: "vSphere 5.1 or later for linked clones in an HA cluster" },
            )
          : formatMessage(
              "ha-cluster",
              groupLabel(g),
              `HA in cluster '${g.cluster.name}' may fail to restart linked clones on vSphere ${g.site.version}`,
              "keep HA clusters with linked clones at 8 hosts or fewer, or upgrade to vSphere 5.1 or later",
              { actual: hostCount === undefined ? "unknown hosts" : `${hostCount} hosts`, limit: "8 hosts" },
            );
      return [
        {
          rule: "ha-cluster",
          severity,
          stack: g.stack,
          path: g.path,
          field: "cluster|resourcePool",
          message,
          groups: [g],
        },
      ];
    });
  },
};
