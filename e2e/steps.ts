/**
 * Jest glue of the e2e test: suites that report a missing tool as blocked (never as a
 * pass), and scenario steps that run in order, where a failed deploy stops the rest.
 */
import { blockedMaySkip, log, type E2eTools } from "./tools";

type Tool = "vcsim" | "govc" | "terraform" | "provider" | "tofu";

/** Why the suite cannot run here, from the tools' reasons; undefined when every tool in `needs` is there. */
export function blockedReason(tools: E2eTools, needs: Tool[]): string | undefined {
  const missing = needs.filter((k) => !tools[k]);
  if (!missing.length) return undefined;
  const reasons = [...new Set(missing.map((k) => tools.reasons?.[k] ?? `E2E BLOCKED: ${k} is missing`))];
  // tofu is not built when the provider is blocked: name the provider's reason too.
  if (missing.includes("tofu") && !tools.provider && tools.reasons?.provider) reasons.push(tools.reasons.provider);
  return [...new Set(reasons)].join("\n");
}

/**
 * describe() when every tool in `needs` is there. Otherwise, when E2E_ALLOW_BLOCKED=1 (or
 * the reason is a deliberate "E2E SKIPPED"), the suite's tests are registered as skipped
 * with the reason in their names and printed; else one test fails with the reason. Never
 * skips silently, never passes.
 *
 * `alsoBlocked` names what else the suite needs and is missing here, beyond the e2e tools
 * (e.g. "E2E BLOCKED: PostgreSQL is not installed here: ..."); it is treated the same way.
 */
export function describeE2e(
  name: string,
  tools: E2eTools,
  needs: Tool[],
  body: () => void,
  alsoBlocked?: string,
): void {
  const reason = [blockedReason(tools, needs), alsoBlocked].filter((r) => r).join("\n") || undefined;
  if (!reason) {
    describe(name, body);
    return;
  }
  // "E2E BLOCKED: the Terraform vSphere provider cannot be obtained here"
  const headline = reason.split("\n")[0].split(": ").slice(0, 2).join(": ");
  const deliberate = reason.startsWith("E2E SKIPPED");
  if (blockedMaySkip() || deliberate) {
    log(`SKIPPING '${name}'${deliberate ? "" : " (E2E_ALLOW_BLOCKED=1)"}:\n${reason}`);
    describe(`${name} — SKIPPED`, () => {
      test.todo(
        `${headline} (skipped${deliberate ? "" : " because E2E_ALLOW_BLOCKED=1"}; the reason is printed above)`,
      );
      describe.skip(headline, body);
    });
  } else {
    describe(name, () => {
      test(`${name} — ${headline}`, () => {
        const e = new Error(`${reason}\n\nSet E2E_ALLOW_BLOCKED=1 to report this as skipped instead of failed.`);
        e.stack = e.message;
        throw e;
      });
    });
  }
}

/** An error shown without a stack trace (the message says it all). */
export function plainError(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

/**
 * Steps of a scenario, in order. A step fails alone, unless what failed was wrapped in
 * `critical` (a deploy, an apply): then the later steps fail at once, naming it.
 */
export class Steps {
  private fatal?: string;
  private current = "";
  step(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
    test(
      name,
      async () => {
        if (this.fatal) throw plainError(`not run: ${this.fatal}`);
        this.current = name;
        await fn();
      },
      timeoutMs,
    );
  }
  /** Runs `fn`; when it fails, the steps after this one are not run. */
  async critical<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.fatal = `${what} failed in step '${this.current}'`;
      throw e;
    }
  }
  /** Whether an earlier critical part failed. */
  get stopped(): boolean {
    return this.fatal !== undefined;
  }
}
