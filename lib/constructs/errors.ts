import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import type { IConstruct } from "constructs";
import type { FieldProblem } from "../model/validate";
import type { OnRuleError } from "./linked-clone-checks";

/**
 * A literal mistake in a construct's props, found when the construct is built. Carries every
 * problem of the construct (each with the prop it concerns), not just the first.
 */
export class LinkedCloneError extends Error {
  public readonly path: string;
  public readonly problems: readonly FieldProblem[];

  constructor(path: string, problems: readonly FieldProblem[]) {
    super(problems.map((p) => `${path}: ${p.field ? `${p.field}: ` : ""}${p.message}`).join("\n"));
    this.name = "LinkedCloneError";
    this.path = path;
    this.problems = problems;
  }
}

const chosen = new WeakMap<IConstruct, () => OnRuleError | undefined>();

/** Lets the app's checks say how errors end, for the constructs built under `root`. */
export function setErrorMode(root: IConstruct, mode: () => OnRuleError | undefined): void {
  chosen.set(root, mode);
}

/** How an error ends for the app that holds `scope`: its checks' option, else "exit" outside test runners. */
export function errorMode(scope: IConstruct): OnRuleError {
  const root = scope.node.root;
  const mode = chosen.get(root)?.();
  if (mode) return mode;
  const underTest =
    process.env.JEST_WORKER_ID !== undefined ||
    process.env.VITEST !== undefined ||
    root.node.tryGetContext("cdktfVersion") === "stubbed";
  return underTest ? "throw" : "exit";
}

/**
 * Fails for `scope` when there are problems: with `onError: "exit"` (the default outside test
 * runners) it prints one line per problem, removes every cdk.tf.json under the app's output
 * folder (none of them is current any more) and exits 1, with no stack trace; with "throw" it
 * throws a LinkedCloneError.
 */
export function failWith(scope: IConstruct, problems: readonly FieldProblem[]): void {
  if (!problems.length) return;
  const where = scope.node.path || "app";
  const error = new LinkedCloneError(where, problems);
  if (errorMode(scope) === "throw") throw error;
  for (const line of error.message.split("\n")) process.stderr.write(`error: ${line}\n`);
  const root = scope.node.root;
  const stacks = root instanceof App ? path.join(root.outdir, "stacks") : undefined;
  if (stacks && fs.existsSync(stacks)) {
    for (const s of fs.readdirSync(stacks)) fs.rmSync(path.join(stacks, s, "cdk.tf.json"), { force: true });
  }
  process.stderr.write(`Synth failed: ${where} cannot be built; no cdk.tf.json was written.\n`);
  process.exit(1);
}
