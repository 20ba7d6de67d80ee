/**
 * One measured synth, in its own node process:
 *   node child.js <side> <n> <outdir> [--stack-traces] [--skip-validation] [--probe-rules]
 * Loads cdktf and the side, builds the app, synthesizes it to <outdir>, and prints one
 * line `BENCH_RESULT {json}` with phase times (ms) and peak memory (maxRSS, KB).
 * With --probe-rules (side "ours" only) the rule pass is run and timed on its own
 * before synth; synth then reuses its cached findings. With --skip-validation the App
 * skips cdktf's construct validations (cdktf's DataResource, which no side uses, adds one
 * that runs `terraform version` per resource).
 */
import * as fs from "fs";
import type { App, TerraformStack } from "cdktf";
import type { Scenario } from "./scenario";

export const RESULT_PREFIX = "BENCH_RESULT ";
export const SIDES = ["ours", "loop", "for-each"] as const;
export type Side = (typeof SIDES)[number];

interface SideModule {
  build(app: App, sc: Scenario): TerraformStack;
  findings?(app: App): { severity: string }[];
}

export interface ChildResult {
  side: Side;
  n: number;
  stackTraces: boolean;
  skipValidation: boolean;
  probeRules: boolean;
  /** From process start (performance time origin) to the first line of this file. */
  bootMs: number;
  /** Loading cdktf, the provider classes and the side's code. */
  loadMs: number;
  /** new App() and building the construct tree. */
  buildMs: number;
  /** The rule pass alone (model + runRules), with --probe-rules. */
  rulesMs?: number;
  /** app.synth(): aspects (ours: the rule pass unless probed), validation, resolve, write. */
  synthMs: number;
  /** From process start to the end of synth. */
  totalMs: number;
  /** CPU time (user + system, all threads) from process start to the end of synth. */
  cpuMs: number;
  /**
   * CPU time (user + system) of the child processes it ran and waited for, e.g. the
   * `terraform version` of cdktf's validations (Linux: /proc/self/stat; else undefined).
   */
  childProcessCpuMs?: number;
  /** Peak resident set size in KB (process.resourceUsage().maxRSS). */
  maxRssKb: number;
  heapUsedMb: number;
  /** Findings by severity, for ours. */
  findings?: Record<string, number>;
}

async function main(argv: string[]): Promise<void> {
  const bootMs = performance.now();
  const [side, nText, outdir] = argv;
  const stackTraces = argv.includes("--stack-traces");
  const skipValidation = argv.includes("--skip-validation");
  const probeRules = argv.includes("--probe-rules");
  if (!SIDES.includes(side as Side) || !outdir)
    throw new Error(
      `usage: child <${SIDES.join("|")}> <n> <outdir> [--stack-traces] [--skip-validation] [--probe-rules]`,
    );
  const n = Number(nText);

  const t0 = performance.now();
  const { App } = await import("cdktf");
  const { scenario } = await import("./scenario.js");
  // Only the measured side's modules are loaded (ours: lib/ too).
  const mod: SideModule =
    side === "ours"
      ? await import("./sides/ours.js")
      : side === "loop"
        ? await import("./sides/loop.js")
        : await import("./sides/for-each.js");
  const t1 = performance.now();
  const sc = scenario(n);
  const app = new App({ outdir, stackTraces, ...(skipValidation ? { skipValidation } : {}) });
  mod.build(app, sc);
  const t2 = performance.now();
  let rulesMs: number | undefined;
  if (probeRules) {
    if (!mod.findings) throw new Error(`--probe-rules needs side ours, not ${side}`);
    const r0 = performance.now();
    mod.findings(app);
    rulesMs = performance.now() - r0;
  }
  const t3 = performance.now();
  app.synth();
  const t4 = performance.now();
  const usage = process.resourceUsage();
  const maxRssKb = usage.maxRSS;
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const childProcessCpuMs = waitedChildrenCpuMs();
  const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  let findings: Record<string, number> | undefined;
  if (mod.findings) {
    findings = {};
    for (const f of mod.findings(app)) findings[f.severity] = (findings[f.severity] ?? 0) + 1;
  }
  const result: ChildResult = {
    side: side as Side,
    n,
    stackTraces,
    skipValidation,
    probeRules,
    bootMs,
    loadMs: t1 - t0,
    buildMs: t2 - t1,
    ...(rulesMs !== undefined ? { rulesMs } : {}),
    synthMs: t4 - t3,
    totalMs: t4,
    cpuMs,
    ...(childProcessCpuMs !== undefined ? { childProcessCpuMs } : {}),
    maxRssKb,
    heapUsedMb,
    ...(findings ? { findings } : {}),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** cutime + cstime of /proc/self/stat (fields 16 and 17, in clock ticks of 10 ms on Linux). */
function waitedChildrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) * 10;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
