import { TerraformVariable, Testing } from "cdktf";
import { VirtualMachine } from "@cdktf/provider-vsphere/lib/virtual-machine";
import { VirtualMachineSnapshot } from "@cdktf/provider-vsphere/lib/virtual-machine-snapshot";
import { ComputeClusterVmHostRule } from "@cdktf/provider-vsphere/lib/compute-cluster-vm-host-rule";
import { COPIED_SETTINGS } from "../../lib/constructs/base-image";
import { addGroup, synthJson, testStack, vmResource } from "../helpers/stack";

describe("LinkedCloneGroup", () => {
  it("synthesizes one linked-clone resource with for_each keyed by VM name", () => {
    const t = testStack();
    addGroup(t, "web", { count: 3 });
    const synth = Testing.synth(t.stack);
    expect(synth).toHaveResourceWithProperties(VirtualMachine, {
      clone: expect.objectContaining({ linked_clone: true }),
    });
    const vm = vmResource(JSON.parse(synth), "web");
    expect(Object.keys(vm.for_each)).toEqual(["web-01", "web-02", "web-03"]);
    expect(vm.name).toBe("${each.key}");
    expect(vm.clone.template_uuid).toMatch(
      /^\$\{\(vsphere_virtual_machine_snapshot\.[^ ]+\.id != null\) \? data\.vsphere_virtual_machine\.[^ ]+\.uuid : data\.vsphere_virtual_machine\.[^ ]+\.uuid\}$/,
    );
  });

  it("copies disks from the source's data source, never as literal sizes, reading every SCSI controller", () => {
    const t = testStack();
    addGroup(t, "web");
    const json = synthJson(t);
    const vm = vmResource(json, "web");
    expect(vm.disk).toBeUndefined();
    const disk = vm.dynamic.disk;
    const disksSource = Object.entries(json.data.vsphere_virtual_machine as Record<string, any>).find(
      ([, d]) => d.scsi_controller_scan_count === 4,
    )!;
    expect(disksSource[1]).toMatchObject({
      name: "VM0",
      scsi_controller_scan_count: 4,
      sata_controller_scan_count: 0,
      ide_controller_scan_count: 0,
      nvme_controller_scan_count: 0,
    });
    const disks = `data.vsphere_virtual_machine.${disksSource[0]}.disks`;
    expect(disk.for_each).toBe(`\${${disks}}`);
    expect(disk.content).toEqual({
      label: "disk${src_disk.key}",
      unit_number:
        "${src_disk.value.unit_number - (src_disk.value.unit_number > 7 ? 1 : 0) + 15 * " +
        `length([for i in range(1, src_disk.key + 1) : i if ${disks}[i].unit_number <= ${disks}[i - 1].unit_number])}`,
      size: "${src_disk.value.size}",
      thin_provisioned: "${src_disk.value.thin_provisioned}",
      eagerly_scrub: "${src_disk.value.eagerly_scrub}",
    });
    expect(vm.scsi_controller_count).toBe(
      `\${1 + length([for i in range(1, length(${disks})) : i if ${disks}[i].unit_number <= ${disks}[i - 1].unit_number])}`,
    );
  });

  it.each([...COPIED_SETTINGS])("copies %s from the source's data source", (setting) => {
    const t = testStack();
    addGroup(t, "web");
    const json = synthJson(t);
    const [source] = Object.entries(json.data.vsphere_virtual_machine as Record<string, any>).find(
      ([, d]) => d.scsi_controller_scan_count === undefined,
    )!;
    expect(vmResource(json, "web")[setting]).toBe(`\${data.vsphere_virtual_machine.${source}.${setting}}`);
  });

  it("keeps the source's cores per socket, or 1 when they do not divide the group's cpus", () => {
    const t = testStack();
    addGroup(t, "web");
    addGroup(t, "big", { cpus: 6 });
    const json = synthJson(t);
    const cores = (g: string) => vmResource(json, g).num_cores_per_socket as string;
    expect(cores("web")).toMatch(/^\$\{data\.vsphere_virtual_machine\.[^.]+\.num_cores_per_socket\}$/);
    expect(cores("big")).toMatch(
      /^\$\{6 % data\.vsphere_virtual_machine\.([^.]+)\.num_cores_per_socket == 0 \? data\.vsphere_virtual_machine\.\1\.num_cores_per_socket : 1\}$/,
    );
  });

  it("leaves the hardware version to the clone (it has its source's)", () => {
    const t = testStack();
    addGroup(t, "web");
    expect(vmResource(synthJson(t), "web").hardware_version).toBeUndefined();
  });

  it("takes guest id, SCSI type, adapter type, CPUs and memory from the source by default", () => {
    const t = testStack();
    addGroup(t, "web");
    const vm = vmResource(synthJson(t), "web");
    expect(vm.guest_id).toMatch(/\.guest_id\}$/);
    expect(vm.scsi_type).toMatch(/\.scsi_type\}$/);
    expect(vm.num_cpus).toMatch(/\.num_cpus\}$/);
    expect(vm.memory).toMatch(/\.memory\}$/);
    expect(vm.network_interface[0].adapter_type).toMatch(
      /^\$\{element\(data\.vsphere_virtual_machine\.[^}]+\.network_interface_types, 0\)\}$/,
    );
  });

  it("sets cpus, memoryMb, folder, annotation and guest-network waits when given", () => {
    const t = testStack();
    addGroup(t, "web", {
      cpus: 2,
      memoryMb: 2048,
      folder: "labs/web",
      annotation: "lab",
      waitForGuestNetMinutes: 0,
      waitForGuestNetRoutable: false,
    });
    expect(vmResource(synthJson(t), "web")).toMatchObject({
      num_cpus: 2,
      memory: 2048,
      folder: "labs/web",
      annotation: "lab",
      wait_for_guest_net_timeout: 0,
      wait_for_guest_net_routable: false,
    });
  });

  it("maps diskMode nonpersistent to independent_nonpersistent", () => {
    const t = testStack();
    addGroup(t, "web", { diskMode: "nonpersistent" });
    addGroup(t, "db", { diskMode: "persistent" });
    const json = synthJson(t);
    expect(vmResource(json, "web").dynamic.disk.content.disk_mode).toBe("independent_nonpersistent");
    expect(vmResource(json, "db").dynamic.disk.content.disk_mode).toBeUndefined();
  });

  it("depends on a managed snapshot and is replaced when it is", () => {
    const t = testStack();
    addGroup(t, "web");
    const synth = Testing.synth(t.stack);
    expect(synth).toHaveResourceWithProperties(VirtualMachineSnapshot, {
      snapshot_name: "snap-1",
      memory: false,
      quiesce: false,
    });
    const json = JSON.parse(synth);
    const [snapName] = Object.keys(json.resource.vsphere_virtual_machine_snapshot);
    const vm = vmResource(json, "web");
    expect(vm.depends_on).toEqual([`vsphere_virtual_machine_snapshot.${snapName}`]);
    // A bare reference: Terraform's JSON syntax refuses `${...}` in replace_triggered_by.
    expect(vm.lifecycle.replace_triggered_by).toEqual(["terraform_data.web[each.key]"]);
    // The member's trigger holds the snapshot's id: a new snapshot replaces the trigger, and so the clone.
    expect(json.resource.terraform_data.web.triggers_replace).toBe("${each.value}");
    expect(json.resource.terraform_data.web.for_each["web-01"]).toEqual({
      group_generation: 0,
      generation: 0,
      base_snapshot: `\${vsphere_virtual_machine_snapshot.${snapName}.id}`,
      disk_mode: "persistent",
      datastore: "DS0",
    });
    // Unknown until the snapshot exists, so the provider's plan-time snapshot check waits for it.
    expect(vm.clone.template_uuid).toContain(`vsphere_virtual_machine_snapshot.${snapName}.id != null`);
    expect(json.resource.vsphere_virtual_machine_snapshot[snapName].description).toContain("stack lab");
  });

  it("keeps resource_pool_id unknown until the managed snapshot exists, so the provider's customization check waits too", () => {
    const t = testStack();
    addGroup(t, "web", { customization: { ipv4: "dhcp" } });
    const json = synthJson(t);
    const [snapName] = Object.keys(json.resource.vsphere_virtual_machine_snapshot);
    const [cluster] = Object.keys(json.data.vsphere_compute_cluster);
    const pool = `data.vsphere_compute_cluster.${cluster}.resource_pool_id`;
    expect(vmResource(json, "web").resource_pool_id).toBe(
      `\${(vsphere_virtual_machine_snapshot.${snapName}.id != null) ? ${pool} : ${pool}}`,
    );
    const plain = testStack({ manageSnapshot: false });
    addGroup(plain, "web", { customization: { ipv4: "dhcp" } });
    expect(vmResource(synthJson(plain), "web").resource_pool_id).toBe(`\${${pool}}`);
  });

  it("has no snapshot resource when the snapshot is not managed; renaming the snapshot still replaces the clones", () => {
    const t = testStack({ manageSnapshot: false });
    addGroup(t, "web");
    const json = synthJson(t);
    expect(json.resource.vsphere_virtual_machine_snapshot).toBeUndefined();
    expect(vmResource(json, "web").depends_on).toBeUndefined();
    expect(vmResource(json, "web").clone.template_uuid).toMatch(/^\$\{data\.vsphere_virtual_machine\.[^}]+\.uuid\}$/);
    expect(json.resource.terraform_data.web.for_each["web-01"]).toEqual({
      group_generation: 0,
      generation: 0,
      base_snapshot: "snap-1",
      disk_mode: "persistent",
      datastore: "DS0",
    });
  });

  it("recreates the clones when their disk mode or datastore changes, rather than reconfiguring or moving them", () => {
    const trigger = (over: Parameters<typeof addGroup>[2]) => {
      const t = testStack();
      addGroup(t, "web", { count: 1, ...over });
      return synthJson(t).resource.terraform_data.web.for_each["web-01"];
    };
    const before = trigger({});
    expect(trigger({ diskMode: "nonpersistent" })).toEqual({ ...before, disk_mode: "nonpersistent" });
    expect(trigger({ datastore: "DS1" })).toEqual({ ...before, datastore: "DS1" });
  });

  it("gives static addresses by member number, so removing a member changes only that member", () => {
    const ipv4 = { range: "10.0.10.10-10.0.10.50", prefixLength: 24, gateway: "10.0.10.1" };
    const before = testStack();
    addGroup(before, "web", { members: ["web-01", "web-02", "web-03"], customization: { ipv4 } });
    const after = testStack();
    addGroup(after, "web", { members: ["web-01", "web-03"], customization: { ipv4 } });
    const a = vmResource(synthJson(before), "web");
    const b = vmResource(synthJson(after), "web");
    expect(a.for_each).toEqual({
      "web-01": { ipv4: "10.0.10.10" },
      "web-02": { ipv4: "10.0.10.11" },
      "web-03": { ipv4: "10.0.10.12" },
    });
    expect(b.for_each).toEqual({ "web-01": a.for_each["web-01"], "web-03": a.for_each["web-03"] });
    const strip = (vm: Record<string, unknown>) => ({ ...vm, for_each: undefined });
    expect(strip(b)).toEqual(strip(a));
  });

  it("gives the third address to web-03 with count and a pattern", () => {
    const t = testStack();
    addGroup(t, "web", {
      count: 3,
      namePattern: "web-{nn}",
      customization: { ipv4: { range: "10.0.10.10-10.0.10.12", prefixLength: 24, gateway: "10.0.10.1" } },
    });
    expect(vmResource(synthJson(t), "web").for_each["web-03"]).toEqual({ ipv4: "10.0.10.12" });
  });

  it("lets explicit members carry their own address", () => {
    const t = testStack();
    addGroup(t, "svc", {
      members: [{ name: "git", ipv4: "10.0.10.40" }, "proxy-2"],
      customization: { ipv4: { range: "10.0.10.10-10.0.10.20", prefixLength: 24, gateway: "10.0.10.1" } },
    });
    expect(vmResource(synthJson(t), "svc").for_each).toEqual({
      git: { ipv4: "10.0.10.40" },
      "proxy-2": { ipv4: "10.0.10.11" },
    });
  });

  it("customizes Linux guests with static addresses, gateway, DNS and domain", () => {
    const t = testStack();
    addGroup(t, "web", {
      customization: {
        domain: "lab.local",
        dnsServers: ["10.0.10.2"],
        ipv4: { range: "10.0.10.10-10.0.10.50", prefixLength: 24, gateway: "10.0.10.1" },
      },
    });
    expect(vmResource(synthJson(t), "web").clone.customize).toEqual({
      linux_options: { host_name: "${each.key}", domain: "lab.local" },
      network_interface: [{ ipv4_address: "${each.value.ipv4}", ipv4_netmask: 24 }],
      ipv4_gateway: "10.0.10.1",
      dns_server_list: ["10.0.10.2"],
      dns_suffix_list: ["lab.local"],
    });
  });

  it("customizes with DHCP: one empty network interface", () => {
    const t = testStack();
    addGroup(t, "web", { customization: { ipv4: "dhcp" } });
    const c = vmResource(synthJson(t), "web").clone.customize;
    expect(c.network_interface).toEqual([{}]);
    expect(c.ipv4_gateway).toBeUndefined();
  });

  it("customizes Windows guests with a computer name and workgroup", () => {
    const t = testStack({ guestOs: "windows", template: true, snapshot: undefined, manageSnapshot: false });
    addGroup(t, "win", { customization: { ipv4: "dhcp", windows: { workgroup: "LAB" } } });
    const c = vmResource(synthJson(t), "win").clone.customize;
    expect(c.windows_options).toEqual({ computer_name: "${each.key}", workgroup: "LAB" });
    expect(c.linux_options).toBeUndefined();
  });

  it("confines a group with hosts by a mandatory DRS VM-host rule alone: no clone is pinned to a host", () => {
    const t = testStack();
    addGroup(t, "web", { count: 3, hosts: ["H0", "H1"] });
    const synth = Testing.synth(t.stack);
    expect(synth).toHaveResourceWithProperties(ComputeClusterVmHostRule, {
      name: "lab-web-on-hosts",
      mandatory: true,
      enabled: true,
    });
    const json = JSON.parse(synth);
    expect(json.resource.vsphere_compute_cluster_host_group.web.host_system_ids).toHaveLength(2);
    expect(json.resource.vsphere_compute_cluster_vm_group.web.virtual_machine_ids).toBe(
      "${[ for key, val in vsphere_virtual_machine.web: val.id]}",
    );
    // A host per clone would make every plan after a DRS move want to move the clone back.
    const vm = vmResource(json, "web");
    expect(vm.host_system_id).toBeUndefined();
    expect(vm.for_each).toEqual({ "web-01": {}, "web-02": {}, "web-03": {} });
  });

  it("looks the folder up at plan time, so a missing folder fails the plan with its name", () => {
    const t = testStack();
    addGroup(t, "web", { folder: "labs/web" });
    addGroup(t, "db", { folder: "labs/web/" });
    const json = synthJson(t);
    expect(Object.values(json.data.vsphere_folder).map((f: any) => f.path)).toEqual(["/DC0/vm/labs/web"]);
    expect(vmResource(json, "web").folder).toBe("labs/web");
    expect(vmResource(json, "db").folder).toBe("labs/web");
  });

  it("creates no DRS objects without hosts", () => {
    const t = testStack();
    addGroup(t, "web");
    expect(synthJson(t).resource.vsphere_compute_cluster_vm_host_rule).toBeUndefined();
  });

  it("places in a resource pool or on a datastore cluster when asked", () => {
    const t = testStack();
    addGroup(t, "web", {
      cluster: undefined,
      resourcePool: "C0/Resources/labs",
      datastore: undefined,
      datastoreCluster: "Pod",
    });
    const json = synthJson(t);
    expect(vmResource(json, "web").resource_pool_id).toMatch(/ \? data\.vsphere_resource_pool\.[^ ]+\.id : /);
    expect(vmResource(json, "web").datastore_cluster_id).toMatch(/^\$\{data\.vsphere_datastore_cluster\./);
    expect(json.data.vsphere_resource_pool).toBeDefined();
  });

  it("outputs VM names, ids and default IP addresses per group", () => {
    const t = testStack();
    addGroup(t, "web");
    expect(synthJson(t).output.web_vms.value).toBe(
      "${{ for key, val in vsphere_virtual_machine.web: key => { id = val.id, default_ip_address = val.default_ip_address } }}",
    );
  });

  it("looks each vSphere object up once per stack, however many groups use it", () => {
    const t = testStack();
    addGroup(t, "web");
    addGroup(t, "db");
    addGroup(t, "app", { hosts: ["H0"] });
    const data = synthJson(t).data;
    expect(Object.keys(data.vsphere_compute_cluster)).toHaveLength(1);
    expect(Object.keys(data.vsphere_datastore)).toHaveLength(1);
    expect(Object.keys(data.vsphere_network)).toHaveLength(1);
    // One for the source's settings, one that reads its disks on every SCSI controller.
    expect(Object.keys(data.vsphere_virtual_machine)).toHaveLength(2);
    expect(Object.keys(data.vsphere_datacenter)).toHaveLength(1);
  });

  it('names the resource after the group, so addresses are vsphere_virtual_machine.<group>["<name>"]', () => {
    const t = testStack();
    addGroup(t, "web-tier");
    expect(Object.keys(synthJson(t).resource.vsphere_virtual_machine)).toEqual(["web-tier"]);
  });
});

