import { Construct } from "constructs";
import { Token } from "cdktf";
import { DataVsphereComputeCluster } from "@cdktf/provider-vsphere/lib/data-vsphere-compute-cluster";
import { DataVsphereDatacenter } from "@cdktf/provider-vsphere/lib/data-vsphere-datacenter";
import { DataVsphereDatastore } from "@cdktf/provider-vsphere/lib/data-vsphere-datastore";
import { DataVsphereDatastoreCluster } from "@cdktf/provider-vsphere/lib/data-vsphere-datastore-cluster";
import { DataVsphereFolder } from "@cdktf/provider-vsphere/lib/data-vsphere-folder";
import { DataVsphereHost } from "@cdktf/provider-vsphere/lib/data-vsphere-host";
import { DataVsphereNetwork } from "@cdktf/provider-vsphere/lib/data-vsphere-network";
import { DataVsphereResourcePool } from "@cdktf/provider-vsphere/lib/data-vsphere-resource-pool";
import { DataVsphereVirtualMachine } from "@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine";
import { SCSI_CONTROLLERS_SCANNED } from "./base-image";
import { checkInventory, clusterNameOf } from "../model/validate";
import { failWith } from "./errors";
import { once } from "./token-cache";
import type { ClusterFacts, DatastoreFacts, DatastoreType, Site } from "../model/types";

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
  private readonly clusterFactsByName: Record<string, ClusterFactsProps>;
  private readonly datastoreFacts: Record<string, DatastoreFactsProps>;
  private readonly lookups = new Map<string, Construct>();

  constructor(scope: Construct, id: string, props: VsphereInventoryProps) {
    super(scope, id);
    const version = props.version ?? "8.0";
    failWith(
      this,
      checkInventory({
        datacenter: props.datacenter,
        version,
        clusters: props.clusters ?? {},
        datastores: props.datastores ?? {},
      }).map((p) => ({
        ...p,
        field: p.field.replace(/^vsphere\./, ""),
      })),
    );
    this.site = {
      datacenter: props.datacenter,
      version,
      ...(props.server !== undefined ? { server: props.server } : {}),
    };
    this.clusterFactsByName = props.clusters ?? {};
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

  /** A VM or template, as the provider's data source reads it by default. */
  public virtualMachine(name: string): DataVsphereVirtualMachine {
    return this.once(
      "vm",
      name,
      (id) => new DataVsphereVirtualMachine(this, id, { name, datacenterId: this.datacenter.id }),
    );
  }

  /**
   * A VM or template read for its disks: from every SCSI controller (the data source reads only
   * the first by default, and would leave disks on a second controller out of a clone's
   * configuration) and from no other controller type, since clones manage SCSI disks. A second
   * lookup, because its controller type and bus sharing read "mixed" when a controller scanned
   * is absent.
   */
  public virtualMachineDisks(name: string): DataVsphereVirtualMachine {
    return this.once(
      "vm-disks",
      name,
      (id) =>
        new DataVsphereVirtualMachine(this, id, {
          name,
          datacenterId: this.datacenter.id,
          scsiControllerScanCount: SCSI_CONTROLLERS_SCANNED,
          sataControllerScanCount: 0,
          ideControllerScanCount: 0,
          nvmeControllerScanCount: 0,
        }),
    );
  }

  /**
   * A VM folder, by its path relative to the datacenter's VM folder. Looked up so that a
   * missing folder fails `terraform plan` with a message naming it, before anything is made.
   */
  public folder(relativePath: string): DataVsphereFolder {
    const clean = relativePath.replace(/^\/+|\/+$/g, "");
    return this.once(
      "folder",
      clean,
      (id) => new DataVsphereFolder(this, id, { path: `/${this.site.datacenter}/vm/${clean}` }),
    );
  }

  // Ids as one token per object, however many groups read them (each token costs cdktf a stack trace).

  /** The cluster's root resource pool id. */
  public clusterPoolId(name: string): string {
    const c = this.cluster(name);
    return once(c, "resourcePoolId", () => c.resourcePoolId);
  }

  /** The cluster's root resource pool id as a Terraform expression (without `${}`), for composed expressions. */
  public clusterPoolExpression(name: string): string {
    return `data.${DataVsphereComputeCluster.tfResourceType}.${this.cluster(name).friendlyUniqueId}.resource_pool_id`;
  }

  /** A resource pool's id as a Terraform expression (without `${}`), for composed expressions. */
  public resourcePoolExpression(path: string): string {
    return `data.${DataVsphereResourcePool.tfResourceType}.${this.resourcePool(path).friendlyUniqueId}.id`;
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
    const f = this.clusterFactsByName[name];
    return { name, ...(f?.hosts ? { hosts: [...f.hosts] } : {}), haEnabled: f?.haEnabled ?? false };
  }

  /** The cluster a resource pool path lives in (`CLUSTER/Resources/...`, or absolute), when declared. */
  public clusterOfPool(poolPath: string): ClusterFacts | undefined {
    const name = clusterNameOf({ resourcePool: poolPath }, this.clusterFactsByName);
    return name !== undefined && Object.hasOwn(this.clusterFactsByName, name) ? this.clusterFactsOf(name) : undefined;
  }

  /** Declared clusters and their hosts, for checks. */
  public get clusterFacts(): Readonly<Record<string, ClusterFactsProps>> {
    return this.clusterFactsByName;
  }

  public hasCluster(name: string): boolean {
    return Object.hasOwn(this.clusterFactsByName, name);
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
