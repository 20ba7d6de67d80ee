/**
 * Text as it is written is text as it is deployed: spaces around a value are dropped before any
 * check (what is checked is what is written to cdk.tf.json); characters that cannot be seen or
 * that look like others are errors naming the field and the character; YAML merge keys work;
 * a file with classic Mac line endings is named as such.
 */
import { changed, stackJson, STACK_TRACE, synthFiles, toYaml, validEnv, type Env } from "./helpers";

const synth = (env: Env | string) => synthFiles({ "lab.yaml": typeof env === "string" ? env : toYaml(env) });

describe("text values", () => {
  it("drops spaces around every value, so the output holds what the checks saw", () => {
    const r = synth(
      changed(validEnv(), (e) => {
        e.vsphere.server = "  vcenter.example.com ";
        e.bases.golden.vm = " golden-vm";
        e.bases.golden.snapshot = "golden-s1 ";
        e.groups[0].folder = " labs/web ";
      }),
    );
    expect(r.exitCode).toBe(0);
    const text = JSON.stringify(stackJson(r.outdir, "lab"));
    expect(text).toContain('"vsphere_server":"vcenter.example.com"');
    expect(text).toContain('"snapshot_name":"golden-s1"');
    expect(text).toContain('"name":"golden-vm"');
    expect(text).toContain('"folder":"labs/web"');
    expect(text).not.toMatch(/" [^"]*"|"[^"]* "/);
  });

  it.each([
    [
      "a zero-width space in a host",
      (e: Env) => (e.clusters.C0.hosts[1] = "H\u200b1"),
      "clusters.C0.hosts[1]",
      /invisible character \(U\+200B\) at character 2 of 'H1'/,
    ],
    [
      "a no-break space in a network",
      (e: Env) => (e.groups[0].network = "VM\u00a0Network"),
      "groups[0].network",
      /special space \(U\+00A0\) at character 3/,
    ],
    [
      "a non-breaking hyphen in a VM name",
      (e: Env) => (e.bases.golden.vm = "golden\u2011vm"),
      "bases.golden.vm",
      /holds '\u2011' \(U\+2011\) at character 7 of 'golden\u2011vm', which looks like '-' but is another character; type a plain '-'/,
    ],
    [
      "a minus sign in a cluster key",
      (e: Env) => {
        e.clusters["C\u22120"] = e.clusters.C0;
      },
      'clusters["C\u22120"]',
      /the key holds '\u2212' \(U\+2212\)/,
    ],
    [
      "a tab inside a datastore name",
      (e: Env) => (e.groups[0].datastore = "DS\t0"),
      "groups[0].datastore",
      /invisible character \(U\+0009\)/,
    ],
  ])("%s is an error naming the field and the character", (_name, change, field, message) => {
    const r = synth(changed(validEnv(), change));
    expect(r.exitCode).toBe(1);
    const line = r.err.find((l) => l.includes(`: ${field}: `));
    expect(line).toMatch(message);
    expect(r.printed).not.toMatch(STACK_TRACE);
  });

  it("allows what real names hold: an en dash, CJK's ideographic space, a block scalar's line break", () => {
    const yaml = toYaml(
      changed(validEnv(), (e) => {
        e.bases.golden.vm = "Golden \u2013 Ubuntu";
        e.groups[0].folder = "研修\u30002026";
      }),
    ).replace("network: VM Network", "network: |\n      VM Network");
    const r = synth(yaml);
    expect(r.err).toEqual([]);
    const text = JSON.stringify(stackJson(r.outdir, "lab"));
    expect(text).toContain('"name":"Golden \u2013 Ubuntu"');
    expect(text).toContain('"name":"VM Network"');
  });

  it("keeps free text as written: an annotation or a suppression reason may hold any character", () => {
    const r = synth(
      changed(validEnv(), (e) => {
        e.groups[0].annotation = "Kurs\u00a0A \u2013 Raum 3";
        e.suppress = [{ rule: "clone-density", reason: "lab\u2011wide: one\u00a0course" }];
      }),
    );
    expect(r.exitCode).toBe(0);
  });

  it("reads YAML merge keys, with the group's own values winning", () => {
    const yaml = `vsphere: { server: vcenter.example.com, version: "8.0" }
datacenter: DC0
clusters: { C0: { hosts: [H0, H1] } }
datastores: { DS0: { type: vmfs6, capacityGb: 500 } }
bases: { golden: { vm: golden-vm, snapshot: s1, manageSnapshot: true, diskGb: 10 } }
groups:
  - &placed
    name: web
    base: golden
    cluster: C0
    datastore: DS0
    network: VM Network
    count: 2
  - <<: *placed
    name: db
    count: 1
    cpus: 4
`;
    const r = synth(yaml);
    expect(r.exitCode).toBe(0);
    const vms = stackJson(r.outdir, "lab").resource.vsphere_virtual_machine;
    expect(Object.keys(vms).sort()).toEqual(["db", "web"]);
    expect(Object.keys(vms.db.for_each)).toEqual(["db-01"]);
  });

  it("refuses a key named __proto__, which a JavaScript object cannot hold as data", () => {
    const yaml = toYaml(validEnv())
      .replace("  DS0:", "  __proto__:")
      .replace(/datastore: DS0/g, "datastore: __proto__");
    const r = synth(yaml);
    expect(r.exitCode).toBe(1);
    expect(r.err).toHaveLength(2);
    expect(r.err[1]).toMatch(/lab\.yaml:\d+:3: the key __proto__ cannot be a name here .*; rename it$/);
  });

  it("reads a file that ends with an empty document (a closing ---), and refuses a second environment", () => {
    const ok = synth(toYaml(validEnv()) + "--- # end\n");
    expect(ok.err).toEqual([]);
    expect(ok.exitCode).toBe(0);
    const two = synth(toYaml(validEnv()) + "---\n" + toYaml(validEnv()));
    expect(two.exitCode).toBe(1);
    expect(two.err[1]).toMatch(/the file holds more than one YAML document \(---\); keep one environment per file/);
  });

  it("names classic Mac line endings (CR only) instead of reading the file as one line", () => {
    const r = synth(toYaml(validEnv()).replace(/\n/g, "\r"));
    expect(r.exitCode).toBe(1);
    expect(r.err[1]).toMatch(
      /lab\.yaml:1:1: the file has classic Mac line endings .*; save it with LF \(or CRLF\) line endings/,
    );
    // CRLF is fine.
    expect(synth(toYaml(validEnv()).replace(/\n/g, "\r\n")).exitCode).toBe(0);
  });
});

