import { app, base, findingsOf, group, member, messages, site } from "../helpers/model";

const named = (name: string) => [member(name)];

describe("vm-name", () => {
  it("passes a name of 80 characters (at the limit)", () => {
    expect(findingsOf("vm-name", app([group("web", { members: named("a".repeat(80)) })]))).toEqual([]);
  });

  it("fails a name of 81 characters with the exact message", () => {
    expect(messages("vm-name", app([group("web", { members: named("a".repeat(81)) })]))).toEqual([
      `[vm-name] lab/web: VM name '${"a".repeat(81)}' is too long, 81 characters vs 80; shorten namePattern or the member names`,
    ]);
  });

  it("fails names with / \\ or %", () => {
    for (const bad of ["web/01", "web\\01", "web%01"]) {
      expect(messages("vm-name", app([group("web", { members: named(bad) })]))[0]).toContain("contains / \\ or %");
    }
  });

  it("fails a name used by two groups in one datacenter, once per pair of groups", () => {
    const model = app([
      group("web", { count: 3 }),
      group("web2", { members: [...named("web-01"), ...named("web-02")] }),
    ]);
    expect(messages("vm-name", model)).toEqual([
      "[vm-name] lab/web, lab/web2: VM name 'web-01', 'web-02' is used 2 times in datacenter DC0, 2 vs 1; " +
        "give each VM a unique name: change namePattern or members of one group",
    ]);
  });

  it("fails the same name in two environments on the same datacenter", () => {
    const a = base({ stack: "a", path: "a/Bases/golden" });
    const b = base({ stack: "b", path: "b/Bases/golden" });
    const found = findingsOf(
      "vm-name",
      app([group("web", { stack: "a", base: a }), group("web", { stack: "b", base: b })]),
    );
    expect(found.map((f) => f.stack)).toEqual(["a", "b"]);
  });

  it("allows the same name in another datacenter", () => {
    const other = base({ site: site("8.0", "DC1") });
    expect(findingsOf("vm-name", app([group("web"), group("web", { base: other, path: "lab/web-dc1" })]))).toEqual([]);
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([
      group("web", {
        members: named("a".repeat(81)),
        suppressions: [{ rule: "vm-name", reason: "vCenter 8 shows long names" }],
      }),
    ]);
    expect(findingsOf("vm-name", model)[0]).toMatchObject({
      severity: "info",
      suppressionReason: "vCenter 8 shows long names",
    });
  });
});
