import { Construct } from "constructs";
import { TerraformIterator, TerraformOutput, TerraformStack, Token } from "cdktf";
import { ComputeClusterHostGroup } from "@cdktf/provider-vsphere/lib/compute-cluster-host-group";
import { ComputeClusterVmGroup } from "@cdktf/provider-vsphere/lib/compute-cluster-vm-group";
import { ComputeClusterVmHostRule } from "@cdktf/provider-vsphere/lib/compute-cluster-vm-host-rule";
import { VirtualMachine, type VirtualMachineCloneCustomize } from "@cdktf/provider-vsphere/lib/virtual-machine";
import type { MemberSpec } from "../model/members";
import { siteKey } from "../model/chains";
import { checkGroup, clusterNameOf } from "../model/validate";
import type { GroupModel, Ipv4Plan, MemberModel, Suppression } from "../model/types";
import { COPIED_SETTINGS, type BaseImage } from "./base-image";
import { failWith } from "./errors";
import { LinkedCloneChecks } from "./linked-clone-checks";
import { ReplacementTrigger } from "./replacement-trigger";

/** Static IPv4 addressing from a range: member n gets the nth address. */
export interface StaticIpv4Props {
  /** `first-last`, e.g. `10.0.10.10-10.0.10.50`, inside one network of `prefixLength`. */
  readonly range: string;
  /** Prefix length of the network, e.g. 24 (not a netmask). */
  readonly prefixLength: number;
  /** Default gateway: a host address of the range's network. */
  readonly gateway: string;
}

export interface WindowsCustomizationProps {
  /**
   * Workgroup to join (at most 15 characters, a NetBIOS name).
   * @default "WORKGROUP"
   */
  readonly workgroup?: string;
  /**
   * Windows time-zone index (a number, e.g. 110 for W. Europe Standard Time; not a name like Europe/Berlin).
   * @default - the provider's default (85, GMT)
   */
  readonly timeZone?: number;
}

export interface GuestCustomizationProps {
  /**
   * DNS domain of the guests (a DNS name). Linux guests get it as their domain; Windows guests as a DNS suffix.
   * @default - none ("local" for Linux, which the provider requires)
   */
  readonly domain?: string;
  /**
   * Static addresses from a range, or "dhcp".
   * @default "dhcp"
   */
  readonly ipv4?: StaticIpv4Props | "dhcp";
  /**
   * DNS servers (IPv4 addresses).
   * @default - none
   */
  readonly dnsServers?: string[];
  /**
   * Windows options; only for a base whose guestOs is "windows" (an error on a Linux base).
   * @default - workgroup WORKGROUP
   */
  readonly windows?: WindowsCustomizationProps;
}

export type DiskMode = "persistent" | "nonpersistent";

/** A group moving from an old base to its `base`, a wave per commit. */
export interface RolloutProps {
  /** The old base: a different source VM than `base` (the provider needs one snapshot per source VM). */
  readonly from: BaseImage;
  /**
   * How many members, by member number, use the new base; the rest stay on `from`. Raise it by a
   * wave per deploy; at the group's size every member is moved and `rollout` can be removed.
   */
  readonly moved: number;
}

