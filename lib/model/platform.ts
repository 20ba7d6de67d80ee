import type { DatastoreType } from "./types";

/**
 * A version's numeric parts, an update suffix read as the third part: "7.0U1" is 7.0.1 (vSphere
 * 7.0 Update 1 is version 7.0.1), "6.7u3b" is 6.7.3, "8.0" is 8.0.
 */
function versionParts(v: string): number[] {
  const m = /^(\d+(?:\.\d+)*)(?:[Uu](\d+))?/.exec(v.trim());
  if (!m) return [];
  const parts = m[1].split(".").map((p) => Number.parseInt(p, 10) || 0);
  if (m[2] !== undefined) {
    while (parts.length < 2) parts.push(0);
    parts[2] = Number.parseInt(m[2], 10);
  }
  return parts;
}

/** Compares versions numerically: "5.1" > "5.0", "10.0" > "8.0", "7.0U1" = "7.0.1". */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** vSphere versions: "8.0", "7.0.3", with an optional update suffix: "8.0U3", "6.7u3b". */
export const VERSION = /^\d+(\.\d+){0,2}([Uu]\d+[a-z]?)?$/;

export function isVersion(v: string): boolean {
  return VERSION.test(v);
}

/**
 * The most hosts a cluster may have on a vSphere version (configuration maximums): 32 up to
 * 5.5, 64 from 6.0 to 7.0 GA, 96 from 7.0 Update 1 (7.0.1).
 */
export function maxClusterHosts(version: string): number {
  if (compareVersions(version, "6.0") < 0) return 32;
  if (compareVersions(version, "7.0.1") < 0) return 64;
  return 96;
}

/**
 * Hosts that may run VMs of one disk chain, by platform.
 * KB 1003319: 8 hosts on VMFS (VMFS3, and any VMFS before vSphere 5.1). vSphere Web Services
 * SDK Programming Guide, "Limitation for HA Clusters": with only ESXi 5.1+ hosts "the maximum
 * host limit for a linked clone group is the maximum number of hosts allowed in a cluster"
 * (32 on 5.1-5.5, 64 on 6.0-7.0 GA, 96 from 7.0 Update 1). NFS and vSAN have no file-locking
 * limit: the cluster maximum bounds them. Horizon's View Composer kept a lower limit of 32 of
 * its own; sites that want it set limits.maxHostsPerChain.
 */
export function defaultMaxHostsPerChain(version: string, type: DatastoreType | undefined): number {
  const shared = type === "nfs" || type === "vsan";
  if (!shared && (type === "vmfs3" || compareVersions(version, "5.1") < 0)) return 8;
  return maxClusterHosts(version);
}

/** vSphere 4.0 linked VM groups hold at most eight VMs; no limit from 5.1. */
export function defaultMaxClonesPerChain(version: string): number | undefined {
  return compareVersions(version, "5.1") < 0 ? 8 : undefined;
}

export const DEFAULT_WARN_CLONES_PER_CHAIN = 30;

/** Severity of linked clones in an HA cluster, by platform; undefined when allowed. */
export function haSeverity(version: string, clusterHosts: number | undefined): "error" | "warning" | undefined {
  if (compareVersions(version, "5.0") < 0) return "error";
  if (compareVersions(version, "5.1") < 0)
    return clusterHosts === undefined || clusterHosts > 8 ? "warning" : undefined;
  return undefined;
}
