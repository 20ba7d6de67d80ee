import { app, findingsOf, group, messages } from "../helpers/model";

describe("clone-density", () => {
  it("passes 30 clones of one base (at the limit)", () => {
    expect(findingsOf("clone-density", app([group("web", { count: 20 }), group("db", { count: 10 })]))).toEqual([]);
  });

  it("warns at 31 clones of one base with the exact message", () => {
    const found = findingsOf("clone-density", app([group("web", { count: 21 }), group("db", { count: 10 })]));
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        "warning",
        "[clone-density] lab/web, lab/db: base 'golden' (DC0/VM0@snap-1) serves 31 clones from one base disk, 31 vs 30; " +
          "move some clones to another base on its own source VM, put the base disk on SSD, or raise limits.warnClonesPerChain",
      ],
    ]);
  });

  it("makes the warning an error in strict mode", () => {
    const model = app([group("web", { count: 31 })]);
    expect(findingsOf("clone-density", model, true)[0].severity).toBe("error");
  });

  it("honours limits.warnClonesPerChain", () => {
    expect(
      messages("clone-density", app([group("web", { count: 11 })], { limits: { lab: { warnClonesPerChain: 10 } } }))[0],
    ).toContain("11 vs 10");
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([
      group("web", { count: 40, suppressions: [{ rule: "clone-density", reason: "base disk is on NVMe" }] }),
    ]);
    expect(findingsOf("clone-density", model)[0]).toMatchObject({
      severity: "info",
      ruleSeverity: "warning",
      suppressionReason: "base disk is on NVMe",
    });
  });
});
