import * as fs from "fs";
import * as path from "path";
import { Annotations, App, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import type { AppModel, BaseModel, GroupModel, Limits, Suppression } from "../model/types";
import { ALL_RULES, isRuleId, printFinding, RULE_IDS, runRules, type Finding, type Rule } from "../rules";
import { checkLimits } from "../model/validate";
import { errorMode, failWith, setErrorMode } from "./errors";

/** What a construct registers: a plain description of itself, built when the rules run. */
export interface CheckedBase extends IConstruct {
  toModel(): BaseModel;
}
export interface CheckedGroup {
  readonly node: IConstruct["node"];
  toModel(): GroupModel;
}

export const FINDINGS_FILE = "linked-clones-findings.json";

/** Metadata type under which suppressions are kept in the construct tree. */
export const SUPPRESSION_METADATA = "cdktf-vsphere-linked-clones:suppress";

/** What to do when a rule reports an error at synth. */
export type OnRuleError =
  /** Print every finding once, remove the stacks' stale cdk.tf.json, exit 1: no stack trace. For `cdktf synth`. */
  | "exit"
  /** Leave the error annotations to cdktf, which throws (for tests that assert the failure). */
  | "throw";

/** Options of the checks, for the whole app (cdk-nag's pack options are the model). */
export interface LinkedCloneChecksOptions {
  /**
   * Warnings fail synth too.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * The rules to run.
   * @default ALL_RULES
   */
  readonly rules?: readonly Rule[];
  /**
   * Overrides of the rule defaults for every stack; a stack's own `setLimits` wins.
   * @default - the platform defaults
   */
  readonly limits?: Limits;
  /**
   * What a rule error does at synth.
   * @default - "exit", or "throw" under a test runner (jest, vitest) or in a cdktf Testing app
   */
  readonly onError?: OnRuleError;
}

function assertLimits(scope: IConstruct, limits: Limits): void {
  failWith(scope, checkLimits({ ...limits }));
}

/**
 * Runs every linked-clone rule once per app over the plain model that the
 * constructs register, and turns findings into annotations: errors stop synth of
 * their stack. Works for any app built from these constructs, with or without
 * environment files.
 */
export class LinkedCloneChecks {
  private static readonly byApp = new WeakMap<IConstruct, LinkedCloneChecks>();

  /**
   * The checks of the app that holds `scope`, created on first use. `options` (on any call)
   * set how the checks run for the whole app.
   */
  public static of(scope: IConstruct, options?: LinkedCloneChecksOptions): LinkedCloneChecks {
    const root = scope.node.root;
    let checks = LinkedCloneChecks.byApp.get(root);
    if (!checks) {
      checks = new LinkedCloneChecks(root);
      LinkedCloneChecks.byApp.set(root, checks);
    }
    if (options) checks.configure(options);
    return checks;
  }

  /**
   * Suppresses a rule for every group and base at or below `scope` (a stack, a group, or any
   * construct above them). The finding is still reported, as info with the reason. The
   * suppression is kept in the construct tree's metadata. Throws on an unknown rule id or an
   * empty reason.
   */
  public static suppress(scope: IConstruct, rule: string, reason: string): void {
    if (!isRuleId(rule)) {
      failWith(scope, [
        { field: "suppress", message: `cannot suppress unknown rule '${rule}'; known rules: ${RULE_IDS.join(", ")}` },
      ]);
      return;
    }
    if (reason.trim() === "") {
      failWith(scope, [
        { field: "suppress", message: `suppression of '${rule}' needs a reason; say why the finding does not apply` },
      ]);
      return;
    }
    scope.node.addMetadata(SUPPRESSION_METADATA, { rule, reason: reason.trim() } satisfies Suppression);
    LinkedCloneChecks.of(scope).changed();
  }

  /** Suppressions that apply at `scope`: put on it or on any construct above it. */
  public static suppressionsOf(scope: IConstruct): Suppression[] {
    return scope.node.scopes.flatMap((c) =>
      c.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA).map((m) => m.data as Suppression),
    );
  }

  /** Overrides the rule defaults for every chain with clones in `stack`. */
  public static setLimits(stack: TerraformStack, limits: Limits): void {
    assertLimits(stack, limits);
    const checks = LinkedCloneChecks.of(stack);
    checks.stackLimits.set(stack, { ...limits });
    checks.changed();
  }

  private readonly bases: CheckedBase[] = [];
  private readonly groups: CheckedGroup[] = [];
  private readonly stackLimits = new Map<TerraformStack, Limits>();
  /** Stacks whose synth runs the checks (those with a base or group), in registration order. */
  private readonly checked: TerraformStack[] = [];
  /** Terraform resource names (per stack) and DRS object names (per cluster), with the construct that claimed each. */
  private readonly claims = new Map<string, string>();
  private options: LinkedCloneChecksOptions = {};
  private cached?: { findings: Finding[]; model: AppModel };
  private reported = false;

  private constructor(private readonly root: IConstruct) {
    setErrorMode(root, () => this.options.onError);
  }

  private configure(options: LinkedCloneChecksOptions): void {
    // How errors end is known first, so that bad limits end that way too.
    if (options.onError) this.options = { ...this.options, onError: options.onError };
    if (options.limits) assertLimits(this.root, options.limits);
    this.options = { ...this.options, ...options };
    this.changed();
  }

  /** Whether warnings fail synth. */
  public get strict(): boolean {
    return this.options.strict ?? false;
  }

  public registerBase(base: CheckedBase): void {
    // Rules, rollouts and messages tell a stack's bases apart by id: two bases of one id would be one.
    const stack = TerraformStack.of(base.node.scope!);
    const key = `base\u0000${stack.node.path}\u0000${base.node.id}`;
    const owner = this.claims.get(key);
    if (owner !== undefined && owner !== base.node.path) {
      failWith(base, [
        {
          field: "",
          message: `collides with ${owner}: both would be base '${base.node.id}' of stack ${stack.node.id} (rules, rollouts and messages name bases by id); give one of the bases another id`,
        },
      ]);
      return;
    }
    this.claims.set(key, base.node.path);
    this.bases.push(base);
    this.attach(TerraformStack.of(base.node.scope!));
  }

  public registerGroup(group: CheckedGroup): void {
    this.groups.push(group);
    this.attach(TerraformStack.of(group.node.scope!));
  }

  /**
   * Claims a group's Terraform resource name (unique per stack) and its DRS object names
   * (unique per cluster, across the app's stacks): two groups that would make the same names
   * (one id under two parents of a stack, or stack and group names that join alike, such as
   * `lab` + `a-b` and `lab-a` + `b`) fail with both construct paths.
   */
  public claimNames(
    group: IConstruct,
    resourceName: string,
    drs?: { cluster: string; names: readonly string[] },
  ): void {
    const stack = TerraformStack.of(group);
    const wanted = [
      {
        key: `resource\u0000${stack.node.path}\u0000${resourceName}`,
        what: `Terraform resources named '${resourceName}' in stack ${stack.node.id}`,
      },
      ...(drs?.names ?? []).map((n) => ({
        key: `drs\u0000${drs!.cluster}\u0000${n}`,
        what: `the DRS object '${n}' in the same cluster`,
      })),
    ];
    for (const { key, what } of wanted) {
      const owner = this.claims.get(key);
      if (owner !== undefined && owner !== group.node.path) {
        failWith(group, [
          { field: "", message: `collides with ${owner}: both would make ${what}; give one of the groups another id` },
        ]);
        return;
      }
    }
    for (const { key } of wanted) this.claims.set(key, group.node.path);
  }

  /** The plain model of the whole app, built once until something changes. */
  public model(): AppModel {
    return this.run().model;
  }

  /** Every finding of the app, computed once until something changes. */
  public findings(): Finding[] {
    return this.run().findings;
  }

  private run(): { findings: Finding[]; model: AppModel } {
    if (!this.cached) {
      const defaults = this.options.limits ?? {};
      const model: AppModel = {
        stacks: this.checked.map((stack) => ({
          name: stack.node.id,
          limits: { ...defaults, ...(this.stackLimits.get(stack) ?? {}) },
          suppressions: LinkedCloneChecks.suppressionsOf(stack),
        })),
        bases: this.bases.map((b) => b.toModel()),
        groups: this.groups.map((g) => g.toModel()),
      };
      this.cached = { model, findings: runRules(model, this.options.rules ?? ALL_RULES, { strict: this.strict }) };
    }
    return this.cached;
  }

  private changed(): void {
    this.cached = undefined;
  }

  private attach(stack: TerraformStack): void {
    this.changed();
    if (this.checked.includes(stack)) return;
    this.checked.push(stack);
    Aspects.of(stack).add(new StackCheckAspect(this, stack));
  }

  /** How a rule error ends synth. */
  public get onError(): OnRuleError {
    return errorMode(this.root);
  }

  /**
   * On the first stack's synth, when the app has rule errors and `onError` is "exit": print
   * every finding once, write each stack's findings, remove every stack's cdk.tf.json (none is
   * current), and exit 1 before cdktf writes anything.
   */
  public failFast(outdir: string): void {
    const findings = this.findings();
    if (this.reported || this.onError !== "exit" || !findings.some((f) => f.severity === "error")) return;
    this.reported = true;
    for (const stack of this.checked)
      writeFindings(
        outdir,
        stack.node.id,
        findings.filter((f) => f.stack === stack.node.id),
        true,
      );
    const printed = new Set<string>();
    for (const f of findings) {
      const line = printFinding(f);
      if (printed.has(line)) continue;
      printed.add(line);
      (f.severity === "error" ? process.stderr : process.stdout).write(`${line}\n`);
    }
    const failing = [...new Set(findings.filter((f) => f.severity === "error").map((f) => f.stack))];
    process.stderr.write(
      `Synth failed: linked-clone rule errors in ${failing.join(", ")}; no cdk.tf.json was written.${this.strict ? " (strict: warnings count as errors)" : ""}\n`,
    );
    process.exit(1);
  }
}

