/**
 * What vcsim cannot round-trip, and the one override file that keeps it out of the plans.
 * Every entry names the simulator's behaviour; e2e/README.md gives the evidence. A real
 * vCenter has none of these, so nothing here hides what a user would see.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { jsonDiff, type PlanJson } from "./plans";

/**
 * Attributes of vsphere_virtual_machine that vcsim cannot round-trip. Terraform is told to
 * ignore them through an override file next to cdk.tf.json (the synthesized JSON itself is
 * left as it is), and the no-drift step reports them apart from real drift.
 */
export const SIMULATOR_ARTIFACTS: Record<string, string> = {
  swap_placement_policy:
    'vcsim v0.46.3 neither stores nor reports config.swapPlacement, so the provider reads "" where it set its default ' +
    '"inherit"; the in-place update that would fix it then fails on vcsim with *types.AlreadyUpgradedFault (vcsim\'s ' +
    "QueryConfigOption reports hardwareOptions.hwVersion 0, so the provider's post-update SetHardwareVersion asks for an " +
    "upgrade to the VM's own version)",
};

/** The override file, next to cdk.tf.json; `cdktf synth` leaves extra files in the stack folder alone. */
export const OVERRIDE_FILE = "e2e_vcsim_override.tf.json";

/**
 * Writes the override that makes the stack's VMs ignore SIMULATOR_ARTIFACTS (keeping the
 * stack's own ignore_changes). Returns one note per resource, for the log.
 */
export function writeSimulatorOverride(stackDir: string): string[] {
  type Lifecycle = { ignore_changes?: string[] | string };
  const cfg = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource?: { vsphere_virtual_machine?: Record<string, { lifecycle?: Lifecycle }> };
  };
  const vms: Record<string, { lifecycle: Lifecycle }> = {};
  const notes: string[] = [];
  for (const [name, r] of Object.entries(cfg.resource?.vsphere_virtual_machine ?? {})) {
    const own = r.lifecycle?.ignore_changes;
    if (own === "all") continue;
    vms[name] = { lifecycle: { ignore_changes: [...new Set([...(own ?? []), ...Object.keys(SIMULATOR_ARTIFACTS)])] } };
    notes.push(`vsphere_virtual_machine.${name}: ignore_changes += ${Object.keys(SIMULATOR_ARTIFACTS).join(", ")}`);
  }
  fs.writeFileSync(
    path.join(stackDir, OVERRIDE_FILE),
    JSON.stringify({ resource: { vsphere_virtual_machine: vms } }, null, 2) + "\n",
  );
  return notes;
}

export function removeSimulatorOverride(stackDir: string): void {
  fs.rmSync(path.join(stackDir, OVERRIDE_FILE), { force: true });
}

/** Splits a plan's changes into simulator artifacts (updates of SIMULATOR_ARTIFACTS only) and the rest. */
export function classifyDrift(plan: PlanJson): { artifacts: string[]; real: PlanJson } {
  const artifacts: string[] = [];
  const rest: NonNullable<PlanJson["resource_changes"]> = [];
  for (const rc of plan.resource_changes ?? []) {
    const diffs = rc.change.actions.join() === "update" ? jsonDiff(rc.change.before, rc.change.after) : [];
    const attrs = diffs.map((d) => d.split(/[.[:]/)[0]);
    if (rc.type === "vsphere_virtual_machine" && diffs.length && attrs.every((a) => a in SIMULATOR_ARTIFACTS)) {
      artifacts.push(...diffs.map((d) => `${rc.address}: ${d}`));
    } else rest.push(rc);
  }
  return { artifacts, real: { ...plan, resource_changes: rest } };
}
