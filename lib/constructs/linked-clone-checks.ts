import * as fs from "fs";
import * as path from "path";
import { Annotations, App, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import type { AppModel, BaseModel, GroupModel, Limits, Suppression } from "../model/types";
import { ALL_RULES, isRuleId, RULE_IDS, runRules, type Finding } from "../rules";

/** What a construct registers: a plain description of itself, built when the rules run. */
export interface CheckedBase {
  readonly node: IConstruct["node"];
  toModel(): BaseModel;
}
export interface CheckedGroup {
  readonly node: IConstruct["node"];
  toModel(): GroupModel;
}

export const FINDINGS_FILE = "linked-clones-findings.json";

interface StackSettings {
  limits: Limits;
}

/** Suppressions of one construct (group or stack), checked when given. */
const constructSuppressions = new WeakMap<IConstruct, Suppression[]>();

/**
 * Runs every linked-clone rule once per app over the plain model that the
 * constructs register, and turns findings into annotations: errors stop synth of
 * their stack. Works for any app built from these constructs, with or without
 * environment files.
 */
export class LinkedCloneChecks {
  private static readonly byApp = new WeakMap<IConstruct, LinkedCloneChecks>();

  /** The checks of the app that holds `scope`. */
  public static of(scope: IConstruct): LinkedCloneChecks {
    const root = scope.node.root;
    let checks = LinkedCloneChecks.byApp.get(root);
    if (!checks) {
      checks = new LinkedCloneChecks();
      LinkedCloneChecks.byApp.set(root, checks);
    }
    return checks;
  }

  /**
   * Suppresses a rule for a stack or a group. The finding is still reported, as info with the reason.
   * Throws on an unknown rule id or an empty reason.
   */
  public static suppress(scope: IConstruct, rule: string, reason: string): void {
    if (!isRuleId(rule)) {
      throw new Error(
        `${scope.node.path}: cannot suppress unknown rule '${rule}'; known rules: ${RULE_IDS.join(", ")}`,
      );
    }
    if (reason.trim() === "") {
      throw new Error(
        `${scope.node.path}: suppression of '${rule}' needs a reason; say why the finding does not apply`,
      );
    }
    const list = constructSuppressions.get(scope) ?? [];
    list.push({ rule, reason: reason.trim() });
    constructSuppressions.set(scope, list);
    LinkedCloneChecks.of(scope).changed();
  }

  /** Suppressions set on a construct with {@link LinkedCloneChecks.suppress}. */
  public static suppressionsOf(scope: IConstruct): Suppression[] {
    return [...(constructSuppressions.get(scope) ?? [])];
  }

  /** Overrides the rule defaults for every chain with clones in `stack`. */
  public static setLimits(stack: TerraformStack, limits: Limits): void {
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new Error(`${stack.node.path}: limits.${name} is ${value}; use a whole number of 1 or more`);
      }
    }
    const checks = LinkedCloneChecks.of(stack);
    checks.settings(stack).limits = { ...limits };
    checks.changed();
  }

  private readonly bases: CheckedBase[] = [];
  private readonly groups: CheckedGroup[] = [];
  private readonly stacks = new Map<TerraformStack, StackSettings>();
  /** Stacks whose synth runs the checks (those with a base or group). */
  private readonly checked = new Set<TerraformStack>();
  private cached?: { findings: Finding[]; model: AppModel };

  private constructor() {}

  public registerBase(base: CheckedBase): void {
    this.bases.push(base);
    this.attach(TerraformStack.of(base.node.scope!));
  }

  public registerGroup(group: CheckedGroup): void {
    this.groups.push(group);
    this.attach(TerraformStack.of(group.node.scope!));
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
      const model: AppModel = {
        stacks: [...this.stacks.entries()].map(([stack, s]) => ({
          name: stack.node.id,
          limits: s.limits,
          suppressions: LinkedCloneChecks.suppressionsOf(stack),
        })),
        bases: this.bases.map((b) => b.toModel()),
        groups: this.groups.map((g) => g.toModel()),
      };
      const strict = process.env.LINKED_CLONES_STRICT === "1";
      this.cached = { model, findings: runRules(model, ALL_RULES, { strict }) };
    }
    return this.cached;
  }

  private changed(): void {
    this.cached = undefined;
  }

  private settings(stack: TerraformStack): StackSettings {
    let s = this.stacks.get(stack);
    if (!s) {
      s = { limits: {} };
      this.stacks.set(stack, s);
    }
    return s;
  }

  private attach(stack: TerraformStack): void {
    this.changed();
    this.settings(stack);
    if (this.checked.has(stack)) return;
    this.checked.add(stack);
    Aspects.of(stack).add(new StackCheckAspect(this, stack));
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
    const root = this.stack.node.root;
    if (root instanceof App) writeFindings(root.outdir, stackName, findings);
  }
}

/**
 * Writes `stacks/<stack>/linked-clones-findings.json`. A stack with errors gets no
 * cdk.tf.json: a stale one from an earlier synth is removed.
 */
export function writeFindings(outdir: string, stackName: string, findings: readonly Finding[]): void {
  const dir = path.join(outdir, "stacks", stackName);
  fs.mkdirSync(dir, { recursive: true });
  const records = findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    ruleSeverity: f.ruleSeverity,
    path: f.path,
    message: f.message,
    suppressionReason: f.suppressionReason ?? null,
  }));
  fs.writeFileSync(path.join(dir, FINDINGS_FILE), JSON.stringify(records, null, 2) + "\n");
  if (findings.some((f) => f.severity === "error")) fs.rmSync(path.join(dir, "cdk.tf.json"), { force: true });
}
