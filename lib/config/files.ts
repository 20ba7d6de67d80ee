/** Environment files on disk: which files a folder holds, their stack names, and their text (UTF-8 only). */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, type Problem } from "./problems";

/** Environment files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Stack names come from file names and become folder names: keep them plain. */
const STACK_NAME = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
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
    const ext = path.extname(entry);
    if (ext === ".yaml") files.push(full);
    else if (/^\.ya?ml$/i.test(ext)) {
      problems.push({
        file: displayPath(full),
        field: "",
        message: `environment files end in .yaml (lower case), so this one would be skipped; rename it to ${entry.slice(0, -ext.length)}.yaml`,
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
