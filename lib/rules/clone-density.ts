import { bindingLimit, chainsOf, raiseHint, rolloutNote, stackLimits } from "../model/chains";
import { DEFAULT_WARN_CLONES_PER_CHAIN } from "../model/platform";
import { chainSubject, perStack } from "./chain-findings";
import { formatMessage, type Rule } from "./rule";

/**
 * `clone-density`: clones per base above `warnClonesPerChain` (default 30) load the base disk.
 *
 * Source: NTPRO.NL, "Creating LinkedClones with the Virtualization EcoShell" (2010-01-09),
 * comments: 30 VMs on one base disk worked but IO "does suffer noticeably", worst on first
 * boot; put the base disk on SSD.
 */
export const cloneDensity: Rule = {
  id: "clone-density",
  defaultSeverity: "warning",
  info: "Clones per base above warnClonesPerChain: every read miss of every clone goes to one base disk.",
  explanation:
    "All linked clones of a base read from the same base disk. Around 30 clones IO suffers noticeably, " +
    "worst on first boot. Spread clones over more bases or put the base disk on fast storage.",
  source: "NTPRO.NL, Creating LinkedClones with the Virtualization EcoShell (2010-01-09), comments",
  check(model) {
    const limits = stackLimits(model);
    return chainsOf(model).flatMap((chain) => {
      const bound = bindingLimit(chain, limits, "warnClonesPerChain", () => DEFAULT_WARN_CLONES_PER_CHAIN)!;
      const limit = bound.limit;
      if (chain.clones <= limit) return [];
      const message = formatMessage(
        "clone-density",
        chainSubject(chain),
        `${chain.label} serves ${chain.clones} clones from one base disk${rolloutNote(chain)}`,
        `move some clones to another base on its own source VM, put the base disk on SSD, or ${raiseHint(chain, bound, "warnClonesPerChain")}`,
        { actual: chain.clones, limit },
      );
      return perStack(chain, "clone-density", "warning", message, "rollout.moved|count|members");
    });
  },
};
