/**
 * Plain descriptions of what an app declares. Constructs register these; rules
 * read them. Nothing here depends on cdktf, so the domain logic survives a move
 * to another synthesizer.
 */

/** Datastore kinds that change the platform's limits. */
export const DATASTORE_TYPES = ["vmfs3", "vmfs5", "vmfs6", "nfs", "vsan"] as const;
export type DatastoreType = (typeof DATASTORE_TYPES)[number];

export type GuestOs = "linux" | "windows";
export type Severity = "error" | "warning" | "info";

/** Facts about a compute cluster that synth cannot query. */
export interface ClusterFacts {
  readonly name: string;
  /** Host names of the cluster; undefined when unknown. */
  readonly hosts?: readonly string[];
  readonly haEnabled?: boolean;
}

/** Facts about a datastore that synth cannot query. */
export interface DatastoreFacts {
  readonly name: string;
  readonly type?: DatastoreType;
  readonly capacityGb?: number;
}

/** Where a vCenter object lives: the same names in another datacenter are other objects. */
export interface Site {
  /** vCenter server name; undefined when the stack does not say. */
  readonly server?: string;
  readonly datacenter: string;
  /** vSphere version, e.g. "8.0"; picks the rule defaults. */
  readonly version: string;
}

/** A base image: the source VM (or template) and the snapshot clones come from. */
export interface BaseModel {
  readonly stack: string;
  /** Construct path, for messages. */
  readonly path: string;
  /** The base's name in its stack. */
  readonly name: string;
  readonly site: Site;
  readonly vm: string;
  readonly snapshot?: string;
  readonly template: boolean;
  readonly manageSnapshot: boolean;
  readonly guestOs: GuestOs;
  /** Size of the base disk, for the storage estimate. */
  readonly diskGb?: number;
  /** Suppressions that apply to the base (put on it or on a construct above it). */
  readonly suppressions: readonly Suppression[];
}

export interface Ipv4Plan {
  /** First and last address of the static range, dotted quads. */
  readonly first: string;
  readonly last: string;
  readonly prefixLength: number;
  readonly gateway: string;
}

export interface MemberModel {
  /** VM name, which is also its key in the group's for_each. */
  readonly name: string;
  /** Guest host name given by customization. */
  readonly hostname: string;
  /** Position in the group's range (1 = first address), when it has one. */
  readonly number?: number;
  /** Static IPv4 address, when customization gives one. */
  readonly ipv4?: string;
  /**
   * Name of the base the member is cloned from: the group's base, or during a rollout the old
   * base (`rollout.from`) until the member's wave has moved.
   */
  readonly base: string;
  /** The member's own generation (0 unless raised); raising it replaces this member only. */
  readonly generation: number;
}

/** A group moving from an old base to its `base`, a wave per commit. */
export interface RolloutModel {
  /** The old base. */
  readonly from: BaseModel;
  /** How many members (by member number) use the new base. */
  readonly moved: number;
}

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

export interface GroupModel {
  readonly stack: string;
  readonly path: string;
  readonly name: string;
  /** The base this group clones (during a rollout: the new base). */
  readonly base: BaseModel;
  readonly site: Site;
  readonly cluster?: ClusterFacts;
  /** Resource pool path, when placed in a pool rather than a cluster. */
  readonly resourcePool?: string;
  readonly datastore?: DatastoreFacts;
  /** Datastore cluster (Storage DRS) name, when placed on one. */
  readonly datastoreCluster?: string;
  /** Hosts the group is confined to (a DRS must-rule keeps it there). */
  readonly hosts?: readonly string[];
  readonly members: readonly MemberModel[];
  /** Static addressing, when the group customizes with a range. */
  readonly ipv4?: Ipv4Plan;
  /** Whether the guest is customized (host names are then set). */
  readonly customized: boolean;
  /** The customization's other settings, when customized: any change of them replaces the clones. */
  readonly customization?: {
    readonly domain?: string;
    readonly dnsServers?: readonly string[];
    readonly workgroup?: string;
    readonly timeZone?: number;
  };
  /** Whether the clones' disks are independent non-persistent (reset at power-off). */
  readonly nonpersistent: boolean;
  /** The group's generation (0 unless raised); raising it replaces every member. */
  readonly generation: number;
  /** Present while the group rolls from another base to `base`. */
  readonly rollout?: RolloutModel;
  readonly suppressions: readonly Suppression[];
}

/** Where something is declared in a source file (1-based line and column). */
export interface SourceLocation {
  /** The file, relative to the working directory. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Overrides of the rule defaults. */
export interface Limits {
  readonly maxClonesPerChain?: number;
  readonly maxHostsPerChain?: number;
  readonly warnClonesPerChain?: number;
}

export interface StackModel {
  readonly name: string;
  readonly limits: Limits;
  readonly suppressions: readonly Suppression[];
}

/** Everything the rules see: the whole app, all stacks. */
export interface AppModel {
  readonly stacks: readonly StackModel[];
  readonly bases: readonly BaseModel[];
  readonly groups: readonly GroupModel[];
}
