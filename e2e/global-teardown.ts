import * as fs from "node:fs";
import { reapStalePostgres } from "./postgres";
import { reapStaleSimulators } from "./vcsim";

/** Stops any simulator or PostgreSQL server a test file left running (they stop their own in afterAll); drops this run's tools file. */
export default async function globalTeardown(): Promise<void> {
  reapStaleSimulators();
  reapStalePostgres();
  if (process.env.E2E_TOOLS_JSON) fs.rmSync(process.env.E2E_TOOLS_JSON, { force: true });
}
