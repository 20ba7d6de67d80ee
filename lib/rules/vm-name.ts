import { groupLabel, groupsByStack, siteKey } from "../model/chains";
import type { GroupModel } from "../model/types";
import { formatMessage, listSome, type RawFinding, type Rule } from "./rule";

export const MAX_VM_NAME = 80;
const FORBIDDEN = /[/\\%]/;

/**
 * `vm-name`: VM names unique per datacenter, at most 80 characters, without `/`, `\` or `%`.
 *
 * Source: vSphere inventory naming (a VM's display name is at most 80 characters and `/ \ %`
 * are escaped in inventory paths); the Terraform vSphere provider finds VMs by inventory path,
 * so two VMs of one name in one datacenter make later lookups ambiguous.
 * See docs/linked-clones.md.
 */
export const vmName: Rule = {
  id: "vm-name",
  defaultSeverity: "error",
  info: "VM names are unique per datacenter, at most 80 characters, without / \\ %.",
  explanation:
    "vCenter shows at most 80 characters of a name and escapes / \\ % in inventory paths, which the provider " +
    "uses to find VMs. Two VMs of one name in one datacenter make every later lookup by path ambiguous.",
  source: "vSphere inventory naming; Terraform vSphere provider (VMs found by inventory path)",
  check(model) {
    const findings: RawFinding[] = [];
    const perGroup = (g: GroupModel, what: string, fix: string, actual: string, limit: number | string): void => {
      findings.push({
        rule: "vm-name",
        severity: "error",
        stack: g.stack,
        path: g.path,
        field: "namePattern|members|count",
        groups: [g],
        message: formatMessage("vm-name", groupLabel(g), what, fix, { actual, limit }),
      });
    };
    for (const g of model.groups) {
      const long = g.members.filter((m) => m.name.length > MAX_VM_NAME).map((m) => m.name);
      if (long.length) {
        const longest = Math.max(...long.map((n) => n.length));
        perGroup(
          g,
          `VM name ${listSome(long, 3)} is too long`,
          "shorten namePattern or the member names",
          `${longest} characters`,
          MAX_VM_NAME,
        );
      }
      const bad = g.members.filter((m) => FORBIDDEN.test(m.name)).map((m) => m.name);
      if (bad.length) {
        perGroup(
          g,
          `VM name ${listSome(bad, 3)} contains / \\ or %`,
          "use letters, digits, '-', '_' and '.' in VM names",
          `'${bad[0]}'`,
          "no / \\ %",
        );
      }
    }
    // Owners of each name per datacenter; duplicates reported once per set of owning groups.
    const owners = new Map<string, GroupModel[]>();
    for (const g of model.groups) {
      for (const m of g.members) {
        const key = `${siteKey(g.site)}\u0000${m.name}`;
        const list = owners.get(key);
        if (!list) owners.set(key, [g]);
        else list.push(g);
      }
    }
    const clashes = new Map<string, { groups: GroupModel[]; names: string[]; datacenter: string }>();
    for (const [key, groups] of owners) {
      if (groups.length < 2) continue;
      const name = key.slice(key.lastIndexOf("\u0000") + 1);
      const id = groups.map((g) => g.path).join("\u0000");
      const clash = clashes.get(id);
      if (clash) clash.names.push(name);
      else clashes.set(id, { groups, names: [name], datacenter: groups[0].site.datacenter });
    }
    for (const { groups, names, datacenter } of clashes.values()) {
      const distinct = [...new Set(groups)];
      const subject = distinct.map(groupLabel).join(", ");
      for (const [stack, own] of groupsByStack(distinct)) {
        findings.push({
          rule: "vm-name",
          severity: "error",
          stack,
          path: own[0].path,
          field: "namePattern|members|count",
          groups: own,
          message: formatMessage(
            "vm-name",
            subject,
            `VM name ${listSome(names, 3)} is used ${groups.length} times in datacenter ${datacenter}`,
            "give each VM a unique name: change namePattern or members of one group",
            { actual: groups.length, limit: 1 },
          ),
        });
      }
    }
    return findings;
  },
};
