import { Construct } from "constructs";
import { conditional, Fn, Op, TerraformStack, Token } from "cdktf";
import { DataVsphereVirtualMachine } from "@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine";
import { VirtualMachineSnapshot } from "@cdktf/provider-vsphere/lib/virtual-machine-snapshot";
import type { BaseModel, GuestOs } from "../model/types";
import { LinkedCloneChecks } from "./linked-clone-checks";
import { once } from "./token-cache";
import type { VsphereInventory } from "./vsphere-inventory";

export interface BaseImageProps {
  /** Lookups of the stack's vSphere objects. */
  readonly inventory: VsphereInventory;
  /** Name of the source VM (or template). */
  readonly vm: string;
  /**
   * Name of the snapshot clones come from. The provider clones from the source's current
   * snapshot, which must be its only one; with `manageSnapshot` this stack creates it.
   * @default - none: required unless `template` is true (rule snapshot-source)
   */
  readonly snapshot?: string;
  /**
   * Create the snapshot with `vsphere_virtual_machine_snapshot` (memory and quiesce off).
   * Clones then depend on it and are replaced when it is.
   * @default false
   */
  readonly manageSnapshot?: boolean;
  /**
   * The source is a template: clones share its disks without a snapshot.
   * @default false
   */
  readonly template?: boolean;
  /**
   * Guest OS family of the source; picks Linux or Windows customization and host name limits.
   * @default "linux"
   */
  readonly guestOs?: GuestOs;
  /**
   * Size of the base disk, for the storage estimate.
   * @default - unknown: no storage estimate
   */
  readonly diskGb?: number;
}

/**
 * A source VM (or template) and the snapshot linked clones come from. Exposes what
 * clones need from the source's data source, so they match the source by construction.
 */
export class BaseImage extends Construct {
  public readonly inventory: VsphereInventory;
  /** The source VM's data source. */
  public readonly source: DataVsphereVirtualMachine;
  /** The managed snapshot, when `manageSnapshot` is set. */
  public readonly snapshot?: VirtualMachineSnapshot;
  public readonly props: BaseImageProps;

  constructor(scope: Construct, id: string, props: BaseImageProps) {
    super(scope, id);
    if (props.vm.trim() === "") throw new Error(`${this.node.path}: vm is empty; name the source VM or template`);
    if (props.snapshot !== undefined && props.snapshot.trim() === "") {
      throw new Error(
        `${this.node.path}: snapshot is empty; name the snapshot clones come from, or leave it out for a template`,
      );
    }
    if (props.diskGb !== undefined && !(props.diskGb > 0)) {
      throw new Error(`${this.node.path}: diskGb is ${props.diskGb}; give the base disk's size in GB, more than 0`);
    }
    this.props = props;
    this.inventory = props.inventory;
    this.source = props.inventory.virtualMachine(props.vm);
    if (props.manageSnapshot && props.snapshot !== undefined && !props.template) {
      this.snapshot = new VirtualMachineSnapshot(this, "snapshot", {
        virtualMachineUuid: this.source.uuid,
        snapshotName: props.snapshot,
        description: `Base of linked clones of stack ${TerraformStack.of(this).node.id}, managed by cdktf-vsphere-linked-clones. Do not delete while clones exist.`,
        memory: false,
        quiesce: false,
        removeChildren: false,
        consolidate: true,
      });
    }
    LinkedCloneChecks.of(this).registerBase(this);
  }

  /** The source's uuid. */
  public get uuid(): string {
    return once(this, "uuid", () => this.source.uuid);
  }

  /**
   * What clones name as `clone.template_uuid`. With a managed snapshot it is the source's
   * uuid once the snapshot exists: the provider checks at plan time that a known source has
   * a snapshot, so the uuid must stay unknown until the snapshot is created.
   */
  public get cloneSourceUuid(): string {
    const snapshot = this.snapshot;
    if (!snapshot) return this.uuid;
    return once(this, "cloneSourceUuid", () =>
      Token.asString(conditional(Op.neq(snapshot.id, Token.nullValue()), this.uuid, this.uuid)),
    );
  }

  /** The managed snapshot's address, for `lifecycle.replace_triggered_by` (a bare reference, not `${...}`). */
  public get snapshotAddress(): string | undefined {
    return this.snapshot ? `${VirtualMachineSnapshot.tfResourceType}.${this.snapshot.friendlyUniqueId}` : undefined;
  }
  public get guestId(): string {
    return once(this, "guestId", () => this.source.guestId);
  }
  public get scsiType(): string {
    return once(this, "scsiType", () => this.source.scsiType);
  }
  public get networkInterfaceTypes(): string[] {
    return once(this, "networkInterfaceTypes", () => this.source.networkInterfaceTypes);
  }
  /** The source's virtual CPUs. */
  public get numCpus(): number {
    return once(this, "numCpus", () => this.source.numCpus);
  }
  /** The source's memory in MB. */
  public get memoryMb(): number {
    return once(this, "memory", () => this.source.memory);
  }
  public get firmware(): string {
    return once(this, "firmware", () => this.source.firmware);
  }
  /** The source's first NIC's adapter type. */
  public get adapterType(): string {
    return once(this, "adapterType", () => Token.asString(Fn.element(this.networkInterfaceTypes, 0)));
  }
  /** The source's disks, for the clones' dynamic disk block. */
  public get disksExpression(): string {
    return once(this, "disks", () => Token.asString(this.source.interpolationForAttribute("disks")));
  }
  public get guestOs(): GuestOs {
    return this.props.guestOs ?? "linux";
  }

  public toModel(): BaseModel {
    const p = this.props;
    return {
      stack: TerraformStack.of(this).node.id,
      path: this.node.path,
      name: this.node.id,
      site: this.inventory.site,
      vm: p.vm,
      ...(p.snapshot !== undefined ? { snapshot: p.snapshot } : {}),
      template: p.template ?? false,
      manageSnapshot: p.manageSnapshot ?? false,
      guestOs: this.guestOs,
      ...(p.diskGb !== undefined ? { diskGb: p.diskGb } : {}),
    };
  }
}
