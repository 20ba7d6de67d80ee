import YAML from "yaml";

/** A 1-based line and column in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** `groups[1].customization.ipv4.range` and `bases["a b"].vm` back to their segments. */
export function parseFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(field)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/**
 * Finds where a field is written in a YAML document: the key of a mapping entry, or the item
 * of a sequence. `field` may list alternatives separated by `|` (the first one written wins);
 * when no alternative is written, the deepest part of the path that is.
 */
export class YamlLocator {
  private readonly lines: YAML.LineCounter;
  private readonly doc: YAML.Document.Parsed;

  constructor(doc: YAML.Document.Parsed, lines: YAML.LineCounter) {
    this.doc = doc;
    this.lines = lines;
  }

  public locate(field: string): Position | undefined {
    const alternatives = field.split("|");
    let fallback: { depth: number; offset: number } | undefined;
    for (const alt of alternatives) {
      const found = this.walk(parseFieldPath(alt));
      if (found.complete) return this.position(found.offset);
      if (!fallback || found.depth > fallback.depth) fallback = found;
    }
    return fallback ? this.position(fallback.offset) : undefined;
  }

  /** Where a path ends (or how far it gets): the offset of the deepest node reached. */
  private walk(path: (string | number)[]): { complete: boolean; depth: number; offset: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const [depth, seg] of path.entries()) {
      if (YAML.isMap(node)) {
        const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { complete: false, depth, offset };
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (YAML.isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (item === undefined) return { complete: false, depth, offset };
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        return { complete: false, depth, offset };
      }
    }
    return { complete: true, depth: path.length, offset };
  }

  private position(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }
}

function rangeStart(node: unknown): number | undefined {
  return node && typeof node === "object" && "range" in node && Array.isArray((node as YAML.Node).range)
    ? (node as YAML.Node).range![0]
    : undefined;
}
