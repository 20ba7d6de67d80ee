import { describeBase } from "../model/chains";
import { formatMessage, type RawFinding, type Rule } from "./rule";

/**
 * `snapshot-source`: a VM source needs a snapshot; a template source must not name one.
 *
 * Source: Terraform vSphere provider (v2.13) linked-clone checks: a VM source "must have a
 * snapshot to be used as a linked clone" and "exactly one root snapshot"; a template source
 * shares its disks without a snapshot (provider PR #1158). shared/reference/vsphere-linked-clones.md.
 */
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
    for (const b of model.bases) {
      const push = (what: string, fix: string) =>
        out.push({ rule: "snapshot-source", severity: "error", stack: b.stack, path: b.path, groups: [],
          message: formatMessage("snapshot-source", `${b.stack}/${b.name}`, `${describeBase(b)} ${what}`, fix) });
      if (b.template && b.snapshot !== undefined) push(`is a template but names snapshot '${b.snapshot}'`, "remove snapshot, or set template: false");
      if (b.template && b.manageSnapshot) push("is a template but asks to manage a snapshot", "remove manageSnapshot, or set template: false");
      if (!b.template && b.snapshot === undefined) push("is a VM without a snapshot to clone from", "name the snapshot (and set manageSnapshot: true to create it), or set template: true");
    }
    return out;
  },
};
