/**
 * `npm run preflight -- <env> [more envs]`: loads each environment file, reads its vCenter with
 * govc (read-only) and its Terraform state, runs the checks and reports. Exit 0 when everything
 * matches, 1 with every mismatch listed, 2 when it cannot check (usage, credentials, vCenter
 * unreachable).
 */
import { closest, distance } from "fastest-levenshtein";
import { ConfigError, formatProblem } from "../config/problems";
import { environmentFiles, loadEnvironment, stackNameOf } from "../config/loader";
import { checkEnvironment, type PreflightEnvironment } from "./checks";
import { renderFacts } from "./facts";
import { GovcError, PreflightUsageError, findGovc, gather, govcEnv, govcRunner } from "./govc";
import type { Inventory } from "./inventory";
import { printPreflightFinding, sortFindings, type PreflightFinding } from "./rules";
import { StateReadError, readState, shownPath, type StateView } from "./state";

export interface PreflightOptions {
  /** Environment names (file names without .yaml), or paths to .yaml files. */
  readonly environments: readonly string[];
  /** Print the findings as JSON. */
  readonly json?: boolean;
  /** Print the inventory section as YAML instead of checking. */
  readonly writeFacts?: boolean;
  /** A state file to use instead of the backend's (one environment only). */
  readonly stateFile?: string;
  /** Environment variables: credentials, PATH, LINKED_CLONES_ENV_DIR, CDKTF_OUTDIR. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The govc binary. @default - found on PATH, else in the user cache, else go install */
  readonly govc?: string;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export interface EnvironmentReport {
  readonly name: string;
  readonly file: string;
  readonly server: string;
  readonly datacenter: string;
  /** vCenter's version, when it could be read. */
  readonly vcenterVersion?: string;
  /** Where the state came from. */
  readonly state?: string;
  /** Why it could not be checked. */
  readonly unchecked?: string;
}

export interface PreflightResult {
  readonly exitCode: 0 | 1 | 2;
  readonly findings: readonly PreflightFinding[];
  readonly environments: readonly EnvironmentReport[];
}

function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (!candidates.length) return undefined;
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** The environment files the arguments name; unknown names are usage errors. */
function resolveFiles(names: readonly string[], dir: string): string[] {
  const { files } = environmentFiles(dir);
  const known = files.map((f) => stackNameOf(f).name).filter((n): n is string => !!n);
  if (!names.length) {
    throw new PreflightUsageError(
      `name at least one environment: npm run preflight -- <env> [more envs]${known.length ? ` (environments in ${shownPath(dir)}: ${known.join(", ")})` : ""}`,
    );
  }
  return names.map((n) => {
    if (n.endsWith(".yaml")) return n;
    const i = known.indexOf(n);
    if (i >= 0) return files[i];
    if (!known.length) {
      throw new PreflightUsageError(
        `unknown environment '${n}': ${shownPath(dir)} holds no environment (.yaml) files or does not exist; check LINKED_CLONES_ENV_DIR (default: environments)`,
      );
    }
    const guess = didYouMean(n, known);
    throw new PreflightUsageError(
      `unknown environment '${n}'${guess ? `; did you mean '${guess}'?` : ""} (environments in ${shownPath(dir)}: ${known.join(", ") || "none"})`,
    );
  });
}

export async function runPreflight(options: PreflightOptions): Promise<PreflightResult> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const err = options.err ?? ((l: string) => process.stderr.write(l + "\n"));
  if (options.stateFile !== undefined && options.environments.length !== 1) {
    throw new PreflightUsageError("--state FILE applies to one environment; name exactly one");
  }
  const dir = env.LINKED_CLONES_ENV_DIR || "environments";
  const files = resolveFiles(options.environments, dir);
  const loaded: PreflightEnvironment[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      loaded.push(loadEnvironment(f));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems.map(formatProblem));
    }
  }
  if (problems.length) {
    throw new PreflightUsageError(
      problems.length === 1
        ? problems[0]
        : `environment files have ${problems.length} problems:\n  ${problems.join("\n  ")}`,
    );
  }
  const user = env.TF_VAR_vsphere_user;
  const password = env.TF_VAR_vsphere_password;
  if (!user || !password) {
    const unset = [!user ? "TF_VAR_vsphere_user" : "", !password ? "TF_VAR_vsphere_password" : ""].filter(Boolean);
    throw new PreflightUsageError(
      `${unset.join(" and ")} ${unset.length > 1 ? "are" : "is"} not set; export the credentials Terraform uses (TF_VAR_vsphere_user, TF_VAR_vsphere_password) and run again`,
    );
  }
  const govc = options.govc ?? findGovc(env, err);
  const outdir = env.CDKTF_OUTDIR || "cdktf.out";

  const findings: PreflightFinding[] = [];
  const reports: EnvironmentReport[] = [];
  const facts: string[] = [];
  let unchecked = false;
  for (const e of loaded) {
    const spec = e.spec;
    const base = { name: e.name, file: shownPath(e.file), server: spec.vsphere.server, datacenter: spec.datacenter };
    const runner = govcRunner(
      govc,
      govcEnv(
        { server: spec.vsphere.server, allowUnverifiedSsl: spec.vsphere.allowUnverifiedSsl, user, password },
        env,
      ),
      [user, password],
    );
    let inv: Inventory;
    let state: StateView | undefined;
    try {
      inv = await gather(spec.datacenter, runner);
      if (!options.writeFacts)
        state = readState(e.name, spec, {
          outdir,
          env,
          ...(options.stateFile ? { stateFile: options.stateFile } : {}),
        });
    } catch (x) {
      if (!(x instanceof GovcError) && !(x instanceof StateReadError)) throw x;
      const why =
        x instanceof GovcError
          ? `cannot read vCenter ${spec.vsphere.server} with govc: ${x.message}`
          : `cannot read the Terraform state: ${x.message}`;
      err(`preflight: ${e.name}: ${why}`);
      reports.push({ ...base, unchecked: why });
      unchecked = true;
      continue;
    }
    if (options.writeFacts) {
      if (!inv.datacenterFound) {
        err(`preflight: ${e.name}: datacenter '${spec.datacenter}' does not exist on ${spec.vsphere.server}`);
        reports.push({ ...base, vcenterVersion: inv.about.version, unchecked: "datacenter not found" });
        unchecked = true;
        continue;
      }
      facts.push(renderFacts(e, inv));
      reports.push({ ...base, vcenterVersion: inv.about.version });
      continue;
    }
    const found = checkEnvironment(e, inv, state!);
    findings.push(...found);
    const stateText = state!.known ? state!.source : `${state!.source}, unknown: ${state!.reason}`;
    reports.push({ ...base, vcenterVersion: inv.about.version, state: stateText });
    if (!options.json) {
      out(
        `preflight ${e.name}: vCenter ${spec.vsphere.server} (vSphere ${inv.about.version}), datacenter ${spec.datacenter}, state ${stateText}`,
      );
      for (const f of found) out(printPreflightFinding(f));
    }
  }

  const sorted = sortFindings(findings);
  const errors = sorted.filter((f) => f.severity === "error");
  const exitCode: 0 | 1 | 2 = unchecked ? 2 : errors.length ? 1 : 0;
  if (options.writeFacts) {
    if (facts.length) out(facts.join("---\n").trimEnd());
    return { exitCode: unchecked ? 2 : 0, findings: [], environments: reports };
  }
  if (options.json) {
    out(JSON.stringify({ exitCode, environments: reports, findings: sorted }, null, 2));
    return { exitCode, findings: sorted, environments: reports };
  }
  const checked = reports.filter((r) => !r.unchecked).map((r) => r.name);
  const warnings = sorted.filter((f) => f.severity === "warning").length;
  if (errors.length) {
    const where = [...new Set(errors.map((f) => f.environment))].join(", ");
    out(
      `Preflight failed: ${errors.length} mismatch${errors.length === 1 ? "" : "es"} in ${where}; fix vCenter or the environment file, then run it again before cdktf deploy.`,
    );
  } else if (checked.length) {
    out(
      `Preflight passed: ${checked.join(", ")} ${checked.length === 1 ? "matches" : "match"} vCenter${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}.`,
    );
  }
  return { exitCode, findings: sorted, environments: reports };
}
