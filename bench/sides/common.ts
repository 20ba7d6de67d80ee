/**
 * What the hand-written sides (loop and for_each) share: provider, variables and one
 * data source per vSphere object, as a careful author writes them once per stack.
 * Same attributes as the constructs produce, so all sides synthesize the same estate.
 * Written with plain cdktf: the data sources' typed attributes (tokens), `Fn` and
 * `conditional`, and HCL text with tokens in it where cdktf has no builder (a `for`
 * expression with `if`).
 */
import {
  conditional,
  Fn,
  Op,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
  type App,
  type IResolvable,
  type ITerraformIterator,
} from "cdktf";
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
  /** The source read again for its disks, from every SCSI controller (4) and no other controller type. */
  readonly disks: DataVsphereVirtualMachine;
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
    // By default the data source reads the disks of the first SCSI controller only.
    const disks = new DataVsphereVirtualMachine(stack, `vm-disks-${b.vm}`, {
      name: b.vm,
      datacenterId: dc.id,
      scsiControllerScanCount: 4,
      sataControllerScanCount: 0,
      ideControllerScanCount: 0,
      nvmeControllerScanCount: 0,
    });
    const snapshot = new VirtualMachineSnapshot(stack, `snapshot-${b.id}`, {
      virtualMachineUuid: source.uuid,
      snapshotName: b.snapshot,
      description: `Base of linked clones of stack ${S.STACK}, managed by cdktf-vsphere-linked-clones. Do not delete while clones exist.`,
      memory: false,
      quiesce: false,
      removeChildren: false,
      consolidate: true,
    });
    bases.set(b, { source, disks, snapshot });
  }
  return { stack, clusters, bases };
}

/** `expr` kept unknown until the base's managed snapshot exists: the provider checks a new clone at plan time only where values are known. */
function deferred(b: BaseLookups, expr: string): IResolvable {
  return conditional(Op.neq(b.snapshot.id, Token.nullValue()), expr, expr);
}

/** `[for i in range(from, to) : i if <disk i starts a new SCSI bus>]`: the source's disks are sorted by bus and unit. */
function busStarts(disks: string, from: string, to: string): string {
  return `[for i in range(${from}, ${to}) : i if ${disks}[i].unit_number <= ${disks}[i - 1].unit_number]`;
}

/**
 * A clone's attributes that do not depend on which clone it is. Both hand-written sides
 * compute these (and templateUuid, sourceDisks, triggerValues) once per group, as
 * LinkedCloneGroup does: every setting the clone copies from its source is a reference to
 * the source's data source.
 */
export function sharedConfig(l: Lookups, g: S.GroupSpec, disks: string): Omit<VirtualMachineConfig, "name"> {
  const c = l.clusters.get(g.cluster)!;
  const b = l.bases.get(g.base)!;
  const src = b.source;
  const cores = Token.asString(src.interpolationForAttribute("num_cores_per_socket"));
  return {
    resourcePoolId: Token.asString(deferred(b, c.cluster.resourcePoolId)),
    datastoreId: c.datastore.id,
    numCpus: S.CPUS,
    // The source's cores per socket when they divide the clone's CPUs, else 1.
    numCoresPerSocket: Token.asNumber(`\${${S.CPUS} % ${cores} == 0 ? ${cores} : 1}`),
    memory: S.MEMORY_MB,
    guestId: src.guestId,
    firmware: src.firmware,
    efiSecureBootEnabled: src.efiSecureBootEnabled,
    vbsEnabled: src.vbsEnabled,
    vvtdEnabled: src.vvtdEnabled,
    nestedHvEnabled: src.nestedHvEnabled,
    cpuHotAddEnabled: src.cpuHotAddEnabled,
    cpuHotRemoveEnabled: src.cpuHotRemoveEnabled,
    memoryHotAddEnabled: src.memoryHotAddEnabled,
    enableDiskUuid: src.enableDiskUuid,
    scsiType: src.scsiType,
    scsiBusSharing: src.scsiBusSharing,
    // One controller per SCSI bus the source's disks are on.
    scsiControllerCount: Token.asNumber(`\${1 + length(${busStarts(disks, "1", `length(${disks})`)})}`),
    networkInterface: [{ networkId: c.network.id, adapterType: Fn.element(src.networkInterfaceTypes, 0) }],
    waitForGuestNetTimeout: 5,
    waitForGuestNetRoutable: true,
    annotation: `Linked clone of base '${g.base.id}' (${g.base.vm}), group '${g.name}' of stack ${S.STACK}`,
    dependsOn: [b.snapshot],
  };
}

/** `clone.template_uuid`: the source's uuid, kept unknown until the managed snapshot exists. */
export function templateUuid(l: Lookups, g: S.GroupSpec): string {
  const b = l.bases.get(g.base)!;
  return Token.asString(deferred(b, b.source.uuid));
}

/** The source's disks on every SCSI controller, for a dynamic disk block. */
export function sourceDisks(l: Lookups, g: S.GroupSpec): string {
  return Token.asString(l.bases.get(g.base)!.disks.interpolationForAttribute("disks"));
}

/**
 * What replaces a clone when it changes (its terraform_data's `triggers_replace`): the group's
 * and the member's generation (0: this estate raises none), the base's managed snapshot, and the
 * disk mode and datastore (changed in place, the provider would reconfigure the disks or
 * Storage vMotion the clone into a full copy).
 */
export function triggerValues(l: Lookups, g: S.GroupSpec): { [key: string]: string | number } {
  return {
    group_generation: 0,
    generation: 0,
    base_snapshot: l.bases.get(g.base)!.snapshot.id,
    disk_mode: "persistent",
    datastore: g.cluster.datastore,
  };
}

/**
 * A `terraform_data` resource with `triggers_replace`, written with cdktf's generic
 * TerraformResource, as LinkedCloneGroup's ReplacementTrigger is. Not cdktf's DataResource:
 * it adds a validation to every instance that runs `terraform version` at synth (about 55 ms
 * each on the bench machine: a process per group for for_each, per clone for loop, 26 s and
 * 200 s of a 4000-clone synth) and fails synth where Terraform is not installed.
 */
export function terraformData(
  stack: TerraformStack,
  id: string,
  triggersReplace: unknown,
  forEach?: ITerraformIterator,
): TerraformResource {
  const r = new TerraformResource(stack, id, {
    terraformResourceType: "terraform_data",
    ...(forEach ? { forEach } : {}),
  });
  r.addOverride("triggers_replace", triggersReplace);
  return r;
}

/** A bare address for `lifecycle.replace_triggered_by` (it takes no interpolation). */
export function addressOf(r: TerraformResource, index?: string): string {
  return `${r.terraformResourceType}.${r.friendlyUniqueId}${index ?? ""}`;
}

/**
 * One disk per source disk, each exactly the source's, from the data source; its unit number
 * is the provider's (bus * 15 + the unit on the bus, less one above the controller's unit 7).
 */
export function addDisks(vm: VirtualMachine, disks: string): void {
  const unit = "src_disk.value.unit_number";
  vm.addOverride("dynamic.disk", {
    for_each: disks,
    iterator: "src_disk",
    content: {
      label: "disk${src_disk.key}",
      unit_number: `\${${unit} - (${unit} > 7 ? 1 : 0) + 15 * length(${busStarts(disks, "1", "src_disk.key + 1")})}`,
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
