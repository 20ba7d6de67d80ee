/**
 * The preflight command's flow, on a stand-in govc that prints recorded output: exit codes,
 * what is printed, JSON, --write-facts, usage errors, and that credentials never show.
 * e2e/preflight.e2e.test.ts runs the real govc against vcsim.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import {
  findGovc,
  govcEnv,
  govcRunner,
  PreflightUsageError,
  redact,
  runPreflight,
  type PreflightOptions,
} from "../../lib/preflight";
import { FIXTURES, labEnv, type EnvObject } from "./helpers";

const SECRET_USER = "svc-terraform@vsphere.local";
const SECRET_PASSWORD = "pässw0rd-with-$pecial&chars";

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-run-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A govc that answers preflight's queries with a recorded fixture, and logs its arguments. */
function fakeGovc(fixture: string, extra = ""): string {
  const bin = path.join(dir, "bin", "govc");
  const src = path.join(FIXTURES, fixture);
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.writeFileSync(
    bin,
    [
      "#!/bin/sh",
      `echo "$@" >> "${path.join(dir, "govc-args.log")}"`,
      extra,
      'case "$*" in',
      `  "about -json") cat "${src}/about.txt" ;;`,
      `  *"-type d / name") cat "${src}/datacenters.txt" ;;`,
      `  *"-type ManagedEntity "*) cat "${src}/entities.txt" ;;`,
      `  *"-type m "*) cat "${src}/vms.txt" ;;`,
      `  *"-type c "*) cat "${src}/clusters.txt" ;;`,
      `  *"-type h "*) cat "${src}/hosts.txt" ;;`,
      `  *"-type s "*) cat "${src}/datastores.txt" ;;`,
      '  *) echo "govc: unexpected: $*" >&2; exit 1 ;;',
      "esac",
      "",
    ].join("\n"),
  );
  fs.chmodSync(bin, 0o755);
  return bin;
}

function writeEnv(obj: EnvObject, name = "lab"): void {
  fs.mkdirSync(path.join(dir, "environments"), { recursive: true });
  fs.writeFileSync(path.join(dir, "environments", `${name}.yaml`), YAML.stringify(obj));
}

async function run(opts: Partial<PreflightOptions> & { environments: string[] }, envVars: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result = await runPreflight({
    env: {
      PATH: process.env.PATH,
      LINKED_CLONES_ENV_DIR: path.join(dir, "environments"),
      CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
      TF_VAR_vsphere_user: SECRET_USER,
      TF_VAR_vsphere_password: SECRET_PASSWORD,
      ...envVars,
    },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...opts,
  });
  const printed = [...out, ...err].join("\n");
  expect(printed).not.toContain(SECRET_PASSWORD);
  expect(printed).not.toContain(SECRET_USER);
  return { ...result, out, err };
}

