/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and lists the top costs: self time by
 * function, and inclusive time of this project's functions (lib/, mapped back to the
 * .ts line through the precompiled source maps).
 */
import * as fs from "fs";
import { SourceMap } from "module";
import * as path from "path";
import { fileURLToPath } from "url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Cost {
  /** `function (file:line)`, file relative to the repo, .ts line for precompiled lib/ and bench/. */
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by function, highest first. */
  readonly self: Cost[];
  /** Inclusive time of lib/ functions, highest first. */
  readonly libInclusive: Cost[];
  /** Self time by package or folder (cdktf, constructs, provider, lib, node internals, gc). */
  readonly byArea: Cost[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  if (!maps.has(file)) {
    let sm: SourceMap | null;
    try {
      sm = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
    } catch {
      sm = null;
    }
    maps.set(file, sm);
  }
  return maps.get(file)!;
}

/** A frame's place: repo-relative file and 1-based line, mapped to the .ts source when precompiled. */
function placeOf(cf: CallFrame, root: string, build: string): { file: string; line: number } {
  if (!cf.url) return { file: "", line: 0 };
  let file = cf.url.startsWith("file:") ? fileURLToPath(cf.url) : cf.url;
  let line = cf.lineNumber + 1;
  if (file.startsWith(build + path.sep)) {
    const sm = sourceMapOf(file);
    const entry = sm?.findEntry(cf.lineNumber, cf.columnNumber) as
      { originalSource?: string; originalLine?: number } | undefined;
    const rel = path.relative(build, file).replace(/\.js$/, ".ts");
    file = path.join(root, rel);
    if (entry?.originalLine !== undefined) line = entry.originalLine + 1;
  }
  return { file: path.isAbsolute(file) ? path.relative(root, file) : file, line };
}

function areaOf(file: string, fn: string): string {
  if (fn === "(garbage collector)") return "garbage collector";
  if (fn === "(program)" || fn === "(idle)") return "(program/idle)";
  if (!file) return "native/builtins";
  if (file.startsWith("node:") || file.startsWith("internal")) return "node internals (fs, modules)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (m) return m[1];
  return file.split(path.sep)[0] + "/";
}

export function summarizeProfile(profileFile: string, root: string, build: string, top = 15): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(profileFile, "utf8")) as CpuProfile;
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const totalUs = p.endTime - p.startTime;

  const label = new Map<number, { where: string; area: string; lib: boolean }>();
  for (const n of p.nodes) {
    const { file, line } = placeOf(n.callFrame, root, build);
    const fn = n.callFrame.functionName || "(anonymous)";
    label.set(n.id, {
      where: file ? `${fn} (${file}:${line})` : fn,
      area: areaOf(file, fn),
      lib: file.startsWith(`lib${path.sep}`),
    });
  }

  const selfBy = new Map<string, number>();
  const areaBy = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const l = label.get(id)!;
    selfBy.set(l.where, (selfBy.get(l.where) ?? 0) + us);
    areaBy.set(l.area, (areaBy.get(l.area) ?? 0) + us);
  }

  // Inclusive time of lib/ functions: each sample counts once per distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclBy = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label.get(cur)!;
      if (l.lib && !seen.has(l.where)) {
        seen.add(l.where);
        inclBy.set(l.where, (inclBy.get(l.where) ?? 0) + us);
      }
    }
  }
  const list = (m: Map<string, number>, k: number): Cost[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([where, us]) => ({ where, ms: us / 1000, share: us / totalUs }));
  return {
    totalMs: totalUs / 1000,
    self: list(selfBy, top),
    libInclusive: list(inclBy, top),
    byArea: list(areaBy, 12),
  };
}

export function formatProfile(title: string, s: ProfileSummary): string {
  const rows = (costs: Cost[]) =>
    costs.map((c) => `| ${c.ms.toFixed(0)} | ${(100 * c.share).toFixed(1)}% | \`${c.where.replace(/\|/g, "\\|")}\` |`);
  return [
    `#### ${title} (profile of ${s.totalMs.toFixed(0)} ms)`,
    "",
    "Self time by area:",
    "",
    "| ms | share | area |",
    "|--:|--:|:--|",
    ...rows(s.byArea),
    "",
    "Self time, top functions:",
    "",
    "| ms | share | function |",
    "|--:|--:|:--|",
    ...rows(s.self),
    "",
    "Inclusive time of lib/ functions:",
    "",
    "| ms | share | function |",
    "|--:|--:|:--|",
    ...rows(s.libInclusive),
    "",
  ].join("\n");
}

if (require.main === module) {
  const [file, root = process.cwd()] = process.argv.slice(2);
  if (!file) throw new Error("usage: profile <file.cpuprofile> [repo root]");
  const r = path.resolve(root);
  process.stdout.write(
    formatProfile(path.basename(file), summarizeProfile(file, r, path.join(r, "bench", ".out", "build"), 25)) + "\n",
  );
}
