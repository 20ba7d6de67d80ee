/**
 * Preflight's checks: pure functions of an environment file, the inventory govc read, and the
 * environment's Terraform state. Each finding names the object, the actual value against the
 * expected one, and the fix, in the synth rules' format (`formatMessage`).
 */
import type { EnvironmentSpec, GroupSpec } from "../config/schema";
import { planMembers } from "../model/members";
import { clusterNameOf, didYouMean } from "../model/validate";
import { formatMessage } from "../rules/rule";
import { gib, hostsOf, type ClusterInfo, type Inventory, type SnapshotNode, type VmInfo } from "./inventory";
import { sortFindings, type PreflightFinding, type PreflightRuleId, type PreflightSeverity } from "./rules";
import type { StateView } from "./state";

export interface PreflightEnvironment {
  /** Stack name: the file name without `.yaml`. */
  readonly name: string;
  /** The file, for messages. */
  readonly file: string;
  readonly spec: EnvironmentSpec;
}

/** A group moving from another base (contract: `rollout: {from, moved}`). */
export interface Rollout {
  readonly from: string;
  readonly moved: number;
}

/** The group's rollout, when it is moving from another base. */
export function rolloutOf(g: GroupSpec): Rollout | undefined {
  return g.rollout;
}

/** A clone of the environment: its name, group and the base it is cloned from. */
export interface PlannedClone {
  readonly name: string;
  readonly group: string;
  readonly groupIndex: number;
  readonly base: string;
}

/** Every clone of the environment, with its base (planMembers: during a rollout, the first `moved` members by number are on the new base). */
export function plannedClones(spec: EnvironmentSpec): PlannedClone[] {
  const out: PlannedClone[] = [];
  spec.groups.forEach((g, groupIndex) => {
    const rollout = rolloutOf(g);
    const plan = planMembers({
      group: g.name,
      base: g.base,
      ...(g.count !== undefined ? { count: g.count } : {}),
      ...(g.namePattern !== undefined ? { namePattern: g.namePattern } : {}),
      ...(g.members !== undefined ? { members: g.members } : {}),
      ...(rollout !== undefined ? { rollout } : {}),
    });
    for (const m of plan.members) out.push({ name: m.name, group: g.name, groupIndex, base: m.base });
  });
  return out;
}

/** Bases that groups use: their base, and for a group in rollout also the old one. */
export function basesInUse(spec: EnvironmentSpec): Set<string> {
  const used = new Set<string>();
  for (const g of spec.groups) {
    used.add(g.base);
    const r = rolloutOf(g);
    if (r) used.add(r.from);
  }
  return used;
}

const quote = (s: string) => `'${s}'`;
function list(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).map(quote).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `6.5.0` -> `6.5`; `8.0U3` -> `8.0`; `8` -> `8.0`. */
export function majorMinor(version: string): string | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? `${Number(m[1])}.${Number(m[2] ?? 0)}` : undefined;
}

/** The environment file's datastore type a vCenter datastore has, when there is one. */
export function declarableType(type: string, vmfsMajorVersion?: number): string | undefined {
  const t = type.toUpperCase();
  if (t === "VMFS") return vmfsMajorVersion !== undefined ? `vmfs${vmfsMajorVersion}` : undefined;
  if (t === "NFS" || t === "NFS41") return "nfs";
  if (t === "VSAN") return "vsan";
  return undefined;
}

/** Snapshots as `root, root/child (current)`. */
export function describeSnapshots(vm: VmInfo): string {
  const items: string[] = [];
  const walk = (nodes: readonly SnapshotNode[], prefix: string) => {
    for (const n of nodes) {
      items.push(`${prefix}${n.name}${n.id === vm.currentSnapshot ? " (current)" : ""}`);
      walk(n.children, `${prefix}${n.name}/`);
    }
  };
  walk(vm.snapshots, "");
  if (!items.length) return "no snapshot";
  const max = 8;
  const shown = items.slice(0, max).join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");
  return `${plural(items.length, "snapshot")}: ${shown}`;
}

function allSnapshots(nodes: readonly SnapshotNode[]): SnapshotNode[] {
  return nodes.flatMap((n) => [n, ...allSnapshots(n.children)]);
}

