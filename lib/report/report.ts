import {
  bindingLimit,
  chainHosts,
  chainsOf,
  describeBase,
  groupLabel,
  hostsOf,
  memberBase,
  partsOf,
  stackLimits,
  type Chain,
  type ChainPart,
} from "../model/chains";
import { rolloutOrder } from "../model/members";
import { defaultMaxClonesPerChain, defaultMaxHostsPerChain } from "../model/platform";
import type { AppModel, BaseModel, GroupModel } from "../model/types";
import type { Finding } from "../rules/engine";

export const REPORT_FILE = "linked-clones-report.md";

function limitText(limit: number | undefined): string {
  return limit === undefined ? "no limit" : String(limit);
}

/** Text for a Markdown table cell: a `|` would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A Mermaid node id from a name: letters and digits as they are, every other character as its
 * code (`-` is `_2d_`, `_` is `_5f_`), so names that differ in any character get different ids.
 */
export function mermaidId(kind: string, text: string): string {
  return `${kind}_${text.replace(/[^A-Za-z0-9]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`)}`;
}

/** A quoted Mermaid label: quotes and angle brackets as entities. */
function mermaidLabel(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
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
    const fullCopies = groups.flatMap((g) => partsOf(g).filter((p) => p.base.template));
    const linked = own.reduce((n, c) => n + mineOf(c, stack.name).reduce((k, p) => k + p.members.length, 0), 0);
    const full = fullCopies.reduce((n, p) => n + p.members.length, 0);
    out.push(
      `## ${stack.name}`,
      "",
      `${linked} linked clones in ${groups.length} groups of ${own.length} bases` +
        (full ? `, and ${full} full copies of template bases.` : "."),
      "",
    );
    out.push("### Bases (disk chains)", "");
    out.push(
      "| base | groups | clones (this env / whole chain) | clone limit | hosts used / limit | datastore types |",
    );
    out.push("|---|---|---|---|---|---|");
    for (const c of own) out.push(chainRow(c, stack.name, limits));
    out.push("");
    if (fullCopies.length) {
      out.push(
        "### Full copies (template bases)",
        "",
        "vSphere copies a template's disk for every clone, so these are full clones with no disk chain.",
        "",
        "| base | group | clones |",
        "|---|---|---|",
        ...fullCopies.map(
          (p) => `| ${cell(describeBase(p.base))} | ${cell(groupLabel(p.group))} | ${p.members.length} |`,
        ),
        "",
      );
    }
    out.push(...groupsSection(groups));
    out.push(...storageSection(groups));
    out.push(...findingsSection(findings.filter((f) => f.stack === stack.name)));
    out.push(...mermaid(groups));
  }
  return out.join("\n") + "\n";
}

/** The parts of a chain that belong to a stack. */
function mineOf(c: Chain, stack: string): ChainPart[] {
  return c.parts.filter((p) => p.group.stack === stack);
}

function chainRow(c: Chain, stack: string, limits: ReturnType<typeof stackLimits>): string {
  const mine = mineOf(c, stack);
  const mineClones = mine.reduce((n, p) => n + p.members.length, 0);
  const cloneLimit = bindingLimit(c, limits, "maxClonesPerChain", (g) =>
    defaultMaxClonesPerChain(g.site.version),
  )?.limit;
  const hostLimit = bindingLimit(c, limits, "maxHostsPerChain", (g) =>
    defaultMaxHostsPerChain(g.site.version, g.datastore?.type),
  )?.limit;
  const { hosts, unknown } = chainHosts(c);
  const types = [
    ...new Set(c.groups.map((g) => g.datastore?.type ?? (g.datastoreCluster ? "datastore cluster" : "unknown"))),
  ].join(", ");
  return `| ${cell(describeBase(mine[0].base))} | ${cell(c.groups.map(groupLabel).join(", "))} | ${mineClones} / ${c.clones} | ${limitText(cloneLimit)} | ${unknown.length ? "unknown" : hosts.length} / ${limitText(hostLimit)} | ${cell(types)} |`;
}

