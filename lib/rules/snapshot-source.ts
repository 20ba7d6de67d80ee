import { describeBase, memberBase, siteKey } from "../model/chains";
import type { BaseModel, Severity } from "../model/types";
import { formatMessage, type RawFinding, type Rule } from "./rule";

/**
 * `snapshot-source`: a VM source needs a snapshot; a template source must not name one.
 *
 * Source: Terraform vSphere provider (v2.13) linked-clone checks: a VM source "must have a
 * snapshot to be used as a linked clone" and "exactly one root snapshot"; a template source
 * shares its disks without a snapshot (provider PR #1158). docs/linked-clones.md.
 */
/** Why two snapshots asked of one source VM cannot be suppressed. */
const REFUSED = "the provider refuses to link-clone a VM with more than one snapshot, so the deploy would fail";

export const snapshotSource: Rule = {
  id: "snapshot-source",
  defaultSeverity: "error",
  info: "A VM source names the snapshot clones come from; a template source names none.",
  explanation:
    "The provider clones a VM source from its current (and only) snapshot, so a base of a VM must name it " +
    "(and may manage it). A template has no snapshot to clone from; naming or managing one there is a mistake.",
  source: "terraform-provider-vsphere linked-clone checks; PR #1158",
  check(model) {
    const out: RawFinding[] = [];
    const clonesOf = (b: BaseModel) =>
      model.groups.reduce((n, g) => n + g.members.filter((m) => memberBase(g, m).path === b.path).length, 0);
    for (const b of model.bases) {
      const push = (
        field: string,
        what: string,
        fix: string,
        actual: string,
        limit: string,
        severity: Severity = "error",
        unsuppressible?: string,
      ) =>
        out.push({
          rule: "snapshot-source",
          severity,
          stack: b.stack,
          path: b.path,
          field,
          groups: [],
          bases: [b],
          ...(unsuppressible !== undefined ? { unsuppressible } : {}),
          message: formatMessage("snapshot-source", `${b.stack}/${b.name}`, `${describeBase(b)} ${what}`, fix, {
            actual,
            limit,
          }),
        });
      if (b.template) {
        const n = clonesOf(b);
        push(
          "template",
          `is a template: vSphere copies a template's disk for every clone (only disks that are not the child-most backing can be shared), so its ${n} clone${n === 1 ? " is a full copy" : "s are full copies"}, not linked clones`,
          "convert the template to a VM and give it one snapshot (template: false, snapshot: NAME, manageSnapshot: true), or accept full copies: suppress snapshot-source for the environment (or the BaseImage) with the reason; a group's suppression does not cover bases",
          "template: full copies",
          "a VM with one snapshot for linked clones",
          "warning",
        );
      }
      if (b.template && b.snapshot !== undefined) {
        push(
          "snapshot",
          "is a template but names a snapshot",
          "remove snapshot, or set template: false",
          `snapshot '${b.snapshot}'`,
          "none for a template",
        );
      }
      if (b.template && b.manageSnapshot) {
        push(
          "manageSnapshot",
          "is a template but asks to manage a snapshot",
          "remove manageSnapshot, or set template: false",
          "manageSnapshot: true",
          "false for a template",
          "error",
          "vSphere takes no snapshot of a template, so the deploy would fail",
        );
      }
      if (!b.template && b.snapshot === undefined) {
        push(
          "snapshot|vm",
          "is a VM without a snapshot to clone from",
          "name the snapshot (and set manageSnapshot: true to create it), or, if the source is a template, set template: true (its clones are then full copies)",
          "no snapshot",
          "one",
        );
      }
    }
    // The provider clones from a VM's only snapshot: one source VM has one snapshot across the app.
    const bySource = new Map<string, BaseModel[]>();
    for (const b of model.bases) {
      if (b.template || b.snapshot === undefined) continue;
      const key = `${siteKey(b.site)}\u0000${b.vm}`;
      bySource.set(key, [...(bySource.get(key) ?? []), b]);
    }
    // Rollouts between two bases of one source VM: both would need a snapshot at once.
    const sameVmRollouts = model.groups.filter(
      (g) => g.rollout && g.rollout.from.vm === g.base.vm && siteKey(g.rollout.from.site) === siteKey(g.base.site),
    );
    for (const bases of bySource.values()) {
      const names = [...new Set(bases.map((b) => b.snapshot!))];
      const managers = bases.filter((b) => b.manageSnapshot);
      if (names.length < 2 && managers.length < 2) continue;
      const subject = bases.map((b) => `${b.stack}/${b.name}`).join(", ");
      const where = `source VM '${bases[0].vm}' in ${bases[0].site.datacenter}`;
      const rolling = sameVmRollouts.find((g) => bases.some((b) => b.path === g.base.path));
      const message = rolling
        ? formatMessage(
            "snapshot-source",
            subject,
            `the rollout of ${rolling.stack}/${rolling.name} moves from base '${rolling.rollout!.from.name}' to base '${rolling.base.name}', both of ${where}, but the provider clones from a VM's only snapshot, so the two images cannot exist at once`,
            `copy the golden to a new source VM for the new image (one VM per image version) and set bases.${rolling.base.name}.vm to it`,
            { actual: `one source VM for ${names.length} snapshots`, limit: "one snapshot per source VM" },
          )
        : names.length > 1
          ? formatMessage(
              "snapshot-source",
              subject,
              `${where} is asked for ${names.length} snapshots (${names.map((n) => `'${n}'`).join(", ")}), but clones come from its only snapshot`,
              "give every base of this VM the same snapshot, or use another source VM",
              { actual: names.length, limit: 1 },
            )
          : formatMessage(
              "snapshot-source",
              subject,
              `${where} has its snapshot managed by ${managers.length} bases; destroying one stack would delete the snapshot the others' clones read from`,
              "let one base manage the snapshot and have the others name it without manageSnapshot",
              { actual: managers.length, limit: 1 },
            );
      for (const b of bases) {
        out.push({
          rule: "snapshot-source",
          severity: "error",
          stack: b.stack,
          path: b.path,
          field: "vm",
          groups: [],
          bases: [b],
          message,
          // Two snapshots of one VM: the provider refuses the clones. Two managers: a risk, which may be accepted.
          ...(names.length > 1 || rolling ? { unsuppressible: REFUSED } : {}),
        });
      }
    }
    // A snapshot managed in one stack and used by clones of another: destroying the first deletes it under the second.
    for (const bases of bySource.values()) {
      const manager = bases.find((b) => b.manageSnapshot);
      if (!manager) continue;
      for (const b of bases) {
        if (b.manageSnapshot || b.stack === manager.stack || b.snapshot !== manager.snapshot) continue;
        out.push({
          rule: "snapshot-source",
          severity: "warning",
          stack: b.stack,
          path: b.path,
          field: "manageSnapshot|snapshot",
          groups: [],
          bases: [b],
          message: formatMessage(
            "snapshot-source",
            `${b.stack}/${b.name}`,
            `${describeBase(b)} uses the snapshot that ${manager.stack}/${manager.name} manages; destroying or rolling ${manager.stack} deletes it under these clones`,
            `destroy this environment's clones before ${manager.stack}'s, or manage the snapshot here and not there`,
            { actual: `managed by ${manager.stack}`, limit: `managed by ${b.stack} or by nobody` },
          ),
        });
      }
    }
    return out;
  },
};