/** What the provider says about a source VM's snapshots (validateCloneSnapshots), or undefined when it accepts them. */
export function providerSnapshotProblem(
  vm: VmInfo,
): { kind: "none" | "roots" | "children" | "current"; says: string } | undefined {
  const roots = vm.snapshots;
  if (roots.length === 0)
    return { kind: "none", says: `virtual machine ${vm.name} must have a snapshot to be used as a linked clone` };
  if (roots.length > 1)
    return {
      kind: "roots",
      says: `virtual machine ${vm.name} must have exactly one root snapshot (has: ${roots.length})`,
    };
  if (roots[0].children.length > 0)
    return { kind: "children", says: `virtual machine ${vm.name}'s root snapshot must not have children` };
  if (vm.currentSnapshot !== roots[0].id)
    return { kind: "current", says: `virtual machine ${vm.name}'s current snapshot must match root snapshot` };
  return undefined;
}

/** Finds a VM by the name (or folder path) a base gives. */
function vmsNamed(inv: Inventory, vm: string): VmInfo[] {
  if (!vm.includes("/")) return inv.vms.filter((v) => v.name === vm);
  const rel = stripFolderPrefix(vm, inv.datacenter);
  return inv.vms.filter((v) => v.path === rel);
}

/**
 * The fix that creates a missing VM folder (`rel`, below the datacenter's VM folder) and
 * every missing folder above it, parents first: `govc folder.create` makes one level per path
 * (it fails with "folder '...' not found" when the parent is missing) and refuses a folder that
 * exists (DuplicateName), so the command names exactly the levels `existing` lacks. It works on
 * its own for each group, even when two groups' folders share a missing parent.
 */
function createFolder(dc: string, rel: string, existing: readonly string[]): string {
  const parts = rel.split("/");
  const paths = parts
    .map((_, i) => parts.slice(0, i + 1).join("/"))
    .filter((p) => !existing.includes(p))
    .map((p) => shellQuote(`/${dc}/vm/${p}`));
  const parents = paths.length - 1;
  const what = parents ? `create it and its missing parent folder${parents > 1 ? "s" : ""}` : "create it";
  return `${what} (govc folder.create ${paths.join(" ")})`;
}

/** A word for a POSIX shell, in single quotes (a single quote inside written as '\''). */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** A VM folder path as the provider takes it: relative to the datacenter's VM folder. */
function stripFolderPrefix(p: string, dc: string): string {
  const trimmed = p.replace(/^\/+|\/+$/g, "");
  const prefix = `${dc}/vm/`;
  return trimmed.startsWith(prefix) ? trimmed.slice(prefix.length) : trimmed;
}

function clusterNamed(inv: Inventory, name: string): ClusterInfo | undefined {
  return inv.clusters.find((c) => c.name === name) ?? inv.clusters.find((c) => c.path === name);
}