describe("LinkedCloneGroup constructor errors", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "count and members both given",
      { count: 2, members: ["a-1"] },
      "lab/web: count: count (2) and members are both given; use one of them",
    ],
    [
      "count and members both missing",
      { count: undefined },
      "lab/web: count: neither count nor members is given; set count (with namePattern) or list members",
    ],
    ["count below 1", { count: 0 }, "lab/web: count: count 0 is out of range; use a whole number from 1 to 10000"],
    [
      "a name pattern without a number placeholder",
      { namePattern: "web" },
      "lab/web: namePattern: namePattern 'web' has no number placeholder; add {n}, {nn} or {nnn}, e.g. 'web-{nn}'",
    ],
    [
      "duplicate names",
      { count: undefined, members: ["a-1", "a-1"] },
      "lab/web: members: member name 'a-1' is listed more than once; VM names must be unique",
    ],
    [
      "a malformed IPv4 range",
      { customization: { ipv4: { range: "10.0.0.50-10.0.0.10", prefixLength: 24, gateway: "10.0.0.1" } } },
      "lab/web: customization.ipv4.range: IPv4 range: '10.0.0.50-10.0.0.10' ends before it starts; write the lower address first, e.g. 10.0.0.10-10.0.0.50",
    ],
    [
      "a too small IPv4 range",
      { count: 3, customization: { ipv4: { range: "10.0.0.10-10.0.0.11", prefixLength: 24, gateway: "10.0.0.1" } } },
      "lab/web: customization.ipv4.range: IPv4 range 10.0.0.10-10.0.0.11 has 2 addresses but count 3 needs 3; widen the range at its end (10.0.0.10-10.0.0.12; moving its start would re-address every member), or lower count",
    ],
    [
      "members numbered past the range",
      {
        count: undefined,
        members: ["web-1", "web-7", "web-12"],
        customization: { ipv4: { range: "10.0.0.10-10.0.0.19", prefixLength: 24, gateway: "10.0.0.1" } },
      },
      "lab/web: customization.ipv4.range: IPv4 range 10.0.0.10-10.0.0.19 has 10 addresses, too few for 'web-12' (number 12): member n gets the range's nth address; widen the range at its end (10.0.0.10-10.0.0.21; moving its start would re-address every member), or give it ipv4",
    ],
    [
      "a member numbered 0",
      {
        count: undefined,
        members: ["web-0", "web-1"],
        customization: { ipv4: { range: "10.0.0.10-10.0.0.19", prefixLength: 24, gateway: "10.0.0.1" } },
      },
      "lab/web: members[0]: member 'web-0' has number 0, but member numbers pick addresses from 1 (the first address of range 10.0.0.10-10.0.0.19); rename it to start at 1, or give it ipv4",
    ],
    [
      "a range past a /28 network",
      { customization: { ipv4: { range: "10.0.0.2-10.0.0.20", prefixLength: 28, gateway: "10.0.0.1" } } },
      "lab/web: customization.ipv4.range: range 10.0.0.2-10.0.0.20 spans more than the network 10.0.0.0/28; keep it within 10.0.0.2-10.0.0.14, or fix prefixLength",
    ],
    [
      "a range in a /32 network",
      { customization: { ipv4: { range: "10.0.0.2-10.0.0.20", prefixLength: 32, gateway: "10.0.0.2" } } },
      "lab/web: customization.ipv4.range: range 10.0.0.2-10.0.0.20 spans more than the network 10.0.0.2/32; 10.0.0.2/32 has no host addresses for clones; fix prefixLength to the network's (e.g. 24)",
    ],
    [
      "a bad prefix length",
      { customization: { ipv4: { range: "10.0.0.10-10.0.0.20", prefixLength: 33, gateway: "10.0.0.1" } } },
      "lab/web: customization.ipv4.prefixLength: prefixLength is 33; use at most 32 (prefix length, e.g. 24)",
    ],
    [
      "both cluster and resource pool",
      { resourcePool: "C0/Resources" },
      "lab/web: has both cluster and resourcePool; set only one",
    ],
    [
      "hosts outside the cluster",
      { hosts: ["H9"] },
      "lab/web: hosts[0]: host 'H9' is not in cluster 'C0'; did you mean 'H0'?",
    ],
    ["cpus of 0", { cpus: 0 }, "lab/web: cpus: cpus is 0; use 1 or more (virtual CPUs)"],
    [
      "memory that is not a multiple of 4",
      { memoryMb: 1030 },
      "lab/web: memoryMb: memoryMb is 1030, not a multiple of 4, which vSphere refuses; use 1028 or 1032",
    ],
    [
      "an absolute folder",
      { folder: "/DC0/vm/labs/web" },
      "lab/web: folder: folder '/DC0/vm/labs/web' is absolute; write it relative to the datacenter's VM folder, e.g. 'labs/web'",
    ],
    [
      "the same host twice",
      { hosts: ["H0", "H1", "H0"] },
      "lab/web: hosts[2]: host 'H0' is listed twice; list each host once",
    ],
    [
      "a gateway that is the network address",
      { customization: { ipv4: { range: "10.0.0.10-10.0.0.20", prefixLength: 24, gateway: "10.0.0.0" } } },
      "lab/web: customization.ipv4.gateway: gateway 10.0.0.0 is the network address of 10.0.0.0/24, not a host address; use the router's address, e.g. 10.0.0.1",
    ],
    [
      "a negative generation",
      { generation: -1 },
      "lab/web: generation: generation is -1; use 0 or more (raise it by 1 to refresh every member)",
    ],
    [
      "member addresses without a static range",
      { count: undefined, members: [{ name: "web-01", ipv4: "10.0.0.5" }] },
      "lab/web: members[0].ipv4: is given but the group has no static customization.ipv4 range, so it would be ignored",
    ],
  ];
  it.each(cases)("throws on %s", (_what, props, message) => {
    const t = testStack();
    expect(() => addGroup(t, "web", props)).toThrow(message);
  });

  it("accepts tokens for sizes and refuses them for names and placement", () => {
    const t = testStack();
    const cpus = new TerraformVariable(t.stack, "cpus", { type: "number" });
    addGroup(t, "web", { cpus: cpus.numberValue, memoryMb: cpus.numberValue });
    expect(vmResource(synthJson(t), "web").num_cpus).toBe("${var.cpus}");
    const count = new TerraformVariable(t.stack, "count", { type: "number" });
    expect(() => addGroup(t, "db", { count: count.numberValue })).toThrow(
      "lab/db: count: count is a token; it must be a literal known at synth",
    );
    expect(() => addGroup(t, "app", { network: count.stringValue })).toThrow("lab/app: network: network is a token");
  });

  it("refuses a token as an inventory name (each object is looked up once per stack)", () => {
    const t = testStack();
    const name = new TerraformVariable(t.stack, "net", { type: "string" });
    expect(() => t.inventory.network(name.stringValue)).toThrow(
      "lab/Inventory: the network name is a token; it must be a literal known at synth",
    );
  });

  it("throws on hosts in a resource pool outside the inventory's clusters", () => {
    expect(() => addGroup(testStack(), "web", { cluster: undefined, resourcePool: "Labs", hosts: ["H0"] })).toThrow(
      "lab/web: hosts: hosts need a cluster to confine the group in, but resource pool 'Labs' is not in a declared cluster",
    );
  });

  it("throws on an unknown suppressed rule and an empty reason", () => {
    expect(() => addGroup(testStack(), "web", { suppress: [{ rule: "chain-sise", reason: "x" }] })).toThrow(
      /cannot suppress unknown rule 'chain-sise'; known rules: chain-size, /,
    );
    expect(() => addGroup(testStack(), "web", { suppress: [{ rule: "chain-size", reason: " " }] })).toThrow(
      "suppression of 'chain-size' needs a reason",
    );
  });

  it("throws on a group name that is not a Terraform-safe label", () => {
    expect(() => addGroup(testStack(), "Web_1")).toThrow(
      "group name 'Web_1' may hold only lower-case letters, digits and inner '-'",
    );
  });
});
