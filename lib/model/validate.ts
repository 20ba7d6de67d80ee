/**
 * Checks of literal values, done once for both routes: the constructs throw with these
 * problems, and the environment-file loader reports them with the file and field path.
 * Pure functions over plain data; nothing here knows cdktf or YAML.
 */
import { closest, distance } from "fastest-levenshtein";
import { ipv4Problem, networkOf, parseIpv4, parseIpv4Range, formatIpv4, specialAddressProblem } from "./ipv4";
import { MAX_GENERATION, planMembers, type MemberSpec, type PlanProblem } from "./members";
import { duplicates, groupNameProblem } from "./names";
import { isVersion } from "./platform";
import { DATASTORE_TYPES, type GuestOs, type MemberModel } from "./types";

export type { PlanProblem as FieldProblem } from "./members";

/** The closest candidate to `word` when it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (!candidates.length) return undefined;
  const best = closest(word, candidates as string[]);
  const limit = Math.max(2, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/** NetBIOS names (Windows workgroups and computer names) hold at most 15 characters. */
export const MAX_NETBIOS_NAME = 15;
/** The highest Windows time-zone index (Microsoft's "Time Zone Index Values" for sysprep's TimeZone). */
export const MAX_WINDOWS_TIME_ZONE = 300;

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `domain` is not a DNS name (RFC 1123 labels, at most 253 characters); undefined when it is. */
export function dnsNameProblem(domain: string): string | undefined {
  if (domain.length > 253) return `is ${domain.length} characters long, over the 253 of a DNS name`;
  const labels = domain.replace(/\.$/, "").split(".");
  const bad = labels.find((l) => !DNS_LABEL.test(l));
  if (bad === undefined) return undefined;
  if (bad === "") return "has an empty label (two dots in a row, or a leading dot)";
  return `has the label '${bad}', which is not a DNS label (letters, digits and inner '-', at most 63 characters)`;
}

/** Why a vCenter server name is not a host name or address with an optional port; undefined when it is. */
export function serverProblem(server: string): string | undefined {
  const s = server.trim();
  if (s === "") return "is empty; name the vCenter server, e.g. vcenter.example.com";
  const url = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(s);
  if (url) {
    const host = url[2].replace(/^[^@]*@/, "");
    return `'${s.replace(/\/\/[^/@]*@/, "//***@")}' is a URL; write only the host name${host ? ` ('${host}')` : ""}: the provider adds https:// and /sdk itself`;
  }
  if (s.includes("/"))
    return `'${s}' holds a path; write only the host name (and :port), the provider adds /sdk itself`;
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+)(:(\d+))?$/.exec(s);
  if (!m) return `'${s}' is not a host name or address with an optional :port`;
  if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) return `port ${m[3]} is out of range 1-65535`;
  const host = m[1];
  if (!host.startsWith("[") && !/^\d+(\.\d+){3}$/.test(host)) {
    const problem = dnsNameProblem(host);
    if (problem) return `host name '${host}' ${problem}`;
  }
  return undefined;
}