/** Attaches a stack's findings as annotations and writes them next to its cdk.tf.json. */
class StackCheckAspect implements IAspect {
  constructor(
    private readonly checks: LinkedCloneChecks,
    private readonly stack: TerraformStack,
  ) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const root = this.stack.node.root;
    const outdir = root instanceof App ? root.outdir : undefined;
    if (outdir !== undefined) this.checks.failFast(outdir);
    const stackName = this.stack.node.id;
    const findings = this.checks.findings().filter((f) => f.stack === stackName);
    const byPath = new Map(this.stack.node.findAll().map((c) => [c.node.path, c]));
    for (const f of findings) {
      const target = byPath.get(f.path) ?? this.stack;
      const text = f.suppressionReason !== undefined ? `${f.message} (suppressed: ${f.suppressionReason})` : f.message;
      if (f.severity === "error") Annotations.of(target).addError(text);
      else if (f.severity === "warning") Annotations.of(target).addWarning(text);
      else Annotations.of(target).addInfo(text);
    }
    if (outdir !== undefined) writeFindings(outdir, stackName, findings);
  }
}

/**
 * Writes `stacks/<stack>/linked-clones-findings.json`. A stack with errors (or any stack, with
 * `removeOutput`) gets no cdk.tf.json: a stale one from an earlier synth is removed.
 */
export function writeFindings(
  outdir: string,
  stackName: string,
  findings: readonly Finding[],
  removeOutput = false,
): void {
  const dir = path.join(outdir, "stacks", stackName);
  fs.mkdirSync(dir, { recursive: true });
  const records = findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    ruleSeverity: f.ruleSeverity,
    path: f.path,
    ...(f.location ? { location: f.location } : {}),
    message: f.message,
    suppressionReason: f.suppressionReason ?? null,
  }));
  fs.writeFileSync(path.join(dir, FINDINGS_FILE), JSON.stringify(records, null, 2) + "\n");
  if (removeOutput || findings.some((f) => f.severity === "error")) {
    fs.rmSync(path.join(dir, "cdk.tf.json"), { force: true });
  }
}
