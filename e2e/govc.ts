/**
 * govc, the vSphere CLI, as the e2e test's eyes on the simulator: inventory listings,
 * snapshots, and what a VM looks like (hardware, disks, controllers, guest identity).
 */
import * as path from "node:path";
import { run } from "./run";

export type Ref = { type: string; value: string };

export class Govc {
  constructor(
    private readonly bin: string,
    private readonly env: Record<string, string>,
    private readonly logFile?: string,
  ) {}

  async run(...args: string[]): Promise<string> {
    const r = await run(this.bin, args, {
      env: { ...process.env, ...this.env },
      logFile: this.logFile,
      timeoutMs: 60_000,
    });
    return r.stdout;
  }

  async json<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.run(...args)) as T;
  }

  /** Inventory paths directly under `dir` (empty when it does not exist). */
  async ls(dir: string): Promise<string[]> {
    const out = await this.run("ls", dir);
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  /** Whether an inventory path exists. */
  async exists(p: string): Promise<boolean> {
    return (await this.ls(path.posix.dirname(p))).includes(p);
  }

  /** The inventory path of a managed object reference ("" when it refers to nothing). */
  async pathOf(ref: Ref): Promise<string> {
    return (await this.run("ls", "-L", `${ref.type}:${ref.value}`)).trim();
  }

  /** Snapshot names of a VM, depth-first. */
  async snapshotNames(vm: string): Promise<string[]> {
    const out = (await this.run("snapshot.tree", "-json", "-vm", vm)).trim();
    type Tree = { name: string; childSnapshotList?: Tree[] | null };
    const walk = (ts: Tree[]): string[] => ts.flatMap((t) => [t.name, ...walk(t.childSnapshotList ?? [])]);
    return out ? walk(JSON.parse(out) as Tree[]) : [];
  }

  /** Makes every folder of `/<datacenter>/vm/<folder>` that is missing, as a user would before deploying. */
  async ensureFolder(datacenter: string, folder: string): Promise<string[]> {
    const made: string[] = [];
    let parent = `/${datacenter}/vm`;
    for (const seg of folder.split("/").filter(Boolean)) {
      const p = `${parent}/${seg}`;
      if (!(await this.ls(parent)).includes(p)) {
        await this.run("folder.create", p);
        made.push(p);
      }
      parent = p;
    }
    return made;
  }
}

export interface DiskFacts {
  /** Backing file, e.g. `[LocalDS_0] web-01/web-01.vmdk`. */
  file: string;
  /** The parent disk's file when the disk is a delta (a linked clone on a real vCenter). */
  parent?: string;
  /** persistent, independent_nonpersistent, ... */
  diskMode: string;
  capacityKb: number;
  /** Bus number of its controller and its unit on that controller. */
  bus: number;
  unit: number;
  controllerType: string;
}

export interface VmFacts {
  name: string;
  /** Inventory path. */
  path: string;
  numCpus: number;
  coresPerSocket: number;
  memoryMb: number;
  guestId: string;
  firmware: string;
  secureBoot: boolean;
  /** e.g. vmx-13 */
  hardwareVersion: string;
  /** Network (port group) name of each NIC. */
  networks: string[];
  powerState: string;
  /** Inventory path of the host the VM runs on. */
  host: string;
  /** SCSI controllers, by bus number. */
  scsiControllers: { bus: number; type: string }[];
  disks: DiskFacts[];
  /** What the guest reports (vcsim fills it from the customization spec). */
  guest: {
    ipAddress: string;
    hostName: string;
    nics: { ipAddresses: string[]; searchDomains: string[]; dnsServers: string[]; hostName: string }[];
  };
}

interface DeviceJson {
  name: string;
  type: string;
  key: number;
  busNumber?: number;
  controllerKey?: number;
  unitNumber?: number;
  capacityInKB?: number;
  backing?: {
    deviceName?: string;
    port?: { portgroupKey?: string };
    fileName?: string;
    diskMode?: string;
    parent?: { fileName?: string } | null;
  };
}

