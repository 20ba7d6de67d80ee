/** Environment files on disk: which files a folder holds, their stack names, and their text (UTF-8 only). */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, type Problem } from "./problems";

/** Environment files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Stack names come from file names and become folder names: keep them plain. */
const STACK_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * A path as messages and output files show it: relative to the working directory, so that it
 * resolves where the command ran (`../labs/lab.yaml` for a folder beside it), never absolute
 * (on another drive, where no relative path exists, the folder's name and the file's).
 */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  if (rel === "") return ".";
  return path.isAbsolute(rel) ? path.join(path.basename(path.dirname(file)), path.basename(file)) : rel;
}

/** Stack name of an environment file, or a problem naming the fix. */
export function stackNameOf(file: string): { name?: string; problem?: string } {
  const base = path.basename(file);
  if (!base.endsWith(".yaml")) {
    return { problem: `'${base}' is not a .yaml file; environment files are named <stack>.yaml` };
  }
  const name = base.slice(0, -".yaml".length);
  if (!STACK_NAME.test(name)) {
    return {
      problem: `file name '${base}' does not make a valid stack name; rename it to lower-case letters, digits and inner '-' (at most 64), e.g. training-lab.yaml`,
    };
  }
  return { name };
}

/**
 * The file's text: it must be UTF-8 (a UTF-8 byte-order mark is dropped). Anything else, a
 * Latin-1 file or UTF-16, would be read as garbled names, so it is refused, saying how to convert.
 */
export function decodeUtf8(bytes: Buffer, file: string): string {
  const utf16 =
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    (bytes.length > 1 && bytes.subarray(0, Math.min(bytes.length, 200)).filter((b) => b === 0).length > 10);
  const fix = `save it as UTF-8 (e.g. iconv -f <its encoding> -t UTF-8 ${path.basename(file)})`;
  if (utf16) {
    throw new ConfigError([{ file, field: "", message: `the file is UTF-16, not UTF-8; ${fix}` }]);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1;
    throw new ConfigError([
      {
        file,
        field: "",
        line,
        column: 1,
        message: `the file is not UTF-8 (byte 0x${bytes[at].toString(16)} on line ${line}, e.g. Latin-1 text); ${fix}`,
      },
    ]);
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return 0;
}

/** Every `.yaml` in a folder, sorted; other files there are problems (a `.yml` is likely a mistake). */
export function environmentFiles(dir: string): { files: string[]; problems: Problem[] } {
  const shown = displayPath(dir) || dir;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return {
      files: [],
      problems: [
        {
          file: shown,
          field: "",
          message: `the environment folder ${missing ? "does not exist" : "cannot be read"}; check LINKED_CLONES_ENV_DIR (default: environments)`,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (entry.endsWith(".yaml")) {
      files.push(full); // a folder named *.yaml is reported when it is read
      continue;
    }
    if (isFolder(full)) {
      const inside = yamlLike(full);
      if (inside.length) {
        problems.push({
          file: displayPath(full),
          field: "",
          message: `is a folder with ${inside.map((f) => `'${f}'`).join(", ")}, but environment files are read from ${shown} itself, so ${inside.length === 1 ? "it" : "they"} would be skipped; move ${inside.length === 1 ? "it" : "them"} up into ${shown}, or the folder out of it`,
        });
      }
      continue;
    }
    const name = nearMiss(entry);
    if (name !== undefined) {
      problems.push({
        file: displayPath(full),
        field: "",
        message: `environment files end in .yaml (lower case, nothing after it), so '${entry}' would be skipped; rename it to ${name}`,
      });
    }
  }
  if (!files.length && !problems.length) {
    problems.push({
      file: shown,
      field: "",
      message: `holds no environment (.yaml) files; add one, e.g. ${path.join(shown, "lab.yaml")}`,
    });
  }
  return { files, problems };
}

/** A name that was probably meant as an environment file (`.yml`, `.YAML`, `.yaml ` ...): the name it should have. */
function nearMiss(entry: string): string | undefined {
  const m = /^(.*)\.ya?ml$/i.exec(entry.trim());
  return m ? `${m[1].trim()}.yaml` : undefined;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The environment-like files directly in a folder. */
function yamlLike(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => !f.startsWith(".") && nearMiss(f) !== undefined)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The stack names the files of a folder stand for, including the files that do not load, are
 * misnamed (`Lab.YAML` stands for `lab`) or sit in a subfolder: after a failed synth, the output
 * of each is stale.
 */
export function intendedStackNames(dir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  // Files one folder down count too: a file moved into a subfolder is skipped, so its output is stale.
  const all = entries.flatMap((e) => (isFolder(path.join(dir, e)) ? yamlLike(path.join(dir, e)) : [e]));
  const names = all.flatMap((entry) => {
    const file = nearMiss(entry);
    const name = file?.slice(0, -".yaml".length).toLowerCase();
    return name !== undefined && STACK_NAME.test(name) ? [name] : [];
  });
  return [...new Set(names)].sort();
}
