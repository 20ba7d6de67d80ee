/**
 * Preflight's rule ids: stable, like the synth rules' (messages start with the id in brackets).
 * docs/preflight.md explains each; the order here is the order findings are printed in.
 */
export const PREFLIGHT_RULE_IDS = [
  "preflight-version",
  "preflight-inventory",
  "preflight-source",
  "preflight-template",
  "preflight-snapshot",
  "preflight-cluster-hosts",
  "preflight-ha",
  "preflight-drs",
  "preflight-datastore-type",
  "preflight-datastore-space",
  "preflight-datastore-hosts",
  "preflight-vm-name",
] as const;

export type PreflightRuleId = (typeof PREFLIGHT_RULE_IDS)[number];

export interface PreflightRuleInfo {
  readonly id: PreflightRuleId;
  /** One line: what it compares. */
  readonly checks: string;
}

export const PREFLIGHT_RULES: readonly PreflightRuleInfo[] = [
  { id: "preflight-version", checks: "vCenter's version (major.minor) is vsphere.version" },
  {
    id: "preflight-inventory",
    checks:
      "the datacenter, clusters, resource pools, datastores, datastore clusters, networks and folders named exist",
  },
  { id: "preflight-source", checks: "each base's source VM exists, under one name" },
  { id: "preflight-template", checks: "template: true bases are templates; template: false bases are VMs" },
  {
    id: "preflight-snapshot",
    checks: "the source VM's snapshot tree is what the provider clones from, before and after the first deploy",
  },
  { id: "preflight-cluster-hosts", checks: "a cluster's declared hosts are exactly its hosts" },
  { id: "preflight-ha", checks: "a cluster's haEnabled is its HA state" },
  { id: "preflight-drs", checks: "DRS is on, and not manual, where a group is confined with hosts" },
  { id: "preflight-datastore-type", checks: "a datastore's declared type (and VMFS major version) is its type" },
  {
    id: "preflight-datastore-space",
    checks: "free space covers the clones' worst-case growth; capacityGb is not above the real capacity",
  },
  {
    id: "preflight-datastore-hosts",
    checks: "every host that may run a chain's clones sees the datastores of its base's source VM",
  },
  { id: "preflight-vm-name", checks: "no VM outside this environment's state already has a clone's name" },
];

export type PreflightSeverity = "error" | "warning" | "info";

/** A preflight finding; `message` reads like a synth rule's: `[id] subject: what, actual vs expected; fix`. */
export interface PreflightFinding {
  readonly rule: PreflightRuleId;
  /** Severity in effect: a finding suppressed in the environment file is "info". */
  readonly severity: PreflightSeverity;
  /** The environment (stack) it is about. */
  readonly environment: string;
  /** What it names: `<env>`, `<env>/<base>`, `<env>/<group>`, `<env>/<cluster>`, ... */
  readonly subject: string;
  readonly message: string;
  /** Why it is suppressed (by the synth rule of the same concern, named in the reason). */
  readonly suppressionReason?: string;
}

const SEVERITY_ORDER: Record<PreflightSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: environment, severity, rule (as listed above), subject, message. */
export function sortFindings(findings: readonly PreflightFinding[]): PreflightFinding[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort(
    (a, b) =>
      cmp(a.environment, b.environment) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      PREFLIGHT_RULE_IDS.indexOf(a.rule) - PREFLIGHT_RULE_IDS.indexOf(b.rule) ||
      cmp(a.subject, b.subject) ||
      cmp(a.message, b.message),
  );
}

/** How a finding is printed, like the synth rules' (`printFinding`). */
export function printPreflightFinding(f: PreflightFinding): string {
  const suffix =
    f.suppressionReason !== undefined ? ` (error suppressed in ${f.environment}: ${f.suppressionReason})` : "";
  return `${f.severity}: ${f.message}${suffix}`;
}