export interface LinkedCloneGroupProps {
  /** The base image the clones come from (during a rollout: the new base). */
  readonly base: BaseImage;
  /**
   * Compute cluster to place clones in (its root resource pool). Give this or `resourcePool`.
   * @default - none
   */
  readonly cluster?: string;
  /**
   * Resource pool path, e.g. "DC0_C0/Resources". Give this or `cluster`.
   * @default - none
   */
  readonly resourcePool?: string;
  /**
   * Datastore for the clones' delta disks. Give this or `datastoreCluster`.
   * @default - none
   */
  readonly datastore?: string;
  /**
   * Datastore cluster (Storage DRS). Linked clones cannot use one: rule storage-drs rejects it.
   * @default - none
   */
  readonly datastoreCluster?: string;
  /**
   * VM folder, relative to the datacenter's VM folder (e.g. "labs/web"). It must exist: it is
   * looked up at plan time, so a missing folder fails the plan with a message naming it.
   * @default - the datacenter's VM folder
   */
  readonly folder?: string;
  /**
   * Hosts of the cluster to confine the clones to. A DRS host group, VM group and mandatory
   * VM-host rule keep them there; DRS places and moves them (no host is pinned per clone).
   * @default - every host of the cluster
   */
  readonly hosts?: string[];
  /** Network (port group) of the clones' NIC. */
  readonly network: string;
  /**
   * Number of clones, named by `namePattern`. Give this or `members`.
   * @default - none
   */
  readonly count?: number;
  /**
   * Name pattern for `count`: `{n}` 1,2,.. `{nn}` 01,02,.. `{nnn}` 001,..
   * @default "<group name>-{nn}"
   */
  readonly namePattern?: string;
  /**
   * Clones by name, each optionally with its own IPv4 address and generation. Give this or `count`.
   * @default - none
   */
  readonly members?: (string | MemberSpec)[];
  /**
   * Virtual CPUs per clone. Cores per socket stay the source's when they divide this number, else 1.
   * @default - the source's
   */
  readonly cpus?: number;
  /**
   * Memory per clone in MB, a multiple of 4.
   * @default - the source's
   */
  readonly memoryMb?: number;
  /**
   * `persistent`, or `nonpersistent` (independent_nonpersistent: writes are dropped at power-off, for lab resets).
   * @default "persistent"
   */
  readonly diskMode?: DiskMode;
  /**
   * Guest customization.
   * @default - none: guests keep the source's identity
   */
  readonly customization?: GuestCustomizationProps;
  /**
   * The provider's wait_for_guest_net_timeout in minutes; 0 does not wait.
   * @default 5
   */
  readonly waitForGuestNetMinutes?: number;
  /**
   * The provider's wait_for_guest_net_routable.
   * @default true
   */
  readonly waitForGuestNetRoutable?: boolean;
  /**
   * VM annotation (notes).
   * @default - names the member's base, the group and the stack
   */
  readonly annotation?: string;
  /**
   * The group's generation: raising it replaces (refreshes) every clone of the group on the
   * next deploy, each with the same name, address and placement. A member's own `generation`
   * refreshes that member alone.
   * @default 0
   */
  readonly generation?: number;
  /**
   * Roll the group from another base to `base` in waves.
   * @default - no rollout: every member uses `base`
   */
  readonly rollout?: RolloutProps;
  /**
   * Rule suppressions for this group, each with a reason.
   * @default - none
   */
  readonly suppress?: Suppression[];
}

/**
 * A `${...}` expression where the provider's bindings type a number or a boolean. Their
 * conversions pass values through unchanged, so the string reaches the JSON as it is; a cast, not
 * `Token.asNumber`, because every cdktf token captures a stack trace (10 and more per group).
 */
function expression<T extends number | boolean>(e: string): T {
  return e as unknown as T;
}

/** A Terraform-safe resource name from a group name. */
export function resourceName(group: string): string {
  const clean = group.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(clean) ? clean : `g_${clean}`;
}

/** Names of the DRS objects of a confined group, unique per stack and group. */
export function drsNames(stack: string, group: string): { hostGroup: string; vmGroup: string; rule: string } {
  return { hostGroup: `${stack}-${group}-hosts`, vmGroup: `${stack}-${group}-vms`, rule: `${stack}-${group}-on-hosts` };
}

/** The member's key, as a Terraform expression. Plain strings, not iterator tokens: each token costs cdktf a stack trace. */
const EACH_KEY = "${each.key}";

/**
 * N linked clones of one base in one placement: one `vsphere_virtual_machine` with
 * `for_each` keyed by VM name, so each VM's address is
 * `vsphere_virtual_machine.<group>["<name>"]` and survives changes to other members.
 *
 * Each member also has a `terraform_data.<group>["<name>"]` whose `triggers_replace` holds its
 * generation, its base's snapshot, its disk mode and its datastore; the clone is replaced when it
 * changes (`lifecycle.replace_triggered_by`): raising a generation refreshes exactly the clones it
 * covers, a new base snapshot replaces exactly the clones of that base, and a new disk mode or
 * datastore recreates the clones as linked clones instead of moving or reconfiguring them.
 */
