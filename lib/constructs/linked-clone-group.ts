import { Construct } from "constructs";
import { TerraformIterator, TerraformOutput, TerraformStack, Token } from "cdktf";
import { ComputeClusterHostGroup } from "@cdktf/provider-vsphere/lib/compute-cluster-host-group";
import { ComputeClusterVmGroup } from "@cdktf/provider-vsphere/lib/compute-cluster-vm-group";
import { ComputeClusterVmHostRule } from "@cdktf/provider-vsphere/lib/compute-cluster-vm-host-rule";
import { VirtualMachine, type VirtualMachineCloneCustomize } from "@cdktf/provider-vsphere/lib/virtual-machine";
import { isIpv4 } from "../model/ipv4";
import { planMembers, type MemberSpec } from "../model/members";
import type { GroupModel, Ipv4Plan, MemberModel, Suppression } from "../model/types";
import type { BaseImage } from "./base-image";
import { LinkedCloneChecks } from "./linked-clone-checks";

/** Static IPv4 addressing from a range: member n gets the nth address. */
export interface StaticIpv4Props {
  /** `first-last`, e.g. `10.0.10.10-10.0.10.50`. */
  readonly range: string;
  /** Prefix length of the network, e.g. 24. */
  readonly prefixLength: number;
  /** Default gateway. */
  readonly gateway: string;
}

export interface WindowsCustomizationProps {
  /**
   * Workgroup to join.
   * @default "WORKGROUP"
   */
  readonly workgroup?: string;
  /**
   * Windows time zone index.
   * @default - the provider's default (85, GMT)
   */
  readonly timeZone?: number;
}

export interface GuestCustomizationProps {
  /**
   * DNS domain of the guests.
   * @default - none
   */
  readonly domain?: string;
  /**
   * Static addresses from a range, or "dhcp".
   * @default "dhcp"
   */
  readonly ipv4?: StaticIpv4Props | "dhcp";
  /**
   * DNS servers.
   * @default - none
   */
  readonly dnsServers?: string[];
  /**
   * Windows options, used when the base's guestOs is "windows".
   * @default - workgroup WORKGROUP
   */
  readonly windows?: WindowsCustomizationProps;
}

export type DiskMode = "persistent" | "nonpersistent";

export interface LinkedCloneGroupProps {
  /** The base image the clones come from. */
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
   * VM folder, relative to the datacenter's VM folder.
   * @default - the datacenter's VM folder
   */
  readonly folder?: string;
  /**
   * Hosts of the cluster to confine the clones to. A DRS VM-host must-rule keeps them there.
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
   * Clones by name, each optionally with its own IPv4 address. Give this or `count`.
   * @default - none
   */
  readonly members?: (string | MemberSpec)[];
  /**
   * Virtual CPUs per clone.
   * @default - the source's
   */
  readonly cpus?: number;
  /**
   * Memory per clone in MB.
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
   * @default - names the group and base
   */
  readonly annotation?: string;
  /**
   * Rule suppressions for this group, each with a reason.
   * @default - none
   */
  readonly suppress?: Suppression[];
}

/**
 * The member's key and values, as Terraform expressions. Plain strings rather than iterator
 * tokens: each token costs cdktf a stack trace, and these are the same in every group.
 */
const EACH_KEY = "${each.key}";

/** A Terraform-safe resource name from a group name. */
function resourceName(group: string): string {
  const clean = group.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(clean) ? clean : `g_${clean}`;
}

/**
 * N linked clones of one base in one placement: one `vsphere_virtual_machine` with
 * `for_each` keyed by VM name, so each VM's address is
 * `vsphere_virtual_machine.<group>["<name>"]` and survives changes to other members.
 */
export class LinkedCloneGroup extends Construct {
  public readonly props: LinkedCloneGroupProps;
  /** The members, with the number, address and host each derives from its name. */
  public readonly members: readonly MemberModel[];
  /** The clones: one resource with for_each over the members. */
  public readonly vm: VirtualMachine;
  /** The clones' Terraform address, `vsphere_virtual_machine.<group>`; a VM is `<address>["<name>"]`. */
  public readonly address: string;

