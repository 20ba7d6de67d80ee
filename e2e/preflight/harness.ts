/**
 * What preflight's end-to-end test needs around vcsim: govc to make mismatches, environment
 * files in a work folder, preflight run in-process or as the real CLI, Terraform state in the
 * provider's format, and a simulator loaded with a VMFS datastore.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { runPreflight, type PreflightResult } from "../../lib/preflight";
import { SIM_PASSWORD, SIM_USER, type Simulator } from "../vcsim";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
export const WORK = path.join(__dirname, "..", ".work", "preflight");

/** govc against one simulator; throws with govc's output when it fails. */
export class SimGovc {
  constructor(
    readonly bin: string,
    readonly sim: Simulator,
  ) {}

  run(...args: string[]): string {
    const r = spawnSync(this.bin, args, {
      env: { ...process.env, ...this.sim.govcEnv },
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`govc ${args.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  /** One property of one object, as JSON (`govc object.collect -json -s`). */
  property<T>(object: string, prop: string): T {
    return JSON.parse(this.run("object.collect", "-json", "-s", object, prop)) as T;
  }

  /** The managed object id of an inventory path (`vm-84`). */
  moid(object: string): string {
    return this.run("ls", "-i", object).trim().split(":").pop()!;
  }

  /** A linked clone of `vm` from `snapshot`, powered off, in `folder` (path below /DC0/vm). */
  linkedClone(vm: string, snapshot: string, name: string, folder = ""): void {
    this.run(
      "vm.clone",
      "-vm",
      vm,
      "-link",
      "-snapshot",
      snapshot,
      "-on=false",
      "-ds",
      "LocalDS_0",
      "-pool",
      "/DC0/host/DC0_C0/Resources",
      ...(folder ? ["-folder", folder] : []),
      name,
    );
  }
}

export interface EnvRun {
  readonly exitCode: number;
  /** Findings as printed: `severity: message`. */
  readonly findings: string[];
  readonly result: PreflightResult;
  /** The work folder of the run, relative to the project. */
  readonly dir: string;
}

let counter = 0;

/** A fresh work folder for one run: environments/, cdktf.out/, state/. */
export function runDir(label: string): string {
  const slug = `${String(++counter).padStart(2, "0")}-${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
  const dir = path.join(WORK, slug);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "environments"), { recursive: true });
  return dir;
}

/** Writes `<dir>/environments/<name>.yaml`, and the local backend's state when given. */
export function writeEnvironment(dir: string, env: object, name = "pf", state?: object): void {
  fs.writeFileSync(path.join(dir, "environments", `${name}.yaml`), YAML.stringify(env));
  if (state) {
    fs.mkdirSync(path.join(dir, "state"), { recursive: true });
    fs.writeFileSync(path.join(dir, "state", `${name}.tfstate`), JSON.stringify(state, null, 2));
  }
}

/** The environment variables preflight runs with against the simulator. */
export function preflightEnv(dir: string, govcBin: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.dirname(govcBin)}${path.delimiter}${process.env.PATH ?? ""}`,
    LINKED_CLONES_ENV_DIR: path.join(dir, "environments"),
    CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
    TF_VAR_vsphere_user: SIM_USER,
    TF_VAR_vsphere_password: SIM_PASSWORD,
  };
}

/** Runs preflight in-process on one environment (the library the CLI uses). */
export async function preflight(
  label: string,
  env: object,
  govcBin: string,
  options: { state?: object; json?: boolean } = {},
): Promise<EnvRun> {
  const dir = runDir(label);
  writeEnvironment(dir, env, "pf", options.state);
  const lines: string[] = [];
  const result = await runPreflight({
    environments: ["pf"],
    env: preflightEnv(dir, govcBin),
    govc: govcBin,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  fs.writeFileSync(path.join(dir, "output.txt"), lines.join("\n") + "\n");
  return {
    exitCode: result.exitCode,
    findings: result.findings.map((f) => `${f.severity}: ${f.message}`),
    result,
    dir: path.relative(PROJECT_DIR, dir),
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs the real CLI, `npx tsx scripts/preflight.ts ARGS`, from the project folder. */
export function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "scripts/preflight.ts", ...args], {
      cwd: PROJECT_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const run = { code: code ?? 1, stdout, stderr, seconds: (Date.now() - t0) / 1000 };
      fs.appendFileSync(
        path.join(WORK, "cli-runs.log"),
        `$ npx tsx scripts/preflight.ts ${args.join(" ")}   # exit ${run.code}, ${run.seconds.toFixed(1)} s\n${stdout}${stderr}\n`,
      );
      resolve(run);
    });
  });
}

