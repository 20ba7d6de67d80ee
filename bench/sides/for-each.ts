/**
 * Side (c) "for_each": the expert's hand-written version. One VirtualMachine per group
 * of 8 with for_each over a map keyed by VM name, and one terraform_data per group with
 * for_each over the same keys (each clone's replacement trigger); no checks.
 */
import { TerraformIterator, type App, type TerraformStack } from "cdktf";
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
    const triggerValue = triggerValues(l, g);
    const triggerEach = TerraformIterator.fromMap(Object.fromEntries(g.members.map((m) => [m.name, triggerValue])));
    const trigger = terraformData(l.stack, `${g.name}-trigger`, triggerEach.value, triggerEach);
    const each = TerraformIterator.fromMap(Object.fromEntries(g.members.map((m) => [m.name, { ipv4: m.ipv4 }])));
    const vm = new VirtualMachine(l.stack, g.name, {
      ...sharedConfig(l, g, disks),
      forEach: each,
      name: each.key,
      clone: {
        templateUuid: templateUuid(l, g),
        linkedClone: true,
        customize: {
          linuxOptions: { hostName: each.key, domain: S.DOMAIN },
          networkInterface: [{ ipv4Address: each.getString("ipv4"), ipv4Netmask: S.PREFIX_LENGTH }],
          ipv4Gateway: g.cluster.gateway,
          dnsServerList: [g.cluster.dns],
          dnsSuffixList: [S.DOMAIN],
        },
      },
      // The clone's own trigger instance: replacing one member's clone leaves the others alone.
      lifecycle: { replaceTriggeredBy: [addressOf(trigger, "[each.key]")] },
    });
    addDisks(vm, disks);
    groupOutput(
      l.stack,
      g,
      TerraformIterator.fromResources(vm).forExpressionForMap(
        "key",
        "{ id = val.id, default_ip_address = val.default_ip_address }",
      ),
    );
  }
  return l.stack;
}
