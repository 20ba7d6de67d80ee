/**
 * Every fix a finding offers leads out of the problem, not into another one (issue 14): for
 * each rule, an environment that breaks it, then each fix its message offers, applied as a
 * user would apply it; the result synthesizes without errors and without that rule's finding.
 */
import { changed, synthFiles, toYaml, validEnv, type Env } from "./helpers";

interface FixCase {
  readonly rule: string;
  /** The environment that breaks the rule. */
  readonly broken: Env;
  /** Each fix the message offers: the words that offer it, and the change that applies it. */
  readonly fixes: readonly { readonly offered: RegExp; readonly apply: (e: Env) => void }[];
}

/** A group in the valid environment's shape, named `name` with its own /24 and name pattern. */
function groupLike(e: Env, name: string, net: number, over: Env = {}): Env {
  const g = e.groups[0];
  return {
    ...g,
    name,
    namePattern: `${name}-{nn}`,
    customization: {
      ...g.customization,
      ipv4: { range: `10.0.${net}.10-10.0.${net}.50`, prefixLength: 24, gateway: `10.0.${net}.1` },
      dnsServers: [`10.0.${net}.2`],
    },
    ...over,
  };
}

const v = (version: string) => (e: Env) => (e.vsphere.version = version);

const CASES: FixCase[] = [
  {
    rule: "chain-size",
    broken: changed(validEnv(), (e) => {
      v("4.0")(e);
      e.groups = [groupLike(e, "web", 10, { count: 5 }), groupLike(e, "db", 11, { count: 4 })];
    }),
    fixes: [
      {
        offered:
          /move some clones to another base on its own source VM \(a copy of the golden, with its own snapshot\)/,
        apply: (e) => {
          e.bases.copy = { vm: "golden-vm-copy", snapshot: "copy-s1", manageSnapshot: true, diskGb: 10 };
          e.groups[1].base = "copy";
        },
      },
      { offered: /raise limits\.maxClonesPerChain/, apply: (e) => (e.limits = { maxClonesPerChain: 9 }) },
    ],
  },
  {
    rule: "chain-hosts",
    broken: changed(validEnv(), (e) => {
      e.datastores.DS0.type = "vmfs3";
      e.clusters.C0.hosts = Array.from({ length: 10 }, (_, i) => `H${i}`);
      e.groups = [groupLike(e, "web", 10)];
    }),
    fixes: [
      {
        offered: /confine the groups to at most 8 hosts with hosts/,
        apply: (e) => (e.groups[0].hosts = ["H0", "H1", "H2", "H3", "H4", "H5", "H6", "H7"]),
      },
      {
        offered: /give groups on different hosts bases of their own \(one source VM each\)/,
        apply: (e) => {
          e.bases.copy = { vm: "golden-vm-copy", snapshot: "copy-s1", manageSnapshot: true, diskGb: 10 };
          e.groups = [
            groupLike(e, "web", 10, { hosts: ["H0", "H1", "H2", "H3", "H4"] }),
            groupLike(e, "api", 11, { base: "copy", hosts: ["H5", "H6", "H7", "H8", "H9"] }),
          ];
        },
      },
      { offered: /raise limits\.maxHostsPerChain/, apply: (e) => (e.limits = { maxHostsPerChain: 10 }) },
    ],
  },
  {
    rule: "clone-density",
    broken: changed(validEnv(), (e) => (e.groups = [groupLike(e, "web", 10, { count: 31 })])),
    fixes: [
      {
        offered: /move some clones to another base on its own source VM/,
        apply: (e) => {
          e.bases.copy = { vm: "golden-vm-copy", snapshot: "copy-s1", manageSnapshot: true, diskGb: 10 };
          e.groups = [groupLike(e, "web", 10, { count: 16 }), groupLike(e, "api", 11, { count: 15, base: "copy" })];
        },
      },
      { offered: /raise limits\.warnClonesPerChain/, apply: (e) => (e.limits = { warnClonesPerChain: 31 }) },
    ],
  },
  {
    rule: "ha-cluster",
    broken: changed(validEnv(), (e) => {
      v("4.0")(e);
      e.clusters.C0.haEnabled = true;
    }),
    fixes: [
      {
        offered: /place the group in a cluster without HA/,
        apply: (e) => {
          e.clusters.C1 = { hosts: ["H5", "H6"], haEnabled: false };
          e.groups[0].cluster = "C1";
        },
      },
      { offered: /upgrade to vSphere 5\.1 or later/, apply: v("5.1") },
    ],
  },
  {
    rule: "vm-name",
    broken: changed(
      validEnv(),
      (e) => (e.groups = [groupLike(e, "web", 10), groupLike(e, "api", 11, { namePattern: "web-{nn}" })]),
    ),
    fixes: [
      { offered: /change namePattern or members of one group/, apply: (e) => (e.groups[1].namePattern = "api-{nn}") },
    ],
  },
  {
    rule: "hostname",
    broken: changed(validEnv(), (e) => (e.groups[0].namePattern = `${"x".repeat(62)}-{nn}`)),
    fixes: [
      { offered: /shorten namePattern or the member names/, apply: (e) => (e.groups[0].namePattern = "web-{nn}") },
    ],
  },
  {
    rule: "ip-pool",
    broken: changed(validEnv(), (e) => (e.groups[0].customization.ipv4.range = "10.0.10.1-10.0.10.20")),
    fixes: [
      {
        offered: /move the range \(or fix the gateway or prefixLength\) so the range leaves out 10\.0\.10\.1/,
        apply: (e) => (e.groups[0].customization.ipv4.range = "10.0.10.2-10.0.10.21"),
      },
    ],
  },
  {
    rule: "storage-drs",
    broken: changed(validEnv(), (e) => {
      delete e.groups[0].datastore;
      e.groups[0].datastoreCluster = "Pod";
    }),
    fixes: [
      {
        offered: /set datastore to one datastore of that cluster instead of datastoreCluster/,
        apply: (e) => {
          delete e.groups[0].datastoreCluster;
          e.groups[0].datastore = "DS0";
        },
      },
    ],
  },
  {
    rule: "snapshot-source",
    broken: changed(validEnv(), (e) => {
      e.bases.golden = { vm: "golden-vm", template: true, diskGb: 10 };
    }),
    fixes: [
      {
        offered:
          /convert the template to a VM and give it one snapshot \(template: false, snapshot: NAME, manageSnapshot: true\)/,
        apply: (e) => (e.bases.golden = { vm: "golden-vm", snapshot: "s1", manageSnapshot: true, diskGb: 10 }),
      },
    ],
  },
  {
    rule: "storage-estimate",
    broken: changed(validEnv(), (e) => (e.datastores.DS0.capacityGb = 20)),
    fixes: [
      {
        offered: /move some groups to another datastore/,
        apply: (e) => {
          e.datastores.DS1 = { type: "vmfs6", capacityGb: 500 };
          e.groups[0].datastore = "DS1";
        },
      },
      { offered: /add capacity \(then raise capacityGb\)/, apply: (e) => (e.datastores.DS0.capacityGb = 30) },
      {
        offered: /suppress storage-estimate with the reason/,
        apply: (e) => (e.suppress = [{ rule: "storage-estimate", reason: "thin-provisioned array with dedupe" }]),
      },
    ],
  },
];

describe("every fix a finding offers passes the rules", () => {
  for (const c of CASES) {
    describe(c.rule, () => {
      const broken = synthFiles({ "lab.yaml": toYaml(c.broken) });
      const finding = broken.findings.find((f) => f.rule === c.rule && f.severity !== "info");

      it("breaks the rule", () => {
        expect({ thrown: broken.thrown, printed: broken.printed, found: finding?.rule }).toEqual({
          thrown: undefined,
          printed: broken.printed,
          found: c.rule,
        });
      });

      it.each(c.fixes.map((f) => [String(f.offered), f] as const))("the fix %s synthesizes cleanly", (_name, fix) => {
        expect(finding?.message).toMatch(fix.offered);
        const fixed = synthFiles({ "lab.yaml": toYaml(changed(c.broken, fix.apply)) });
        const left = fixed.findings.filter((f) => f.severity === "error" || f.rule === c.rule);
        expect({ exitCode: fixed.exitCode, left: left.map((f) => `${f.severity} ${f.message}`) }).toEqual({
          exitCode: 0,
          left: left.filter((f) => f.severity === "info").map((f) => `${f.severity} ${f.message}`),
        });
      });
    });
  }
});