describe("one message per typo", () => {
  it.each([
    [
      "a required group key",
      (e: Env) => ((e.groups[0].bsae = e.groups[0].base), delete e.groups[0].base),
      "groups[0].bsae",
      "unknown field 'bsae'; did you mean 'base'?",
    ],
    [
      "a required rollout key",
      (e: Env) => {
        e.bases.next = { vm: "next-vm", snapshot: "s2", manageSnapshot: true };
        e.groups[0].base = "next";
        e.groups[0].rollout = { form: "golden", moved: 1 };
      },
      "groups[0].rollout.form",
      "unknown field 'form'; did you mean 'from'?",
    ],
    [
      "the backend's type",
      (e: Env) => (e.backend = { typ: "s3", bucket: "b", key: "k" }),
      "backend.typ",
      "unknown field 'typ'; did you mean 'type'? (backend needs type: local, s3, pg, http or remote)",
    ],
  ])("%s misspelt: one problem, at the misspelt key", (_name, change, field, message) => {
    const r = synth(changed(validEnv(), change));
    expect(r.exitCode).toBe(1);
    expect(r.err).toHaveLength(2);
    expect(r.err[1]).toMatch(new RegExp(`lab\\.yaml:\\d+:\\d+: ${field.replace(/[.[\]]/g, "\\$&")}: `));
    expect(r.err[1].endsWith(message)).toBe(true);
  });
});
