/**
 * What preflight knows about one datacenter of a vCenter: a plain snapshot built from govc's
 * JSON output (`govc about -json`, `govc object.collect -json ...`). Parsing is pure, so the
 * checks can be tested on recorded govc output without a vCenter.
 */

/** A managed object reference as govc prints it. */
export interface MoRef {
  readonly type: string;
  readonly value: string;
}

/** One snapshot of a VM's snapshot tree. */
export interface SnapshotNode {
  /** Managed object id, e.g. `snapshot-81` (what the provider stores as the snapshot resource's id). */
  readonly id: string;
  readonly name: string;
  readonly children: readonly SnapshotNode[];
}

export interface VmInfo {
  readonly id: string;
  readonly name: string;
  /** Path below the datacenter's VM folder, e.g. `labs/web/web-01`; the name alone at the top. */
  readonly path: string;
  /** `config.template`; undefined when vCenter did not report it. */
  readonly template?: boolean;
  /** `config.uuid` (the provider's `uuid` and the snapshot resource's `virtual_machine_uuid`). */
  readonly uuid?: string;
  readonly snapshots: readonly SnapshotNode[];
  /** Id of the current snapshot, when there is one. */
  readonly currentSnapshot?: string;
  /** Names of the datastores the VM's files and disks are on. */
  readonly datastores: readonly string[];
}

export interface ClusterInfo {
  readonly id: string;
  readonly name: string;
  /** Path below the datacenter's host folder. */
  readonly path: string;
  /** Names of the cluster's hosts. */
  readonly hosts: readonly string[];
  readonly haEnabled: boolean;
  readonly drsEnabled: boolean;
  /** `drsConfig.defaultVmBehavior`: manual, partiallyAutomated or fullyAutomated. */
  readonly drsBehavior: string;
}

export interface HostInfo {
  readonly id: string;
  readonly name: string;
  /** Id of the compute resource (cluster or standalone host) the host belongs to. */
  readonly computeResource?: string;
  /** Names of the datastores the host has mounted. */
  readonly datastores: readonly string[];
}

export interface DatastoreMount {
  readonly host: string;
  readonly mounted?: boolean;
  readonly accessible?: boolean;
}

export interface DatastoreInfo {
  readonly id: string;
  readonly name: string;
  /** `summary.type`: VMFS, NFS, NFS41, CIFS, vsan, VVOL, PMEM, OTHER. */
  readonly type: string;
  /** `info.vmfs.majorVersion` of a VMFS datastore. */
  readonly vmfsMajorVersion?: number;
  readonly capacityBytes?: number;
  readonly freeBytes?: number;
  readonly accessible?: boolean;
  /** Per-host mount state, where vCenter reports it (`host` property). */
  readonly mounts: readonly DatastoreMount[];
}

export interface PoolInfo {
  readonly id: string;
  readonly name: string;
  /** Path below the datacenter's host folder, e.g. `DC0_C0/Resources`. */
  readonly path: string;
  /** Id of the compute resource (cluster or standalone host) that owns the pool. */
  readonly owner?: string;
}

export interface AboutInfo {
  /** e.g. `8.0.3` */
  readonly version: string;
  readonly build?: string;
  readonly fullName?: string;
  /** `VirtualCenter` or `HostAgent` */
  readonly apiType?: string;
}

export interface Inventory {
  readonly about: AboutInfo;
  /** The datacenter the environment names. */
  readonly datacenter: string;
  readonly datacenterFound: boolean;
  /** Names of every datacenter of the vCenter, for did-you-mean. */
  readonly datacenters: readonly string[];
  readonly vms: readonly VmInfo[];
  readonly clusters: readonly ClusterInfo[];
  readonly hosts: readonly HostInfo[];
  readonly datastores: readonly DatastoreInfo[];
  /** Datastore clusters (storage pods), by name. */
  readonly datastoreClusters: readonly string[];
  /** Networks, distributed port groups and opaque networks, by name. */
  readonly networks: readonly string[];
  readonly pools: readonly PoolInfo[];
  /** VM folders, as paths below the datacenter's VM folder (`labs/web`). */
  readonly folders: readonly string[];
  /** Compute resources (clusters and standalone hosts): id to name. */
  readonly computeResources: Readonly<Record<string, string>>;
}

