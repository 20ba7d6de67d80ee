/**
 * `npm run bench`: synth time and peak memory of the same N linked clones built three ways:
 *   ours     LinkedCloneGroup (groups of 8, bases shared), every rule on
 *   loop     one VirtualMachine per clone in a plain loop (what most people write)
 *   for-each hand-written TerraformIterator.fromMap per group of 8 (the expert's version)
 * Each run is its own node process on precompiled JS (the same runner for all sides);
 * sides alternate within a round; figures are medians over the rounds.
 *
 * Env: BENCH_QUICK=1 (N 250 and 1000, 2 rounds), BENCH_N=250,1000 (override N),
 *      BENCH_ROUNDS=5, BENCH_RUNNER=node|tsx (tsx: run the TS sources, no precompile),
 *      BENCH_PROFILE=1 (profile ours even when every target is met).
 * Writes bench/.out/results.md and bench/.out/results.json; when ours misses a target, also
 * profiles ours at the largest N (node --cpu-prof) into bench/.out/profile/ and adds its top
 * costs to results.md.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { RESULT_PREFIX, type ChildResult, type Side } from "./child";
import * as S from "./scenario";
import { formatProfile, summarizeProfile } from "./profile";
import { compareEstates, countVms, estateOf, readStack, type Estate } from "./verify";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bench", ".out");
const BUILD = path.join(OUT, "build");

const quick = process.env.BENCH_QUICK === "1";
const NS = (process.env.BENCH_N ?? (quick ? "250,1000" : "250,1000,4000")).split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 5));
const RUNNER = process.env.BENCH_RUNNER === "tsx" ? "tsx" : "node";
/** App options of every side; main.ts creates its App with stackTraces: false. */
const STACK_TRACES = false;

/** A measured variant: a side, and for ours the probes. */
interface Variant {
  readonly key: string;
  readonly side: Side;
  readonly flags: string[];
}
const OURS: Variant = { key: "ours", side: "ours", flags: [] };
const LOOP: Variant = { key: "loop", side: "loop", flags: [] };
const FOR_EACH: Variant = { key: "for-each", side: "for-each", flags: [] };
/** ours with the rule pass timed on its own before synth. */
const OURS_RULES: Variant = { key: "ours (rules probed)", side: "ours", flags: ["--probe-rules"] };
/** ours with App stackTraces: true (the cdktf default). */
const OURS_TRACES: Variant = { key: "ours (stackTraces: true)", side: "ours", flags: ["--stack-traces"] };
/**
 * ours and for-each with App skipValidation: true: what cdktf's construct validations cost at
 * synth. Cheap as long as no construct adds a validation per resource; cdktf's DataResource does
 * (ValidateTerraformVersion: a `terraform version` process per terraform_data resource, about
 * 55 ms each here), which is why no side uses it. The "child CPU" column shows such processes.
 */
const OURS_NO_VALIDATION: Variant = {
  key: "ours (skipValidation: true)",
  side: "ours",
  flags: ["--skip-validation"],
};
const FOR_EACH_NO_VALIDATION: Variant = {
  key: "for-each (skipValidation: true)",
  side: "for-each",
  flags: ["--skip-validation"],
};
/** Measured at the largest N only. */
const AT_MAX_N = [OURS_TRACES, OURS_NO_VALIDATION, FOR_EACH_NO_VALIDATION];

interface Sample extends ChildResult {
  /** Parent-side wall time of the whole process, spawn to exit. */
  wallMs: number;
  vms: number;
  outputBytes: number;
}

// ---------------------------------------------------------------- build

/** Transpiles bench/ and lib/ to CommonJS under bench/.out/build (no type check: tsc --noEmit does that). */
function precompile(): string {
  fs.rmSync(BUILD, { recursive: true, force: true });
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== ".out" && e.name !== "node_modules") walk(p);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(path.join(ROOT, "bench"));
  walk(path.join(ROOT, "lib"));
  for (const file of files) {
    const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: true,
      },
    });
    const dest = path.join(BUILD, path.relative(ROOT, file)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    // Source maps only for the profile summary (lib/ lines); node does not read them without --enable-source-maps.
    fs.writeFileSync(dest, out.outputText);
    if (out.sourceMapText) fs.writeFileSync(`${dest}.map`, out.sourceMapText);
  }
  return path.join(BUILD, "bench", "child.js");
}

