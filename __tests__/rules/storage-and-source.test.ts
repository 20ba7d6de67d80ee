import { app, base, findingsOf, group, member, messages } from "../helpers/model";

describe("storage-drs", () => {
  it("passes a group on one datastore", () => {
    expect(findingsOf("storage-drs", app([group("web")]))).toEqual([]);
  });

  it("fails a group on a datastore cluster with the exact message", () => {
    const g = group("web", { datastore: undefined, datastoreCluster: "PodA" });
    expect(messages("storage-drs", app([g]))).toEqual([
      "[storage-drs] lab/web: datastore cluster 'PodA' uses Storage DRS, which refuses linked clones, a datastore cluster vs one datastore; set datastore to one datastore of that cluster instead of datastoreCluster",
    ]);
  });

  it("stays an error when suppressed, saying why: the provider's clone fails on a datastore cluster", () => {
    const g = group("web", {
      datastore: undefined,
      datastoreCluster: "PodA",
      suppressions: [{ rule: "storage-drs", reason: "SDRS disabled on PodA" }],
    });
    const [f] = findingsOf("storage-drs", app([g]));
    expect(f.severity).toBe("error");
    expect(f.suppressionReason).toBeUndefined();
    expect(f.message).toMatch(
      / \(the suppression of storage-drs does not apply here: the provider's clone fails on a datastore cluster\)$/,
    );
  });
});

describe("snapshot-source", () => {
  const tpl = base({
    template: true,
    snapshot: undefined,
    manageSnapshot: false,
    name: "tpl",
    path: "lab/Bases/tpl",
  });

  it("passes a VM with one snapshot", () => {
    expect(findingsOf("snapshot-source", app([group("web")]))).toEqual([]);
  });

  it("warns that a template base makes full copies, not linked clones, with the fix", () => {
    expect(findingsOf("snapshot-source", app([group("web"), group("db", { base: tpl })]))).toEqual([
      {
        rule: "snapshot-source",
        severity: "warning",
        ruleSeverity: "warning",
        stack: "lab",
        path: "lab/Bases/tpl",
        field: "template",
        message:
          "[snapshot-source] lab/tpl: base 'tpl' (DC0/template VM0) is a template: vSphere copies a template's disk for every clone " +
          "(only disks that are not the child-most backing can be shared), so its 2 clones are full copies, not linked clones, " +
          "template: full copies vs a VM with one snapshot for linked clones; convert the template to a VM and give it one snapshot " +
          "(template: false, snapshot: NAME, manageSnapshot: true), or accept full copies: suppress snapshot-source for the environment (or the BaseImage) with the reason; a group's suppression does not cover bases",
      },
    ]);
  });

  it("lets a template base's full copies be accepted with a suppression on the base", () => {
    const accepted = {
      ...tpl,
      suppressions: [{ rule: "snapshot-source", reason: "full copies are fine for packagers" }],
    };
    expect(findingsOf("snapshot-source", app([group("db", { base: accepted })]))[0]).toMatchObject({
      severity: "info",
      suppressionReason: "full copies are fine for packagers",
    });
  });

  it("leaves a template base out of the disk chains: its full copies have no chain limit", () => {
    const model = app([group("db", { base: { ...tpl, site: { datacenter: "DC0", version: "4.0" } }, count: 20 })]);
    expect(findingsOf("chain-size", model)).toEqual([]);
  });

  it("fails a rollout between two bases of one source VM, naming the fix", () => {
    const old = base({ name: "v1", path: "lab/Bases/v1", snapshot: "v1" });
    const next = base({ name: "v2", path: "lab/Bases/v2", snapshot: "v2" });
    const g = group("web", {
      base: next,
      rollout: { from: old, moved: 1 },
      members: [member("web-01", { base: "v2" }), member("web-02", { base: "v1" })],
    });
    expect(messages("snapshot-source", app([g], { bases: [old, next] }))).toEqual([
      "[snapshot-source] lab/v1, lab/v2: the rollout of lab/web moves from base 'v1' to base 'v2', both of source VM 'VM0' in DC0, " +
        "but the provider clones from a VM's only snapshot, so the two images cannot exist at once, one source VM for 2 snapshots vs " +
        "one snapshot per source VM; copy the golden to a new source VM for the new image (one VM per image version) and set bases.v2.vm to it",
      "[snapshot-source] lab/v1, lab/v2: the rollout of lab/web moves from base 'v1' to base 'v2', both of source VM 'VM0' in DC0, " +
        "but the provider clones from a VM's only snapshot, so the two images cannot exist at once, one source VM for 2 snapshots vs " +
        "one snapshot per source VM; copy the golden to a new source VM for the new image (one VM per image version) and set bases.v2.vm to it",
    ]);
  });

  it("fails a VM without a snapshot", () => {
    const b = base({ snapshot: undefined, manageSnapshot: false });
    expect(messages("snapshot-source", app([group("web", { base: b })]))).toEqual([
      "[snapshot-source] lab/golden: base 'golden' (DC0/VM0@(no snapshot)) is a VM without a snapshot to clone from, no snapshot vs one; " +
        "name the snapshot (and set manageSnapshot: true to create it), or, if the source is a template, set template: true (its clones are then full copies)",
    ]);
  });

  it("fails a template that names a snapshot", () => {
    const b = base({ template: true, manageSnapshot: false });
    const errors = findingsOf("snapshot-source", app([group("web", { base: b })])).filter(
      (f) => f.severity === "error",
    );
    expect(errors.map((f) => f.message)).toEqual([
      "[snapshot-source] lab/golden: base 'golden' (DC0/template VM0) is a template but names a snapshot, snapshot 'snap-1' vs none for a template; remove snapshot, or set template: false",
    ]);
  });

  it("is suppressed for a whole stack with its reason", () => {
    const b = base({ snapshot: undefined, manageSnapshot: false });
    const model = app([group("web", { base: b })], {
      suppress: { lab: [{ rule: "snapshot-source", reason: "snapshot taken by the image pipeline" }] },
    });
    expect(findingsOf("snapshot-source", model)[0]).toMatchObject({
      severity: "info",
      suppressionReason: "snapshot taken by the image pipeline",
    });
  });
});

describe("storage-estimate", () => {
  const store = { name: "DS0", type: "vmfs6" as const, capacityGb: 400 };
  const b = base({ diskGb: 40 });

  it("names the rollout wave whose mixed state needs more than the datastore has", () => {
    const old = base({ name: "v1", path: "lab/Bases/v1", vm: "v1-vm", diskGb: 10 });
    const next = base({ name: "v2", path: "lab/Bases/v2", vm: "v2-vm", diskGb: 50 });
    const small = { ...store, capacityGb: 150 };
    const wave = (moved: number) =>
      group("web", {
        base: next,
        datastore: small,
        rollout: { from: old, moved },
        members: [1, 2, 3, 4].map((n) => member(`web-0${n}`, { base: n <= moved ? "v2" : "v1" })),
      });
    expect(findingsOf("storage-estimate", app([wave(2)], { bases: [old, next] }))).toEqual([]);
    expect(messages("storage-estimate", app([wave(3)], { bases: [old, next] }))).toEqual([
      "[storage-estimate] lab/web: clones on datastore 'DS0' may grow to 160 GB (delta disks at 100% of their base, full copies of template bases) " +
        "during the rollout (lab/web: 3 of 4 members moved), 160 GB vs 150 GB; move some groups to another datastore, or add capacity (then raise capacityGb); " +
        "on a thin-provisioned or deduplicating array, suppress storage-estimate with the reason",
    ]);
  });

  it("passes when clones x diskGb fits the capacity exactly (at the limit)", () => {
    expect(findingsOf("storage-estimate", app([group("web", { base: b, datastore: store, count: 10 })]))).toEqual([]);
  });

  it("warns one clone past the capacity with the exact message", () => {
    const found = findingsOf(
      "storage-estimate",
      app([
        group("web", { base: b, datastore: store, count: 6 }),
        group("db", { base: b, datastore: store, count: 5 }),
      ]),
    );
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        "warning",
        "[storage-estimate] lab/web, lab/db: clones on datastore 'DS0' may grow to 440 GB (delta disks at 100% of their base, full copies of template bases), 440 GB vs 400 GB; " +
          "move some groups to another datastore, or add capacity (then raise capacityGb); on a thin-provisioned or deduplicating array, suppress storage-estimate with the reason",
      ],
    ]);
  });

  it("counts non-persistent clones too and never offers them as the fix: their redo logs grow as far while running", () => {
    const [f] = findingsOf(
      "storage-estimate",
      app([group("web", { base: b, datastore: store, count: 11, nonpersistent: true })]),
    );
    expect(f.message).toContain("may grow to 440 GB");
    expect(f.message).not.toContain("nonpersistent");
  });

  it("says nothing without diskGb or capacityGb", () => {
    expect(findingsOf("storage-estimate", app([group("web", { datastore: store, count: 100 })]))).toEqual([]);
    expect(findingsOf("storage-estimate", app([group("web", { base: b, count: 100 })]))).toEqual([]);
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([group("web", { base: b, datastore: store, count: 11 })], {
      suppress: { lab: [{ rule: "storage-estimate", reason: "dedupe" }] },
    });
    expect(findingsOf("storage-estimate", model)[0]).toMatchObject({ severity: "info", suppressionReason: "dedupe" });
  });
});

