import { runSynth } from "./stacks/app";

// Synthesizes one stack per environment file (environments/, or LINKED_CLONES_ENV_DIR).
// User errors exit 1 with a message and no stack trace.
try {
  process.exitCode = runSynth().exitCode;
} catch (e) {
  process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 2;
}
