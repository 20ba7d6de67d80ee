import type { GroupModel, Ipv4Plan } from "../../lib/model/types";
import { app, findingsOf, group, member, messages, site } from "../helpers/model";

/** A group with static addresses: member n gets the nth address of the range. */
function staticGroup(name: string, count: number, plan: Ipv4Plan, over: Partial<GroupModel> = {}): GroupModel {
  const first = plan.first.split(".").map(Number);
  const size = plan.last.split(".").map(Number)[3] - first[3] + 1;
  const members = Array.from({ length: count }, (_, i) => {
    const m = `${name}-${String(i + 1).padStart(2, "0")}`;
    return {
      name: m,
      hostname: m,
      number: i + 1,
      base: "golden",
      generation: 0,
      ...(i < size ? { ipv4: `${first[0]}.${first[1]}.${first[2]}.${first[3] + i}` } : {}),
    };
  });
  return group(name, { customized: true, ipv4: plan, members, ...over });
}

const plan = (first: string, last: string, gateway = "10.0.10.1", prefixLength = 24): Ipv4Plan => ({
  first,
  last,
  gateway,
  prefixLength,
});

describe("ip-pool", () => {
  it("passes a range exactly as large as the group (at the limit)", () => {
    expect(findingsOf("ip-pool", app([staticGroup("web", 4, plan("10.0.10.10", "10.0.10.13"))]))).toEqual([]);
  });

  it("passes a /31 point-to-point range (RFC 3021: no network or broadcast address), and fails its gateway", () => {
    expect(findingsOf("ip-pool", app([staticGroup("p2p", 1, plan("10.2.0.1", "10.2.0.1", "10.2.0.0", 31))]))).toEqual(
      [],
    );
    expect(messages("ip-pool", app([staticGroup("p2p", 1, plan("10.2.0.0", "10.2.0.1", "10.2.0.0", 31))]))[0]).toMatch(
      /includes the gateway address 10\.2\.0\.0/,
    );
    // A /30's broadcast address is still refused.
    expect(messages("ip-pool", app([staticGroup("p2p", 1, plan("10.2.0.2", "10.2.0.3", "10.2.0.1", 30))]))[0]).toMatch(
      /includes the broadcast address 10\.2\.0\.3/,
    );
  });

  it("fails a range one address too small with the exact message", () => {
    expect(messages("ip-pool", app([staticGroup("web", 5, plan("10.0.10.10", "10.0.10.13"))]))).toEqual([
      "[ip-pool] lab/web: range 10.0.10.10-10.0.10.13 is too small for 'web-05', 5 addresses needed vs 4 in range; " +
        "widen the range to at least 5 addresses or give those members an ipv4",
    ]);
  });

  it("fails two groups handing out the same address, naming both groups and the address", () => {
    const model = app([
      staticGroup("web", 2, plan("10.0.10.10", "10.0.10.20")),
      staticGroup("db", 1, plan("10.0.10.11", "10.0.10.20")),
    ]);
    expect(messages("ip-pool", model)).toEqual([
      "[ip-pool] lab/web, lab/db: address 10.0.10.11 (lab/web web-02, lab/db db-01) is handed out 2 times, 2 vs 1; give the groups ranges that do not overlap, or the members another ipv4",
    ]);
  });

  it("fails a range holding the gateway, the network or the broadcast address", () => {
    expect(messages("ip-pool", app([staticGroup("web", 2, plan("10.0.10.1", "10.0.10.9"))]))[0]).toContain(
      "includes the gateway address 10.0.10.1",
    );
    expect(
      messages("ip-pool", app([staticGroup("web", 2, plan("10.0.10.0", "10.0.10.9", "10.0.10.254"))])),
    ).toContainEqual(expect.stringContaining("includes the network address 10.0.10.0"));
    expect(messages("ip-pool", app([staticGroup("web", 2, plan("10.0.10.250", "10.0.10.255"))]))).toContainEqual(
      expect.stringContaining("includes the broadcast address 10.0.10.255"),
    );
  });

  it("fails an explicit member address outside the network", () => {
    const g = staticGroup("web", 1, plan("10.0.10.10", "10.0.10.20"));
    const model = app([{ ...g, members: [member("web-01", { ipv4: "10.0.99.5" })] }]);
    expect(messages("ip-pool", model)).toEqual([
      "[ip-pool] lab/web: member 'web-01' address 10.0.99.5 is not a host address of 10.0.10.0/24, 10.0.99.5 vs 10.0.10.1-10.0.10.254; give 'web-01' an address inside 10.0.10.0/24",
    ]);
  });

  it("fails an explicit member address equal to the gateway", () => {
    const g = staticGroup("web", 1, plan("10.0.10.10", "10.0.10.20"));
    const model = app([{ ...g, members: [member("web-01", { ipv4: "10.0.10.1" })] }]);
    expect(messages("ip-pool", model)).toEqual([
      "[ip-pool] lab/web: member 'web-01' has the gateway's address 10.0.10.1, 10.0.10.1 vs any host address of 10.0.10.0/24 but the gateway; give 'web-01' another address of 10.0.10.0/24",
    ]);
  });

  it("fails two members of one group with the same address, naming both", () => {
    const g = staticGroup("web", 2, plan("10.0.10.10", "10.0.10.20"));
    const model = app([
      {
        ...g,
        members: [member("web-01", { ipv4: "10.0.10.50" }), member("web-02", { ipv4: "10.0.10.50" })],
      },
    ]);
    expect(messages("ip-pool", model)).toEqual([
      "[ip-pool] lab/web: address 10.0.10.50 (lab/web web-01, lab/web web-02) is handed out 2 times, 2 vs 1; give each member its own ipv4",
    ]);
  });

  it("passes the same range in two environments only when they do not overlap", () => {
    const a = staticGroup("web", 2, plan("10.0.10.10", "10.0.10.11"), { stack: "a", path: "a/web" });
    const b = staticGroup("web", 2, plan("10.0.10.12", "10.0.10.13"), { stack: "b", path: "b/web" });
    expect(findingsOf("ip-pool", app([a, b]))).toEqual([]);
  });

  /** A group of 2 static members (10.0.10.10-11) in stack `stack` on vCenter `server`. */
  const onServer = (stack: string, server: string) =>
    staticGroup("web", 2, plan("10.0.10.10", "10.0.10.20"), {
      stack,
      path: `${stack}/web`,
      site: { ...site(), server },
    });

  it("fails the same addresses in two environments on one vCenter (server names in any case), once per stack", () => {
    const found = findingsOf(
      "ip-pool",
      app([onServer("a", "vcenter.example.com"), onServer("b", "VCenter.Example.com:443")]),
    );
    expect(found.map((f) => f.stack)).toEqual(["a", "b"]);
    expect([...new Set(found.map((f) => f.message))]).toEqual([
      "[ip-pool] a/web, b/web: address 10.0.10.10 (a/web web-01, b/web web-01); 10.0.10.11 (a/web web-02, b/web web-02) is handed out 2 times, 2 vs 1; give the groups ranges that do not overlap, or the members another ipv4",
    ]);
  });

  it("passes the same private ranges in two environments on different vCenter servers", () => {
    expect(
      findingsOf("ip-pool", app([onServer("a", "vcenter-a.example.com"), onServer("b", "vcenter-b.example.com")])),
    ).toEqual([]);
  });

  it("compares addresses only among environments on one server: a third site is left out of the clash", () => {
    const model = app([
      onServer("a", "vc1.example.com"),
      onServer("b", "vc1.example.com"),
      onServer("c", "vc2.example.com"),
    ]);
    const found = findingsOf("ip-pool", model);
    expect(found.map((f) => f.stack)).toEqual(["a", "b"]);
    expect(found[0].message).toMatch(
      /^\[ip-pool\] a\/web, b\/web: address 10\.0\.10\.10 \(a\/web web-01, b\/web web-01\);/,
    );
  });

  it("still fails two groups of one environment with one address, whatever their servers", () => {
    const a = onServer("a", "vc1.example.com");
    const b = { ...onServer("a", "vc2.example.com"), name: "db", path: "a/db" };
    expect(findingsOf("ip-pool", app([a, b])).map((f) => f.stack)).toEqual(["a"]);
  });

  it("reports a suppressed finding as info with its reason", () => {
    const g = staticGroup("web", 5, plan("10.0.10.10", "10.0.10.13"), {
      suppressions: [{ rule: "ip-pool", reason: "web-05 gets its address by hand" }],
    });
    expect(findingsOf("ip-pool", app([g]))[0]).toMatchObject({
      severity: "info",
      suppressionReason: "web-05 gets its address by hand",
    });
  });
});
