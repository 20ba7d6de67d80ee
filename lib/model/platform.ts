import type { DatastoreType } from "./types";

/** Compares dotted versions numerically: "5.1" > "5.0", "10.0" > "8.0". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(".").map((p) => Number.parseInt(p, 10) || 0);
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
 * Hosts that may run VMs of one disk chain, by platform.
 * KB 1003319: 8 hosts on VMFS; 32 with vSphere 5.1 and VMFS5 (Horizon 7 docs);
 * NFS and vSAN have no file-locking limit (the cluster size bounds them).
 */
export function defaultMaxHostsPerChain(version: string, type: DatastoreType | undefined): number | undefined {
  if (type === "nfs" || type === "vsan") return undefined;
  if (type === "vmfs3" || compareVersions(version, "5.1") < 0) return 8;
  return 32;
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
