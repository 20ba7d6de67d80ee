import { runSynth } from "../stacks/app";

// Prints the linked-clone report of the environments without a full synth.
try {
  process.exitCode = runSynth({ report: "print" }).exitCode;
} catch (e) {
  process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 2;
}
