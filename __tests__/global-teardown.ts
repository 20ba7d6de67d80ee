import * as fs from "fs";

/** Removes the run's temporary folder (see global-setup.ts). */
export default function globalTeardown(): void {
  const dir = process.env.LC_JEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
