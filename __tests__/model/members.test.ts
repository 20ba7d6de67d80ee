import { planMembers } from "../../lib/model/members";
import { expandPattern, numberOfName } from "../../lib/model/names";
import { compareVersions } from "../../lib/model/platform";
import { formatIpv4, networkOf, parseIpv4, parseIpv4Range } from "../../lib/model/ipv4";

describe("names", () => {
  it("expands {n}, {nn} and {nnn}", () => {
    expect([
      expandPattern("a-{n}", 7),
      expandPattern("a-{nn}", 7),
      expandPattern("a-{nnn}", 7),
      expandPattern("a-{nn}", 123),
    ]).toEqual(["a-7", "a-07", "a-007", "a-123"]);
  });

  it("reads a member's number back by the pattern, else from the name's last digits", () => {
    expect(numberOfName("web-03", "web-{nn}")).toBe(3);
    expect(numberOfName("node7-eu", "node{n}-eu")).toBe(7);
    expect(numberOfName("proxy-12")).toBe(12);
    expect(numberOfName("git")).toBeUndefined();
  });
});

describe("planMembers", () => {
  it("derives number, address, base and generation from the name and the member's own fields alone", () => {
    const all = planMembers({
      group: "web",
      base: "golden",
      members: ["web-01", "web-02", { name: "web-03", generation: 2 }],
      range: "10.0.0.10-10.0.0.20",
    });
    const some = planMembers({
      group: "web",
      base: "golden",
      members: [{ name: "web-03", generation: 2 }, "web-01"],
      range: "10.0.0.10-10.0.0.20",
    });
    expect(all.problems).toEqual([]);
    const byName = Object.fromEntries(all.members.map((m) => [m.name, m]));
    for (const m of some.members) expect(m).toEqual(byName[m.name]);
    expect(byName["web-03"]).toEqual({
      name: "web-03",
      hostname: "web-03",
      number: 3,
      ipv4: "10.0.0.12",
      base: "golden",
      generation: 2,
    });
  });

  it("puts the first `moved` members by member number on the new base during a rollout", () => {
    const plan = planMembers({
      group: "web",
      base: "new",
      members: ["web-04", "web-02", "svc", "web-01", "web-03"],
      rollout: { from: "old", moved: 3 },
    });
    expect(Object.fromEntries(plan.members.map((m) => [m.name, m.base]))).toEqual({
      "web-01": "new",
      "web-02": "new",
      "web-03": "new",
      "web-04": "old",
      svc: "old",
    });
  });

  it("refuses a rollout that moves more members than the group has, saying how to finish it", () => {
    const plan = planMembers({ group: "web", base: "new", count: 4, rollout: { from: "old", moved: 5 } });
    expect(plan.problems).toEqual([
      {
        field: "rollout.moved",
        message:
          "rollout.moved is 5 but the group has 4 members; the rollout is complete at 4: set moved to 4, deploy, then delete rollout",
      },
    ]);
  });

  it("suggests a pattern without doubling the separator the pattern already ends in", () => {
    const hint = (namePattern: string) =>
      planMembers({ group: "web", base: "golden", count: 2, namePattern }).problems.map((p) => p.message);
    expect(hint("web-")).toEqual([
      "namePattern 'web-' has no number placeholder; add {n}, {nn} or {nnn}, e.g. 'web-{nn}'",
    ]);
    expect(hint("web_")[0]).toContain("e.g. 'web_{nn}'");
    expect(hint("student")[0]).toContain("e.g. 'student-{nn}'");
  });

  it("asks for an address when an explicit member's name has no number", () => {
    const plan = planMembers({ group: "svc", base: "golden", members: ["git"], range: "10.0.0.10-10.0.0.20" });
    expect(plan.problems.map((p) => p.message)).toEqual([
      "member 'git' has no number in its name to pick an address from range 10.0.0.10-10.0.0.20; give it ipv4, or a name ending in a number",
    ]);
  });

  it("refuses surrounding spaces and bad member addresses", () => {
    const plan = planMembers({ group: "svc", base: "golden", members: [" a-1", { name: "b-2", ipv4: "10.0.0.300" }] });
    expect(plan.problems).toEqual([
      {
        field: "members[0]",
        message: "member name ' a-1' is empty or has surrounding spaces; write the VM name without them",
      },
      {
        field: "members[1].ipv4",
        message: "member 'b-2' has ipv4 '10.0.0.300': octet 300 is over 255; write it as a.b.c.d",
      },
    ]);
  });
});

describe("versions and addresses", () => {
  it("compares versions numerically", () => {
    expect(compareVersions("5.1", "5.0")).toBeGreaterThan(0);
    expect(compareVersions("10.0", "8.0")).toBeGreaterThan(0);
    expect(compareVersions("8", "8.0")).toBe(0);
    expect(compareVersions("7.0.3", "7.0")).toBeGreaterThan(0);
  });

  it("parses and formats IPv4 and networks", () => {
    expect(formatIpv4(parseIpv4("192.168.10.77")!)).toBe("192.168.10.77");
    expect(parseIpv4("256.1.1.1")).toBeUndefined();
    expect(parseIpv4Range("10.0.0.9-10.0.0.1")).toBeUndefined();
    const net = networkOf(parseIpv4("10.0.10.77")!, 22);
    expect([formatIpv4(net.network), formatIpv4(net.broadcast)]).toEqual(["10.0.8.0", "10.0.11.255"]);
  });
});
