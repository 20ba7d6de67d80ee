import type { IConstruct } from "constructs";
import type { FieldProblem } from "../model/validate";

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

/** Throws a LinkedCloneError for `scope` when there are problems. */
export function failWith(scope: IConstruct, problems: readonly FieldProblem[]): void {
  if (problems.length) throw new LinkedCloneError(scope.node.path, problems);
}
