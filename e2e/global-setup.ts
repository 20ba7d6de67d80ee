import { ensureTools, log } from "./tools";
import { reapStaleSimulators } from "./vcsim";

/** Installs or finds the tools once per run; test files read the result (e2e/.cache/tools.json). */
export default async function globalSetup(): Promise<void> {
  process.stderr.write("\n");
  reapStaleSimulators();
  const tools = ensureTools();
  log(`tools ready in ${tools.timings["tools:total"].toFixed(1)} s${tools.blocked ? " (BLOCKED, see above)" : ""}`);
}