export class LinkedCloneGroup extends Construct {
  public readonly props: LinkedCloneGroupProps;
  /** The members, with the number, address, base and generation each derives from its name and fields. */
  public readonly members: readonly MemberModel[];
  /** The clones: one resource with for_each over the members. */
  public readonly vm: VirtualMachine;
  /** The clones' replacement triggers: one terraform_data per member. */
  public readonly trigger: ReplacementTrigger;
  /** The clones' Terraform address, `vsphere_virtual_machine.<group>`; a VM is `<address>["<name>"]`. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: LinkedCloneGroupProps) {
    super(scope, id);
    this.props = props;
    // Names, members and placement shape the tree and the for_each keys: they must be known at synth.
    const literals: [string, unknown][] = [
      ["count", props.count],
      ["namePattern", props.namePattern],
      ["members", props.members],
      ["network", props.network],
      ["cluster", props.cluster],
      ["resourcePool", props.resourcePool],
      ["datastore", props.datastore],
      ["datastoreCluster", props.datastoreCluster],
      ["hosts", props.hosts],
      ["folder", props.folder],
      ["generation", props.generation],
      ["rollout.moved", props.rollout?.moved],
    ];
    failWith(
      this,
      literals
        .filter(([, value]) => value !== undefined && Token.isUnresolved(value))
        .map(([field]) => ({
          field,
          message: `${field} is a token; it must be a literal known at synth (it names VMs or objects looked up once per stack)`,
        })),
    );
    const inv = props.base.inventory;
    // Sizes may be tokens (e.g. Terraform variables): they are checked only when literal.
    const literal = (v: number | undefined) => (v === undefined || Token.isUnresolved(v) ? undefined : v);
    const check = checkGroup({
      name: id,
      base: { name: props.base.node.id, guestOs: props.base.guestOs },
      ...pick(props, ["cluster", "resourcePool", "datastore", "datastoreCluster", "hosts", "folder"]),
      ...pick(props, ["count", "namePattern", "members", "customization", "generation"]),
      ...(literal(props.cpus) !== undefined ? { cpus: props.cpus } : {}),
      ...(literal(props.memoryMb) !== undefined ? { memoryMb: props.memoryMb } : {}),
      ...(literal(props.waitForGuestNetMinutes) !== undefined
        ? { waitForGuestNetMinutes: props.waitForGuestNetMinutes }
        : {}),
      ...(props.rollout
        ? {
            rollout: {
              from: { name: props.rollout.from.node.id, guestOs: props.rollout.from.guestOs },
              moved: props.rollout.moved,
            },
          }
        : {}),
      clusters: inv.clusterFacts,
    });
    failWith(this, check.problems);
    if (props.rollout && props.rollout.from.inventory !== inv) {
      failWith(this, [
        {
          field: "rollout.from",
          message: "rollout.from is a base of another inventory; both bases of a rollout must be in the group's stack",
        },
      ]);
    }
    this.members = check.members;
    for (const s of props.suppress ?? []) LinkedCloneChecks.suppress(this, s.rule, s.reason);
    const stackName = TerraformStack.of(this).node.id;
    const name = resourceName(id);
    LinkedCloneChecks.of(this).claimNames(
      this,
      name,
      props.hosts
        ? {
            cluster: `${siteKey(inv.site)}\u0000${clusterNameOf(props, inv.clusterFacts)}`,
            names: Object.values(drsNames(stackName, id)),
          }
        : undefined,
    );

    const bases = this.bases;
    const perMember = (of: (b: BaseImage) => string): string => this.perMember(of);
    const placementPool =
      props.cluster !== undefined
        ? inv.clusterPoolExpression(props.cluster)
        : inv.resourcePoolExpression(props.resourcePool!);
    const datastoreId =
      props.datastore !== undefined
        ? { datastoreId: inv.datastoreId(props.datastore) }
        : { datastoreClusterId: inv.datastoreCluster(props.datastoreCluster!).id };
    if (props.folder !== undefined) inv.folder(props.folder);

    const forEachMap: Record<string, Record<string, string | number>> = {};
    const triggers: Record<string, Record<string, string | number>> = {};
    for (const m of this.members) {
      const memberBase = this.baseOf(m);
      forEachMap[m.name] = {
        ...(m.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}),
        ...(props.rollout ? { base: m.base } : {}),
      };
      const snapshot = memberBase.snapshotIdentity;
      triggers[m.name] = {
        group_generation: props.generation ?? 0,
        generation: m.generation,
        ...(snapshot !== undefined ? { base_snapshot: snapshot } : {}),
        // A new disk mode or datastore recreates the clone from its base: changed in place, the
        // provider would reconfigure a running VM's disks or Storage vMotion the clone, which
        // copies its base disk and leaves a full clone.
        disk_mode: props.diskMode ?? "persistent",
        datastore: props.datastore ?? props.datastoreCluster!,
      };
    }
    this.trigger = new ReplacementTrigger(this, "trigger", {
      forEach: TerraformIterator.fromMap(triggers),
      triggersReplace: "${each.value}",
    });
    this.trigger.overrideLogicalId(name);
    const triggerAddress = `${ReplacementTrigger.tfResourceType}.${name}`;

    const numCpus = props.cpus ?? expression<number>(perMember((b) => b.sourceAttribute("num_cpus")));
    const coresPerSocket =
      props.cpus === undefined
        ? perMember((b) => b.sourceAttribute("num_cores_per_socket"))
        : perMember(
            (b) =>
              `${Token.isUnresolved(props.cpus) ? Token.asString(props.cpus) : props.cpus} % ${b.sourceAttribute("num_cores_per_socket")} == 0 ? ${b.sourceAttribute("num_cores_per_socket")} : 1`,
          );
    const copied: Record<string, string> = {};
    for (const setting of COPIED_SETTINGS) copied[setting] = perMember((b) => b.sourceAttribute(setting));

    this.vm = new VirtualMachine(this, "clones", {
      forEach: TerraformIterator.fromMap(forEachMap),
      name: EACH_KEY,
      // Kept unknown until the managed snapshot exists, like the template uuid: the provider's
      // customization check for a new clone runs whenever resource_pool_id is known, and then
      // looks the source up by the (still unknown, so empty) template uuid.
      resourcePoolId: perMember((b) => b.deferred(placementPool)),
      ...datastoreId,
      ...(props.folder !== undefined ? { folder: props.folder.replace(/^\/+|\/+$/g, "") } : {}),
      numCpus,
      numCoresPerSocket: expression<number>(coresPerSocket),
      memory: props.memoryMb ?? expression<number>(perMember((b) => b.sourceAttribute("memory"))),
      guestId: copied.guest_id,
      firmware: copied.firmware,
      efiSecureBootEnabled: expression<boolean>(copied.efi_secure_boot_enabled),
      vbsEnabled: expression<boolean>(copied.vbs_enabled),
      vvtdEnabled: expression<boolean>(copied.vvtd_enabled),
      nestedHvEnabled: expression<boolean>(copied.nested_hv_enabled),
      cpuHotAddEnabled: expression<boolean>(copied.cpu_hot_add_enabled),
      cpuHotRemoveEnabled: expression<boolean>(copied.cpu_hot_remove_enabled),
      memoryHotAddEnabled: expression<boolean>(copied.memory_hot_add_enabled),
      enableDiskUuid: expression<boolean>(copied.enable_disk_uuid),
      scsiType: copied.scsi_type,
      scsiBusSharing: copied.scsi_bus_sharing,
      scsiControllerCount: expression<number>(perMember((b) => scsiControllerCount(b.disksExpression))),
      networkInterface: [
        {
          networkId: inv.networkId(props.network),
          adapterType: perMember((b) => `element(${b.sourceAttribute("network_interface_types")}, 0)`),
        },
      ],
      clone: {
        templateUuid: perMember((b) => b.deferred(b.sourceAttribute("uuid"))),
        linkedClone: true,
        ...(props.customization ? { customize: this.customize(props.customization) } : {}),
      },
      waitForGuestNetTimeout: props.waitForGuestNetMinutes ?? 5,
      waitForGuestNetRoutable: props.waitForGuestNetRoutable ?? true,
      annotation:
        props.annotation ??
        this.perMemberText(
          (b) => `Linked clone of base '${b.node.id}' (${b.props.vm}), group '${id}' of stack ${stackName}`,
        ),
      ...(bases.some((b) => b.snapshot) ? { dependsOn: bases.flatMap((b) => (b.snapshot ? [b.snapshot] : [])) } : {}),
      lifecycle: { replaceTriggeredBy: [`${triggerAddress}[each.key]`] },
    });
    this.vm.overrideLogicalId(name);
    this.address = `${VirtualMachine.tfResourceType}.${name}`;
    // One disk per source disk, each exactly the source's: size, thin_provisioned and
    // eagerly_scrub are references to the data source, never literals. A dynamic block
    // with its own iterator name, so it does not shadow the resource's `each`.
    const disks = this.perMember((b) => b.disksExpression, true);
    this.vm.addOverride("dynamic.disk", {
      for_each: `\${${disks}}`,
      iterator: "src_disk",
      content: {
        label: "disk${src_disk.key}",
        unit_number: `\${${diskUnitNumber(disks)}}`,
        size: "${src_disk.value.size}",
        thin_provisioned: "${src_disk.value.thin_provisioned}",
        eagerly_scrub: "${src_disk.value.eagerly_scrub}",
        ...(props.diskMode === "nonpersistent" ? { disk_mode: "independent_nonpersistent" } : {}),
      },
    });

    if (props.hosts) this.confineToHosts(props.hosts);

    new TerraformOutput(this, "vms", {
      description: `VMs of group ${id}: name => id and default IP address`,
      value: `\${{ for key, val in ${this.address}: key => { id = val.id, default_ip_address = val.default_ip_address } }}`,
    }).overrideLogicalId(`${name}_vms`);

    LinkedCloneChecks.of(this).registerGroup(this);
  }

  /** The bases the group's clones come from: its base, and during a rollout the old base too. */
  public get bases(): BaseImage[] {
    return this.props.rollout ? [this.props.base, this.props.rollout.from] : [this.props.base];
  }

