/** A user error in an environment file: the file, the field, the bad value and the fix. */
export interface Problem {
  /** Environment file, relative to the working directory. */
  readonly file: string;
  /** Field path, e.g. `groups[1].customization.ipv4.range`; empty for the whole file. */
  readonly field: string;
  readonly message: string;
  /** Where the field is written in the file (1-based), when it is. */
  readonly line?: number;
  readonly column?: number;
}

/** `file:line:column: field: message`, as compilers print it (the position when known). */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

/** Problems in file order, then by position in the file. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** Thrown for bad environment files; carries every problem found, not just the first. */
export class ConfigError extends Error {
  public readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** `groups[1].customization.ipv4.range` from ["groups", 1, "customization", ...]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
      out += plain ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** A short rendering of a bad value for messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (empty)";
  if (typeof value === "string") {
    // Never echo credentials someone wrote into a URL.
    const shown = value.replace(/(\/\/)[^/@\s]*@/g, "$1***@");
    return shown.length > 60 ? `'${shown.slice(0, 57)}...'` : `'${shown}'`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return "a mapping";
}
