import * as path from "node:path";
import { CACHE_DIR, ensureTools, log } from "./tools";
import { reapStalePostgres } from "./postgres";
import { reapStaleSimulators } from "./vcsim";

/** Installs or finds the tools once per run; test files read the result (e2e/.cache/tools-<pid>.json). */
export default async function globalSetup(): Promise<void> {
  process.stderr.write("\n");
  process.env.E2E_TOOLS_JSON = path.join(CACHE_DIR, `tools-${process.pid}.json`);
  reapStaleSimulators();
  reapStalePostgres();
  const tools = ensureTools();
  log(`tools ready in ${tools.timings["tools:total"].toFixed(1)} s${tools.blocked ? " (BLOCKED, see above)" : ""}`);
}
