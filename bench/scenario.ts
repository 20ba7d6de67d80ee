/**
 * The benchmark's estate, as plain data: the same N linked clones for all three
 * sides. Pure (no cdktf), so every side builds from exactly these facts.
 *
 * Layout: groups of 8 clones; 8 groups (64 clones) share one base; 4 bases share one
 * cluster of 32 hosts, its datastore (vmfs6) and its port group. All groups of a base
 * sit in one cluster, so a chain spans at most 32 hosts: rule chain-hosts passes on
 * vSphere 8.0 / vmfs6 without confining hosts. Static IPv4 per cluster in 10.<c>.0.0/16.
 */

export const GROUP_SIZE = 8;
export const GROUPS_PER_BASE = 8;
export const BASES_PER_CLUSTER = 4;
export const HOSTS_PER_CLUSTER = 32;
/** Clones per base; the stack's warnClonesPerChain is set to this, so clone-density stays quiet. */
export const CLONES_PER_BASE = GROUP_SIZE * GROUPS_PER_BASE;

export const STACK = "lab";
export const DATACENTER = "DC1";
export const SERVER = "vcenter.lab.example";
export const VERSION = "8.0";
export const DOMAIN = "lab.example";
export const CPUS = 2;
export const MEMORY_MB = 4096;
export const DISK_GB = 40;
export const DATASTORE_GB = 16384;
export const PREFIX_LENGTH = 16;
export const SNAPSHOT = "golden-v1";

export interface ClusterSpec {
  readonly name: string;
  readonly hosts: string[];
  readonly datastore: string;
  readonly network: string;
  readonly gateway: string;
  readonly dns: string;
}

export interface BaseSpec {
  /** Construct id of the base. */
  readonly id: string;
  /** Source VM name. */
  readonly vm: string;
  readonly snapshot: string;
  readonly cluster: ClusterSpec;
}

export interface MemberSpec {
  readonly name: string;
  readonly ipv4: string;
}

export interface GroupSpec {
  /** Group name: construct id, Terraform resource name, VM name prefix. */
  readonly name: string;
  readonly base: BaseSpec;
  readonly cluster: ClusterSpec;
  /** `first-last` of the group's static addresses. */
  readonly range: string;
  /** Members, named `<group>-01`.. with the nth address of the range: what LinkedCloneGroup derives. */
  readonly members: MemberSpec[];
}

export interface Scenario {
  readonly n: number;
  readonly clusters: ClusterSpec[];
  readonly bases: BaseSpec[];
  readonly groups: GroupSpec[];
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Address `o` (0-based) of cluster c's pool: 10.c.(1 + o/240).(10 + o%240); 240 is a multiple of 8, so a group never wraps. */
function address(c: number, o: number): string {
  return `10.${c}.${1 + Math.floor(o / 240)}.${10 + (o % 240)}`;
}

/** N clones; the last group holds the remainder when N is not a multiple of 8. */
export function scenario(n: number): Scenario {
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a whole number of 1 or more, got ${n}`);
  const groupCount = Math.ceil(n / GROUP_SIZE);
  const baseCount = Math.ceil(groupCount / GROUPS_PER_BASE);
  const clusterCount = Math.ceil(baseCount / BASES_PER_CLUSTER);
  const clusters: ClusterSpec[] = [];
  for (let c = 1; c <= clusterCount; c++) {
    const hosts: string[] = [];
    for (let h = 1; h <= HOSTS_PER_CLUSTER; h++) hosts.push(`esx-c${pad(c, 2)}-${pad(h, 2)}.${DOMAIN}`);
    clusters.push({
      name: `cl-${pad(c, 2)}`,
      hosts,
      datastore: `ds-${pad(c, 2)}`,
      network: `pg-lab-${pad(c, 2)}`,
      gateway: `10.${c}.0.1`,
      dns: `10.${c}.0.2`,
    });
  }
  const bases: BaseSpec[] = [];
  for (let b = 0; b < baseCount; b++) {
    bases.push({
      id: `golden-${pad(b + 1, 3)}`,
      vm: `tpl-golden-${pad(b + 1, 3)}`,
      snapshot: SNAPSHOT,
      cluster: clusters[Math.floor(b / BASES_PER_CLUSTER)],
    });
  }
  const groups: GroupSpec[] = [];
  const usedInCluster = new Map<ClusterSpec, number>();
  for (let g = 0; g < groupCount; g++) {
    const base = bases[Math.floor(g / GROUPS_PER_BASE)];
    const cluster = base.cluster;
    const size = Math.min(GROUP_SIZE, n - g * GROUP_SIZE);
    const c = clusters.indexOf(cluster) + 1;
    const offset = usedInCluster.get(cluster) ?? 0;
    usedInCluster.set(cluster, offset + GROUP_SIZE);
    const name = `g${pad(g + 1, 4)}`;
    const members: MemberSpec[] = [];
    for (let i = 1; i <= size; i++) members.push({ name: `${name}-${pad(i, 2)}`, ipv4: address(c, offset + i - 1) });
    groups.push({ name, base, cluster, range: `${address(c, offset)}-${address(c, offset + size - 1)}`, members });
  }
  return { n, clusters, bases, groups };
}
