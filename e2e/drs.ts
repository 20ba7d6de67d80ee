/**
 * DRS objects of a cluster as govc sees them (host groups, VM groups, VM-host rules), and
 * the one repair vcsim needs after a clone is destroyed (see STALE_VM_GROUP_LIMIT).
 */
import * as path from "node:path";
import type { Govc, Ref } from "./govc";

/** A cluster's DRS groups and rules, with members resolved to inventory paths ("" for a reference to nothing). */
export interface DrsConfig {
  clusterPath: string;
  groups: { name: string; vms?: string[]; hosts?: string[] }[];
  rules: { name: string; enabled?: boolean; mandatory?: boolean; vmGroupName?: string; affineHostGroupName?: string }[];
}

export async function drsConfig(govc: Govc, clusterId: string): Promise<DrsConfig> {
  const ref = `ClusterComputeResource:${clusterId}`;
  const clusterPath = (await govc.run("ls", "-L", ref)).trim();
  const cfg =
    (
      await govc.json<{
        configurationEx?: { group?: { name: string; vm?: Ref[]; host?: Ref[] }[]; rule?: DrsConfig["rules"] };
      }>("object.collect", "-o", "-json", ref, "configurationEx")
    ).configurationEx ?? {};
  const resolve = async (refs: Ref[]) => Promise.all(refs.map((r) => govc.pathOf(r)));
  const groups: DrsConfig["groups"] = [];
  for (const g of cfg.group ?? []) {
    groups.push({
      name: g.name,
      ...(g.vm ? { vms: await resolve(g.vm) } : {}),
      ...(g.host ? { hosts: await resolve(g.host) } : {}),
    });
  }
  return { clusterPath, groups, rules: cfg.rule ?? [] };
}

/** The managed object id of a cluster by inventory path. */
export async function clusterId(govc: Govc, clusterPath: string): Promise<string> {
  const o = await govc.json<{ self: Ref }>("object.collect", "-o", "-json", clusterPath, "name");
  return o.self.value;
}

/** Names (not paths) of inventory paths, sorted; a reference to nothing shows as "(destroyed VM)". */
export function namesOf(paths: string[] | undefined): string[] {
  return (paths ?? []).map((p) => (p === "" ? "(destroyed VM)" : path.posix.basename(p))).sort();
}

/**
 * vCenter drops a destroyed VM from the cluster's DRS VM groups; vcsim keeps the stale
 * reference, and the provider's next read of the group then fails with
 * "ServerFaultCode: The object has already been deleted or has not been completely created".
 */
export const STALE_VM_GROUP_LIMIT =
  "vcsim keeps destroyed VMs in DRS VM groups (vCenter removes them), and the provider's next read of the group fails on the stale reference";

/** Inventory path of the VM with this uuid, or "". */
async function vmPathByUuid(govc: Govc, uuid: string): Promise<string> {
  const info = await govc.json<{ virtualMachines: { self: Ref }[] | null }>("vm.info", "-json", "-vm.uuid", uuid);
  const self = info.virtualMachines?.[0]?.self;
  return self ? govc.pathOf(self) : "";
}

/**
 * Does for vcsim what vCenter does by itself: a DRS VM group that holds a destroyed VM
 * gets the members Terraform's state says it has. Groups without stale members are left
 * alone, so their contents stay the provider's doing. Returns what it changed.
 */
export async function repairStaleVmGroups(
  govc: Govc,
  groups: { name: string; clusterId: string; vmIds: string[] }[],
): Promise<string[]> {
  const notes: string[] = [];
  for (const g of groups) {
    const drs = await drsConfig(govc, g.clusterId);
    const now = drs.groups.find((x) => x.name === g.name);
    if (!now?.vms?.includes("")) continue;
    const paths = await Promise.all(g.vmIds.map((id) => vmPathByUuid(govc, id)));
    // cluster.group.change looks members up by name among the cluster's VMs (not by path).
    const members = paths.filter((p) => p !== "").map((p) => path.posix.basename(p));
    await govc.run("cluster.group.change", "-cluster", drs.clusterPath, "-name", g.name, ...members);
    notes.push(
      `${drs.clusterPath} VM group ${g.name}: held ${now.vms.filter((p) => p === "").length} destroyed VM(s); set to ${JSON.stringify(
        members,
      )} from the state (${STALE_VM_GROUP_LIMIT})`,
    );
  }
  return notes;
}
