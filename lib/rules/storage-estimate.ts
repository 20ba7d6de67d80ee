import { groupLabel, groupsByStack, memberBase, rolloutNote, siteKey } from "../model/chains";
import type { GroupModel } from "../model/types";
import { formatMessage, type Rule } from "./rule";

/**
 * `storage-estimate`: worst-case delta growth beyond the datastore's capacity.
 *
 * Source: a delta disk never grows larger than its base disk; Horizon sizes linked clones
 * at 50% and then 100% of the parent's disk (Horizon 7.13 docs; Opvizor snapshot manual).
 * Worst case: every clone's delta at 100% of its base's diskGb. Clones of a template base are
 * full copies, which take their whole diskGb from the start.
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
      if (capacity === undefined || !g.datastore) continue;
      let need = 0;
      for (const m of g.members) need += memberBase(g, m).diskGb ?? 0;
      if (need === 0) continue;
      const key = `${siteKey(g.site)}\u0000${g.datastore.name}`;
      const entry = byStore.get(key) ?? { groups: [], need: 0, capacity, name: g.datastore.name };
      entry.groups.push(g);
      entry.need += need;
      entry.capacity = Math.min(entry.capacity, capacity);
      byStore.set(key, entry);
    }
    return [...byStore.values()].flatMap(({ groups, need, capacity, name }) => {
      if (need <= capacity) return [];
      const subject = groups.map(groupLabel).join(", ");
      // Not "use non-persistent disks": their writes are dropped at power-off, but while a clone runs
      // its redo log grows as far as a persistent delta would.
      const fix =
        "move some groups to another datastore, or add capacity (then raise capacityGb); " +
        "on a thin-provisioned or deduplicating array, suppress storage-estimate with the reason";
      return [...groupsByStack(groups).entries()].map(([stack, own]) => ({
        rule: "storage-estimate",
        severity: "warning" as const,
        stack,
        path: own[0].path,
        field: "datastore",
        groups: own,
        message: formatMessage(
          "storage-estimate",
          subject,
          `clones on datastore '${name}' may grow to ${need} GB (delta disks at 100% of their base, full copies of template bases)${rolloutNote({ groups })}`,
          fix,
          { actual: `${need} GB`, limit: `${capacity} GB` },
        ),
      }));
    });
  },
};