  private baseOf(m: MemberModel): BaseImage {
    return this.props.rollout && m.base === this.props.rollout.from.node.id ? this.props.rollout.from : this.props.base;
  }

  /**
   * A per-member Terraform expression: `of(base)` for the group's base, or during a rollout a
   * choice between both bases by the member's `each.value.base`. Returned as `${...}` unless `raw`.
   */
  private perMember(of: (b: BaseImage) => string, raw = false): string {
    const r = this.props.rollout;
    const inner = !r
      ? of(this.props.base)
      : `each.value.base == ${JSON.stringify(this.props.base.node.id)} ? (${of(this.props.base)}) : (${of(r.from)})`;
    // Parenthesized as a whole when raw: composed into a larger expression (`disks[i]`), a bare
    // conditional would bind the outer operator to its last branch only.
    return raw ? (r ? `(${inner})` : inner) : `\${${inner}}`;
  }

  /** A per-member text: the literal for the group's base, or during a rollout a choice by the member's base. */
  private perMemberText(of: (b: BaseImage) => string): string {
    return this.props.rollout ? this.perMember((b) => JSON.stringify(of(b))) : of(this.props.base);
  }

  private customize(c: GuestCustomizationProps): VirtualMachineCloneCustomize {
    const staticIp = c.ipv4 !== undefined && c.ipv4 !== "dhcp" ? c.ipv4 : undefined;
    const windows = this.props.base.guestOs === "windows";
    return {
      ...(windows
        ? {
            windowsOptions: {
              computerName: EACH_KEY,
              workgroup: c.windows?.workgroup ?? "WORKGROUP",
              ...(c.windows?.timeZone !== undefined ? { timeZone: c.windows.timeZone } : {}),
            },
          }
        : { linuxOptions: { hostName: EACH_KEY, domain: c.domain ?? "local" } }),
      networkInterface: [staticIp ? { ipv4Address: "${each.value.ipv4}", ipv4Netmask: staticIp.prefixLength } : {}],
      ...(staticIp ? { ipv4Gateway: staticIp.gateway } : {}),
      ...(c.dnsServers?.length ? { dnsServerList: c.dnsServers } : {}),
      ...(c.domain !== undefined ? { dnsSuffixList: [c.domain] } : {}),
    };
  }

