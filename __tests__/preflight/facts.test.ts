import YAML from "yaml";
import { renderFacts } from "../../lib/preflight";
import { check, env, fixture, labEnv } from "./helpers";

describe("--write-facts", () => {
  it("prints the inventory section as vCenter has it, ready to paste", () => {
    const e = labEnv();
    e.datastores["nfs-ds"] = {};
    expect(renderFacts(env(e), fixture("storage"))).toBe(
      [
        "# Facts of environment lab, read from vcenter.lab.example (VMware vCenter Server 6.5.0 build-5973321 (govmomi simulator)), datacenter DC0.",
        "# Paste them over the same keys of environments/lab.yaml.",
        "# Note: datastore 'LocalDS_0' is OTHER in vCenter, which has no type in the file (vmfs3, vmfs5, vmfs6, nfs, vsan); type is left out, so the version's VMFS defaults apply.",
        "",
        "vsphere:",
        "  server: vcenter.lab.example",
        "  allowUnverifiedSsl: false",
        '  version: "6.5.0"',
        "clusters:",
        "  DC0_C0:",
        "    hosts: [DC0_C0_H0, DC0_C0_H1, DC0_C0_H2]",
        "    haEnabled: true",
        "datastores:",
        "  LocalDS_0:",
        "    capacityGb: 10240",
        "  nfs-ds:",
        "    type: nfs",
        "    capacityGb: 10240",
        "",
      ].join("\n"),
    );
  });

  it("gives facts that, pasted into the file, pass the fact checks", () => {
    const e = labEnv();
    e.datastores["nfs-ds"] = { type: "vmfs6", capacityGb: 99999 };
    e.clusters.DC0_C0 = { hosts: ["esx-01"], haEnabled: false };
    delete e.groups[1].hosts;
    expect(check(e, fixture("storage")).length).toBeGreaterThan(0);
    const pasted = { ...e, ...YAML.parse(renderFacts(env(e), fixture("storage"))) };
    expect(check(pasted, fixture("storage"))).toEqual([]);
  });
});