/** Runs every check on one environment. */
export function checkEnvironment(env: PreflightEnvironment, inv: Inventory, state: StateView): PreflightFinding[] {
  const out: PreflightFinding[] = [];
  const spec = env.spec;
  const dc = inv.datacenter;
  const server = spec.vsphere.server;
  const add = (
    rule: PreflightRuleId,
    subject: string,
    what: string,
    actual: string | number,
    expected: string | number,
    fix: string,
    severity: PreflightSeverity = "error",
    suppressionReason?: string,
  ) =>
    out.push({
      rule,
      severity: suppressionReason !== undefined ? "info" : severity,
      environment: env.name,
      subject,
      message: formatMessage(rule, subject, what, fix, { actual, limit: expected }),
      ...(suppressionReason !== undefined ? { suppressionReason } : {}),
    });
  const groupSubject = (names: readonly string[]) =>
    [...new Set(names)].map((n) => `${env.name}/${n}`).join(", ") || env.name;

  // preflight-version
  const actualVersion = inv.about.version;
  const actualMm = majorMinor(actualVersion) ?? actualVersion;
  const declared = spec.vsphere.version;
  if (declared === undefined) {
    add(
      "preflight-version",
      env.name,
      `vsphere.version is not set, so synth assumes 8.0 (the most permissive limits) while vCenter ${server} runs vSphere ${actualVersion}`,
      actualMm,
      "not set",
      `set vsphere.version: "${actualVersion}"`,
      "warning",
    );
  } else if (majorMinor(declared) !== actualMm) {
    add(
      "preflight-version",
      env.name,
      `vCenter ${server} runs vSphere ${actualVersion}, not ${declared} as vsphere.version says, so the synth rules judged another platform's limits`,
      actualMm,
      majorMinor(declared) ?? declared,
      `set vsphere.version: "${actualVersion}"`,
    );
  }

  // preflight-inventory: the datacenter first; nothing else can be looked at without it.
  if (!inv.datacenterFound) {
    const guess = didYouMean(dc, inv.datacenters);
    add(
      "preflight-inventory",
      env.name,
      `datacenter '${dc}' does not exist on vCenter ${server}`,
      "missing",
      "existing",
      guess
        ? `did you mean '${guess}'? If not, fix datacenter`
        : `fix datacenter${inv.datacenters.length ? ` (existing: ${list(inv.datacenters)})` : ""}`,
    );
    return sortFindings(out);
  }

  const missing = (
    kind: string,
    name: string,
    users: readonly string[],
    candidates: readonly string[],
    fix: string,
  ) => {
    const guess = didYouMean(name, candidates);
    add(
      "preflight-inventory",
      groupSubject(users.length ? users : [name]),
      `${kind} '${name}' does not exist in datacenter ${dc}`,
      "missing",
      "existing",
      guess
        ? `did you mean '${guess}'? If not, ${fix}`
        : `${fix}${candidates.length ? ` (existing: ${list(candidates, 5)})` : ""}`,
    );
  };
  /** Names a kind of object is referenced by, with the groups (and declarations) that use each. */
  const refs = (pairs: readonly [string | undefined, string | undefined][]) => {
    const m = new Map<string, string[]>();
    for (const [name, user] of pairs) {
      if (name === undefined) continue;
      const users = m.get(name) ?? [];
      if (user !== undefined && !users.includes(user)) users.push(user);
      m.set(name, users);
    }
    return m;
  };
  const groupField = (name: string, field: string) => {
    const i = spec.groups.findIndex((g) => g.name === name);
    return `groups[${i}].${field}`;
  };

  const clusterRefs = refs([
    ...Object.keys(spec.clusters).map((c): [string, undefined] => [c, undefined]),
    ...spec.groups.map((g): [string | undefined, string] => [g.cluster, g.name]),
  ]);
  for (const [name, users] of clusterRefs) {
    if (clusterNamed(inv, name)) continue;
    missing(
      "cluster",
      name,
      users,
      inv.clusters.map((c) => c.name),
      users.length
        ? `fix clusters.${name} and ${users.map((u) => groupField(u, "cluster")).join(", ")}`
        : `fix or remove clusters.${name}`,
    );
  }
  const poolPaths = inv.pools.map((p) => p.path);
  const poolNamed = (rp: string) => {
    const trimmed = rp.replace(/^\/+|\/+$/g, "");
    const byPath = inv.pools.find((p) => p.path === trimmed || `${dc}/host/${p.path}` === trimmed);
    if (byPath || trimmed.includes("/")) return byPath;
    const byName = inv.pools.filter((p) => p.name === trimmed);
    return byName.length === 1 ? byName[0] : undefined;
  };
  for (const [name, users] of refs(spec.groups.map((g) => [g.resourcePool, g.name]))) {
    if (poolNamed(name)) continue;
    missing(
      "resource pool",
      name,
      users,
      poolPaths,
      `create it, or change ${users.map((u) => groupField(u, "resourcePool")).join(", ")} (a path below the datacenter's host folder, e.g. CLUSTER/Resources)`,
    );
  }
  const datastoreNames = inv.datastores.map((d) => d.name);
  const datastoreRefs = refs([
    ...Object.keys(spec.datastores).map((d): [string, undefined] => [d, undefined]),
    ...spec.groups.map((g): [string | undefined, string] => [g.datastore, g.name]),
  ]);
  for (const [name, users] of datastoreRefs) {
    if (datastoreNames.includes(name)) continue;
    missing(
      "datastore",
      name,
      users,
      datastoreNames,
      users.length
        ? `fix datastores.${name} and ${users.map((u) => groupField(u, "datastore")).join(", ")}`
        : `fix or remove datastores.${name}`,
    );
  }
  for (const [name, users] of refs(spec.groups.map((g) => [g.datastoreCluster, g.name]))) {
    if (inv.datastoreClusters.includes(name)) continue;
    missing(
      "datastore cluster",
      name,
      users,
      inv.datastoreClusters,
      `fix ${users.map((u) => groupField(u, "datastoreCluster")).join(", ")}`,
    );
  }
  for (const [name, users] of refs(spec.groups.map((g) => [g.network, g.name]))) {
    if (inv.networks.includes(name)) continue;
    missing(
      "network",
      name,
      users,
      [...new Set(inv.networks)],
      `create the port group, or change ${users.map((u) => groupField(u, "network")).join(", ")}`,
    );
  }
  for (const [name, users] of refs(spec.groups.map((g) => [g.folder, g.name]))) {
    const rel = stripFolderPrefix(name, dc);
    if (inv.folders.includes(rel)) continue;
    missing(
      "folder",
      name,
      users,
      inv.folders,
      `${createFolder(dc, rel, inv.folders)}, or change ${users.map((u) => groupField(u, "folder")).join(", ")}`,
    );
  }

  // Bases: preflight-source, preflight-template, preflight-snapshot.
  const sources = new Map<string, VmInfo>();
  for (const [bname, b] of Object.entries(spec.bases)) {
    const subject = `${env.name}/${bname}`;
    const found = vmsNamed(inv, b.vm);
    if (found.length === 0) {
      const guess = didYouMean(
        b.vm,
        inv.vms.map((v) => (b.vm.includes("/") ? v.path : v.name)),
      );
      add(
        "preflight-source",
        subject,
        `source ${b.template ? "template" : "VM"} '${b.vm}' of base '${bname}' does not exist in datacenter ${dc}`,
        "missing",
        "existing",
        guess ? `did you mean '${guess}'? If not, fix bases.${bname}.vm` : `fix bases.${bname}.vm, or create the VM`,
      );
      continue;
    }
    if (found.length > 1) {
      add(
        "preflight-source",
        subject,
        `${found.length} VMs are named '${b.vm}' in datacenter ${dc} (${list(found.map((v) => `vm/${v.path}`))}), so the provider's lookup by name cannot pick the source`,
        `${found.length} VMs`,
        "1",
        `rename all but one, or give bases.${bname}.vm as a folder path (e.g. '${(found.find((v) => v.path.includes("/")) ?? found[0]).path}')`,
      );
      continue;
    }
    const vm = found[0];
    sources.set(bname, vm);
    if (b.template && vm.template === false) {
      add(
        "preflight-template",
        subject,
        `'${b.vm}' is a VM, not a template, but bases.${bname} says template: true`,
        "VM",
        "template",
        `set template: false and name its snapshot (linked clones come from a VM's snapshot), or mark it as a template (govc vm.markastemplate '${b.vm}')`,
      );
      continue;
    }
    if (!b.template && vm.template === true) {
      add(
        "preflight-template",
        subject,
        `'${b.vm}' is a template, but bases.${bname} says template: false (a VM whose snapshot clones come from), and a template has no snapshot to clone from`,
        "template",
        "VM",
        `set template: true (clones of a template are full copies), or turn it into a VM (govc vm.markasvm) and give it the snapshot`,
      );
      continue;
    }
    if (b.template) continue;
    checkSnapshot(env.name, bname, b.snapshot, b.manageSnapshot, vm, state, add);
  }

  // Clusters: preflight-cluster-hosts, preflight-ha.
  for (const [cname, c] of Object.entries(spec.clusters)) {
    const cluster = clusterNamed(inv, cname);
    if (!cluster) continue;
    const subject = `${env.name}/${cname}`;
    const actual = cluster.hosts;
    const hostsFix = (verb: string) =>
      actual.length <= 12
        ? `${verb} hosts: [${actual.join(", ")}]`
        : `${verb} its ${actual.length} hosts (npm run preflight -- ${env.name} --write-facts prints them)`;
    if (c.hosts === undefined) {
      add(
        "preflight-cluster-hosts",
        subject,
        `clusters.${cname}.hosts is not set, so synth cannot check how many hosts a chain spans; cluster '${cname}' has ${plural(actual.length, "host")}`,
        `${plural(actual.length, "host")}`,
        "not set",
        hostsFix("set"),
        "warning",
      );
    } else {
      const extra = actual.filter((h) => !c.hosts!.includes(h));
      const gone = c.hosts.filter((h) => !actual.includes(h));
      if (extra.length || gone.length) {
        const parts = [
          ...(extra.length ? [`has ${plural(extra.length, "host")} the file does not list (${list(extra)})`] : []),
          ...(gone.length ? [`lacks ${plural(gone.length, "host")} the file lists (${list(gone)})`] : []),
        ];
        add(
          "preflight-cluster-hosts",
          subject,
          `cluster '${cname}' ${parts.join(" and ")}, so the chain rules counted the wrong hosts`,
          `${plural(actual.length, "host")} in vCenter`,
          `${c.hosts.length} in clusters.${cname}.hosts`,
          hostsFix("list exactly its hosts:"),
        );
      }
    }
    if (c.haEnabled !== cluster.haEnabled) {
      add(
        "preflight-ha",
        subject,
        `HA is ${cluster.haEnabled ? "on" : "off"} in cluster '${cname}' but clusters.${cname}.haEnabled says ${c.haEnabled}, so the ha-cluster rule judged the wrong setting`,
        `haEnabled: ${cluster.haEnabled}`,
        `haEnabled: ${c.haEnabled}`,
        `set clusters.${cname}.haEnabled: ${cluster.haEnabled}, or turn HA ${c.haEnabled ? "on" : "off"} (govc cluster.change -ha-enabled=${c.haEnabled} '/${dc}/host/${cluster.path}')`,
      );
    }
  }

  // preflight-drs: a group confined with hosts relies on a DRS must-rule.
  const confined = new Map<string, string[]>();
  for (const g of spec.groups) {
    if (!g.hosts) continue;
    const cname = clusterNameOf(g, spec.clusters);
    if (cname === undefined) continue;
    confined.set(cname, [...(confined.get(cname) ?? []), g.name]);
  }
  for (const [cname, groups] of confined) {
    const cluster = clusterNamed(inv, cname);
    if (!cluster) continue;
    const them = groups.length === 1 ? `group '${groups[0]}' is` : `groups ${list(groups)} are`;
    const where = `'/${dc}/host/${cluster.path}'`;
    if (!cluster.drsEnabled) {
      add(
        "preflight-drs",
        groupSubject(groups),
        `${them} kept on ${groups.length === 1 ? "its" : "their"} hosts by a DRS VM-host must-rule, but DRS is off in cluster '${cname}', so nothing applies the rule`,
        "DRS off",
        "DRS on",
        `turn DRS on (govc cluster.change -drs-enabled=true ${where}), or remove hosts from the group`,
      );
    } else if (cluster.drsBehavior === "manual") {
      add(
        "preflight-drs",
        groupSubject(groups),
        `${them} kept on ${groups.length === 1 ? "its" : "their"} hosts by a DRS VM-host must-rule, but DRS is in manual mode in cluster '${cname}', so it only recommends placements and moves and nothing puts the clones on their hosts`,
        "DRS manual",
        "partiallyAutomated or fullyAutomated",
        `set DRS to fully automated (govc cluster.change -drs-mode=fullyAutomated ${where}), or remove hosts from the group`,
      );
    }
  }

  // Datastores: preflight-datastore-type, capacity (preflight-datastore-space).
  for (const [dname, d] of Object.entries(spec.datastores)) {
    const ds = inv.datastores.find((x) => x.name === dname);
    if (!ds) continue;
    const subject = `${env.name}/${dname}`;
    const actual = declarableType(ds.type, ds.vmfsMajorVersion);
    const shownActual =
      ds.type.toUpperCase() === "VMFS" && ds.vmfsMajorVersion !== undefined ? `VMFS ${ds.vmfsMajorVersion}` : ds.type;
    if (d.type === undefined) {
      if (actual !== undefined) {
        add(
          "preflight-datastore-type",
          subject,
          `datastores.${dname}.type is not set, so the rules use the version's VMFS defaults, but datastore '${dname}' is ${shownActual}`,
          actual,
          "not set",
          `set datastores.${dname}.type: ${actual}`,
          "warning",
        );
      }
    } else {
      const declaredVmfs = /^vmfs(\d)$/.exec(d.type);
      const sameVmfsFamily = declaredVmfs && ds.type.toUpperCase() === "VMFS";
      if (sameVmfsFamily && ds.vmfsMajorVersion !== undefined && ds.vmfsMajorVersion !== Number(declaredVmfs[1])) {
        add(
          "preflight-datastore-type",
          subject,
          `datastore '${dname}' is VMFS ${ds.vmfsMajorVersion} in vCenter, not VMFS ${declaredVmfs[1]} as datastores.${dname}.type says, so the chain-hosts rule used another host limit`,
          `vmfs${ds.vmfsMajorVersion}`,
          d.type,
          `set datastores.${dname}.type: vmfs${ds.vmfsMajorVersion}`,
        );
      } else if (!sameVmfsFamily && actual !== d.type) {
        add(
          "preflight-datastore-type",
          subject,
          `datastore '${dname}' is ${shownActual} in vCenter, not ${d.type} as datastores.${dname}.type says, so the chain-hosts rule used another host limit`,
          actual ?? ds.type,
          d.type,
          actual !== undefined
            ? `set datastores.${dname}.type: ${actual}`
            : `remove datastores.${dname}.type (${ds.type} has no type in the file; the version's VMFS defaults then apply), or check that the file names the right datastore`,
        );
      }
    }
    if (d.capacityGb !== undefined && ds.capacityBytes !== undefined && d.capacityGb > gib(ds.capacityBytes)) {
      add(
        "preflight-datastore-space",
        subject,
        `datastores.${dname}.capacityGb says ${d.capacityGb} GB but datastore '${dname}' holds ${gib(ds.capacityBytes)} GB, so the storage-estimate rule judged a larger datastore`,
        `${gib(ds.capacityBytes)} GB`,
        `${d.capacityGb} GB`,
        `set datastores.${dname}.capacityGb: ${gib(ds.capacityBytes)}`,
      );
    }
  }

  // preflight-datastore-space: free space for the clones' worst case.
  const clones = plannedClones(spec);
  const byDatastore = new Map<string, PlannedClone[]>();
  for (const c of clones) {
    const ds = spec.groups[c.groupIndex].datastore;
    if (ds === undefined) continue;
    byDatastore.set(ds, [...(byDatastore.get(ds) ?? []), c]);
  }
  const envSuppression = spec.suppress?.find((s) => s.rule === "storage-estimate");
  for (const [dname, onIt] of byDatastore) {
    const ds = inv.datastores.find((x) => x.name === dname);
    if (!ds || ds.freeBytes === undefined) continue;
    const perBase = new Map<string, number>();
    for (const c of onIt) {
      if (spec.bases[c.base]?.diskGb === undefined) continue;
      perBase.set(c.base, (perBase.get(c.base) ?? 0) + 1);
    }
    const need = [...perBase].reduce((n, [b, count]) => n + count * spec.bases[b].diskGb!, 0);
    const free = gib(ds.freeBytes);
    if (perBase.size === 0 || need <= free) continue;
    const groups = [...new Set(onIt.map((c) => c.group))];
    const groupReasons = groups.map(
      (g) => spec.groups.find((x) => x.name === g)?.suppress?.find((s) => s.rule === "storage-estimate")?.reason,
    );
    const reason =
      envSuppression?.reason ??
      (groupReasons.every((r) => r !== undefined) ? [...new Set(groupReasons)].join("; ") : undefined);
    const breakdown = [...perBase]
      .map(([b, count]) => `${plural(count, "clone")} x ${spec.bases[b].diskGb} GB of base '${b}'`)
      .join(" + ");
    add(
      "preflight-datastore-space",
      groupSubject(groups),
      `the clones on datastore '${dname}' may grow to ${need} GB (every delta disk as large as its base disk: ${breakdown}) but it has ${free} GB free`,
      `${need} GB`,
      `${free} GB free`,
      `free space on '${dname}', move groups to another datastore, or use nonpersistent disks and power-cycle the clones`,
      "error",
      reason !== undefined ? `storage-estimate: ${reason}` : undefined,
    );
  }

  // preflight-datastore-hosts: every host that may run a chain's clones sees its source VM's datastores.
  const hostByName = new Map(inv.hosts.map((h) => [h.name, h]));
  for (const bname of basesInUse(spec)) {
    const vm = sources.get(bname);
    if (!vm || spec.bases[bname]?.template) continue;
    const may: string[] = [];
    for (const g of spec.groups) {
      if (g.base !== bname && rolloutOf(g)?.from !== bname) continue;
      let hosts: readonly string[] = [];
      if (g.hosts) hosts = g.hosts;
      else if (g.cluster !== undefined) hosts = clusterNamed(inv, g.cluster)?.hosts ?? [];
      else if (g.resourcePool !== undefined) {
        const owner = poolNamed(g.resourcePool)?.owner;
        hosts = owner ? hostsOf(inv, owner) : [];
      }
      for (const h of hosts) if (hostByName.has(h) && !may.includes(h)) may.push(h);
    }
    for (const dsName of vm.datastores) {
      const ds = inv.datastores.find((d) => d.name === dsName);
      const blind = may.filter((h) => {
        const mount = ds?.mounts.find((m) => m.host === h);
        return (
          !hostByName.get(h)!.datastores.includes(dsName) || mount?.accessible === false || mount?.mounted === false
        );
      });
      if (!blind.length) continue;
      add(
        "preflight-datastore-hosts",
        `${env.name}/${bname}`,
        `${blind.length} of ${plural(may.length, "host")} that may run clones of base '${bname}' cannot see datastore '${dsName}', where its source VM '${vm.name}' keeps its disks: ${list(blind)}`,
        `seen by ${may.length - blind.length} of ${may.length}`,
        `all ${may.length}`,
        `mount '${dsName}' on ${blind.length === 1 ? "that host" : "those hosts"}, move '${vm.name}' to a datastore ${may.length === 1 ? "that host sees" : "all of them see"}, or confine the groups (hosts:) to hosts that see it`,
      );
    }
  }

  // preflight-vm-name: no VM outside this environment's state has a clone's name.
  const vmsByName = new Map<string, VmInfo[]>();
  for (const v of inv.vms) vmsByName.set(v.name, [...(vmsByName.get(v.name) ?? []), v]);
  const taken = clones.filter((c) => vmsByName.has(c.name));
  if (!state.known) {
    if (taken.length) {
      add(
        "preflight-vm-name",
        groupSubject(taken.map((c) => c.group)),
        `${plural(taken.length, "VM")} in datacenter ${dc} already ${taken.length === 1 ? "has a clone's name" : "have clones' names"} (${list(
          taken.map((c) => c.name),
          5,
        )}) and this environment's state cannot be read to tell whether ${taken.length === 1 ? "it is" : "they are"} its own: ${state.reason ?? "unknown state"}`,
        `${plural(taken.length, "VM")}`,
        "none outside the state",
        "pass --state FILE (from terraform state pull), or initialize the stack folder",
        "warning",
      );
    }
  } else {
    for (const c of taken) {
      const strangers = vmsByName.get(c.name)!.filter(
        (v) =>
          !state.vms.some((s) => {
            if (s.name !== c.name) return false;
            if (s.uuid && v.uuid) return s.uuid === v.uuid;
            if (s.moid) return s.moid === v.id;
            return true;
          }),
      );
      if (!strangers.length) continue;
      const g = spec.groups[c.groupIndex];
      add(
        "preflight-vm-name",
        `${env.name}/${c.group}`,
        `VM '${c.name}' already exists in datacenter ${dc} (${list(strangers.map((v) => `vm/${v.path}`))}) and is not in this environment's state (${state.source}), so the clone would clash with it`,
        `${plural(strangers.length, "VM")} named '${c.name}'`,
        "none outside the state",
        `rename or remove that VM, or change groups[${c.groupIndex}].${g.members !== undefined ? "members" : "namePattern"}`,
      );
    }
  }
  return sortFindings(out);
}