describe("snapshot-source: one snapshot per source VM", () => {
  const golden = (stack: string, over = {}) => base({ stack, path: `${stack}/Bases/golden`, ...over });

  it("warns an environment whose clones use a snapshot another environment manages", () => {
    const model = app([
      group("web", { stack: "a", base: golden("a") }),
      group("web2", { stack: "b", base: golden("b", { manageSnapshot: false }) }),
    ]);
    const found = findingsOf("snapshot-source", model);
    expect(found.map((f) => [f.stack, f.severity])).toEqual([["b", "warning"]]);
    expect(found[0].message).toBe(
      "[snapshot-source] b/golden: base 'golden' (DC0/VM0@snap-1) uses the snapshot that a/golden manages; destroying or rolling a deletes it under these clones, " +
        "managed by a vs managed by b or by nobody; destroy this environment's clones before a's, or manage the snapshot here and not there",
    );
  });

  it("passes two bases of one environment naming the snapshot that one of them manages", () => {
    const model = app([
      group("web", { base: base() }),
      group("db", { base: base({ name: "same", path: "lab/Bases/same", manageSnapshot: false }) }),
    ]);
    expect(findingsOf("snapshot-source", model)).toEqual([]);
  });

  it("fails two bases managing the snapshot of one source VM, in each of their stacks", () => {
    const model = app([
      group("web", { stack: "a", base: golden("a") }),
      group("web2", { stack: "b", base: golden("b") }),
    ]);
    const found = findingsOf("snapshot-source", model);
    expect(found.map((f) => f.stack)).toEqual(["a", "b"]);
    expect(found[0].message).toBe(
      "[snapshot-source] a/golden, b/golden: source VM 'VM0' in DC0 has its snapshot managed by 2 bases; destroying one stack would delete the snapshot the others' clones read from, 2 vs 1; " +
        "let one base manage the snapshot and have the others name it without manageSnapshot",
    );
  });

  it("fails two snapshot names on one source VM", () => {
    const model = app([
      group("web", { base: base() }),
      group("db", {
        base: base({ name: "other", path: "lab/Bases/other", snapshot: "snap-2", manageSnapshot: false }),
      }),
    ]);
    expect(messages("snapshot-source", model)[0]).toContain(
      "source VM 'VM0' in DC0 is asked for 2 snapshots ('snap-1', 'snap-2'), but clones come from its only snapshot, 2 vs 1;",
    );
  });
});