interface VmObjectJson {
  name: string;
  config: {
    guestId: string;
    firmware: string;
    version: string;
    bootOptions?: { efiSecureBootEnabled?: boolean };
    hardware: { numCPU: number; numCoresPerSocket?: number; memoryMB: number };
  };
  runtime: { powerState: string; host?: Ref };
  guest?: {
    ipAddress?: string;
    hostName?: string;
    net?:
      | {
          ipAddress?: string[] | null;
          dnsConfig?: { hostName?: string; searchDomain?: string[] | null; ipAddress?: string[] | null };
        }[]
      | null;
  };
}

/** What a VM looks like by inventory path, or undefined when nothing is there. */
export async function vmFacts(govc: Govc, vmPath: string): Promise<VmFacts | undefined> {
  if (!(await govc.exists(vmPath))) return undefined;
  const vm = await govc.json<VmObjectJson>(
    "object.collect",
    "-o",
    "-json",
    vmPath,
    "name",
    "config",
    "runtime",
    "guest",
  );
  const devices =
    (await govc.json<{ devices: DeviceJson[] | null }>("device.info", "-json", "-vm", vmPath)).devices ?? [];
  const byKey = new Map(devices.map((d) => [d.key, d]));
  const networks: string[] = [];
  for (const nic of devices.filter((d) => d.name.startsWith("ethernet-"))) {
    const key = nic.backing?.port?.portgroupKey;
    networks.push(
      key
        ? path.posix.basename(await govc.pathOf({ type: "DistributedVirtualPortgroup", value: key }))
        : (nic.backing?.deviceName ?? "?"),
    );
  }
  const scsiControllers = devices
    .filter((d) => /SCSIController$|^VirtualLsiLogic|^VirtualBusLogic/.test(d.type) && d.busNumber !== undefined)
    .map((d) => ({ bus: d.busNumber!, type: d.type }))
    .sort((a, b) => a.bus - b.bus);
  const disks = devices
    .filter((d) => d.type === "VirtualDisk")
    .map((d): DiskFacts => {
      const ctl = d.controllerKey !== undefined ? byKey.get(d.controllerKey) : undefined;
      return {
        file: d.backing?.fileName ?? "?",
        ...(d.backing?.parent?.fileName ? { parent: d.backing.parent.fileName } : {}),
        diskMode: d.backing?.diskMode ?? "?",
        capacityKb: d.capacityInKB ?? 0,
        bus: ctl?.busNumber ?? -1,
        unit: d.unitNumber ?? -1,
        controllerType: ctl?.type ?? "?",
      };
    })
    .sort((a, b) => a.bus - b.bus || a.unit - b.unit);
  return {
    name: vm.name,
    path: vmPath,
    numCpus: vm.config.hardware.numCPU,
    coresPerSocket: vm.config.hardware.numCoresPerSocket ?? 1,
    memoryMb: vm.config.hardware.memoryMB,
    guestId: vm.config.guestId,
    firmware: vm.config.firmware,
    secureBoot: vm.config.bootOptions?.efiSecureBootEnabled ?? false,
    hardwareVersion: vm.config.version,
    networks,
    powerState: vm.runtime.powerState,
    host: vm.runtime.host ? await govc.pathOf(vm.runtime.host) : "",
    scsiControllers,
    disks,
    guest: {
      ipAddress: vm.guest?.ipAddress ?? "",
      hostName: vm.guest?.hostName ?? "",
      nics: (vm.guest?.net ?? []).map((n) => ({
        ipAddresses: n.ipAddress ?? [],
        searchDomains: n.dnsConfig?.searchDomain ?? [],
        dnsServers: n.dnsConfig?.ipAddress ?? [],
        hostName: n.dnsConfig?.hostName ?? "",
      })),
    },
  };
}

/** The hardware a linked clone must share with its source, as one comparable value. */
export function hardwareOf(f: VmFacts): {
  firmware: string;
  secureBoot: boolean;
  coresPerSocket: number;
  hardwareVersion: string;
  scsiControllers: { bus: number; type: string }[];
  disks: { bus: number; unit: number; capacityKb: number; controllerType: string }[];
} {
  return {
    firmware: f.firmware,
    secureBoot: f.secureBoot,
    coresPerSocket: f.coresPerSocket,
    hardwareVersion: f.hardwareVersion,
    scsiControllers: f.scsiControllers,
    disks: f.disks.map((d) => ({
      bus: d.bus,
      unit: d.unit,
      capacityKb: d.capacityKb,
      controllerType: d.controllerType,
    })),
  };
}