type Add = (
  rule: PreflightRuleId,
  subject: string,
  what: string,
  actual: string | number,
  expected: string | number,
  fix: string,
) => void;

/**
 * preflight-snapshot. The provider clones a VM from its current snapshot, which must be its only
 * root, without children (validateCloneSnapshots). With manageSnapshot this environment creates
 * that snapshot: before its first deploy the VM must have none; afterwards only the managed one,
 * which the state names by id.
 */
function checkSnapshot(
  envName: string,
  bname: string,
  snapshot: string | undefined,
  managed: boolean,
  vm: VmInfo,
  state: StateView,
  add: Add,
): void {
  const subject = `${envName}/${bname}`;
  const tree = describeSnapshots(vm);
  const problem = providerSnapshotProblem(vm);
  const root = vm.snapshots.length === 1 ? vm.snapshots[0] : undefined;
  const removeCmd = (names: readonly string[]) =>
    names.length === 1
      ? `govc snapshot.remove -vm '${vm.name}' '${names[0]}'`
      : `govc snapshot.remove -vm '${vm.name}' NAME, for each`;
  const snap = snapshot ?? "(no name)";

  if (!managed) {
    if (problem?.kind === "none") {
      add(
        "preflight-snapshot",
        subject,
        `source VM '${vm.name}' has no snapshot, but the provider clones a VM from its current snapshot ("${problem.says}")`,
        "no snapshot",
        `one snapshot '${snap}'`,
        `create it (govc snapshot.create -vm '${vm.name}' '${snap}'), or set bases.${bname}.manageSnapshot: true so this environment creates it`,
      );
    } else if (problem) {
      const others = allSnapshots(vm.snapshots)
        .filter((s) => s.name !== snapshot)
        .map((s) => s.name);
      add(
        "preflight-snapshot",
        subject,
        `source VM '${vm.name}' has a snapshot tree the provider refuses to clone from ("${problem.says}")`,
        tree,
        `one snapshot '${snap}', current`,
        problem.kind === "current"
          ? `make '${snap}' current (govc snapshot.revert -vm '${vm.name}' '${snap}')`
          : `keep only '${snap}' and delete the others (${removeCmd(others)})`,
      );
    } else if (snapshot !== undefined && root && root.name !== snapshot) {
      add(
        "preflight-snapshot",
        subject,
        `the provider clones source VM '${vm.name}' from its only snapshot, '${root.name}', not from '${snapshot}' as bases.${bname}.snapshot says`,
        `'${root.name}'`,
        `'${snapshot}'`,
        `set bases.${bname}.snapshot: '${root.name}', or give the VM the snapshot the file names`,
      );
    }
    return;
  }

  // manageSnapshot: true
  const inState = state.known ? state.snapshots.filter((s) => vm.uuid !== undefined && s.vmUuid === vm.uuid) : [];
  const clonesInState = state.known ? state.vms.filter((v) => vm.uuid !== undefined && v.templateUuid === vm.uuid) : [];
  if (vm.snapshots.length === 0) {
    if (inState.length === 0) return; // before the first deploy: as it should be
    const s = inState[0];
    add(
      "preflight-snapshot",
      subject,
      `the managed snapshot '${s.name}' (${s.id} in the state) is gone from source VM '${vm.name}', so its clones lost their base and the next deploy creates it again and replaces every clone`,
      "no snapshot",
      `'${s.name}' (${s.id})`,
      `run cdktf deploy ${envName} to recreate the snapshot and the clones`,
    );
    return;
  }
  if (!state.known) {
    if (!problem && root!.name === snapshot) return; // only the managed one: deployed
    add(
      "preflight-snapshot",
      subject,
      `source VM '${vm.name}' must hold no snapshot before this environment's first deploy and only the managed '${snap}' after it (the provider clones from its only snapshot)`,
      tree,
      `none, or only '${snap}'`,
      `delete the others (${removeCmd(
        allSnapshots(vm.snapshots)
          .filter((s) => s.name !== snapshot)
          .map((s) => s.name),
      )})`,
    );
    return;
  }
  if (inState.length === 0) {
    const what =
      clonesInState.length > 0
        ? `this environment's state has ${plural(clonesInState.length, "clone")} of source VM '${vm.name}' but no managed snapshot, so the next deploy creates '${snap}' next to the snapshot they use, and the provider then refuses the source ("virtual machine ${vm.name}'s root snapshot must not have children")`
        : `source VM '${vm.name}' already has snapshots before this environment's first deploy (manageSnapshot: true), so the apply adds '${snap}' below them, every clone then fails ("virtual machine ${vm.name}'s root snapshot must not have children"), and even cdktf destroy fails to read the source`;
    const fix =
      root && !problem && root.name === snapshot
        ? `this environment did not create '${snap}' (its state does not hold it): set bases.${bname}.manageSnapshot: false to clone from it as it is, or delete it (${removeCmd([snap])}) if nothing uses it`
        : root && !problem
          ? `set bases.${bname}.manageSnapshot: false and snapshot: '${root.name}' to clone from the snapshot that is there, or delete it (${removeCmd([root.name])}) if nothing uses it`
          : `delete them (govc snapshot.remove -vm '${vm.name}' '*') if nothing uses them, or clone from another source VM`;
    add("preflight-snapshot", subject, what, tree, "no snapshot before the first deploy", fix);
    return;
  }
  const ids = inState.map((s) => s.id);
  const stateName = inState[0].name;
  if (problem) {
    const others = allSnapshots(vm.snapshots)
      .filter((s) => !ids.includes(s.id))
      .map((s) => s.name);
    add(
      "preflight-snapshot",
      subject,
      problem.kind === "current"
        ? `the current snapshot of source VM '${vm.name}' is not the managed '${stateName}', so the provider refuses to clone from it ("${problem.says}")`
        : `source VM '${vm.name}' has more snapshots than the managed '${stateName}', so the provider refuses to clone from it ("${problem.says}") and even cdktf destroy fails to read it`,
      tree,
      `only '${stateName}'`,
      problem.kind === "current" || others.length === 0
        ? `make '${stateName}' current (govc snapshot.revert -vm '${vm.name}' '${stateName}')`
        : `delete ${list(others)} (${removeCmd(others)})`,
    );
    return;
  }
  if (ids.includes(root!.id)) return; // the managed snapshot, as the state knows it (a rename in the file replaces it)
  add(
    "preflight-snapshot",
    subject,
    root!.name === stateName || root!.name === snapshot
      ? `snapshot '${root!.name}' of source VM '${vm.name}' is not the one in this environment's state: it was re-created outside Terraform, which does not find its own and creates another, and the provider then refuses the source`
      : `the only snapshot of source VM '${vm.name}' is '${root!.name}', not the managed '${stateName}' that this environment's state holds`,
    `'${root!.name}' (${root!.id})`,
    `'${stateName}' (${ids.join(", ")})`,
    `delete '${root!.name}' if nothing uses it (${removeCmd([root!.name])}), then cdktf deploy ${envName} recreates the managed snapshot and the clones`,
  );
}
