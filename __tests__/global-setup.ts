import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * One temporary folder for the whole run: the test workers inherit TMPDIR, so cdktf's
 * `Testing` apps (which make an output folder in the system's temp folder and never remove
 * it) write below it, and the teardown removes it all.
 */
export default function globalSetup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lc-jest-"));
  process.env.LC_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
