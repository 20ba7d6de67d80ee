import { bindingLimit, chainsOf, describeBase, groupLabel, siteKey, stackLimits, type Chain } from "../model/chains";
import { defaultMaxClonesPerChain, defaultMaxHostsPerChain } from "../model/platform";
import type { AppModel, GroupModel } from "../model/types";
import { hostsOf } from "../rules/chain-hosts";
import type { Finding } from "../rules/engine";

export const REPORT_FILE = "linked-clones-report.md";

function limitText(limit: number | undefined): string {
  return limit === undefined ? "no limit" : String(limit);
}

/** Distinct hosts a chain may run on; undefined when some group's hosts are unknown. */
function chainHosts(groups: readonly GroupModel[]): Set<string> | undefined {
  const hosts = new Set<string>();
  for (const g of groups) {
    const list = hostsOf(g);
    if (!list) return undefined;
    for (const h of list) hosts.add(`${siteKey(g.site)}\u0000${h}`);
  }
  return hosts;
}

function mermaidId(kind: string, text: string): string {
  return `${kind}_${text.replace(/[^A-Za-z0-9]/g, "_")}`;
}

function mermaidLabel(text: string): string {
  return text.replace(/"/g, "'");
}

function gb(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)} GB`;
}

/** The linked-clone report of the whole app: one section per stack. Pure: the same model gives the same text. */
export function renderReport(model: AppModel, findings: readonly Finding[]): string {
  const limits = stackLimits(model);
  const chains = chainsOf(model);
  const out: string[] = ["# Linked-clone report", ""];
  for (const stack of [...model.stacks].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const groups = model.groups.filter((g) => g.stack === stack.name);
    const own = chains.filter((c) => c.groups.some((g) => g.stack === stack.name));
    const clones = groups.reduce((n, g) => n + g.members.length, 0);
    out.push(`## ${stack.name}`, "", `${clones} linked clones in ${groups.length} groups of ${own.length} bases.`, "");
    out.push("### Bases (disk chains)", "");
    out.push(
      "| base | groups | clones (this env / whole chain) | clone limit | hosts used / limit | datastore types |",
    );
    out.push("|---|---|---|---|---|---|");
    for (const c of own) out.push(chainRow(c, stack.name, limits));
    out.push("");
    out.push(...storageSection(own, stack.name));
    out.push(...findingsSection(findings.filter((f) => f.stack === stack.name)));
    out.push(...mermaid(own, stack.name));
  }
  return out.join("\n") + "\n";
}

function chainRow(c: Chain, stack: string, limits: ReturnType<typeof stackLimits>): string {
  const mine = c.groups.filter((g) => g.stack === stack);
  const mineClones = mine.reduce((n, g) => n + g.members.length, 0);
  const cloneLimit = bindingLimit(c, limits, "maxClonesPerChain", (g) =>
    defaultMaxClonesPerChain(g.site.version),
  )?.limit;
  const hostLimit = bindingLimit(c, limits, "maxHostsPerChain", (g) =>
    defaultMaxHostsPerChain(g.site.version, g.datastore?.type),
  )?.limit;
  const hosts = chainHosts(c.groups);
  const types = [
    ...new Set(c.groups.map((g) => g.datastore?.type ?? (g.datastoreCluster ? "datastore cluster" : "unknown"))),
  ].join(", ");
  return `| ${describeBase(mine[0].base)} | ${c.groups.map(groupLabel).join(", ")} | ${mineClones} / ${c.clones} | ${limitText(cloneLimit)} | ${hosts ? hosts.size : "unknown"} / ${limitText(hostLimit)} | ${types} |`;
}

function storageSection(chains: readonly Chain[], stack: string): string[] {
  const rows: string[] = [];
  let full = 0,
    half = 0,
    whole = 0,
    known = 0;
  for (const c of chains) {
    const mine = c.groups.filter((g) => g.stack === stack);
    const disk = mine[0].base.diskGb;
    const n = mine.reduce((k, g) => k + g.members.length, 0);
    if (disk === undefined) {
      rows.push(`| ${mine[0].base.name} | ${n} | unknown (set diskGb) | | | |`);
      continue;
    }
    known++;
    const f = n * disk,
      h = disk + n * disk * 0.5,
      w = disk + n * disk;
    full += f;
    half += h;
    whole += w;
    rows.push(`| ${mine[0].base.name} | ${n} | ${gb(disk)} | ${gb(f)} | ${gb(h)} | ${gb(w)} |`);
  }
  const out = [
    "### Storage estimate",
    "",
    "Full clones copy the whole disk; linked clones share the base disk and grow a delta, shown at 50% and at 100% of the base (a delta never exceeds its base).",
    "",
  ];
  out.push(
    "| base | clones | base disk | full clones | linked, deltas at 50% | linked, deltas at 100% |",
    "|---|---|---|---|---|---|",
    ...rows,
  );
  if (known) out.push(`| **total** | | | **${gb(full)}** | **${gb(half)}** | **${gb(whole)}** |`);
  out.push("");
  return out;
}

function findingsSection(findings: readonly Finding[]): string[] {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const out = [
    "### Findings",
    "",
    `${count("error")} errors, ${count("warning")} warnings, ${count("info")} suppressed or informational.`,
    "",
  ];
  for (const sev of ["error", "warning", "info"] as const) {
    for (const f of findings.filter((x) => x.severity === sev)) {
      out.push(
        `- **${sev}** ${f.message.replace(/\|/g, "\\|")}${f.suppressionReason !== undefined ? ` _(suppressed: ${f.suppressionReason})_` : ""}`,
      );
    }
  }
  out.push("");
  return out;
}

function mermaid(chains: readonly Chain[], stack: string): string[] {
  const lines = ["### Bases, groups and hosts", "", "```mermaid", "graph LR"];
  const edges = new Set<string>();
  for (const c of chains) {
    const mine = c.groups.filter((g) => g.stack === stack);
    const b = mine[0].base;
    const bid = mermaidId("base", b.name);
    lines.push(`  ${bid}[("${mermaidLabel(`${b.name}: ${b.vm}${b.snapshot ? `@${b.snapshot}` : ""}`)}")]`);
    for (const g of mine) {
      const gid = mermaidId("group", g.name);
      lines.push(`  ${gid}["${mermaidLabel(`${g.name} (${g.members.length})`)}"]`);
      edges.add(`  ${bid} --> ${gid}`);
      const hosts = hostsOf(g);
      if (hosts) for (const h of hosts) edges.add(`  ${gid} --> ${mermaidId("host", h)}["${mermaidLabel(h)}"]`);
      else
        edges.add(
          `  ${gid} --> ${mermaidId("hosts_of", g.cluster?.name ?? g.resourcePool ?? "unknown")}["${mermaidLabel(`hosts of ${g.cluster?.name ?? g.resourcePool ?? "?"}: unknown`)}"]`,
        );
    }
  }
  lines.push(...edges, "```", "");
  return lines;
}

/** A few lines for the terminal. */
export function summarize(model: AppModel, findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const s of model.stacks) {
    const groups = model.groups.filter((g) => g.stack === s.name);
    const clones = groups.reduce((n, g) => n + g.members.length, 0);
    const f = findings.filter((x) => x.stack === s.name);
    const c = (sev: string) => f.filter((x) => x.severity === sev).length;
    lines.push(
      `${s.name}: ${clones} clones in ${groups.length} groups; ${c("error")} errors, ${c("warning")} warnings, ${c("info")} suppressed`,
    );
  }
  return lines.join("\n");
}