/** Terraform state as terraform-provider-vsphere 2.15.0 writes it (the fields preflight reads). */
export function providerState(
  snapshot: { id: string; name: string; vmUuid: string } | undefined,
  clones: { group: string; name: string; uuid: string; moid: string; templateUuid: string }[],
): object {
  const resources: object[] = [];
  if (snapshot) {
    resources.push({
      mode: "managed",
      type: "vsphere_virtual_machine_snapshot",
      name: "Bases_golden_snapshot_0A1B2C3D",
      provider: 'provider["registry.terraform.io/vmware/vsphere"]',
      instances: [
        {
          schema_version: 0,
          attributes: {
            consolidate: true,
            description: "Base of linked clones of stack pf",
            id: snapshot.id,
            memory: false,
            quiesce: false,
            remove_children: false,
            snapshot_name: snapshot.name,
            virtual_machine_uuid: snapshot.vmUuid,
          },
        },
      ],
    });
  }
  for (const group of [...new Set(clones.map((c) => c.group))]) {
    resources.push({
      mode: "managed",
      type: "vsphere_virtual_machine",
      name: `${group}_clones_4E5F6A7B`,
      provider: 'provider["registry.terraform.io/vmware/vsphere"]',
      instances: clones
        .filter((c) => c.group === group)
        .map((c) => ({
          index_key: c.name,
          schema_version: 3,
          attributes: {
            id: c.uuid,
            name: c.name,
            uuid: c.uuid,
            moid: c.moid,
            clone: [{ linked_clone: true, template_uuid: c.templateUuid, timeout: 30 }],
          },
        })),
    });
  }
  return { version: 4, terraform_version: "1.8.5", serial: 1, lineage: "preflight-e2e", outputs: {}, resources };
}

/**
 * A simulator whose LocalDS_0 is VMFS 5. vcsim cannot create a VMFS datastore (its
 * HostDatastoreSystem has no CreateVmfsDatastore) and reports local ones as OTHER, but it loads
 * a saved inventory (`vcsim -load`): the default one is saved with `govc object.save`, and
 * LocalDS_0's info becomes VmfsDatastoreInfo with vmfs.majorVersion 5, its summary.type VMFS.
 * Returns a wrapper for startSimulator (as its vcsim) that adds `-load`.
 */
export function prepareVmfsSimulator(govc: SimGovc, vcsimBin: string, logDir: string, majorVersion = 5): string {
  const model = path.join(logDir, "vmfs-model");
  fs.rmSync(model, { recursive: true, force: true });
  govc.run("object.save", "-d", model);
  const file = fs
    .readdirSync(model)
    .filter((f) => /-Datastore-.*\.xml$/.test(f))
    .map((f) => path.join(model, f))
    .find((f) => fs.readFileSync(f, "utf8").includes("<name>LocalDS_0</name>"));
  if (!file) throw new Error("the saved inventory has no LocalDS_0");
  let xml = fs.readFileSync(file, "utf8");
  xml = xml.replace('XMLSchema-instance:type="LocalDatastoreInfo">', 'XMLSchema-instance:type="VmfsDatastoreInfo">');
  xml = xml.replace(
    /(<path>[^<]*<\/path>\s*)(<\/val>)/,
    `$1<vmfs><type>VMFS</type><name>LocalDS_0</name><capacity>10995116277760</capacity><blockSizeMb>1</blockSizeMb>` +
      `<maxBlocks>63963136</maxBlocks><majorVersion>${majorVersion}</majorVersion><version>${majorVersion}.61</version>` +
      `<uuid>5e5b1c2f-0000-0000-0000-000000000000</uuid><vmfsUpgradable>false</vmfsUpgradable></vmfs>$2`,
  );
  xml = xml.replace("<type>OTHER</type>", "<type>VMFS</type>");
  if (!xml.includes(`<majorVersion>${majorVersion}</majorVersion>`))
    throw new Error("LocalDS_0's info was not rewritten");
  fs.writeFileSync(file, xml);
  const wrapper = path.join(logDir, "vcsim-load.sh");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(vcsimBin)} -load ${JSON.stringify(model)} "$@"\n`);
  fs.chmodSync(wrapper, 0o755);
  return wrapper;
}