function childCommand(childJs: string): string[] {
  return RUNNER === "tsx" ? ["--import", "tsx", path.join(ROOT, "bench", "child.ts")] : [childJs];
}

// ---------------------------------------------------------------- runs

function runOnce(cmd: string[], v: Variant, n: number, keepOutdir?: string): Sample {
  const outdir = keepOutdir ?? fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
  const args = [
    ...cmd,
    v.side,
    String(n),
    outdir,
    ...v.flags,
    ...(STACK_TRACES && !v.flags.includes("--stack-traces") ? ["--stack-traces"] : []),
  ];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, LINKED_CLONES_STRICT: "" },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  try {
    const line = r.stdout?.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (r.status !== 0 || !line) {
      throw new Error(`${v.key} N=${n} failed (exit ${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
    }
    const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
    const tf = readStack(outdir, S.STACK);
    const vms = countVms(tf);
    if (vms !== n) throw new Error(`${v.key} N=${n}: synthesized ${vms} VMs, expected ${n}`);
    if (v.side === "ours") {
      if (!fs.existsSync(path.join(outdir, "stacks", S.STACK, "linked-clones-findings.json"))) {
        throw new Error(`ours N=${n}: no linked-clones-findings.json: the rules did not run at synth`);
      }
      if (result.findings?.error)
        throw new Error(`ours N=${n}: ${result.findings.error} error findings; the scenario must pass every rule`);
    }
    const outputBytes = fs.statSync(path.join(outdir, "stacks", S.STACK, "cdk.tf.json")).size;
    return { ...result, wallMs, vms, outputBytes };
  } finally {
    if (!keepOutdir) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** One synth of every side at n into kept outdirs; the estates must match. */
function verifySides(cmd: string[], n: number): string {
  const estates = new Map<Side, Estate>();
  for (const v of [OURS, LOOP, FOR_EACH]) {
    const dir = path.join(OUT, "verify", v.side);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    runOnce(cmd, v, n, dir);
    estates.set(v.side, estateOf(readStack(dir, S.STACK)));
  }
  const ref = estates.get("ours")!;
  for (const side of ["loop", "for-each"] as const) {
    const diff = compareEstates(ref, estates.get(side)!);
    if (diff.length)
      throw new Error(`side ${side} does not build the same estate as ours at N=${n}:\n  ${diff.join("\n  ")}`);
  }
  return (
    `${ref.vms.size} VMs, ${ref.triggers.length} replacement triggers, ${ref.lookups.length} data sources and snapshots, ` +
    `${ref.outputs.size} outputs, provider, variables and terraform block: identical on all sides`
  );
}

/** One run of ours under `node --cpu-prof`; its top costs as markdown. */
function profileOurs(cmd: string[], n: number): string {
  const dir = path.join(OUT, "profile");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
  try {
    const r = spawnSync(
      process.execPath,
      [
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        "--cpu-prof-interval",
        "250",
        ...cmd,
        "ours",
        String(n),
        outdir,
        ...(STACK_TRACES ? ["--stack-traces"] : []),
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`profiling ours failed:\n${r.stderr}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const summary = summarizeProfile(path.join(dir, file), ROOT, BUILD, 12);
  return formatProfile(`Profile of ours at N=${n}: ${path.relative(ROOT, path.join(dir, file))}`, summary);
}

// ---------------------------------------------------------------- stats

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

type Field =
  | "wallMs"
  | "cpuMs"
  | "childProcessCpuMs"
  | "totalMs"
  | "loadMs"
  | "buildMs"
  | "synthMs"
  | "rulesMs"
  | "maxRssKb"
  | "heapUsedMb"
  | "bootMs";
interface Summary {
  runs: number;
  median: Record<Field, number>;
  min: Record<Field, number>;
  max: Record<Field, number>;
  outputBytes: number;
}

function summarize(samples: Sample[]): Summary {
  const fields: Field[] = [
    "wallMs",
    "cpuMs",
    "childProcessCpuMs",
    "totalMs",
    "loadMs",
    "buildMs",
    "synthMs",
    "rulesMs",
    "maxRssKb",
    "heapUsedMb",
    "bootMs",
  ];
  const pick = (f: Field) => samples.map((s) => s[f]).filter((x): x is number => typeof x === "number");
  const agg = (fn: (xs: number[]) => number) =>
    Object.fromEntries(fields.map((f) => [f, pick(f).length ? fn(pick(f)) : NaN])) as Record<Field, number>;
  return {
    runs: samples.length,
    median: agg(median),
    min: agg((xs) => Math.min(...xs)),
    max: agg((xs) => Math.max(...xs)),
    outputBytes: samples[0].outputBytes,
  };
}

// ---------------------------------------------------------------- report

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)}` : "–");
const mb = (kb: number) => (kb / 1024).toFixed(0);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ok = (pass: boolean) => (pass ? "met" : "**MISSED**");

interface Target {
  readonly what: string;
  readonly limit: string;
  readonly actual: string;
  readonly pass: boolean;
}

function report(
  summaries: Map<number, Map<string, Summary>>,
  machine: Record<string, string>,
  verified: string,
): { md: string; targets: Target[] } {
  const lines: string[] = [];
  lines.push(`### Synth benchmark: N linked clones three ways`, "");
  lines.push(
    `${machine.date}; ${machine.cpu}, nproc ${machine.nproc}, ${machine.memory}; node ${machine.node}; cdktf ${machine.cdktf}, ` +
      `@cdktf/provider-vsphere ${machine.provider}; load average at start ${machine.loadavg}; runner: ${machine.runner}; App({ stackTraces: ${STACK_TRACES} }) on every side; ` +
      `median of ${ROUNDS} runs per side, sides alternating.`,
    "",
  );
  lines.push(
    `Estate: groups of ${S.GROUP_SIZE}, ${S.GROUPS_PER_BASE} groups (${S.CLONES_PER_BASE} clones) per base, ${S.BASES_PER_CLUSTER} bases per cluster of ` +
      `${S.HOSTS_PER_CLUSTER} hosts, vSphere ${S.VERSION}, vmfs6, static IPv4, managed snapshots. Verified: ${verified}.`,
    "",
  );
  lines.push(
    "Time is the wall time of the whole `node` process (start-up, loading cdktf and the provider, building the tree, `app.synth()` writing cdk.tf.json); " +
      "CPU is the process's user + system time (all threads), less disturbed than wall time by other load on the machine; " +
      "child CPU is that of the processes it ran and waited for (e.g. the `terraform version` of cdktf's DataResource validation, which no side uses; 0 expected); " +
      "build and synth are the in-process phases. Peak RSS is `process.resourceUsage().maxRSS` at the end of synth.",
    "",
  );
  lines.push(
    "| N | side | time ms | CPU ms | child CPU ms | build ms | synth ms | peak RSS MB | cdk.tf.json MB | ours/side time | ours/side CPU | ours/side RSS |",
  );
  lines.push("|--:|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const [n, byKey] of summaries) {
    const ours = byKey.get(OURS.key)!;
    for (const v of [OURS, LOOP, FOR_EACH]) {
      const s = byKey.get(v.key)!;
      const rel =
        v === OURS
          ? ["", "", ""]
          : [
              ratio(ours.median.wallMs, s.median.wallMs),
              ratio(ours.median.cpuMs, s.median.cpuMs),
              ratio(ours.median.maxRssKb, s.median.maxRssKb),
            ];
      lines.push(
        `| ${n} | ${v.key} | ${ms(s.median.wallMs)} | ${ms(s.median.cpuMs)} | ${ms(s.median.childProcessCpuMs)} | ${ms(s.median.buildMs)} | ${ms(s.median.synthMs)} | ${mb(s.median.maxRssKb)} | ` +
          `${(s.outputBytes / 2 ** 20).toFixed(1)} | ${rel.join(" | ")} |`,
      );
    }
  }
  lines.push("");
  lines.push("Scaling of ours (in-process = build + synth):", "");
  lines.push("| N | time ms | in-process ms | in-process µs per clone | for-each in-process µs per clone |");
  lines.push("|--:|--:|--:|--:|--:|");
  for (const [n, byKey] of summaries) {
    const o = byKey.get(OURS.key)!;
    const f = byKey.get(FOR_EACH.key)!;
    const inProc = o.median.buildMs + o.median.synthMs;
    lines.push(
      `| ${n} | ${ms(o.median.wallMs)} | ${ms(inProc)} | ${ms((1000 * inProc) / n)} | ${ms((1000 * (f.median.buildMs + f.median.synthMs)) / n)} |`,
    );
  }
  lines.push("");
  lines.push(
    "Rule pass alone (ours, `LinkedCloneChecks.of(app).findings()` timed on its own before `app.synth()`, cold: model + every rule):",
    "",
  );
  lines.push(
    "| N | rules ms | ours app.synth() ms | share of app.synth() | ours build + synth ms | share of build + synth |",
  );
  lines.push("|--:|--:|--:|--:|--:|--:|");
  for (const [n, byKey] of summaries) {
    const ours = byKey.get(OURS.key)!;
    const probe = byKey.get(OURS_RULES.key)!;
    const r = probe.median.rulesMs;
    const inProc = ours.median.buildMs + ours.median.synthMs;
    lines.push(
      `| ${n} | ${r.toFixed(1)} | ${ms(ours.median.synthMs)} | ${pct(r / ours.median.synthMs)} | ${ms(inProc)} | ${pct(r / inProc)} |`,
    );
  }
  lines.push("");

  const nMax = Math.max(...summaries.keys());
  const at = summaries.get(nMax)!;
  const options = [
    ["ours", "stackTraces: false (every side's default here)", at.get(OURS.key)],
    ["ours", "stackTraces: true (cdktf default)", at.get(OURS_TRACES.key)],
    ["ours", "skipValidation: true (no construct validations)", at.get(OURS_NO_VALIDATION.key)],
    ["for-each", "stackTraces: false (every side's default here)", at.get(FOR_EACH.key)],
    ["for-each", "skipValidation: true (no construct validations)", at.get(FOR_EACH_NO_VALIDATION.key)],
  ] as const;
  if (options.every(([, , x]) => x)) {
    const oursNoVal = at.get(OURS_NO_VALIDATION.key)!;
    const feNoVal = at.get(FOR_EACH_NO_VALIDATION.key)!;
    lines.push(`App options at N=${nMax}:`, "");
    lines.push("| side | App options | time ms | CPU ms | child CPU ms | build ms | synth ms | peak RSS MB |");
    lines.push("|:--|:--|--:|--:|--:|--:|--:|--:|");
    for (const [side, label, x] of options) {
      lines.push(
        `| ${side} | ${label} | ${ms(x!.median.wallMs)} | ${ms(x!.median.cpuMs)} | ${ms(x!.median.childProcessCpuMs)} | ${ms(x!.median.buildMs)} | ${ms(x!.median.synthMs)} | ${mb(x!.median.maxRssKb)} |`,
      );
    }
    lines.push(
      "",
      `With skipValidation on both: ours/for_each time ${ratio(oursNoVal.median.wallMs, feNoVal.median.wallMs)}, ` +
        `CPU ${ratio(oursNoVal.median.cpuMs, feNoVal.median.cpuMs)}.`,
      "",
    );
  }

  const targets: Target[] = [];
  const o = at.get(OURS.key)!;
  const loop = at.get(LOOP.key)!;
  const fe = at.get(FOR_EACH.key)!;
  const probe = at.get(OURS_RULES.key)!;
  const t = (what: string, limit: number, actual: number, fmt = (x: number) => `${x.toFixed(3)}x`) =>
    targets.push({ what, limit: `<= ${fmt(limit)}`, actual: fmt(actual), pass: actual <= limit });
  t(`time ours/loop at N=${nMax}`, 0.3, o.median.wallMs / loop.median.wallMs);
  t(`time ours/for_each at N=${nMax}`, 1.15, o.median.wallMs / fe.median.wallMs);
  t(`CPU ours/loop at N=${nMax} (cross-check)`, 0.3, o.median.cpuMs / loop.median.cpuMs);
  t(`CPU ours/for_each at N=${nMax} (cross-check)`, 1.15, o.median.cpuMs / fe.median.cpuMs);
  t(`peak RSS ours/loop at N=${nMax}`, 0.8, o.median.maxRssKb / loop.median.maxRssKb);
  t(`rules share of ours app.synth() at N=${nMax}`, 0.1, probe.median.rulesMs / o.median.synthMs, pct);
  if (summaries.has(1000) && nMax > 1000) {
    const o1 = summaries.get(1000)!.get(OURS.key)!;
    t(`ours time growth N=1000 -> ${nMax} (wall)`, 2, o.median.wallMs / o1.median.wallMs);
    t(
      `ours time growth N=1000 -> ${nMax} (build + synth, no start-up)`,
      2,
      (o.median.buildMs + o.median.synthMs) / (o1.median.buildMs + o1.median.synthMs),
    );
  }
  lines.push(
    `Targets at N=${nMax}${nMax === 4000 ? "" : " (the targets are set for N=4000; at smaller N start-up weighs more, so this is indicative only)"}:`,
    "",
  );
  lines.push("| target | limit | actual | |", "|:--|--:|--:|:--|");
  for (const x of targets) lines.push(`| ${x.what} | ${x.limit} | ${x.actual} | ${ok(x.pass)} |`);
  lines.push("");
  return { md: lines.join("\n"), targets };
}

