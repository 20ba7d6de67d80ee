import type { DatastoreType } from "../../lib/model/types";
import { defaultMaxHostsPerChain } from "../../lib/model/platform";
import { app, base, cluster, findingsOf, group, hosts, messages, site } from "../helpers/model";

const onStore = (type: DatastoreType, hostCount: number, version = "8.0") => {
  const b = base({ site: site(version) });
  return app([group("web", { base: b, cluster: cluster(hostCount), datastore: { name: "DS0", type } })]);
};

describe("chain-hosts", () => {
  it("passes a 40-host vSphere 8 cluster on VMFS6 (the limit is the cluster maximum, not Horizon's 32)", () => {
    expect(findingsOf("chain-hosts", onStore("vmfs6", 40))).toEqual([]);
  });

  it("passes 96 hosts on vmfs6 with vSphere 8.0 (at the limit)", () => {
    expect(findingsOf("chain-hosts", onStore("vmfs6", 96))).toEqual([]);
  });

  it("fails 97 hosts on vmfs6 with vSphere 8.0 with the exact message", () => {
    expect(messages("chain-hosts", onStore("vmfs6", 97))).toEqual([
      "[chain-hosts] lab/web: clones of base 'golden' (DC0/VM0@snap-1) may run on 97 hosts, 97 vs 96; " +
        "confine the groups to at most 96 hosts with hosts (a DRS must-rule keeps them there), give groups on different hosts " +
        "bases of their own (one source VM each), or raise limits.maxHostsPerChain if your platform allows more",
    ]);
  });

  it("follows the cluster maximum by version: 32 on 5.1-5.5, 64 on 6.0 to 7.0 GA, 96 from 7.0 Update 1", () => {
    expect(messages("chain-hosts", onStore("vmfs5", 33, "5.5"))[0]).toContain(", 33 vs 32;");
    expect(findingsOf("chain-hosts", onStore("vmfs6", 64, "6.7"))).toEqual([]);
    expect(messages("chain-hosts", onStore("vmfs6", 65, "7.0"))[0]).toContain(", 65 vs 64;");
    expect(findingsOf("chain-hosts", onStore("vmfs6", 96, "7.0U1"))).toEqual([]);
    expect(findingsOf("chain-hosts", onStore("vmfs6", 96, "7.0.3"))).toEqual([]);
  });

  it("keeps Horizon's 32 hosts when limits.maxHostsPerChain says so", () => {
    const b = base({ site: site("8.0") });
    const model = app([group("web", { base: b, cluster: cluster(40), datastore: { name: "DS0", type: "vmfs6" } })], {
      limits: { lab: { maxHostsPerChain: 32 } },
    });
    expect(messages("chain-hosts", model)[0]).toContain("may run on 40 hosts, 40 vs 32;");
  });

  it("passes twelve hosts on NFS", () => {
    expect(findingsOf("chain-hosts", onStore("nfs", 12))).toEqual([]);
  });

  it("has no chain limit on NFS or vSAN beyond the cluster maximum, even before 5.1", () => {
    expect(findingsOf("chain-hosts", onStore("nfs", 64))).toEqual([]);
    expect(findingsOf("chain-hosts", onStore("vsan", 96))).toEqual([]);
    expect(findingsOf("chain-hosts", onStore("nfs", 32, "5.0"))).toEqual([]);
  });

  it("limits vmfs3 to 8 hosts on any version", () => {
    expect(findingsOf("chain-hosts", onStore("vmfs3", 8))).toEqual([]);
    expect(messages("chain-hosts", onStore("vmfs3", 9))[0]).toContain(", 9 vs 8;");
  });

  it("limits VMFS below vSphere 5.1 to 8 hosts", () => {
    for (const v of ["4.0", "5.0"]) {
      expect(findingsOf("chain-hosts", onStore("vmfs5", 8, v))).toEqual([]);
      expect(messages("chain-hosts", onStore("vmfs5", 9, v))[0]).toContain(", 9 vs 8;");
    }
  });

  it("allows 32 hosts on vmfs5 on 5.1", () => {
    expect(findingsOf("chain-hosts", onStore("vmfs5", 32, "5.1"))).toEqual([]);
    expect(findingsOf("chain-hosts", onStore("vmfs5", 33, "5.1"))).toHaveLength(1);
  });

  it("has platform defaults for every version and datastore type", () => {
    const table: [string, DatastoreType, number | undefined][] = [
      ["4.0", "vmfs3", 8],
      ["4.0", "vmfs5", 8],
      ["4.0", "nfs", 32],
      ["4.0", "vsan", 32],
      ["5.0", "vmfs5", 8],
      ["5.1", "vmfs3", 8],
      ["5.1", "vmfs5", 32],
      ["5.5", "vmfs5", 32],
      ["6.0", "vmfs6", 64],
      ["6.7U3", "vmfs6", 64],
      ["7.0", "vmfs6", 64],
      ["7.0U1", "vmfs6", 96],
      ["7.0.2", "vmfs6", 96],
      ["8.0", "vmfs3", 8],
      ["8.0", "vmfs5", 96],
      ["8.0", "vmfs6", 96],
      ["8.0", "nfs", 96],
      ["8.0", "vsan", 96],
    ];
    for (const [v, t, limit] of table) expect([v, t, defaultMaxHostsPerChain(v, t)]).toEqual([v, t, limit]);
  });

  it("counts only the confined hosts of a group with hosts", () => {
    const model = app([group("web", { cluster: cluster(40), hosts: hosts(8) })]);
    expect(findingsOf("chain-hosts", model)).toEqual([]);
  });

  it("counts distinct hosts over all groups of a chain", () => {
    const model = app([
      group("a", { cluster: cluster(120), hosts: hosts(60) }),
      group("b", { cluster: cluster(120), hosts: hosts(120).slice(30, 100) }),
    ]);
    expect(messages("chain-hosts", model)[0]).toContain("may run on 100 hosts, 100 vs 96;");
  });

  it("warns that the limit cannot be checked when the cluster's hosts are unknown", () => {
    const model = app([group("web", { cluster: cluster(undefined) })]);
    const [f] = findingsOf("chain-hosts", model);
    expect(f.severity).toBe("warning");
    expect(f.message).toBe(
      "[chain-hosts] lab/web: the hosts of cluster 'C0' are unknown, so the limit of 96 hosts per chain cannot be checked, unknown hosts vs 96 hosts; " +
        "list them under clusters.C0.hosts, or confine the group with hosts",
    );
  });

  it("honours limits.maxHostsPerChain", () => {
    const model = app([group("web", { cluster: cluster(5) })], { limits: { lab: { maxHostsPerChain: 4 } } });
    expect(messages("chain-hosts", model)[0]).toContain(", 5 vs 4;");
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([
      group("web", {
        cluster: cluster(97),
        suppressions: [{ rule: "chain-hosts", reason: "all hosts on 8.0U3 with VMFS6 ATS" }],
      }),
    ]);
    expect(findingsOf("chain-hosts", model)[0]).toMatchObject({
      severity: "info",
      suppressionReason: "all hosts on 8.0U3 with VMFS6 ATS",
    });
  });
});

describe("chain-hosts with an unknown datastore type", () => {
  it("uses the VMFS default of the version", () => {
    const model = (version: string, n: number) =>
      app([group("web", { base: base({ site: site(version) }), cluster: cluster(n), datastore: { name: "DS0" } })]);
    expect(findingsOf("chain-hosts", model("8.0U3", 96))).toEqual([]);
    expect(messages("chain-hosts", model("8.0U3", 97))[0]).toContain("97 vs 96");
    expect(messages("chain-hosts", model("5.0U3", 9))[0]).toContain("9 vs 8");
  });
});
