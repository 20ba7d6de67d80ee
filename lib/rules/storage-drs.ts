import { groupLabel } from "../model/chains";
import { formatMessage, type Rule } from "./rule";

/**
 * `storage-drs`: linked clones cannot be placed on a datastore cluster.
 *
 * Source: Terraform vSphere provider issue #724: `datastore_cluster_id` with
 * `linked_clone = true` fails with `no storage drs recommendations were found for the
 * requested action "clone"` (docs/linked-clones.md).
 */
export const storageDrs: Rule = {
  id: "storage-drs",
  defaultSeverity: "error",
  info: "Linked clones are not placed on a datastore cluster (Storage DRS).",
  explanation:
    "Storage DRS gives no recommendation for a linked clone: apply fails with 'no storage drs recommendations " +
    'were found for the requested action "clone"\'. Name one datastore of the cluster instead.',
  source: "terraform-provider-vsphere issue #724",
  check(model) {
    return model.groups.flatMap((g) =>
      g.datastoreCluster === undefined
        ? []
        : [
            {
              rule: "storage-drs",
              severity: "error" as const,
              stack: g.stack,
              path: g.path,
              field: "datastoreCluster",
              groups: [g],
              unsuppressible: "the provider's clone fails on a datastore cluster",
              message: formatMessage(
                "storage-drs",
                groupLabel(g),
                `datastore cluster '${g.datastoreCluster}' uses Storage DRS, which refuses linked clones`,
                "set datastore to one datastore of that cluster instead of datastoreCluster",
                { actual: "a datastore cluster", limit: "one datastore" },
              ),
            },
          ],
    );
  },
};
