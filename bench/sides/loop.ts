/**
 * Side (b) "loop": what most people write by hand. One VirtualMachine per clone in a
 * plain loop, each with its own replacement trigger (terraform_data), data sources looked
 * up once; no checks.
 */
import type { App, TerraformStack } from "cdktf";
import { VirtualMachine } from "@cdktf/provider-vsphere/lib/virtual-machine";
import * as S from "../scenario";
import {
  addDisks,
  addressOf,
  groupOutput,
  lookups,
  sharedConfig,
  sourceDisks,
  templateUuid,
  terraformData,
  triggerValues,
} from "./common";

export function build(app: App, sc: S.Scenario): TerraformStack {
  const l = lookups(app, sc);
  for (const g of sc.groups) {
    const disks = sourceDisks(l, g);
    const shared = sharedConfig(l, g, disks);
    const uuid = templateUuid(l, g);
    const triggers = triggerValues(l, g);
    const out: Record<string, { id: string; default_ip_address: string }> = {};
    for (const m of g.members) {
      const trigger = terraformData(l.stack, `${m.name}-trigger`, triggers);
      const vm = new VirtualMachine(l.stack, m.name, {
        ...shared,
        name: m.name,
        clone: {
          templateUuid: uuid,
          linkedClone: true,
          customize: {
            linuxOptions: { hostName: m.name, domain: S.DOMAIN },
            networkInterface: [{ ipv4Address: m.ipv4, ipv4Netmask: S.PREFIX_LENGTH }],
            ipv4Gateway: g.cluster.gateway,
            dnsServerList: [g.cluster.dns],
            dnsSuffixList: [S.DOMAIN],
          },
        },
        lifecycle: { replaceTriggeredBy: [addressOf(trigger)] },
      });
      addDisks(vm, disks);
      out[m.name] = { id: vm.id, default_ip_address: vm.defaultIpAddress };
    }
    groupOutput(l.stack, g, out);
  }
  return l.stack;
}
