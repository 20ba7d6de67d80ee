import { groupLabel, groupsByStack, siteKey } from "../model/chains";
import type { GroupModel } from "../model/types";
import { formatMessage, type Rule } from "./rule";

/**
 * `storage-estimate`: worst-case delta growth beyond the datastore's capacity.
 *
 * Source: a delta disk never grows larger than its base disk; Horizon sizes linked clones
 * at 50% and then 100% of the parent's disk (Horizon 7.13 docs; Opvizor snapshot manual),
 * shared/reference/vsphere-linked-clones.md. Worst case: every clone's delta at 100% of diskGb.
 */
export const storageEstimate: Rule = {
  id: "storage-estimate",
  defaultSeverity: "warning",
  info: "Clones' delta disks at their worst case (100% of the base disk) fit the datastore's capacity.",
  explanation:
    "A delta disk can grow to the size of its base. When every clone on a datastore writes its whole disk, " +
    "the datastore needs clones x diskGb; running out stops every VM on it.",
  source: "Horizon 7.13 docs (sizing at 50% and 100%); Opvizor snapshot manual",
  check(model) {
    const byStore = new Map<string, { groups: GroupModel[]; need: number; capacity: number; name: string }>();
    for (const g of model.groups) {
      const capacity = g.datastore?.capacityGb;
      const disk = g.base.diskGb;
      if (capacity === undefined || disk === undefined || !g.datastore) continue;
      const key = `${siteKey(g.site)}\u0000${g.datastore.name}`;
      const entry = byStore.get(key) ?? { groups: [], need: 0, capacity, name: g.datastore.name };
      entry.groups.push(g);
      entry.need += g.members.length * disk;
      entry.capacity = Math.min(entry.capacity, capacity);
      byStore.set(key, entry);
    }
    return [...byStore.values()].flatMap(({ groups, need, capacity, name }) => {
      if (need <= capacity) return [];
      const subject = groups.map(groupLabel).join(", ");
      return [...groupsByStack(groups).entries()].map(([stack, own]) => ({
        rule: "storage-estimate",
        severity: "warning" as const,
        stack,
        path: own[0].path,
        groups: own,
        message: formatMessage(
          "storage-estimate",
          subject,
          `delta disks on datastore '${name}' may grow to ${need} GB at 100% of their base`,
          "move some groups to another datastore, use nonpersistent disks and power-cycle, or add capacity",
          { actual: `${need} GB`, limit: `${capacity} GB` },
        ),
      }));
    });
  },
};
