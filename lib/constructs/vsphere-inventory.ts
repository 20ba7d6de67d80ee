import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataVsphereComputeCluster } from "@cdktf/provider-vsphere/lib/data-vsphere-compute-cluster";
import { DataVsphereDatacenter } from "@cdktf/provider-vsphere/lib/data-vsphere-datacenter";
import { DataVsphereDatastore } from "@cdktf/provider-vsphere/lib/data-vsphere-datastore";
import { DataVsphereDatastoreCluster } from "@cdktf/provider-vsphere/lib/data-vsphere-datastore-cluster";
import { DataVsphereHost } from "@cdktf/provider-vsphere/lib/data-vsphere-host";
import { DataVsphereNetwork } from "@cdktf/provider-vsphere/lib/data-vsphere-network";
import { DataVsphereResourcePool } from "@cdktf/provider-vsphere/lib/data-vsphere-resource-pool";
import { DataVsphereVirtualMachine } from "@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine";
import { isVersion } from "../model/platform";
import { once } from "./token-cache";
import { DATASTORE_TYPES, type ClusterFacts, type DatastoreFacts, type DatastoreType, type Site } from "../model/types";

/** Facts about a cluster that synth cannot query. */
export interface ClusterFactsProps {
  /**
   * Host names of the cluster: the hosts a chain may run on, and the hosts a group may be confined to.
   * @default - unknown: the host limit of chains in this cluster cannot be checked (a warning says so)
   */
  readonly hosts?: string[];
  /**
   * Whether vSphere HA is enabled on the cluster.
   * @default false
   */
  readonly haEnabled?: boolean;
}

/** Facts about a datastore that synth cannot query. */
export interface DatastoreFactsProps {
  /**
   * Datastore type; picks the host limit of a chain.
   * @default - unknown: the version's VMFS default applies
   */
  readonly type?: DatastoreType;
  /**
   * Capacity, for the storage estimate.
   * @default - unknown: no storage estimate
   */
  readonly capacityGb?: number;
}

export interface VsphereInventoryProps {
  /** Datacenter every lookup is made in. */
  readonly datacenter: string;
  /**
   * vSphere version of the platform, e.g. "8.0"; picks the rule defaults.
   * @default "8.0"
   */
  readonly version?: string;
  /**
   * vCenter server name, to tell datacenters of the same name on different vCenters apart.
   * @default - one vCenter
   */
  readonly server?: string;
  /**
   * Clusters and their facts, by name.
   * @default {}
   */
  readonly clusters?: Record<string, ClusterFactsProps>;
  /**
   * Datastores and their facts, by name.
   * @default {}
   */
  readonly datastores?: Record<string, DatastoreFactsProps>;
}

/** A construct id from an inventory name: any name, one level deep. */
function idOf(kind: string, name: string): string {
  return `${kind}-${name.replace(/\//g, "%2F")}`;
}

function idOnce(lookup: { readonly id: string }): string {
  return once(lookup, "id", () => lookup.id);
}

/**
 * The per-stack lookups of vSphere objects as data sources. Each object is looked
 * up once per inventory, however many groups use it.
 */
export class VsphereInventory extends Construct {
  public readonly datacenter: DataVsphereDatacenter;
  public readonly site: Site;
  private readonly clusterFacts: Record<string, ClusterFactsProps>;
  private readonly datastoreFacts: Record<string, DatastoreFactsProps>;
  private readonly lookups = new Map<string, Construct>();

  constructor(scope: Construct, id: string, props: VsphereInventoryProps) {
    super(scope, id);
    const version = props.version ?? "8.0";
    if (!isVersion(version)) {
      throw new Error(`${this.node.path}: version '${version}' is not a vSphere version; write it like "8.0" or "6.7"`);
    }
    for (const [name, facts] of Object.entries(props.datastores ?? {})) {
      if (facts.type !== undefined && !DATASTORE_TYPES.includes(facts.type)) {
        throw new Error(
          `${this.node.path}: datastore '${name}' has type '${facts.type}'; use one of ${DATASTORE_TYPES.join(", ")}`,
        );
      }
    }
    this.site = {
      datacenter: props.datacenter,
      version,
      ...(props.server !== undefined ? { server: props.server } : {}),
    };
    this.clusterFacts = props.clusters ?? {};
    this.datastoreFacts = props.datastores ?? {};
    this.datacenter = new DataVsphereDatacenter(this, "datacenter", { name: props.datacenter });
  }

  private once<T extends Construct>(kind: string, name: string, make: (id: string) => T): T {
    if (Token.isUnresolved(name)) {
      throw new Error(
        `${this.node.path}: the ${kind} name is a token; it must be a literal known at synth (each object is looked up once per stack)`,
      );
    }
    const key = `${kind}\u0000${name}`;
    let found = this.lookups.get(key) as T | undefined;
    if (!found) {
      found = make(idOf(kind, name));
      this.lookups.set(key, found);
    }
    return found;
  }

  public cluster(name: string): DataVsphereComputeCluster {
    return this.once(
      "cluster",
      name,
      (id) => new DataVsphereComputeCluster(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  public resourcePool(path: string): DataVsphereResourcePool {
    return this.once(
      "pool",
      path,
      (id) => new DataVsphereResourcePool(this, id, { name: path, datacenterId: this.datacenter.id }),
    );
  }

  public datastore(name: string): DataVsphereDatastore {
    return this.once(
      "datastore",
      name,
      (id) => new DataVsphereDatastore(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  public datastoreCluster(name: string): DataVsphereDatastoreCluster {
    return this.once(
      "datastore-cluster",
      name,
      (id) => new DataVsphereDatastoreCluster(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  public network(name: string): DataVsphereNetwork {
    return this.once(
      "network",
      name,
      (id) => new DataVsphereNetwork(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  public host(name: string): DataVsphereHost {
    return this.once("host", name, (id) => new DataVsphereHost(this, id, { name, datacenterId: this.datacenter.id }));
  }

  public virtualMachine(name: string): DataVsphereVirtualMachine {
    return this.once(
      "vm",
      name,
      (id) => new DataVsphereVirtualMachine(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  // Ids as one token per object, however many groups read them (each token costs cdktf a stack trace).

  /** The cluster's root resource pool id. */
  public clusterPoolId(name: string): string {
    const c = this.cluster(name);
    return once(c, "resourcePoolId", () => c.resourcePoolId);
  }

  public datastoreId(name: string): string {
    return idOnce(this.datastore(name));
  }

  public hostId(name: string): string {
    return idOnce(this.host(name));
  }

  public networkId(name: string): string {
    return idOnce(this.network(name));
  }

  /** Facts of a cluster by name; hosts unknown when not declared. */
  public clusterFactsOf(name: string): ClusterFacts {
    const f = this.clusterFacts[name];
    return { name, ...(f?.hosts ? { hosts: [...f.hosts] } : {}), haEnabled: f?.haEnabled ?? false };
  }

  /** The cluster a resource pool path lives in (`CLUSTER/Resources/...`), when declared. */
  public clusterOfPool(poolPath: string): ClusterFacts | undefined {
    const first = poolPath.split("/")[0];
    return first in this.clusterFacts ? this.clusterFactsOf(first) : undefined;
  }

  public hasCluster(name: string): boolean {
    return name in this.clusterFacts;
  }

  public datastoreFactsOf(name: string): DatastoreFacts {
    const f = this.datastoreFacts[name];
    return {
      name,
      ...(f?.type !== undefined ? { type: f.type } : {}),
      ...(f?.capacityGb !== undefined ? { capacityGb: f.capacityGb } : {}),
    };
  }
}