/** govc's output for one datacenter, as text: what `gather` runs and the tests record. */
export interface GovcOutputs {
  /** `govc about -json` */
  readonly about: string;
  /** `govc object.collect -json -type d / name` */
  readonly datacenters: string;
  /** `govc object.collect -json -type ManagedEntity <dc> name parent` */
  readonly entities?: string;
  /** `govc object.collect -json -type m <dc> name config.template config.uuid snapshot datastore` */
  readonly vms?: string;
  /** `govc object.collect -json -type c <dc> name host configurationEx` */
  readonly clusters?: string;
  /** `govc object.collect -json -type h <dc> name datastore parent` */
  readonly hosts?: string;
  /** `govc object.collect -json -type s <dc> name summary info host` */
  readonly datastores?: string;
}

/** The govc arguments behind each of `GovcOutputs`' fields; `<dc>` is the datacenter's reference. */
export function govcQueries(
  datacenterRef: string,
): Record<Exclude<keyof GovcOutputs, "about" | "datacenters">, string[]> {
  const collect = (type: string, ...props: string[]) => [
    "object.collect",
    "-json",
    "-type",
    type,
    datacenterRef,
    ...props,
  ];
  return {
    entities: collect("ManagedEntity", "name", "parent"),
    vms: collect("m", "name", "config.template", "config.uuid", "snapshot", "datastore"),
    clusters: collect("c", "name", "host", "configurationEx"),
    hosts: collect("h", "name", "datastore", "parent"),
    datastores: collect("s", "name", "summary", "info", "host"),
  };
}
export const ABOUT_QUERY = ["about", "-json"];
export const DATACENTERS_QUERY = ["object.collect", "-json", "-type", "d", "/", "name"];

/** One object of `govc object.collect -json`: its reference and the properties asked for. */
export interface CollectedObject {
  readonly ref: MoRef;
  readonly props: Readonly<Record<string, unknown>>;
}

/**
 * Splits text holding several JSON values one after the other (what `govc object.collect
 * -json` prints: one update per object) into those values.
 */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') {
        inString = false;
        if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      if (depth === 0) start = i;
    } else if (c === "{" || c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) {
        values.push(JSON.parse(text.slice(start, i + 1)));
        start = -1;
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      // A bare scalar at the top level (govc -s output, say): up to the next space.
      let j = i;
      while (j < text.length && !/\s/.test(text[j])) j++;
      values.push(JSON.parse(text.slice(i, j)));
      i = j - 1;
    }
  }
  if (depth !== 0 || inString) throw new Error("govc printed incomplete JSON");
  return values;
}

/** govc wraps arrays of the vSphere API as `{"_value": [...]}`; this unwraps them. */
function unwrap(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v) && "_value" in v) return (v as { _value: unknown })._value;
  return v;
}

/** The objects of `govc object.collect -json` output. */
export function parseCollect(text: string): CollectedObject[] {
  const out: CollectedObject[] = [];
  for (const value of parseJsonStream(text)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      const update = item as { obj?: MoRef; changeSet?: { name: string; val?: unknown }[] };
      if (!update?.obj?.type) continue;
      const props: Record<string, unknown> = {};
      for (const c of update.changeSet ?? []) props[c.name] = unwrap(c.val);
      out.push({ ref: { type: update.obj.type, value: update.obj.value }, props });
    }
  }
  return out;
}

const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asNumber = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const asBool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const asRef = (v: unknown): MoRef | undefined =>
  v && typeof v === "object" && typeof (v as MoRef).value === "string" ? (v as MoRef) : undefined;
const asRefs = (v: unknown): MoRef[] => (Array.isArray(v) ? v.map(asRef).filter((r): r is MoRef => !!r) : []);
const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function parseAbout(text: string): AboutInfo {
  const about = asObject(asObject(JSON.parse(text)).about);
  const version = asString(about.version);
  if (!version) throw new Error("govc about printed no version");
  return {
    version,
    ...(asString(about.build) ? { build: asString(about.build) } : {}),
    ...(asString(about.fullName) ? { fullName: asString(about.fullName) } : {}),
    ...(asString(about.apiType) ? { apiType: asString(about.apiType) } : {}),
  };
}

/** Datacenters of `govc object.collect -json -type d / name`: name and reference. */
export function parseDatacenters(text: string): { name: string; ref: MoRef }[] {
  return parseCollect(text)
    .filter((o) => o.ref.type === "Datacenter")
    .map((o) => ({ name: asString(o.props.name) ?? o.ref.value, ref: o.ref }));
}

