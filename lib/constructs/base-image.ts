import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataVsphereVirtualMachine } from "@cdktf/provider-vsphere/lib/data-vsphere-virtual-machine";
import { VirtualMachineSnapshot } from "@cdktf/provider-vsphere/lib/virtual-machine-snapshot";
import type { BaseModel, GuestOs } from "../model/types";
import { checkBase } from "../model/validate";
import { failWith } from "./errors";
import { LinkedCloneChecks } from "./linked-clone-checks";
import type { VsphereInventory } from "./vsphere-inventory";

export interface BaseImageProps {
  /** Lookups of the stack's vSphere objects. */
  readonly inventory: VsphereInventory;
  /** Name of the source VM (or template). */
  readonly vm: string;
  /**
   * Name of the snapshot clones come from. The provider clones from the source's current
   * snapshot, which must be its only one; with `manageSnapshot` this stack creates it.
   * Renaming it replaces the clones (an unmanaged snapshot too: rename it when you
   * re-snapshot the source).
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
   * The source is a template. vSphere copies a template's disks for every clone (it can share
   * only disks that are not the child-most backing), so a template base makes full clones;
   * rule snapshot-source warns.
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
 * Settings of the source that clones copy: where vSphere or the provider need the clone to
 * match its source, or where the provider would otherwise reset the golden's setting to its
 * own default when it reconfigures the clone. Each is the `vsphere_virtual_machine` data
 * source's attribute of the same name. The hardware version is not among them: a clone has its
 * source's version already, and setting it only makes the provider compare it with the
 * host's configuration options and maybe call UpgradeVM.
 */
export const COPIED_SETTINGS = [
  "guest_id",
  "firmware",
  "efi_secure_boot_enabled",
  "vbs_enabled",
  "vvtd_enabled",
  "nested_hv_enabled",
  "cpu_hot_add_enabled",
  "cpu_hot_remove_enabled",
  "memory_hot_add_enabled",
  "enable_disk_uuid",
  "scsi_type",
  "scsi_bus_sharing",
] as const;
export type CopiedSetting = (typeof COPIED_SETTINGS)[number];

/**
 * The source's disks are read from every SCSI controller a VM can have (4); the data source
 * reads only the first by default, which would leave disks on a second controller out of the
 * clone's configuration. Other controller types are not read: the clone manages SCSI disks.
 */
export const SCSI_CONTROLLERS_SCANNED = 4;

/**
 * A source VM (or template) and the snapshot linked clones come from. Exposes what
 * clones need from the source's data source, so they match the source by construction.
 */
export class BaseImage extends Construct {
  public readonly inventory: VsphereInventory;
  /** The source VM's data source. */
  public readonly source: DataVsphereVirtualMachine;
  /** The source VM's data source that reads the disks of every SCSI controller. */
  public readonly disksSource: DataVsphereVirtualMachine;
  /** The managed snapshot, when `manageSnapshot` is set. */
  public readonly snapshot?: VirtualMachineSnapshot;
  public readonly props: BaseImageProps;

  constructor(scope: Construct, id: string, props: BaseImageProps) {
    super(scope, id);
    failWith(this, checkBase(props));
    this.props = props;
    this.inventory = props.inventory;
    this.source = props.inventory.virtualMachine(props.vm);
    this.disksSource = props.inventory.virtualMachineDisks(props.vm);
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

  /** `data.vsphere_virtual_machine.<id>`: the source's data source, as a Terraform address. */
  public get sourceAddress(): string {
    return `data.${DataVsphereVirtualMachine.tfResourceType}.${this.source.friendlyUniqueId}`;
  }

  /** A Terraform expression (without `${}`) for an attribute of the source's data source. */
  public sourceAttribute(name: string): string {
    return `${this.sourceAddress}.${name}`;
  }

  /** A Terraform expression (without `${}`) for the source's disks on every SCSI controller. */
  public get disksExpression(): string {
    return `data.${DataVsphereVirtualMachine.tfResourceType}.${this.disksSource.friendlyUniqueId}.disks`;
  }

  /** The managed snapshot's address, for references in expressions and `lifecycle` (a bare reference). */
  public get snapshotAddress(): string | undefined {
    return this.snapshot ? `${VirtualMachineSnapshot.tfResourceType}.${this.snapshot.friendlyUniqueId}` : undefined;
  }

  /**
   * A Terraform condition (without `${}`) that becomes known only once the managed snapshot
   * exists; undefined without a managed snapshot.
   */
  public get snapshotReady(): string | undefined {
    return this.snapshotAddress ? `${this.snapshotAddress}.id != null` : undefined;
  }

  /**
   * `expr` kept unknown until the managed snapshot exists: `(snapshot.id != null) ? expr : expr`.
   * The provider checks a new clone at plan time only where the values it needs are known;
   * before the snapshot exists those checks would fail (no snapshot yet) or look the source up
   * by an empty uuid. Kept unknown, the checks run at the apply-time re-plan instead, when the
   * snapshot exists. Without a managed snapshot, `expr` itself.
   */
  public deferred(expr: string): string {
    return this.snapshotReady ? `(${this.snapshotReady}) ? ${expr} : ${expr}` : expr;
  }

  /** What clones name as `clone.template_uuid`: the source's uuid, deferred until the managed snapshot exists. */
  public get cloneSourceUuid(): string {
    return `\${${this.deferred(this.sourceAttribute("uuid"))}}`;
  }

  /** The source's uuid. */
  public get uuid(): string {
    return this.source.uuid;
  }

  /**
   * What identifies the base's snapshot for the clones' replacement trigger: the managed
   * snapshot's id (a new snapshot is a new id), else the snapshot's name (renaming an unmanaged
   * snapshot replaces the clones too); undefined for a template.
   */
  public get snapshotIdentity(): string | undefined {
    if (this.snapshotAddress) return `\${${this.snapshotAddress}.id}`;
    return this.props.template ? undefined : this.props.snapshot;
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
      suppressions: LinkedCloneChecks.suppressionsOf(this),
    };
  }
}