function machineInfo(): Record<string, string> {
  const pkg = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string })
      .version;
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: `${cpus[0]?.model ?? "unknown CPU"}`,
    nproc: String(os.availableParallelism?.() ?? cpus.length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    node: process.version,
    loadavg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
    platform: `${os.platform()} ${os.release()}`,
    cdktf: pkg("cdktf"),
    provider: pkg("@cdktf/provider-vsphere"),
    runner: RUNNER === "tsx" ? "node --import tsx (TS sources)" : "node on JS precompiled by ts.transpileModule",
  };
}

// ---------------------------------------------------------------- main

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  const machine = machineInfo();
  const childJs = precompile();
  const cmd = childCommand(childJs);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`bench: N=${NS.join(",")}, ${ROUNDS} rounds, runner ${machine.runner}${quick ? " (BENCH_QUICK)" : ""}`);

  const verified = verifySides(cmd, Math.min(...NS));
  log(`verify: ${verified}`);
  // One unmeasured run of each side warms the file cache.
  for (const v of [OURS, LOOP, FOR_EACH]) runOnce(cmd, v, Math.min(...NS));

  const nMax = Math.max(...NS);
  const samples = new Map<number, Map<string, Sample[]>>();
  for (const n of NS) {
    const variants = [OURS, LOOP, FOR_EACH, OURS_RULES, ...(n === nMax ? AT_MAX_N : [])];
    const byKey = new Map<string, Sample[]>(variants.map((v) => [v.key, []]));
    samples.set(n, byKey);
    for (let round = 1; round <= ROUNDS; round++) {
      const parts: string[] = [];
      for (const v of variants) {
        const s = runOnce(cmd, v, n);
        byKey.get(v.key)!.push(s);
        parts.push(
          `${v.key} ${ms(s.wallMs)} ms (cpu ${ms(s.cpuMs)}, child ${ms(s.childProcessCpuMs ?? NaN)}) ${mb(s.maxRssKb)} MB${s.rulesMs !== undefined ? ` (rules ${s.rulesMs.toFixed(1)} ms)` : ""}`,
        );
      }
      log(`N=${n} round ${round}/${ROUNDS}: ${parts.join(" | ")}`);
    }
  }

  const summaries = new Map<number, Map<string, Summary>>(
    [...samples].map(([n, byKey]) => [n, new Map([...byKey].map(([k, ss]) => [k, summarize(ss)]))]),
  );
  const { md: table, targets } = report(summaries, machine, verified);
  let md = table;
  if (targets.some((x) => !x.pass) || process.env.BENCH_PROFILE === "1") {
    log(`profiling ours at N=${nMax}`);
    md += "\n" + profileOurs(cmd, nMax);
  }
  fs.writeFileSync(path.join(OUT, "results.md"), md + "\n");
  fs.writeFileSync(
    path.join(OUT, "results.json"),
    JSON.stringify(
      {
        machine,
        settings: {
          ns: NS,
          rounds: ROUNDS,
          quick,
          stackTraces: STACK_TRACES,
          scenario: {
            groupSize: S.GROUP_SIZE,
            groupsPerBase: S.GROUPS_PER_BASE,
            basesPerCluster: S.BASES_PER_CLUSTER,
            hostsPerCluster: S.HOSTS_PER_CLUSTER,
          },
        },
        verified,
        targets,
        summaries: Object.fromEntries([...summaries].map(([n, m]) => [n, Object.fromEntries(m)])),
        samples: Object.fromEntries([...samples].map(([n, m]) => [n, Object.fromEntries(m)])),
      },
      null,
      2,
    ) + "\n",
  );
  process.stdout.write(md + "\n");
  log(`wrote ${path.relative(ROOT, path.join(OUT, "results.md"))} and results.json`);
  fs.rmSync(path.join(OUT, "verify"), { recursive: true, force: true });
}

main();
