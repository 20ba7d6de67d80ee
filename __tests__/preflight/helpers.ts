import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { parseEnvironment } from "../../lib/config/loader";
import {
  buildInventory,
  checkEnvironment,
  parseState,
  type Inventory,
  type PreflightEnvironment,
  type StateView,
  type VmInfo,
} from "../../lib/preflight";

export const FIXTURES = path.join(__dirname, "fixtures");

/** govc output recorded from vcsim (see fixtures/README.md), as an inventory of DC0. */
export function fixture(name: string, datacenter = "DC0"): Inventory {
  const read = (k: string) => {
    const p = path.join(FIXTURES, name, `${k}.txt`);
    return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
  };
  return buildInventory(datacenter, {
    about: read("about")!,
    datacenters: read("datacenters")!,
    entities: read("entities"),
    vms: read("vms"),
    clusters: read("clusters"),
    hosts: read("hosts"),
    datastores: read("datastores"),
  });
}

/** The state the real provider (2.15.0) wrote for the `deployed` fixture. */
export function deployedState(): StateView {
  return parseState(fs.readFileSync(path.join(FIXTURES, "deployed", "terraform.tfstate"), "utf8"), "state/lab.tfstate");
}

export const NO_STATE: StateView = {
  known: true,
  source: "state/lab.tfstate, not there yet",
  snapshots: [],
  vms: [],
};

export type EnvObject = Record<string, any>;

/** An environment matching the `deployed` fixture: one clone (web-01) of golden-e2e, deployed. */
export function labEnv(): EnvObject {
  return {
    vsphere: { server: "vcenter.lab.example", allowUnverifiedSsl: false, version: "6.5" },
    datacenter: "DC0",
    clusters: { DC0_C0: { hosts: ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"], haEnabled: false } },
    datastores: { LocalDS_0: { capacityGb: 500 } },
    bases: { golden: { vm: "DC0_C0_RP0_VM0", snapshot: "golden-e2e", manageSnapshot: true, diskGb: 10 } },
    groups: [
      {
        name: "web",
        base: "golden",
        cluster: "DC0_C0",
        datastore: "LocalDS_0",
        network: "VM Network",
        count: 1,
        namePattern: "web-{nn}",
      },
      {
        name: "db",
        base: "golden",
        resourcePool: "DC0_C0/Resources",
        datastore: "LocalDS_0",
        network: "DC0_DVPG0",
        members: ["db-01"],
        hosts: ["DC0_C0_H1"],
      },
    ],
  };
}

export function env(obj: EnvObject, name = "lab"): PreflightEnvironment {
  const file = `environments/${name}.yaml`;
  return { name, file, spec: parseEnvironment(YAML.stringify(obj), file) };
}

/** The messages preflight prints for an environment, as `severity: message`. */
export function check(obj: EnvObject, inv: Inventory, state: StateView = NO_STATE): string[] {
  return checkEnvironment(env(obj), inv, state).map((f) => `${f.severity}: ${f.message}`);
}

/** Only the findings of one rule. */
export function checkRule(rule: string, obj: EnvObject, inv: Inventory, state: StateView = NO_STATE): string[] {
  return check(obj, inv, state).filter((m) => m.includes(`[${rule}]`));
}

/** The inventory with one VM changed. */
export function withVm(inv: Inventory, name: string, patch: Partial<VmInfo>): Inventory {
  return { ...inv, vms: inv.vms.map((v) => (v.name === name ? { ...v, ...patch } : v)) };
}