/** The datacenter a name or path (`/Folder/DC0`) refers to. */
export function findDatacenter(
  name: string,
  datacenters: readonly { name: string; ref: MoRef }[],
): { name: string; ref: MoRef } | undefined {
  return (
    datacenters.find((d) => d.name === name) ??
    (name.includes("/") ? datacenters.find((d) => d.name === name.split("/").filter(Boolean).pop()) : undefined)
  );
}

function snapshotTree(list: unknown): SnapshotNode[] {
  if (!Array.isArray(list)) return [];
  return list.map((s) => {
    const o = asObject(s);
    return {
      id: asRef(o.snapshot)?.value ?? "",
      name: asString(o.name) ?? "",
      children: snapshotTree(unwrap(o.childSnapshotList)),
    };
  });
}

interface Entity {
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
}

/** Builds the inventory of one datacenter from govc's output. */
export function buildInventory(datacenter: string, raw: GovcOutputs): Inventory {
  const about = parseAbout(raw.about);
  const dcs = parseDatacenters(raw.datacenters);
  const dc = findDatacenter(datacenter, dcs);
  const empty: Inventory = {
    about,
    datacenter,
    datacenterFound: false,
    datacenters: dcs.map((d) => d.name),
    vms: [],
    clusters: [],
    hosts: [],
    datastores: [],
    datastoreClusters: [],
    networks: [],
    pools: [],
    folders: [],
    computeResources: {},
  };
  if (!dc) return empty;

  const entities = new Map<string, Entity>();
  for (const o of parseCollect(raw.entities ?? "")) {
    entities.set(o.ref.value, {
      type: o.ref.type,
      name: asString(o.props.name) ?? o.ref.value,
      ...(asRef(o.props.parent) ? { parent: asRef(o.props.parent)!.value } : {}),
    });
  }
  const topFolder = (name: string) =>
    [...entities.entries()].find(([, e]) => e.type === "Folder" && e.parent === dc.ref.value && e.name === name)?.[0];
  const vmFolder = topFolder("vm");
  const hostFolder = topFolder("host");
  /** Path of an entity below `root`, or undefined when it is not below it. */
  const pathBelow = (id: string, root: string | undefined): string | undefined => {
    const names: string[] = [];
    let cur: string | undefined = id;
    for (let guard = 0; cur && guard < 1000; guard++) {
      if (cur === root) return names.reverse().join("/");
      const e = entities.get(cur);
      if (!e) return undefined;
      names.push(e.name);
      cur = e.parent;
    }
    return undefined;
  };
  const nameOf = (id: string | undefined) => (id ? entities.get(id)?.name : undefined);
  /** The compute resource (cluster or standalone host) above an entity. */
  const ownerOf = (id: string): string | undefined => {
    let cur = entities.get(id)?.parent;
    for (let guard = 0; cur && guard < 1000; guard++) {
      const e = entities.get(cur);
      if (!e) return undefined;
      if (e.type === "ClusterComputeResource" || e.type === "ComputeResource") return cur;
      cur = e.parent;
    }
    return undefined;
  };
  const byType = (...types: string[]) =>
    [...entities.entries()].filter(([, e]) => types.includes(e.type)).map(([id, e]) => ({ id, ...e }));

  const hostNames = new Map<string, string>();
  const hosts: HostInfo[] = parseCollect(raw.hosts ?? "").map((o) => {
    const name = asString(o.props.name) ?? nameOf(o.ref.value) ?? o.ref.value;
    hostNames.set(o.ref.value, name);
    const parent = asRef(o.props.parent)?.value ?? entities.get(o.ref.value)?.parent;
    return {
      id: o.ref.value,
      name,
      ...(parent ? { computeResource: parent } : {}),
      datastores: asRefs(o.props.datastore).map((r) => nameOf(r.value) ?? r.value),
    };
  });

  const vms: VmInfo[] = parseCollect(raw.vms ?? "").map((o) => {
    const snap = asObject(o.props.snapshot);
    const name = asString(o.props.name) ?? nameOf(o.ref.value) ?? o.ref.value;
    const current = asRef(snap.currentSnapshot)?.value;
    const template = asBool(o.props["config.template"]);
    const uuid = asString(o.props["config.uuid"]);
    return {
      id: o.ref.value,
      name,
      path: pathBelow(o.ref.value, vmFolder) ?? name,
      ...(template !== undefined ? { template } : {}),
      ...(uuid ? { uuid } : {}),
      snapshots: snapshotTree(unwrap(snap.rootSnapshotList)),
      ...(current ? { currentSnapshot: current } : {}),
      datastores: asRefs(o.props.datastore).map((r) => nameOf(r.value) ?? r.value),
    };
  });

  const clusters: ClusterInfo[] = parseCollect(raw.clusters ?? "").map((o) => {
    const config = asObject(o.props.configurationEx);
    const das = asObject(config.dasConfig);
    const drs = asObject(config.drsConfig);
    const name = asString(o.props.name) ?? nameOf(o.ref.value) ?? o.ref.value;
    return {
      id: o.ref.value,
      name,
      path: pathBelow(o.ref.value, hostFolder) ?? name,
      // The hosts below the cluster in the inventory: the same as its `host` property on vCenter,
      // and right where vcsim keeps a removed host in that property.
      hosts: hosts.filter((h) => h.computeResource === o.ref.value).map((h) => h.name),
      haEnabled: asBool(das.enabled) ?? false,
      drsEnabled: asBool(drs.enabled) ?? false,
      // vCenter sets it whenever DRS is configured; fully automated is the API's default.
      drsBehavior: asString(drs.defaultVmBehavior) ?? "fullyAutomated",
    };
  });

  const datastores: DatastoreInfo[] = parseCollect(raw.datastores ?? "").map((o) => {
    const summary = asObject(o.props.summary);
    const info = asObject(o.props.info);
    const vmfs = asObject(info.vmfs);
    const mounts = (Array.isArray(o.props.host) ? o.props.host : []).map((m): DatastoreMount => {
      const mo = asObject(m);
      const mi = asObject(mo.mountInfo);
      const host = asRef(mo.key)?.value ?? "";
      const mounted = asBool(mi.mounted);
      const accessible = asBool(mi.accessible);
      return {
        host: hostNames.get(host) ?? nameOf(host) ?? host,
        ...(mounted !== undefined ? { mounted } : {}),
        ...(accessible !== undefined ? { accessible } : {}),
      };
    });
    const major = asNumber(vmfs.majorVersion);
    const capacity = asNumber(summary.capacity);
    const free = asNumber(summary.freeSpace);
    const accessible = asBool(summary.accessible);
    return {
      id: o.ref.value,
      name: asString(o.props.name) ?? asString(summary.name) ?? o.ref.value,
      type: asString(summary.type) ?? "unknown",
      ...(major !== undefined ? { vmfsMajorVersion: major } : {}),
      ...(capacity !== undefined ? { capacityBytes: capacity } : {}),
      ...(free !== undefined ? { freeBytes: free } : {}),
      ...(accessible !== undefined ? { accessible } : {}),
      mounts,
    };
  });

  const computeResources: Record<string, string> = {};
  for (const cr of byType("ClusterComputeResource", "ComputeResource")) computeResources[cr.id] = cr.name;

  return {
    about,
    datacenter: dc.name,
    datacenterFound: true,
    datacenters: dcs.map((d) => d.name),
    vms,
    clusters,
    hosts,
    datastores,
    datastoreClusters: byType("StoragePod").map((e) => e.name),
    networks: byType("Network", "DistributedVirtualPortgroup", "OpaqueNetwork").map((e) => e.name),
    pools: byType("ResourcePool", "VirtualApp").map((e) => {
      const owner = ownerOf(e.id);
      return { id: e.id, name: e.name, path: pathBelow(e.id, hostFolder) ?? e.name, ...(owner ? { owner } : {}) };
    }),
    folders: byType("Folder")
      .map((e) => (e.id === vmFolder ? undefined : pathBelow(e.id, vmFolder)))
      .filter((p): p is string => p !== undefined && p !== ""),
    computeResources,
  };
}

/** Hosts of a compute resource (cluster or standalone host), by name. */
export function hostsOf(inv: Inventory, computeResource: string): string[] {
  return inv.hosts.filter((h) => h.computeResource === computeResource).map((h) => h.name);
}

/** Gibibytes, rounded down (what the environment file's `capacityGb` means). */
export function gib(bytes: number): number {
  return Math.floor(bytes / 1024 ** 3);
}
