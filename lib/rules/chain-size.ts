import { bindingLimit, chainsOf, raiseHint, rolloutNote, stackLimits } from "../model/chains";
import { defaultMaxClonesPerChain } from "../model/platform";
import { chainSubject, perStack } from "./chain-findings";
import { formatMessage, type Rule } from "./rule";

/**
 * `chain-size`: clones sharing one base, across all groups and stacks of the app,
 * at most `maxClonesPerChain`.
 *
 * Source: vSphere 4.0 linked virtual machines note, quoted in NTPRO.NL, "Creating
 * LinkedClones with the Virtualization EcoShell" (2010-01-09): "up to eight virtual
 * machines in a linked virtual machine group". vSphere SDK Programming Guide,
 * "Linked Virtual Machines": no limit on linked VMs from 5.1.
 * Default: 8 below vSphere 5.1, none from 5.1. During a rollout both chains are counted as
 * the wave leaves them.
 */
export const chainSize: Rule = {
  id: "chain-size",
  defaultSeverity: "error",
  info: "Clones sharing one base, across all groups of the app, stay within maxClonesPerChain.",
  explanation:
    "Before vSphere 5.1 a linked virtual machine group holds at most eight VMs. All clones of one source VM " +
    "and snapshot form one chain, whichever group or environment declares them.",
  source: "vSphere 4.0 linked VMs note (NTPRO.NL, 2010-01-09); vSphere SDK Programming Guide, Linked Virtual Machines",
  check(model) {
    const limits = stackLimits(model);
    return chainsOf(model).flatMap((chain) => {
      const bound = bindingLimit(chain, limits, "maxClonesPerChain", (g) => defaultMaxClonesPerChain(g.site.version));
      if (bound === undefined || chain.clones <= bound.limit) return [];
      const limit = bound.limit;
      const message = formatMessage(
        "chain-size",
        chainSubject(chain),
        `${chain.label} has ${chain.clones} linked clones in one chain${rolloutNote(chain)}`,
        `move some clones to another base on its own source VM (a copy of the golden, with its own snapshot) or ${raiseHint(chain, bound, "maxClonesPerChain")} if your platform allows more`,
        { actual: chain.clones, limit },
      );
      return perStack(chain, "chain-size", "error", message, "rollout.moved|count|members");
    });
  },
};