  /** DRS objects that keep the clones on the listed hosts: host group, VM group, mandatory VM-host rule. */
  private confineToHosts(hosts: string[]): void {
    const inv = this.props.base.inventory;
    const clusterId = inv.cluster(clusterNameOf(this.props, inv.clusterFacts)!).id;
    const name = resourceName(this.node.id);
    const names = drsNames(TerraformStack.of(this).node.id, this.node.id);
    const hostGroup = new ComputeClusterHostGroup(this, "host-group", {
      name: names.hostGroup,
      computeClusterId: clusterId,
      hostSystemIds: hosts.map((h) => inv.hostId(h)),
    });
    hostGroup.overrideLogicalId(name);
    const vmGroup = new ComputeClusterVmGroup(this, "vm-group", {
      name: names.vmGroup,
      computeClusterId: clusterId,
      virtualMachineIds: Token.asList(`\${[ for key, val in ${this.address}: val.id]}`),
    });
    vmGroup.overrideLogicalId(name);
    new ComputeClusterVmHostRule(this, "vm-host-rule", {
      name: names.rule,
      computeClusterId: clusterId,
      vmGroupName: vmGroup.name,
      affinityHostGroupName: hostGroup.name,
      mandatory: true,
      enabled: true,
    }).overrideLogicalId(name);
  }

