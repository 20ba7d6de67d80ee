import { chainHosts } from "./chain-hosts";
import { chainSize } from "./chain-size";
import { cloneDensity } from "./clone-density";
import { haCluster } from "./ha-cluster";
import { hostname } from "./hostname";
import { ipPool } from "./ip-pool";
import type { Rule } from "./rule";
import { snapshotSource } from "./snapshot-source";
import { storageDrs } from "./storage-drs";
import { storageEstimate } from "./storage-estimate";
import { vmName } from "./vm-name";

export type { RawFinding, Rule } from "./rule";
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

export const RULE_IDS: readonly string[] = ALL_RULES.map((r) => r.id);

export function isRuleId(id: string): boolean {
  return RULE_IDS.includes(id);
}
