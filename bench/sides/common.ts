/**
 * What the hand-written sides (loop and for_each) share: provider, variables and one
 * data source per vSphere object, as a careful author writes them once per stack.
 * Same attributes as the constructs produce, so all sides synthesize the same estate.
 */
import { conditional, Fn, Op, TerraformOutput, TerraformStack, TerraformVariable, Token, type App } from "cdktf";
import { VsphereProvider } from "@cdktf/provider-vsphere/lib/provider";
import { DataVsphereComputeCluster } from "@cdktf/provider-vsphere/lib/data-vsphere-compute-cluster";
import { DataVsphereDatacenter } from "@cdktf/provider-vsphere/lib/data-vsphere-datacenter";
import { DataVsphereDatastore } from "@cdktf/provider-vsphere/lib/data-vsphere-datastore";
import { DataVsphereNetwork } from "@cdktf/provider-vsphere/lib/data-vsphere-network";
import { DataVsphereVirtualMachine } from "@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine";
import { VirtualMachineSnapshot } from "@cdktf/provider-vsphere/lib/virtual-machine-snapshot";
import type { VirtualMachine, VirtualMachineConfig } from "@cdktf/provider-vsphere/lib/virtual-machine";
import * as S from "../scenario";

export interface ClusterLookups {
  readonly cluster: DataVsphereComputeCluster;
  readonly datastore: DataVsphereDatastore;
  readonly network: DataVsphereNetwork;
}

export interface BaseLookups {
  readonly source: DataVsphereVirtualMachine;
  readonly snapshot: VirtualMachineSnapshot;
}

export interface Lookups {
  readonly stack: TerraformStack;
  readonly clusters: Map<S.ClusterSpec, ClusterLookups>;
  readonly bases: Map<S.BaseSpec, BaseLookups>;
}

export function lookups(app: App, sc: S.Scenario): Lookups {
  const stack = new TerraformStack(app, S.STACK);
  const user = new TerraformVariable(stack, "vsphere_user", {
    type: "string",
    sensitive: true,
    nullable: false,
    description: "vCenter user; set TF_VAR_vsphere_user",
  });
  const password = new TerraformVariable(stack, "vsphere_password", {
    type: "string",
    sensitive: true,
    nullable: false,
    description: "vCenter password; set TF_VAR_vsphere_password",
  });
  new VsphereProvider(stack, "vsphere", {
    vsphereServer: S.SERVER,
    allowUnverifiedSsl: false,
    user: user.stringValue,
    password: password.stringValue,
  });
  const dc = new DataVsphereDatacenter(stack, "dc", { name: S.DATACENTER });
  const clusters = new Map<S.ClusterSpec, ClusterLookups>();
  for (const c of sc.clusters) {
    clusters.set(c, {
      cluster: new DataVsphereComputeCluster(stack, `cluster-${c.name}`, { name: c.name, datacenterId: dc.id }),
      datastore: new DataVsphereDatastore(stack, `datastore-${c.datastore}`, {
        name: c.datastore,
        datacenterId: dc.id,
      }),
      network: new DataVsphereNetwork(stack, `network-${c.network}`, { name: c.network, datacenterId: dc.id }),
    });
  }
  const bases = new Map<S.BaseSpec, BaseLookups>();
  for (const b of sc.bases) {
    const source = new DataVsphereVirtualMachine(stack, `vm-${b.vm}`, { name: b.vm, datacenterId: dc.id });
    const snapshot = new VirtualMachineSnapshot(stack, `snapshot-${b.id}`, {
      virtualMachineUuid: source.uuid,
      snapshotName: b.snapshot,
      description: `Base of linked clones of stack ${S.STACK}, managed by cdktf-vsphere-linked-clones. Do not delete while clones exist.`,
      memory: false,
      quiesce: false,
      removeChildren: false,
      consolidate: true,
    });
    bases.set(b, { source, snapshot });
  }
  return { stack, clusters, bases };
}

/**
 * A clone's attributes that do not depend on which clone it is. Both hand-written sides
 * compute these (and templateUuid, sourceDisks) once per group, as LinkedCloneGroup does.
 */
export function sharedConfig(l: Lookups, g: S.GroupSpec): Omit<VirtualMachineConfig, "name"> {
  const c = l.clusters.get(g.cluster)!;
  const b = l.bases.get(g.base)!;
  return {
    resourcePoolId: c.cluster.resourcePoolId,
    datastoreId: c.datastore.id,
    numCpus: S.CPUS,
    memory: S.MEMORY_MB,
    guestId: b.source.guestId,
    scsiType: b.source.scsiType,
    firmware: b.source.firmware,
    networkInterface: [{ networkId: c.network.id, adapterType: Fn.element(b.source.networkInterfaceTypes, 0) }],
    waitForGuestNetTimeout: 5,
    waitForGuestNetRoutable: true,
    annotation: `Linked clone of base '${g.base.id}' (${g.base.vm}), group '${g.name}' of stack ${S.STACK}`,
    dependsOn: [b.snapshot],
    // A bare address: replace_triggered_by takes no interpolation.
    lifecycle: { replaceTriggeredBy: [`${VirtualMachineSnapshot.tfResourceType}.${b.snapshot.friendlyUniqueId}`] },
  };
}

/**
 * `clone.template_uuid`: the source's uuid, kept unknown until the managed snapshot exists
 * (the provider checks at plan time that a known source has a snapshot).
 */
export function templateUuid(l: Lookups, g: S.GroupSpec): string {
  const b = l.bases.get(g.base)!;
  return Token.asString(conditional(Op.neq(b.snapshot.id, Token.nullValue()), b.source.uuid, b.source.uuid));
}

/** The source's disks, for a dynamic disk block. */
export function sourceDisks(l: Lookups, g: S.GroupSpec): unknown {
  return l.bases.get(g.base)!.source.interpolationForAttribute("disks");
}

/** One disk per source disk, each exactly the source's, from the data source. */
export function addDisks(vm: VirtualMachine, disks: unknown): void {
  vm.addOverride("dynamic.disk", {
    for_each: disks,
    iterator: "src_disk",
    content: {
      label: "disk${src_disk.key}",
      unit_number: "${src_disk.value.unit_number}",
      size: "${src_disk.value.size}",
      thin_provisioned: "${src_disk.value.thin_provisioned}",
      eagerly_scrub: "${src_disk.value.eagerly_scrub}",
    },
  });
}

export function groupOutput(stack: TerraformStack, g: S.GroupSpec, value: unknown): void {
  new TerraformOutput(stack, `${g.name}_vms`, {
    description: `VMs of group ${g.name}: name => id and default IP address`,
    value,
  });
}
