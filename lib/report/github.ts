/**
 * Findings and config problems as GitHub Actions workflow commands
 * (`::error file=environments/lab.yaml,line=14,col=5,title=chain-size::message`), which the
 * runner turns into annotations on the pull request's changed lines and in the run's summary.
 *
 * Pure functions: no cdktf, no environment, no I/O.
 */
import type { Problem } from "../config/problems";
import type { Severity } from "../model/types";
import type { Finding } from "../rules/engine";
import { portablePath } from "./sarif";

/** The annotation commands GitHub knows, by how loud they are. */
export type AnnotationCommand = "error" | "warning" | "notice";

/** Where an annotation points and what it is called; every key is optional. */
export interface AnnotationProperties {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly title?: string;
}

/** A command's message: `%`, carriage return and line feed escaped as GitHub's runner expects. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A command property's value: as a message, plus `:` and `,` (they end the value). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `::<command> key=value,...::message`, each part escaped; properties in a fixed order. */
export function workflowCommand(command: AnnotationCommand, props: AnnotationProperties, message: string): string {
  const parts: string[] = [];
  if (props.file !== undefined) parts.push(`file=${escapeProperty(props.file)}`);
  if (props.line !== undefined) parts.push(`line=${props.line}`);
  if (props.col !== undefined) parts.push(`col=${props.col}`);
  if (props.title !== undefined) parts.push(`title=${escapeProperty(props.title)}`);
  return `::${command}${parts.length ? ` ${parts.join(",")}` : ""}::${escapeData(message)}`;
}

const COMMAND: Record<Severity, AnnotationCommand> = { error: "error", warning: "warning", info: "notice" };

/**
 * A finding as an annotation: errors as `::error`, warnings as `::warning`, suppressed (and
 * informational) findings as `::notice` with the severity they would have had and the reason.
 */
export function githubFinding(f: Finding): string {
  const suppressed =
    f.suppressionReason !== undefined ? ` (${f.ruleSeverity} suppressed in ${f.stack}: ${f.suppressionReason})` : "";
  const where: AnnotationProperties = f.location
    ? { file: portablePath(f.location.file), line: f.location.line, col: f.location.column }
    : {};
  return workflowCommand(COMMAND[f.severity], { ...where, title: f.rule }, `${f.message}${suppressed}`);
}

/** A config problem (bad YAML, unknown field, bad value) as an `::error` on its file and line. */
export function githubProblem(p: Problem): string {
  const where: AnnotationProperties =
    p.line !== undefined
      ? { file: portablePath(p.file), line: p.line, col: p.column ?? 1 }
      : { file: portablePath(p.file) };
  return workflowCommand("error", { ...where, title: "config" }, p.field ? `${p.field}: ${p.message}` : p.message);
}
