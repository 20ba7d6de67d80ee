import { ConfigError } from "../../lib/config/problems";
import { parseEnvironment, stackNameOf } from "../../lib/config/loader";
import { dump, minimalEnv } from "./fixtures";

function problemsOf(text: string): string[] {
  try {
    parseEnvironment(text, "environments/lab.yaml");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.field}: ${p.message}`);
    throw e;
  }
  return [];
}

/** Problems as `line:column: field: message`. */
function located(text: string): string[] {
  try {
    parseEnvironment(text, "environments/lab.yaml");
  } catch (e) {
    if (e instanceof ConfigError) {
      return e.problems.map((p) => `${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`);
    }
    throw e;
  }
  return [];
}

function withChange(change: (env: Record<string, any>) => void): string[] {
  const env = minimalEnv();
  change(env);
  return problemsOf(dump(env));
}

describe("environment loader", () => {
  it("accepts the minimal environment and fills the defaults", () => {
    const spec = parseEnvironment(dump(minimalEnv()), "lab.yaml");
    expect(spec.backend).toEqual({ type: "local" });
    expect(spec.vsphere.allowUnverifiedSsl).toBe(false);
    expect(spec.groups[0].diskMode).toBe("persistent");
  });

  it("shows line and column of a YAML syntax error", () => {
    expect(located("vsphere:\n  server: [a, b\ndatacenter: DC0\n")[0]).toMatch(/^3:1: YAML syntax error: /);
  });

  it("gives every problem the line and column of the field it is about", () => {
    const text = dump(minimalEnv())
      .replace("count: 2", "count: 0")
      .replace("network: VM Network", "network: VM Network\n    cpus: 0");
    const lines = text.split("\n");
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(located(text)).toEqual(
      [
        `${lineOf("count: 0")}:5: groups[0].count: count 0 is out of range; use a whole number from 1 to 10000`,
        `${lineOf("cpus: 0")}:5: groups[0].cpus: cpus is 0; use 1 or more (virtual CPUs)`,
      ].sort(),
    );
  });

  it("reports every problem at once, each with its field path", () => {
    const found = withChange((env) => {
      env.groups[0].count = 0;
      env.groups[0].diskMode = "nonpersistant";
      env.datastores.DS0.type = "vmf6";
    });
    expect(found).toEqual(
      expect.arrayContaining([
        "groups[0].count: count 0 is out of range; use a whole number from 1 to 10000",
        "groups[0].diskMode: must be persistent or nonpersistent, got 'nonpersistant'; did you mean 'nonpersistent'?",
        "datastores.DS0.type: datastore type 'vmf6' is not one of vmfs3, vmfs5, vmfs6, nfs, vsan; did you mean 'vmfs6'?",
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it("refuses unknown keys with a did-you-mean", () => {
    expect(withChange((env) => (env.groups[0].namepattern = "web-{nn}"))).toEqual([
      "groups[0].namepattern: unknown field 'namepattern'; did you mean 'namePattern'?",
    ]);
    expect(withChange((env) => (env.datacentre = "DC0"))).toEqual([
      "datacentre: unknown field 'datacentre'; did you mean 'datacenter'?",
    ]);
  });

  it("names the field path of a nested value, e.g. groups[1].customization.ipv4.range", () => {
    const found = withChange((env) => {
      env.groups.push({
        ...env.groups[0],
        name: "db",
        customization: { ipv4: { range: "10.0.0.x", prefixLength: 24, gateway: "10.0.0.1" } },
      });
    });
    expect(found).toEqual([
      "groups[1].customization.ipv4.range: IPv4 range: '10.0.0.x' is not a range; write it as first-last, e.g. 10.0.10.10-10.0.10.50",
    ]);
  });

  it("checks references: base, cluster, datastore and hosts must be declared", () => {
    const found = withChange((env) => {
      env.groups[0].base = "goldn";
      env.groups[0].cluster = "C1";
      env.groups[0].datastore = "DS9";
    });
    expect(found).toEqual([
      "groups[0].base: base 'goldn' is not declared under bases; did you mean 'golden'?",
      "groups[0].cluster: cluster 'C1' is not declared under clusters; did you mean 'C0'?",
      "groups[0].datastore: datastore 'DS9' is not declared under datastores; did you mean 'DS0'?",
    ]);
    expect(withChange((env) => (env.groups[0].hosts = ["H7"]))).toEqual([
      "groups[0].hosts[0]: host 'H7' is not in cluster 'C0'; did you mean 'H0'?",
    ]);
  });

  it("refuses a member address in a group without a static range", () => {
    expect(
      withChange((env) => {
        delete env.groups[0].count;
        env.groups[0].members = ["web-01", { name: "web-02", ipv4: "10.0.0.5" }];
      }),
    ).toEqual([
      "groups[0].members[1].ipv4: is given but the group has no static customization.ipv4 range, so it would be ignored; set customization.ipv4 to {range, prefixLength, gateway}, or drop the address",
    ]);
  });

  it("requires unique group names", () => {
    expect(withChange((env) => env.groups.push({ ...env.groups[0] }))).toEqual([
      "groups[1].name: group name 'web' is already used by groups[0]; group names must be unique in an environment",
    ]);
  });

  it("says what is missing", () => {
    expect(withChange((env) => delete env.datacenter)).toEqual([
      "datacenter: is missing; add it: it must be a datacenter name (text)",
    ]);
  });

  it("leaves the version unset when the file does not give it (synth then warns)", () => {
    const env = minimalEnv();
    delete env.vsphere.version;
    expect(parseEnvironment(dump(env), "lab.yaml").vsphere.version).toBeUndefined();
  });

  it("accepts a numeric version and reads it as a version", () => {
    const env = minimalEnv();
    env.vsphere.version = 6.7;
    expect(parseEnvironment(dump(env), "lab.yaml").vsphere.version).toBe("6.7");
  });

  it("accepts versions with an update suffix and datastores without a type", () => {
    const env = minimalEnv();
    env.vsphere.version = "8.0U3";
    env.datastores.DS0 = { capacityGb: 100 };
    const spec = parseEnvironment(dump(env), "lab.yaml");
    expect(spec.vsphere.version).toBe("8.0U3");
    expect(spec.datastores.DS0.type).toBeUndefined();
    expect(withChange((e) => (e.vsphere.version = "eight"))).toEqual([
      'vsphere.version: version \'eight\' is not a vSphere version; write it like "8.0", "6.7" or "7.0.3" (an update suffix such as "8.0U3" is allowed)',
    ]);
  });

  it("derives stack names from file names and refuses bad ones", () => {
    expect(stackNameOf("environments/training-lab.yaml")).toEqual({ name: "training-lab" });
    expect(stackNameOf("environments/my lab.yaml").problem).toContain("does not make a valid stack name");
    expect(stackNameOf("environments/lab.yml").problem).toContain("is not a .yaml file");
  });
});