  constructor(scope: Construct, id: string, props: LinkedCloneGroupProps) {
    super(scope, id);
    this.props = props;
    const fail = (msg: string): never => {
      throw new Error(`${this.node.path}: ${msg}`);
    };
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(id)) {
      fail(`group name '${id}' may hold only lower-case letters, digits and inner '-'; rename the group`);
    }
    if ((props.cluster === undefined) === (props.resourcePool === undefined)) {
      fail("give exactly one of cluster or resourcePool to place the clones");
    }
    if ((props.datastore === undefined) === (props.datastoreCluster === undefined)) {
      fail("give exactly one of datastore or datastoreCluster for the clones' disks");
    }
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
    ];
    for (const [prop, value] of literals) {
      if (value !== undefined && Token.isUnresolved(value))
        fail(
          `${prop} is a token; it must be a literal known at synth (it names VMs or objects looked up once per stack)`,
        );
    }
    // Sizes may be tokens (e.g. Terraform variables): they are checked only when literal.
    for (const [prop, value, min] of [
      ["cpus", props.cpus, 1],
      ["memoryMb", props.memoryMb, 4],
      ["waitForGuestNetMinutes", props.waitForGuestNetMinutes, 0],
    ] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min))
        fail(`${prop} is ${value}; use a whole number of ${min} or more`);
    }
    const inv = props.base.inventory;
    if (props.hosts !== undefined) {
      const cluster = props.cluster ?? props.resourcePool?.split("/")[0];
      const known = cluster !== undefined && inv.hasCluster(cluster) ? inv.clusterFactsOf(cluster).hosts : undefined;
      if (props.hosts.length === 0) fail("hosts is empty; list the hosts to confine the clones to, or leave hosts out");
      if (props.cluster === undefined && !inv.hasCluster(cluster!)) {
        fail(
          `hosts need the cluster to confine the group in, but resource pool '${props.resourcePool}' is not in a cluster of the inventory; declare cluster '${cluster}' in the inventory's clusters, or place the group with cluster`,
        );
      }
      const unknown = known ? props.hosts.filter((h) => !known.includes(h)) : [];
      if (unknown.length)
        fail(
          `hosts ${unknown.map((h) => `'${h}'`).join(", ")} are not in cluster '${cluster}' (${known!.join(", ")}); list only hosts of that cluster`,
        );
    }
    const ipv4 = props.customization?.ipv4;
    const staticIp = ipv4 !== undefined && ipv4 !== "dhcp" ? ipv4 : undefined;
    if (staticIp) {
      if (!Number.isInteger(staticIp.prefixLength) || staticIp.prefixLength < 1 || staticIp.prefixLength > 32) {
        fail(`customization.ipv4.prefixLength is ${staticIp.prefixLength}; use a whole number from 1 to 32, e.g. 24`);
      }
      if (!isIpv4(staticIp.gateway))
        fail(`customization.ipv4.gateway '${staticIp.gateway}' is not an IPv4 address; write it as a.b.c.d`);
    }
    const withAddress = (props.members ?? []).filter((m) => typeof m !== "string" && m.ipv4 !== undefined);
    if (withAddress.length && !staticIp) {
      fail(
        `members give ipv4 addresses but customization.ipv4 is not a static range, so they would be ignored; set customization.ipv4 to {range, prefixLength, gateway}, or drop the addresses`,
      );
    }
    const plan = planMembers({
      group: id,
      ...(props.count !== undefined ? { count: props.count } : {}),
      ...(props.namePattern !== undefined ? { namePattern: props.namePattern } : {}),
      ...(props.members !== undefined ? { members: props.members } : {}),
      ...(staticIp ? { range: staticIp.range } : {}),
      ...(props.hosts ? { hosts: props.hosts } : {}),
    });
    if (plan.problems.length) fail(plan.problems.map((p) => `${p.prop}: ${p.message}`).join("\n"));
    this.members = plan.members;
    for (const s of props.suppress ?? []) LinkedCloneChecks.suppress(this, s.rule, s.reason);

    const base = props.base;
    const placementPool =
      props.cluster !== undefined ? inv.clusterPoolId(props.cluster) : inv.resourcePool(props.resourcePool!).id;
    const datastoreId =
      props.datastore !== undefined
        ? { datastoreId: inv.datastoreId(props.datastore) }
        : { datastoreClusterId: inv.datastoreCluster(props.datastoreCluster!).id };

    const forEachMap: Record<string, Record<string, string>> = {};
    for (const m of this.members) {
      forEachMap[m.name] = {
        ...(m.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}),
        ...(m.host !== undefined ? { host_id: inv.hostId(m.host) } : {}),
      };
    }
    const each = TerraformIterator.fromMap(forEachMap);

    this.vm = new VirtualMachine(this, "clones", {
      forEach: each,
      name: EACH_KEY,
      resourcePoolId: placementPool,
      ...datastoreId,
      ...(props.folder !== undefined ? { folder: props.folder } : {}),
      ...(props.hosts ? { hostSystemId: "${each.value.host_id}" } : {}),
      numCpus: props.cpus ?? base.numCpus,
      memory: props.memoryMb ?? base.memoryMb,
      guestId: base.guestId,
      scsiType: base.scsiType,
      firmware: base.firmware,
      networkInterface: [{ networkId: inv.networkId(props.network), adapterType: base.adapterType }],
      clone: {
        templateUuid: base.cloneSourceUuid,
        linkedClone: true,
        ...(props.customization ? { customize: this.customize(props.customization) } : {}),
      },
      waitForGuestNetTimeout: props.waitForGuestNetMinutes ?? 5,
      waitForGuestNetRoutable: props.waitForGuestNetRoutable ?? true,
      annotation:
        props.annotation ??
        `Linked clone of base '${base.node.id}' (${base.props.vm}), group '${id}' of stack ${TerraformStack.of(this).node.id}`,
      ...(base.snapshot
        ? { dependsOn: [base.snapshot], lifecycle: { replaceTriggeredBy: [base.snapshotAddress!] } }
        : {}),
    });
    this.vm.overrideLogicalId(resourceName(id));
    this.address = `${VirtualMachine.tfResourceType}.${resourceName(id)}`;
    // One disk per source disk, each exactly the source's: size, thin_provisioned and
    // eagerly_scrub are references to the data source, never literals. A dynamic block
    // with its own iterator name, so it does not shadow the resource's `each`.
    this.vm.addOverride("dynamic.disk", {
      for_each: base.disksExpression,
      iterator: "src_disk",
      content: {
        label: "disk${src_disk.key}",
        unit_number: "${src_disk.value.unit_number}",
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
    }).overrideLogicalId(`${resourceName(id)}_vms`);

    LinkedCloneChecks.of(this).registerGroup(this);
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
    const clusterName = this.props.cluster ?? this.props.resourcePool!.split("/")[0];
    const clusterId = inv.cluster(clusterName).id;
    const name = resourceName(this.node.id);
    const stackName = TerraformStack.of(this).node.id;
    const hostGroup = new ComputeClusterHostGroup(this, "host-group", {
      name: `${stackName}-${this.node.id}-hosts`,
      computeClusterId: clusterId,
      hostSystemIds: hosts.map((h) => inv.hostId(h)),
    });
    hostGroup.overrideLogicalId(name);
    const vmGroup = new ComputeClusterVmGroup(this, "vm-group", {
      name: `${stackName}-${this.node.id}-vms`,
      computeClusterId: clusterId,
      virtualMachineIds: Token.asList(`\${[ for key, val in ${this.address}: val.id]}`),
    });
    vmGroup.overrideLogicalId(name);
    new ComputeClusterVmHostRule(this, "vm-host-rule", {
      name: `${stackName}-${this.node.id}-on-hosts`,
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
    const ipv4: Ipv4Plan | undefined = staticIp
      ? {
          first: staticIp.range.split("-")[0].trim(),
          last: staticIp.range.split("-")[1].trim(),
          prefixLength: staticIp.prefixLength,
          gateway: staticIp.gateway,
        }
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
      suppressions: LinkedCloneChecks.suppressionsOf(this),
    };
  }
}