  public toModel(): GroupModel {
    const p = this.props;
    const inv = p.base.inventory;
    const cluster = p.cluster !== undefined ? inv.clusterFactsOf(p.cluster) : inv.clusterOfPool(p.resourcePool!);
    const staticIp =
      p.customization?.ipv4 !== undefined && p.customization.ipv4 !== "dhcp" ? p.customization.ipv4 : undefined;
    const [first, last] = staticIp ? staticIp.range.split("-").map((a) => a.trim()) : [];
    const ipv4: Ipv4Plan | undefined = staticIp
      ? { first, last, prefixLength: staticIp.prefixLength, gateway: staticIp.gateway }
      : undefined;
    return {
      stack: TerraformStack.of(this).node.id,
      path: this.node.path,
      name: this.node.id,
      base: p.base.toModel(),
      site: inv.site,
      ...(cluster ? { cluster } : {}),
      ...(p.resourcePool !== undefined ? { resourcePool: p.resourcePool } : {}),
      ...(p.datastore !== undefined ? { datastore: inv.datastoreFactsOf(p.datastore) } : {}),
      ...(p.datastoreCluster !== undefined ? { datastoreCluster: p.datastoreCluster } : {}),
      ...(p.hosts ? { hosts: [...p.hosts] } : {}),
      members: this.members,
      ...(ipv4 ? { ipv4 } : {}),
      customized: p.customization !== undefined,
      ...(p.customization
        ? {
            customization: {
              ...(p.customization.domain !== undefined ? { domain: p.customization.domain } : {}),
              ...(p.customization.dnsServers ? { dnsServers: [...p.customization.dnsServers] } : {}),
              ...(p.customization.windows?.workgroup !== undefined
                ? { workgroup: p.customization.windows.workgroup }
                : {}),
              ...(p.customization.windows?.timeZone !== undefined
                ? { timeZone: p.customization.windows.timeZone }
                : {}),
            },
          }
        : {}),
      nonpersistent: p.diskMode === "nonpersistent",
      generation: p.generation ?? 0,
      ...(p.rollout ? { rollout: { from: p.rollout.from.toModel(), moved: p.rollout.moved } } : {}),
      suppressions: LinkedCloneChecks.suppressionsOf(this),
    };
  }
}

/**
 * The SCSI bus of each source disk, counted from the data source's list: it is sorted by bus
 * and unit number, and unit numbers rise within a bus, so a disk whose unit number is not
 * above the previous disk's starts the next bus. (A bus with no disks between two with disks
 * cannot be seen this way.)
 */
function busOfDisk(disks: string, index: string): string {
  return `length([for i in range(1, ${index} + 1) : i if ${disks}[i].unit_number <= ${disks}[i - 1].unit_number])`;
}

/**
 * The provider's unit number of a source disk: bus * 15 + the unit on the bus, less one above
 * the controller's own unit 7 (the provider's numbering, `findControllerInfo`); the data source
 * gives the unit on the bus.
 */
function diskUnitNumber(disks: string): string {
  const unit = "src_disk.value.unit_number";
  return `${unit} - (${unit} > 7 ? 1 : 0) + 15 * ${busOfDisk(disks, "src_disk.key")}`;
}

/** SCSI controllers the clone needs: one per bus its source's disks are on. */
function scsiControllerCount(disks: string): string {
  return `1 + length([for i in range(1, length(${disks})) : i if ${disks}[i].unit_number <= ${disks}[i - 1].unit_number])`;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
