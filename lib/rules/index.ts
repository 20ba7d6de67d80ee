import { chainHosts } from "./chain-hosts";
import { chainSize } from "./chain-size";
import { cloneDensity } from "./clone-density";
import { haCluster } from "./ha-cluster";
import { hostname } from "./hostname";
import { ipPool } from "./ip-pool";
import type { Rule, RuleId } from "./rule";
import { snapshotSource } from "./snapshot-source";
import { storageDrs } from "./storage-drs";
import { storageEstimate } from "./storage-estimate";
import { vmName } from "./vm-name";

export type { RawFinding, Rule, RuleId } from "./rule";
export { formatMessage } from "./rule";
export * from "./engine";

/** Every rule, in the order of the contract's table. */
export const ALL_RULES: readonly Rule[] = [
  chainSize,
  chainHosts,
  cloneDensity,
  haCluster,
  vmName,
  hostname,
  ipPool,
  storageDrs,
  snapshotSource,
  storageEstimate,
];

/** The ids of every rule, in the order of the contract's table. */
export const RULE_IDS = [
  "chain-size",
  "chain-hosts",
  "clone-density",
  "ha-cluster",
  "vm-name",
  "hostname",
  "ip-pool",
  "storage-drs",
  "snapshot-source",
  "storage-estimate",
] as const satisfies readonly RuleId[];

export function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}