describe("runPreflight", () => {
  it("exits 0 and says so when the environment matches", async () => {
    writeEnv(labEnv());
    const r = await run({ environments: ["lab"], govc: fakeGovc("default") });
    expect(r.exitCode).toBe(0);
    expect(r.out.map((l) => l.replace(/state [^,]+/, "state STATE"))).toEqual([
      "preflight lab: vCenter vcenter.lab.example (vSphere 6.5.0), datacenter DC0, state STATE, not there yet",
      "Preflight passed: lab matches vCenter.",
    ]);
  });

  it("exits 1 and lists every mismatch", async () => {
    const e = labEnv();
    e.vsphere.version = "8.0";
    e.groups[0].network = "VM Netwrk";
    writeEnv(e);
    const r = await run({ environments: ["lab"], govc: fakeGovc("default") });
    expect(r.exitCode).toBe(1);
    expect(r.out.slice(1)).toEqual([
      'error: [preflight-version] lab: vCenter vcenter.lab.example runs vSphere 6.5.0, not 8.0 as vsphere.version says, so the synth rules judged another platform\'s limits, 6.5 vs 8.0; set vsphere.version: "6.5.0"',
      "error: [preflight-inventory] lab/web: network 'VM Netwrk' does not exist in datacenter DC0, missing vs existing; did you mean 'VM Network'? If not, create the port group, or change groups[0].network",
      "Preflight failed: 2 mismatches in lab; fix vCenter or the environment file, then run it again before cdktf deploy.",
    ]);
  });

  it("writes the findings as JSON with --json", async () => {
    const e = labEnv();
    e.clusters.DC0_C0.haEnabled = true;
    writeEnv(e);
    const r = await run({ environments: ["lab"], json: true, govc: fakeGovc("default") });
    expect(r.exitCode).toBe(1);
    const doc = JSON.parse(r.out.join("\n"));
    expect(doc.exitCode).toBe(1);
    expect(doc.environments).toEqual([
      expect.objectContaining({
        name: "lab",
        server: "vcenter.lab.example",
        datacenter: "DC0",
        vcenterVersion: "6.5.0",
      }),
    ]);
    expect(doc.findings).toEqual([
      {
        rule: "preflight-ha",
        severity: "error",
        environment: "lab",
        subject: "lab/DC0_C0",
        message:
          "[preflight-ha] lab/DC0_C0: HA is off in cluster 'DC0_C0' but clusters.DC0_C0.haEnabled says true, so the ha-cluster rule judged the wrong setting, haEnabled: false vs haEnabled: true; set clusters.DC0_C0.haEnabled: false, or turn HA on (govc cluster.change -ha-enabled=true '/DC0/host/DC0_C0')",
      },
    ]);
  });

  it("prints facts with --write-facts and exits 0", async () => {
    writeEnv(labEnv());
    const r = await run({ environments: ["lab"], writeFacts: true, govc: fakeGovc("default") });
    expect(r.exitCode).toBe(0);
    expect(YAML.parse(r.out.join("\n"))).toEqual({
      vsphere: { server: "vcenter.lab.example", allowUnverifiedSsl: false, version: "6.5.0" },
      clusters: { DC0_C0: { hosts: ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"], haEnabled: false } },
      datastores: { LocalDS_0: { capacityGb: 10240 } },
    });
  });

  it("gives govc the server, TLS and credentials through its environment, never its arguments", async () => {
    writeEnv(labEnv());
    const seen = path.join(dir, "govc-env.log");
    const govc = fakeGovc("default", `env | grep ^GOVC_ | sort > "${seen}"`);
    await run(
      { environments: ["lab"], govc },
      { GOVC_URL: "https://someone:else@elsewhere/sdk", GOVC_DATACENTER: "X" },
    );
    expect(fs.readFileSync(seen, "utf8").split("\n").filter(Boolean)).toEqual([
      "GOVC_INSECURE=false",
      `GOVC_PASSWORD=${SECRET_PASSWORD}`,
      "GOVC_PERSIST_SESSION=false",
      "GOVC_URL=https://vcenter.lab.example/sdk",
      `GOVC_USERNAME=${SECRET_USER}`,
    ]);
    const args = fs.readFileSync(path.join(dir, "govc-args.log"), "utf8");
    expect(args).not.toContain(SECRET_PASSWORD);
    expect(
      args
        .split("\n")
        .filter(Boolean)
        .every((l) => /^(about -json|object\.collect -json )/.test(l)),
    ).toBe(true);
  });

  it("exits 2 with govc's reason, credentials blanked, when vCenter cannot be read", async () => {
    writeEnv(labEnv());
    const govc = fakeGovc(
      "default",
      `echo "govc: ServerFaultCode: login failed for $GOVC_USERNAME / $GOVC_PASSWORD" >&2; exit 1`,
    );
    const r = await run({ environments: ["lab"], govc });
    expect(r.exitCode).toBe(2);
    expect(r.err).toEqual([
      "preflight: lab: cannot read vCenter vcenter.lab.example with govc: ServerFaultCode: login failed for *** / ***",
    ]);
  });
});

describe("usage errors (exit 2, one line)", () => {
  it("asks for an environment, naming the known ones", async () => {
    writeEnv(labEnv());
    await expect(run({ environments: [] })).rejects.toThrow(
      new PreflightUsageError(
        `name at least one environment: npm run preflight -- <env> [more envs] (environments in ${path.relative(process.cwd(), path.join(dir, "environments"))}: lab)`,
      ),
    );
  });

  it("names an unknown environment with a did-you-mean", async () => {
    writeEnv(labEnv());
    await expect(run({ environments: ["lbb"] })).rejects.toThrow(
      /^unknown environment 'lbb'; did you mean 'lab'\? \(environments in .*: lab\)$/,
    );
  });

  it("says when the environment folder holds no environment", async () => {
    await expect(run({ environments: ["lab"] })).rejects.toThrow(
      /^unknown environment 'lab': .*environments holds no environment \(\.yaml\) files or does not exist; check LINKED_CLONES_ENV_DIR \(default: environments\)$/,
    );
  });

  it("says which credential is missing", async () => {
    writeEnv(labEnv());
    await expect(run({ environments: ["lab"] }, { TF_VAR_vsphere_password: "" })).rejects.toThrow(
      "TF_VAR_vsphere_password is not set; export the credentials Terraform uses (TF_VAR_vsphere_user, TF_VAR_vsphere_password) and run again",
    );
  });

  it("refuses --state with more than one environment", async () => {
    await expect(run({ environments: ["a", "b"], stateFile: "s.tfstate" })).rejects.toThrow(
      "--state FILE applies to one environment; name exactly one",
    );
  });

  it("reports a bad environment file's problem", async () => {
    writeEnv({ ...labEnv(), datacenter: 7 });
    await expect(run({ environments: ["lab"] })).rejects.toThrow(/lab\.yaml.*datacenter/);
  });
});

describe("govc", () => {
  it("keeps trust settings but no other GOVC_* of the caller", () => {
    const e = govcEnv(
      { server: "vc:8443", allowUnverifiedSsl: true, user: "u", password: "p" },
      { PATH: "/bin", GOVC_URL: "https://a:b@x/sdk", GOVC_DATACENTER: "D", GOVC_TLS_CA_CERTS: "ca.pem" },
    );
    expect(e).toEqual({
      PATH: "/bin",
      GOVC_TLS_CA_CERTS: "ca.pem",
      GOVC_URL: "https://vc:8443/sdk",
      GOVC_USERNAME: "u",
      GOVC_PASSWORD: "p",
      GOVC_INSECURE: "true",
      GOVC_PERSIST_SESSION: "false",
    });
  });

  it("blanks credentials, plain and URL-encoded", () => {
    expect(redact("user a@b:p&q at https://a%40b:p%26q@x", ["a@b", "p&q"])).toBe("user ***:*** at https://***:***@x");
  });

  it("is found on PATH, else in the user cache; else says how to get it", () => {
    const onPath = fakeGovc("default");
    expect(findGovc({ PATH: path.dirname(onPath) })).toBe(onPath);
    const cache = path.join(dir, "cache", "cdktf-vsphere-linked-clones", "govmomi-v0.46.3");
    fs.mkdirSync(cache, { recursive: true });
    fs.copyFileSync(onPath, path.join(cache, "govc"));
    expect(findGovc({ PATH: "", XDG_CACHE_HOME: path.join(dir, "cache") })).toBe(path.join(cache, "govc"));
    expect(() => findGovc({ PATH: "", XDG_CACHE_HOME: path.join(dir, "empty") })).toThrow(
      "govc is not on PATH and Go is not installed to build it; put govc v0.46.3 on PATH (https://github.com/vmware/govmomi/releases) or install Go",
    );
  });

  it("runs govc and returns what it printed", async () => {
    const govc = govcRunner(fakeGovc("default"), { PATH: process.env.PATH }, []);
    expect(JSON.parse(await govc(["about", "-json"])).about.version).toBe("6.5.0");
  });
});
