import { app, base, findingsOf, group, members, messages, site } from "../helpers/model";

describe("chain-size", () => {
  const v40 = base({ site: site("4.0") });

  it("passes with 8 clones of one base on vSphere 4.0 (at the limit)", () => {
    expect(
      findingsOf("chain-size", app([group("web", { base: v40, count: 5 }), group("db", { base: v40, count: 3 })])),
    ).toEqual([]);
  });

  it("fails with 9 clones split 5 + 4 over two groups on vSphere 4.0, naming 9 and 8", () => {
    const model = app([group("web", { base: v40, count: 5 }), group("db", { base: v40, count: 4 })]);
    expect(messages("chain-size", model)).toEqual([
      "[chain-size] lab/web, lab/db: base 'golden' (DC0/VM0@snap-1) has 9 linked clones in one chain, 9 vs 8; " +
        "move some clones to another base on its own source VM (a copy of the golden, with its own snapshot) or raise limits.maxClonesPerChain if your platform allows more",
    ]);
    expect(findingsOf("chain-size", model)[0]).toMatchObject({ severity: "error", stack: "lab", path: "lab/web" });
  });

  it("counts one chain across stacks and reports it in each", () => {
    const a = base({ site: site("4.0"), stack: "a", path: "a/Bases/golden" });
    const b = base({ site: site("4.0"), stack: "b", path: "b/Bases/golden" });
    const found = findingsOf(
      "chain-size",
      app([group("web", { stack: "a", base: a, count: 5 }), group("web", { stack: "b", base: b, count: 4 })]),
    );
    expect(found.map((f) => f.stack)).toEqual(["a", "b"]);
    expect(found[0].message).toContain("a/web, b/web");
  });

  it("names the environment whose limit binds when the chain spans environments", () => {
    const a = base({ site: site("8.0"), stack: "a", path: "a/Bases/golden" });
    const b = base({ site: site("5.0"), stack: "b", path: "b/Bases/golden" });
    const model = app(
      [group("web", { stack: "a", base: a, count: 5 }), group("web", { stack: "b", base: b, count: 4 })],
      { limits: { a: { maxClonesPerChain: 20 } } },
    );
    expect(messages("chain-size", model)[0]).toContain(
      ", 9 vs 8; move some clones to another base on its own source VM (a copy of the golden, with its own snapshot) or raise limits.maxClonesPerChain in b (its default for vSphere 5.0 is the strictest of the chain's environments) if your platform allows more",
    );
  });

  it("counts one chain whatever the case of the vCenter server name", () => {
    const a = base({ site: { ...site("4.0"), server: "VC.example.com" }, stack: "a", path: "a/Bases/golden" });
    const b = base({ site: { ...site("4.0"), server: "vc.example.com" }, stack: "b", path: "b/Bases/golden" });
    expect(
      findingsOf(
        "chain-size",
        app([group("web", { stack: "a", base: a, count: 5 }), group("web", { stack: "b", base: b, count: 4 })]),
      ),
    ).toHaveLength(2);
  });

  it("treats another snapshot, source VM or datacenter as another chain", () => {
    const model = app([
      group("a", { base: v40, count: 8 }),
      group("b", { base: base({ site: site("4.0"), snapshot: "snap-2" }), count: 8 }),
      group("c", { base: base({ site: site("4.0"), vm: "VM1" }), count: 8 }),
      group("d", { base: base({ site: site("4.0", "DC1") }), count: 8 }),
    ]);
    expect(findingsOf("chain-size", model)).toEqual([]);
  });

  it("has no limit from vSphere 5.1", () => {
    for (const v of ["5.1", "8.0"]) {
      expect(findingsOf("chain-size", app([group("web", { base: base({ site: site(v) }), count: 500 })]))).toEqual([]);
    }
  });

  it("limits 5.0 to 8 like 4.0", () => {
    const b = base({ site: site("5.0") });
    expect(findingsOf("chain-size", app([group("web", { base: b, count: 9 })]))).toHaveLength(1);
  });

  it("honours limits.maxClonesPerChain", () => {
    const model = (n: number) => app([group("web", { count: n })], { limits: { lab: { maxClonesPerChain: 4 } } });
    expect(findingsOf("chain-size", model(4))).toEqual([]);
    expect(messages("chain-size", model(5))[0]).toContain(", 5 vs 4;");
  });

  it("reports a suppressed finding as info with its reason", () => {
    const suppressions = [{ rule: "chain-size", reason: "lab on 4.0 accepted" }];
    const model = app([
      group("web", { base: v40, count: 5, suppressions }),
      group("db", { base: v40, count: 4, suppressions }),
    ]);
    const [f] = findingsOf("chain-size", model);
    expect(f).toMatchObject({ severity: "info", ruleSeverity: "error", suppressionReason: "lab on 4.0 accepted" });
  });

  it("is not suppressed when only one of the chain's groups suppresses it", () => {
    const model = app([
      group("web", { base: v40, count: 5, suppressions: [{ rule: "chain-size", reason: "x" }] }),
      group("db", { base: v40, count: 4 }),
    ]);
    expect(findingsOf("chain-size", model)[0].severity).toBe("error");
  });

  it("is suppressed for a whole stack", () => {
    const model = app([group("web", { base: v40, count: 9 })], {
      suppress: { lab: [{ rule: "chain-size", reason: "legacy lab" }] },
    });
    expect(findingsOf("chain-size", model)[0]).toMatchObject({ severity: "info", suppressionReason: "legacy lab" });
  });

  it("checks the in-between state of a rollout and names the wave that breaks the limit", () => {
    const v4 = site("4.0");
    const old = base({ site: v4, name: "old", path: "lab/Bases/old", vm: "VM-old", snapshot: "s1" });
    const next = base({ site: v4, name: "next", path: "lab/Bases/next", vm: "VM-next", snapshot: "s2" });
    const rolling = (moved: number) =>
      group("web", {
        base: next,
        rollout: { from: old, moved },
        members: members("web", 4).map((m, i) => ({ ...m, base: i < moved ? "next" : "old" })),
      });
    const others = group("db", { base: next, count: 6 });
    // Wave 1 (2 moved): next has 6 + 2 = 8 clones, at the limit.
    expect(findingsOf("chain-size", app([rolling(2), others], { bases: [old, next] }))).toEqual([]);
    // Wave 2 (3 moved): 6 + 3 = 9 on next, one past it; the message names the wave.
    expect(messages("chain-size", app([rolling(3), others], { bases: [old, next] }))).toEqual([
      "[chain-size] lab/web, lab/db: base 'next' (DC0/VM-next@s2) has 9 linked clones in one chain during the rollout " +
        "(lab/web: 3 of 4 members moved), 9 vs 8; move some clones to another base on its own source VM (a copy of the golden, " +
        "with its own snapshot) or raise limits.maxClonesPerChain if your platform allows more",
    ]);
  });
});
