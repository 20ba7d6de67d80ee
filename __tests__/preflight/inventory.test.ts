import { buildInventory, describeSnapshots, parseCollect, parseJsonStream } from "../../lib/preflight";
import { fixture } from "./helpers";

describe("govc JSON", () => {
  it("splits the stream object.collect prints into its values, strings with braces included", () => {
    expect(parseJsonStream('{"a": "}{"}\n{"b": [1, {"c": "\\"]"}]}\n"x"')).toEqual([
      { a: "}{" },
      { b: [1, { c: '"]' }] },
      "x",
    ]);
  });

  it("refuses output cut short", () => {
    expect(() => parseJsonStream('{"a": [1, 2')).toThrow("govc printed incomplete JSON");
  });

  it("unwraps the API's arrays ({_value: [...]}) and keeps each object's reference", () => {
    const text = JSON.stringify({
      kind: "enter",
      obj: { type: "HostSystem", value: "host-1" },
      changeSet: [
        { name: "name", op: "assign", val: "esx-01" },
        { name: "datastore", op: "assign", val: { _value: [{ type: "Datastore", value: "datastore-2" }] } },
      ],
    });
    expect(parseCollect(text)).toEqual([
      {
        ref: { type: "HostSystem", value: "host-1" },
        props: { name: "esx-01", datastore: [{ type: "Datastore", value: "datastore-2" }] },
      },
    ]);
  });
});

describe("the inventory of vcsim's default datacenter (recorded)", () => {
  const inv = fixture("default");

  it("has the version, the cluster with its hosts, HA and DRS", () => {
    expect(inv.about).toMatchObject({ version: "6.5.0", apiType: "VirtualCenter" });
    expect(inv.datacenterFound).toBe(true);
    expect(inv.clusters).toEqual([
      {
        id: "domain-c28",
        name: "DC0_C0",
        path: "DC0_C0",
        hosts: ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"],
        haEnabled: false,
        drsEnabled: true,
        drsBehavior: "fullyAutomated",
      },
    ]);
  });

  it("has the datastore (type OTHER in vcsim), its capacity, and which hosts mount it", () => {
    expect(inv.datastores.map(({ name, type, capacityBytes }) => ({ name, type, capacityBytes }))).toEqual([
      { name: "LocalDS_0", type: "OTHER", capacityBytes: 10995116277760 },
    ]);
    expect(inv.hosts.map((h) => [h.name, h.datastores])).toEqual([
      ["DC0_H0", ["LocalDS_0"]],
      ["DC0_C0_H0", ["LocalDS_0"]],
      ["DC0_C0_H1", ["LocalDS_0"]],
      ["DC0_C0_H2", ["LocalDS_0"]],
    ]);
  });

  it("has networks of every kind, resource pools by path, and VMs without snapshots", () => {
    expect(inv.networks).toEqual(["VM Network", "DVS0-DVUplinks-8", "DC0_DVPG0"]);
    expect(inv.pools.map((p) => p.path)).toEqual(["DC0_H0/Resources", "DC0_C0/Resources"]);
    expect(inv.folders).toEqual([]);
    expect(inv.vms.map((v) => [v.path, v.template, describeSnapshots(v), v.datastores])).toEqual([
      ["DC0_H0_VM0", false, "no snapshot", ["LocalDS_0"]],
      ["DC0_H0_VM1", false, "no snapshot", ["LocalDS_0"]],
      ["DC0_C0_RP0_VM0", false, "no snapshot", ["LocalDS_0"]],
      ["DC0_C0_RP0_VM1", false, "no snapshot", ["LocalDS_0"]],
    ]);
  });

  it("knows when the datacenter is not there, and which ones are", () => {
    const other = fixture("default", "DC9");
    expect(other.datacenterFound).toBe(false);
    expect(other.datacenters).toEqual(["DC0"]);
  });
});

describe("recorded after a deploy by the real provider (snapshot golden-e2e, clone web-01)", () => {
  const inv = fixture("deployed");

  it("has the source VM's snapshot tree with ids, and the clone", () => {
    const vm = inv.vms.find((v) => v.name === "DC0_C0_RP0_VM0")!;
    expect(vm.snapshots).toEqual([{ id: "snapshot-81", name: "golden-e2e", children: [] }]);
    expect(vm.currentSnapshot).toBe("snapshot-81");
    expect(vm.uuid).toBe("cd0681bf-2f18-5c00-9b9b-8197c0095348");
    expect(inv.vms.find((v) => v.name === "web-01")).toMatchObject({
      id: "vm-84",
      uuid: "f87fd5d3-20a8-513a-9d5c-739e02ce85d0",
    });
  });
});

describe("recorded with govc-made storage (NFS on the cluster, a datastore on one host)", () => {
  const inv = fixture("storage");

  it("has the NFS datastore, the host-local one, and the VM on it", () => {
    expect(inv.datastores.map((d) => [d.name, d.type])).toEqual([
      ["LocalDS_0", "OTHER"],
      ["nfs-ds", "NFS"],
      ["local-h0", "OTHER"],
    ]);
    expect(inv.hosts.filter((h) => h.datastores.includes("local-h0")).map((h) => h.name)).toEqual(["DC0_C0_H0"]);
    expect(inv.vms.find((v) => v.name === "base-local")?.datastores).toEqual(["local-h0"]);
    expect(inv.clusters[0].haEnabled).toBe(true);
  });

  it("reads a VMFS datastore's major version (vcsim model loaded with a VMFS 5 datastore)", () => {
    expect(fixture("vmfs5").datastores).toMatchObject([{ name: "LocalDS_0", type: "VMFS", vmfsMajorVersion: 5 }]);
  });
});

describe("buildInventory", () => {
  it("needs only about and datacenters when the datacenter is missing", () => {
    const about = JSON.stringify({ about: { version: "8.0.3", apiType: "VirtualCenter" } });
    const inv = buildInventory("Lab", { about, datacenters: "" });
    expect(inv).toMatchObject({ datacenterFound: false, datacenters: [], about: { version: "8.0.3" } });
  });
});