/** Why a VM folder path is not relative to the datacenter's VM folder; undefined when it is fine. */
export function folderProblem(folder: string): string | undefined {
  if (folder.trim() === "") return "is empty; name the folder relative to the datacenter's VM folder, e.g. labs/web";
  if (folder.startsWith("/")) {
    // Up to the first `vm` segment: a datacenter may sit in a folder (`/Labs/DC1/vm/web`).
    const rest = folder.replace(/^\/(?:[^/]+\/)+?vm\//, "");
    return `'${folder}' is absolute; write it relative to the datacenter's VM folder, e.g. '${rest === folder ? folder.replace(/^\/+/, "") : rest}'`;
  }
  const segments = folder.replace(/\/+$/, "").split("/");
  if (segments.some((s) => s.trim() === ""))
    return `'${folder}' has an empty path segment ('//'); write it like labs/web`;
  const dots = pathSegmentProblem(folder);
  if (dots) return `'${folder}' ${dots}; write the path itself, like labs/web`;
  return undefined;
}

/** Why an inventory path has a `.` or `..` segment (vCenter paths have no such thing); undefined when it has none. */
function pathSegmentProblem(p: string): string | undefined {
  const bad = p.split("/").find((s) => s === "." || s === "..");
  return bad === undefined ? undefined : `has a '${bad}' segment, which inventory paths do not have`;
}

/**
 * The cluster (or standalone host) a resource pool is in, as a path below the datacenter's host
 * folder: what comes before its root pool `Resources` (`C0` of `C0/Resources/students`,
 * `Rack 1/C0` of `Rack 1/C0/Resources`), else its first segment; for an absolute inventory path
 * (`/DC0/host/C0/Resources`), the same after `host`. Undefined for an absolute path outside a host
 * folder.
 */
export function poolCluster(pool: string): string | undefined {
  let rel = pool.replace(/\/+$/, "");
  if (rel.startsWith("/")) {
    const m = /\/host\/(.+)$/.exec(rel);
    if (!m) return undefined;
    rel = m[1];
  }
  const segments = rel.split("/");
  const root = segments.indexOf("Resources");
  return root > 0 ? segments.slice(0, root).join("/") : segments[0];
}

/** Why a resource pool path is not `<cluster or host>/Resources[/pool...]` (relative, or absolute below a host folder). */
export function resourcePoolProblem(pool: string): string | undefined {
  if (pool.startsWith("/") && poolCluster(pool) === undefined) {
    return `'${pool}' is absolute but not below a datacenter's host folder; write it relative to the datacenter's host folder, e.g. 'C0/Resources', or as /<datacenter>/host/<cluster>/Resources`;
  }
  const inner = pool.replace(/^\//, "").replace(/\/+$/, "");
  if (inner.split("/").some((s) => s.trim() === ""))
    return `'${pool}' has an empty path segment; write it like DC0_C0/Resources`;
  const dots = pathSegmentProblem(pool);
  if (dots) return `'${pool}' ${dots}; write the path itself, like DC0_C0/Resources`;
  return undefined;
}

function wholeNumberProblem(value: number, min: number, what: string, max?: number): string | undefined {
  if (!Number.isInteger(value)) return `is ${value}; use a whole number (${what})`;
  if (value < min) return `is ${value}; use ${min} or more (${what})`;
  if (max !== undefined && value > max) return `is ${value}; use at most ${max} (${what})`;
  return undefined;
}

/** Static IPv4 addressing of a group, as given. */
export interface StaticIpv4Input {
  readonly range: string;
  readonly prefixLength: number;
  readonly gateway: string;
}

/** What a group's checks need to know about one of its bases. */
export interface BaseFacts {
  readonly name: string;
  /** Undefined when it is not known (its declaration has a problem of its own): the checks that need it are skipped. */
  readonly guestOs: GuestOs | undefined;
}

/** A group's literal values, from props or from an environment file. Tokens are left out. */
export interface GroupInput {
  readonly name: string;
  readonly base: BaseFacts;
  readonly cluster?: string;
  readonly resourcePool?: string;
  readonly datastore?: string;
  readonly datastoreCluster?: string;
  readonly hosts?: readonly string[];
  readonly folder?: string;
  readonly count?: number;
  readonly namePattern?: string;
  readonly members?: readonly (string | MemberSpec)[];
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly waitForGuestNetMinutes?: number;
  readonly customization?: {
    readonly domain?: string;
    readonly ipv4?: "dhcp" | StaticIpv4Input;
    readonly dnsServers?: readonly string[];
    readonly windows?: { readonly workgroup?: string; readonly timeZone?: number };
  };
  readonly generation?: number;
  readonly rollout?: { readonly from: BaseFacts; readonly moved: number };
  /** Declared clusters and their hosts (undefined when a cluster's hosts are not declared). */
  readonly clusters: Readonly<Record<string, { readonly hosts?: readonly string[] }>>;
}

export interface GroupCheck {
  readonly members: readonly MemberModel[];
  /** Problems with the field path relative to the group ("" for the group itself). */
  readonly problems: readonly PlanProblem[];
}

/**
 * The cluster a group is placed in: its `cluster`, or the cluster of its resource pool
 * (`poolCluster`). With the declared clusters, a pool path through host folders
 * (`Rack 1/C0/Resources`) finds a cluster declared by its name alone (`C0`).
 */
export function clusterNameOf(
  g: { cluster?: string; resourcePool?: string },
  declared?: Readonly<Record<string, unknown>>,
): string | undefined {
  if (g.cluster !== undefined) return g.cluster;
  const path = g.resourcePool !== undefined ? poolCluster(g.resourcePool) : undefined;
  if (path === undefined || !declared || Object.hasOwn(declared, path)) return path;
  const last = path.split("/").pop()!;
  return Object.hasOwn(declared, last) ? last : path;
}

/** Every check of a group's literal values, and its members. */
export function checkGroup(g: GroupInput): GroupCheck {
  const problems: PlanProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  const nameProblem = groupNameProblem(g.name);
  if (nameProblem) add("name", nameProblem);
  if ((g.cluster === undefined) === (g.resourcePool === undefined)) {
    add(
      "",
      g.cluster === undefined
        ? "has neither cluster nor resourcePool; set one of them to place the clones"
        : "has both cluster and resourcePool; set only one",
    );
  }
  if ((g.datastore === undefined) === (g.datastoreCluster === undefined)) {
    add(
      "",
      g.datastore === undefined
        ? "has neither datastore nor datastoreCluster; set datastore for the clones' disks"
        : "has both datastore and datastoreCluster; set only one",
    );
  }
  if (g.folder !== undefined) {
    const p = folderProblem(g.folder);
    if (p) add("folder", `folder ${p}`);
  }
  const poolProblem = g.resourcePool !== undefined ? resourcePoolProblem(g.resourcePool) : undefined;
  if (poolProblem) add("resourcePool", `resourcePool ${poolProblem}`);
  if (!poolProblem) checkHosts(g, add);
  for (const [field, value, min, what, max] of [
    ["cpus", g.cpus, 1, "virtual CPUs", 768],
    ["memoryMb", g.memoryMb, 4, "memory in MB", 24 * 1024 * 1024],
    ["waitForGuestNetMinutes", g.waitForGuestNetMinutes, 0, "minutes; 0 = don't wait", 1440],
    ["generation", g.generation, 0, "raise it by 1 to refresh every member", MAX_GENERATION],
  ] as const) {
    if (value === undefined) continue;
    const p = wholeNumberProblem(value, min, what, max);
    if (p) add(field, `${field} ${p}`);
  }
  if (g.memoryMb !== undefined && Number.isInteger(g.memoryMb) && g.memoryMb >= 4 && g.memoryMb % 4 !== 0) {
    const down = g.memoryMb - (g.memoryMb % 4);
    add(
      "memoryMb",
      `memoryMb is ${g.memoryMb}, not a multiple of 4, which vSphere refuses; use ${down} or ${down + 4}`,
    );
  }
  const staticIp = checkCustomization(g, add);
  (g.members ?? []).forEach((m, j) => {
    if (typeof m !== "string" && m.ipv4 !== undefined && !staticIp) {
      add(
        `members[${j}].ipv4`,
        "is given but the group has no static customization.ipv4 range, so it would be ignored; set customization.ipv4 to {range, prefixLength, gateway}, or drop the address",
      );
    }
  });
  if (g.rollout && g.rollout.from.name === g.base.name) {
    add(
      "rollout.from",
      `rollout.from names the group's own base '${g.base.name}'; name the old base the group moves from, or delete rollout`,
    );
  } else if (
    g.rollout &&
    g.customization &&
    g.rollout.from.guestOs !== undefined &&
    g.base.guestOs !== undefined &&
    g.rollout.from.guestOs !== g.base.guestOs
  ) {
    // One group has one clone.customize block: linux_options or windows_options for every member.
    add(
      "rollout.from",
      `rollout from base '${g.rollout.from.name}' (${g.rollout.from.guestOs}) to base '${g.base.name}' (${g.base.guestOs}) changes the guest customization of every member, so the members that stay on '${g.rollout.from.name}' would be replaced too and customized as the other OS; roll only between bases of one guestOs, or move to the other OS with a new group (add it, then lower the old group's count)`,
    );
  }
  const plan = planMembers({
    group: g.name,
    base: g.base.name,
    ...(g.count !== undefined ? { count: g.count } : {}),
    ...(g.namePattern !== undefined ? { namePattern: g.namePattern } : {}),
    ...(g.members !== undefined ? { members: g.members } : {}),
    ...(staticIp && !problems.some((p) => p.field.startsWith("customization.ipv4")) ? { range: staticIp.range } : {}),
    ...(g.rollout ? { rollout: { from: g.rollout.from.name, moved: g.rollout.moved } } : {}),
  });
  problems.push(...plan.problems);
  return { members: plan.members, problems };
}

function checkHosts(g: GroupInput, add: (field: string, message: string) => void): void {
  if (g.hosts === undefined) return;
  if (g.hosts.length === 0) {
    add("hosts", "hosts is empty; list the hosts to confine the clones to, or leave hosts out");
    return;
  }
  const twice = duplicates(g.hosts);
  for (const h of twice) add(`hosts[${g.hosts.lastIndexOf(h)}]`, `host '${h}' is listed twice; list each host once`);
  const clusterName = clusterNameOf(g, g.clusters);
  const cluster =
    clusterName !== undefined && Object.hasOwn(g.clusters, clusterName) ? g.clusters[clusterName] : undefined;
  if (!cluster) {
    add(
      "hosts",
      g.cluster !== undefined
        ? `hosts need the facts of cluster '${g.cluster}' to confine the group in; declare the cluster with its hosts`
        : `hosts need a cluster to confine the group in, but resource pool '${g.resourcePool}' is not in a declared cluster; declare cluster '${clusterName}' with its hosts, or place the group with cluster`,
    );
    return;
  }
  if (!cluster.hosts) {
    add("hosts", `cluster '${clusterName}' declares no hosts; list them under clusters.${clusterName}.hosts`);
    return;
  }
  g.hosts.forEach((h, j) => {
    if (cluster.hosts!.includes(h)) return;
    const guess = didYouMean(h, cluster.hosts!);
    add(
      `hosts[${j}]`,
      `host '${h}' is not in cluster '${clusterName}'; ${guess ? `did you mean '${guess}'?` : `use one of: ${cluster.hosts!.join(", ")}`}`,
    );
  });
}

/** Checks customization; returns the static addressing when it is usable. */
function checkCustomization(g: GroupInput, add: (field: string, message: string) => void): StaticIpv4Input | undefined {
  const c = g.customization;
  if (!c) return undefined;
  if (c.domain !== undefined) {
    const p = dnsNameProblem(c.domain);
    if (p) add("customization.domain", `domain '${c.domain}' ${p}; write a DNS name such as lab.example.com`);
  }
  (c.dnsServers ?? []).forEach((d, k) => {
    const p = ipv4Problem(d);
    if (p) add(`customization.dnsServers[${k}]`, `DNS server '${d}': ${p}; write it as a.b.c.d`);
    const special = p ? undefined : specialAddressProblem(d, { loopback: true });
    if (special) add(`customization.dnsServers[${k}]`, `DNS server ${d} ${special}; give the DNS server's own address`);
  });
  if (c.windows !== undefined && g.base.guestOs === "linux") {
    add(
      "customization.windows",
      `customization.windows is set but base '${g.base.name}' is a Linux guest, so it would be ignored; set guestOs: windows on the base, or remove customization.windows`,
    );
  }
  const wg = c.windows?.workgroup;
  if (wg !== undefined && wg.length > MAX_NETBIOS_NAME) {
    add(
      "customization.windows.workgroup",
      `workgroup '${wg}' has ${wg.length} characters; Windows workgroup names hold at most ${MAX_NETBIOS_NAME}`,
    );
  }
  if (wg !== undefined && /[\\/:*?"<>|]/.test(wg)) {
    add(
      "customization.windows.workgroup",
      `workgroup '${wg}' holds '${/[\\/:*?"<>|]/.exec(wg)![0]}', which a NetBIOS name may not hold (none of \\ / : * ? " < > |); use letters, digits and '-'`,
    );
  }
  const tz = c.windows?.timeZone;
  if (tz !== undefined && !Number.isInteger(tz)) {
    add("customization.windows.timeZone", `timeZone is ${tz}; give the Windows time-zone index, a whole number`);
  } else if (tz !== undefined && !windowsTimeZoneIndex(tz)) {
    const signed = tz >= 2 ** 31 && tz < 2 ** 32 ? tz - 2 ** 32 : undefined;
    add(
      "customization.windows.timeZone",
      signed !== undefined && windowsTimeZoneIndex(signed)
        ? `timeZone ${tz} is a zone code written unsigned; vSphere takes it as a signed 32-bit number: timeZone: ${signed}`
        : `timeZone ${tz} is not a Windows time-zone index (Microsoft's table: 0 to ${MAX_WINDOWS_TIME_ZONE}, and codes from 0x80000000 written signed, e.g. -2147483568 for UTC); use the index of the zone, e.g. 85 for GMT Standard Time, 110 for W. Europe Standard Time, 35 for Eastern Standard Time`,
    );
  }
  const ip = c.ipv4 === undefined || c.ipv4 === "dhcp" ? undefined : c.ipv4;
  if (!ip) return undefined;
  let usable = true;
  const prefixProblem = wholeNumberProblem(ip.prefixLength, 1, "prefix length, e.g. 24", 32);
  if (prefixProblem) {
    add("customization.ipv4.prefixLength", `prefixLength ${prefixProblem}`);
    usable = false;
  }
  const gatewayProblem = ipv4Problem(ip.gateway);
  if (gatewayProblem) {
    add("customization.ipv4.gateway", `gateway '${ip.gateway}': ${gatewayProblem}; write it as a.b.c.d`);
    usable = false;
  } else if (specialAddressProblem(ip.gateway)) {
    add(
      "customization.ipv4.gateway",
      `gateway ${ip.gateway} ${specialAddressProblem(ip.gateway)}; give the router's address on the clones' network`,
    );
    usable = false;
  }
  const range = parseIpv4Range(ip.range);
  if (usable && range) {
    const net = networkOf(range.first, ip.prefixLength);
    const cidr = `${formatIpv4(net.network)}/${ip.prefixLength}`;
    const gateway = parseIpv4(ip.gateway)!;
    if (range.last > net.broadcast) {
      add(
        "customization.ipv4.range",
        `range ${ip.range} spans more than the network ${cidr}; ${hostsAdvice(net, gateway, cidr)}`,
      );
    }
    if (gateway < net.network || gateway > net.broadcast) {
      add(
        "customization.ipv4.gateway",
        `gateway ${ip.gateway} is outside the range's network ${cidr}; use a host address of ${cidr}, or fix prefixLength or the range`,
      );
    } else if (ip.prefixLength <= 30 && (gateway === net.network || gateway === net.broadcast)) {
      add(
        "customization.ipv4.gateway",
        `gateway ${ip.gateway} is the ${gateway === net.network ? "network" : "broadcast"} address of ${cidr}, not a host address; use the router's address, e.g. ${formatIpv4(net.network + 1)}`,
      );
    }
  }
  return ip;
}

/** Where a range may lie in a network: its host addresses, without the gateway; else a prefix to fix. */
function hostsAdvice(net: { network: number; broadcast: number }, gateway: number, cidr: string): string {
  let first = net.network + 1;
  let last = net.broadcast - 1;
  if (gateway === first) first++;
  if (gateway === last) last--;
  if (last - first < 0) {
    return `${cidr} has no host addresses for clones; fix prefixLength to the network's (e.g. 24)`;
  }
  const inside = gateway > first && gateway < last ? ` leaving out the gateway ${formatIpv4(gateway)}` : "";
  return `keep it within ${formatIpv4(first)}-${formatIpv4(last)}${inside}, or fix prefixLength`;
}

/**
 * A Windows time-zone index as sysprep and vSphere take it: 0 to 300, or one of the later codes
 * 0x80000000 to 0x800000FF (UTC is 0x80000050) as vSphere's signed 32-bit int, -2147483648 to -2147483393.
 */
function windowsTimeZoneIndex(tz: number): boolean {
  return (tz >= 0 && tz <= MAX_WINDOWS_TIME_ZONE) || (tz >= -(2 ** 31) && tz <= -(2 ** 31) + 0xff);
}

/** What a base's checks need. */
export interface BaseInput {
  readonly vm: string;
  readonly snapshot?: string;
  readonly manageSnapshot?: boolean;
  readonly template?: boolean;
  readonly diskGb?: number;
}

/** Checks of a base's literal values, with field paths relative to the base. */
export function checkBase(b: BaseInput): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (b.vm.trim() === "") problems.push({ field: "vm", message: "vm is empty; name the source VM or template" });
  if (b.snapshot !== undefined && b.snapshot.trim() === "") {
    problems.push({ field: "snapshot", message: "snapshot is empty; name the snapshot clones come from" });
  }
  if (b.manageSnapshot && b.snapshot === undefined && !b.template) {
    problems.push({
      field: "snapshot",
      message: "is missing; manageSnapshot needs the name of the snapshot to create",
    });
  }
  if (b.diskGb !== undefined && !(b.diskGb > 0)) {
    problems.push({ field: "diskGb", message: `diskGb is ${b.diskGb}; give the base disk's size in GB, more than 0` });
  }
  return problems;
}

/** What an inventory's checks need. */
export interface InventoryInput {
  /** The datacenter's name, or its path below the root folder (`Labs/DC1`). */
  readonly datacenter?: string;
  readonly version?: string;
  readonly clusters: Readonly<Record<string, { readonly hosts?: readonly string[]; readonly haEnabled?: boolean }>>;
  readonly datastores: Readonly<Record<string, { readonly type?: string; readonly capacityGb?: number }>>;
}

/** Checks of an inventory's facts, with field paths relative to the environment (version, clusters.X.hosts[1]). */
export function checkInventory(inv: InventoryInput): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const dc = inv.datacenter;
  if (dc !== undefined && (dc.startsWith("/") || dc.endsWith("/") || pathSegmentProblem(dc))) {
    problems.push({
      field: "datacenter",
      message: `datacenter '${dc}' ${pathSegmentProblem(dc) ?? "starts or ends with '/'"}; write the datacenter's name (or its folder path below the root, like Labs/DC1) without a leading or trailing '/', e.g. '${dc
        .split("/")
        .filter((x) => x !== "" && x !== "." && x !== "..")
        .join("/")}'`,
    });
  }
  if (inv.version !== undefined && !isVersion(inv.version)) {
    problems.push({
      field: "vsphere.version",
      message: `version '${inv.version}' is not a vSphere version; write it like "8.0", "6.7" or "7.0.3" (an update suffix such as "8.0U3" is allowed)`,
    });
  }
  const owner = new Map<string, string>();
  for (const [name, c] of Object.entries(inv.clusters)) {
    const hosts = c.hosts ?? [];
    for (const h of duplicates(hosts)) {
      problems.push({
        field: `clusters.${name}.hosts[${hosts.lastIndexOf(h)}]`,
        message: `host '${h}' is listed twice in cluster '${name}'; list each host once`,
      });
    }
    hosts.forEach((h, j) => {
      const other = owner.get(h);
      if (other !== undefined && other !== name) {
        problems.push({
          field: `clusters.${name}.hosts[${j}]`,
          message: `host '${h}' is listed in clusters '${other}' and '${name}'; a host belongs to one cluster: remove it from one`,
        });
      } else owner.set(h, name);
    });
  }
  for (const [name, d] of Object.entries(inv.datastores)) {
    if (d.type !== undefined && !(DATASTORE_TYPES as readonly string[]).includes(d.type)) {
      const guess = didYouMean(d.type, DATASTORE_TYPES);
      problems.push({
        field: `datastores.${name}.type`,
        message: `datastore type '${d.type}' is not one of ${DATASTORE_TYPES.join(", ")}${guess ? `; did you mean '${guess}'?` : ""}`,
      });
    }
    if (d.capacityGb !== undefined && !(d.capacityGb > 0)) {
      problems.push({
        field: `datastores.${name}.capacityGb`,
        message: `capacityGb is ${d.capacityGb}; use more than 0`,
      });
    }
  }
  return problems;
}

/** Checks rule-limit overrides: whole numbers of 1 or more (field paths `limits.<name>`). */
export function checkLimits(limits: Readonly<Record<string, number | undefined>>): PlanProblem[] {
  return Object.entries(limits)
    .filter(([, value]) => value !== undefined && (!Number.isInteger(value) || value < 1))
    .map(([name, value]) => ({
      field: `limits.${name}`,
      message: `limits.${name} is ${String(value)}; use a whole number of 1 or more`,
    }));
}
