/**
 * Side (a) "ours": the estate with this project's constructs, every rule on.
 */
import { TerraformStack, type App } from "cdktf";
import {
  BaseImage,
  LinkedCloneChecks,
  LinkedCloneGroup,
  VsphereConnection,
  VsphereInventory,
} from "../../lib/constructs";
import * as S from "../scenario";

export function build(app: App, sc: S.Scenario): TerraformStack {
  const stack = new TerraformStack(app, S.STACK);
  new VsphereConnection(stack, "vsphere", { server: S.SERVER });
  const inventory = new VsphereInventory(stack, "inventory", {
    datacenter: S.DATACENTER,
    version: S.VERSION,
    clusters: Object.fromEntries(sc.clusters.map((c) => [c.name, { hosts: c.hosts, haEnabled: true }])),
    datastores: Object.fromEntries(
      sc.clusters.map((c) => [c.datastore, { type: "vmfs6" as const, capacityGb: S.DATASTORE_GB }]),
    ),
  });
  const bases = new Map<S.BaseSpec, BaseImage>();
  for (const b of sc.bases) {
    bases.set(
      b,
      new BaseImage(stack, b.id, {
        inventory,
        vm: b.vm,
        snapshot: b.snapshot,
        manageSnapshot: true,
        diskGb: S.DISK_GB,
      }),
    );
  }
  for (const g of sc.groups) {
    new LinkedCloneGroup(stack, g.name, {
      base: bases.get(g.base)!,
      cluster: g.cluster.name,
      datastore: g.cluster.datastore,
      network: g.cluster.network,
      count: g.members.length,
      namePattern: `${g.name}-{nn}`,
      cpus: S.CPUS,
      memoryMb: S.MEMORY_MB,
      customization: {
        domain: S.DOMAIN,
        ipv4: { range: g.range, prefixLength: S.PREFIX_LENGTH, gateway: g.cluster.gateway },
        dnsServers: [g.cluster.dns],
      },
    });
  }
  // 64 clones per base on purpose: keep clone-density (default 30) quiet. Set after the groups:
  // setLimits on a stack with no base or group yet keeps the checks' aspect from being attached
  // (lib/constructs/linked-clone-checks.ts:78 creates the stack's settings, :141 then skips the aspect).
  LinkedCloneChecks.setLimits(stack, { warnClonesPerChain: S.CLONES_PER_BASE });
  return stack;
}

/** Every finding of the app (cached after the first call, which runs the rules). */
export function findings(app: App): { severity: string }[] {
  return LinkedCloneChecks.of(app).findings();
}