describe("snapshot-source: what a suppression cannot hide", () => {
  it("two snapshots asked of one source VM stay an error when suppressed, saying why", () => {
    const a = base({ name: "a", path: "lab/Bases/a", snapshot: "s1" });
    const b = base({ name: "b", path: "lab/Bases/b", snapshot: "s2" });
    const model = app([group("web", { base: a }), group("db", { base: b })], {
      suppress: { lab: [{ rule: "snapshot-source", reason: "we know" }] },
    });
    const found = findingsOf("snapshot-source", model);
    expect(found.map((f) => f.severity)).toEqual(["error", "error"]);
    expect(found[0].message).toMatch(
      /\(the suppression of snapshot-source does not apply here: the provider refuses to link-clone a VM with more than one snapshot, so the deploy would fail\)$/,
    );
  });

  it("a template asked to manage a snapshot stays an error when suppressed", () => {
    const t = base({ template: true, snapshot: undefined, manageSnapshot: true });
    const model = app([group("web", { base: t })], {
      suppress: { lab: [{ rule: "snapshot-source", reason: "full copies are fine" }] },
    });
    const found = findingsOf("snapshot-source", model);
    // The full-copy warning is suppressed; the snapshot a template cannot take is not.
    expect(found.map((f) => f.severity).sort()).toEqual(["error", "info"]);
    expect(found.find((f) => f.severity === "error")!.message).toMatch(
      /does not apply here: vSphere takes no snapshot of a template, so the deploy would fail\)$/,
    );
  });

  it("a group's suppression does not silence a finding about its base, and the finding says so", () => {
    const t = base({ template: true, snapshot: undefined, manageSnapshot: false });
    const model = app([group("web", { base: t, suppressions: [{ rule: "snapshot-source", reason: "ok" }] })]);
    const [f] = findingsOf("snapshot-source", model);
    expect(f.severity).toBe("warning");
    expect(f.message).toMatch(
      /\(the suppression of snapshot-source on group web does not cover its base; suppress it for the environment\)$/,
    );
    const forStack = app([group("web", { base: t })], {
      suppress: { lab: [{ rule: "snapshot-source", reason: "ok" }] },
    });
    expect(findingsOf("snapshot-source", forStack)[0].severity).toBe("info");
  });
});
