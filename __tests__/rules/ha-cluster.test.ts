import { app, base, cluster, findingsOf, group, site } from "../helpers/model";

const withHa = (version: string, hostCount: number | undefined, ha = true) =>
  app([group("web", { base: base({ site: site(version) }), cluster: cluster(hostCount, { haEnabled: ha }) })]);

describe("ha-cluster", () => {
  it("is an error on vSphere 4.0 with HA, with the exact message", () => {
    const [f] = findingsOf("ha-cluster", withHa("4.0", 3));
    expect(f.severity).toBe("error");
    expect(f.message).toBe(
      "[ha-cluster] lab/web: cluster 'C0' has HA enabled, which linked clones do not support on vSphere 4.0, vSphere 4.0 vs vSphere 5.1 or later for linked clones in an HA cluster; " +
        "place the group in a cluster without HA, or upgrade to vSphere 5.1 or later",
    );
  });

  it("passes on vSphere 4.0 without HA", () => {
    expect(findingsOf("ha-cluster", withHa("4.0", 3, false))).toEqual([]);
  });

  it("passes on vSphere 5.0 with HA and 8 hosts (at the limit)", () => {
    expect(findingsOf("ha-cluster", withHa("5.0", 8))).toEqual([]);
  });

  it("warns on vSphere 5.0 with HA and 9 hosts", () => {
    const [f] = findingsOf("ha-cluster", withHa("5.0", 9));
    expect(f.severity).toBe("warning");
    expect(f.message).toBe(
      "[ha-cluster] lab/web: HA in cluster 'C0' may fail to restart linked clones on vSphere 5.0, 9 hosts vs 8 hosts; " +
        "keep HA clusters with linked clones at 8 hosts or fewer, or upgrade to vSphere 5.1 or later",
    );
  });

  it("says nothing from vSphere 5.1", () => {
    expect(findingsOf("ha-cluster", withHa("5.1", 32))).toEqual([]);
    expect(findingsOf("ha-cluster", withHa("8.0", 32))).toEqual([]);
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([
      group("web", {
        base: base({ site: site("4.0") }),
        cluster: cluster(3, { haEnabled: true }),
        suppressions: [{ rule: "ha-cluster", reason: "HA restart not needed for lab VMs" }],
      }),
    ]);
    expect(findingsOf("ha-cluster", model)[0]).toMatchObject({
      severity: "info",
      suppressionReason: "HA restart not needed for lab VMs",
    });
  });
});
