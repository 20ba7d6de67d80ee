import { reapStaleSimulators } from "./vcsim";

/** Stops any simulator a test file left running (they stop their own in afterAll). */
export default async function globalTeardown(): Promise<void> {
  reapStaleSimulators();
}