/** Per group: its base(s), clones, generation and rollout progress with the next wave. */
function groupsSection(groups: readonly GroupModel[]): string[] {
  const out = ["### Groups", "", "| group | base | clones | generation | rollout |", "|---|---|---|---|---|"];
  for (const g of groups) {
    const refreshed = g.members.filter((m) => m.generation > 0);
    const generation =
      `${g.generation}` +
      (refreshed.length ? ` (members: ${refreshed.map((m) => `${m.name} ${m.generation}`).join(", ")})` : "");
    let base = g.base.name;
    let rollout = "none";
    if (g.rollout) {
      const moved = g.members.filter((m) => memberBase(g, m) === g.base).length;
      const waiting = rolloutOrder(g.members.filter((m) => memberBase(g, m) !== g.base));
      base = `${g.rollout.from.name} → ${g.base.name}`;
      // The next wave is as large as the ones before it (one member when none has moved yet).
      const wave = moved > 0 ? moved : 1;
      rollout =
        `${moved} / ${g.members.length} moved` +
        (waiting.length
          ? `; next wave: ${waiting
              .slice(0, wave)
              .map((m) => m.name)
              .join(", ")} (moved: ${Math.min(g.members.length, moved + wave)})`
          : "; complete: delete rollout");
    }
    out.push(
      `| ${cell(groupLabel(g))} | ${cell(base)} | ${g.members.length} | ${cell(generation)} | ${cell(rollout)} |`,
    );
  }
  out.push("");
  return out;
}

/**
 * Storage per base, as the clones stand (during a rollout both bases, each with its members):
 * full clones copy the whole disk; linked clones grow a delta, at 50% and at worst 100% of the
 * base. The base disk itself is needed either way and is not counted on either side.
 */
function storageSection(groups: readonly GroupModel[]): string[] {
  const byBase = new Map<string, { base: BaseModel; clones: number }>();
  for (const g of groups) {
    for (const p of partsOf(g)) {
      const entry = byBase.get(p.base.path) ?? { base: p.base, clones: 0 };
      entry.clones += p.members.length;
      byBase.set(p.base.path, entry);
    }
  }
  const rows: string[] = [];
  let full = 0,
    half = 0,
    whole = 0,
    known = 0;
  for (const { base, clones } of byBase.values()) {
    const disk = base.diskGb;
    if (disk === undefined) {
      rows.push(`| ${cell(base.name)} | ${clones} | unknown (set diskGb) | | | |`);
      continue;
    }
    known++;
    const f = clones * disk;
    // A template's clones are full copies: no saving on the linked side.
    const h = base.template ? f : (clones * disk) / 2;
    const w = f;
    full += f;
    half += h;
    whole += w;
    rows.push(
      `| ${cell(base.name)}${base.template ? " (template: full copies)" : ""} | ${clones} | ${gb(disk)} | ${gb(f)} | ${gb(h)} | ${gb(w)} |`,
    );
  }
  const out = [
    "### Storage estimate",
    "",
    "Clones' disks only; the base disk exists either way. Full clones copy the whole disk; linked clones grow a " +
      "delta, shown at 50% and at its worst, 100% of the base (a delta never exceeds its base).",
    "",
    "| base | clones | base disk | full clones | linked, deltas at 50% | linked, deltas at 100% |",
    "|---|---|---|---|---|---|",
    ...rows,
  ];
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
      const where = f.location ? ` (${f.location.file}:${f.location.line})` : "";
      out.push(
        `- **${sev}** ${cell(f.message)}${where}${f.suppressionReason !== undefined ? ` _(suppressed: ${cell(f.suppressionReason)})_` : ""}`,
      );
    }
  }
  out.push("");
  return out;
}

function mermaid(groups: readonly GroupModel[]): string[] {
  const lines = ["### Bases, groups and hosts", "", "```mermaid", "graph LR"];
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const g of groups) {
    const gid = mermaidId("group", g.name);
    nodes.add(`  ${gid}["${mermaidLabel(`${g.name} (${g.members.length})`)}"]`);
    for (const p of partsOf(g)) {
      const b = p.base;
      const bid = mermaidId("base", b.name);
      nodes.add(
        `  ${bid}[("${mermaidLabel(`${b.name}: ${b.vm}${b.template ? " (template)" : b.snapshot ? `@${b.snapshot}` : ""}`)}")]`,
      );
      edges.add(`  ${bid} -->|${p.members.length}| ${gid}`);
    }
    const hosts = hostsOf(g);
    if (hosts) {
      for (const h of hosts) {
        const hid = mermaidId("host", h);
        nodes.add(`  ${hid}["${mermaidLabel(h)}"]`);
        edges.add(`  ${gid} --> ${hid}`);
      }
    } else {
      const where = g.cluster?.name ?? g.resourcePool ?? "?";
      const hid = mermaidId("hosts_of", where);
      nodes.add(`  ${hid}["${mermaidLabel(`hosts of ${where}: unknown`)}"]`);
      edges.add(`  ${gid} --> ${hid}`);
    }
  }
  lines.push(...nodes, ...edges, "```", "");
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
