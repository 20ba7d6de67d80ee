import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { tempDir } from "../helpers/files";

// The package as a user gets it: `npm pack`, a fresh cdktf TypeScript project that installs the
// tarball (examples/typescript, with the npm cache), `tsc` in strict mode, then synth with node
// and with the cdktf CLI. Takes about 20 s warm; the first run may download from the registry.

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "typescript");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const LOCK = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
/** The files a user's project needs from the example (its README is for people). */
const EXAMPLE_FILES = ["main.ts", "tsconfig.json", "cdktf.json", "package.json"];

/** The environment without what `npm test` adds (npm_package_*, npm_lifecycle_*, a local prefix pointing here). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" };
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toLowerCase();
    if (key.startsWith("npm_") && !key.startsWith("npm_config_")) continue;
    if (["npm_config_local_prefix", "npm_config_prefix", "npm_config_call", "npm_config_global"].includes(key))
      continue;
    if (key === "cdktf_outdir" || key === "init_cwd") continue;
    env[k] = v;
  }
  return env;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: childEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}\n${stderr ?? ""}`, { cause: e });
  }
}

function lockVersion(name: string): string {
  const v = LOCK.packages?.[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`package-lock.json has no ${name}`);
  return v;
}

interface Packed {
  readonly filename: string;
  readonly files: { path: string }[];
}

let project: string;
let packed: Packed;

beforeAll(() => {
  project = tempDir("lc-package-");
  // prepack builds dist/ first (npm run build).
  packed = (JSON.parse(run("npm", ["pack", "--json", "--pack-destination", project], ROOT)) as Packed[])[0];
  for (const f of EXAMPLE_FILES) fs.copyFileSync(path.join(EXAMPLE, f), path.join(project, f));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], project);
}, 300_000);

/** lib/**\/*.ts as the .js and .d.ts files the build makes of them. */
function builtFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
        const rel = path.relative(path.join(ROOT, "lib"), p).split(path.sep).join("/").replace(/\.ts$/, "");
        out.push(`dist/${rel}.js`, `dist/${rel}.d.ts`);
      }
    }
  };
  walk(path.join(ROOT, "lib"));
  return out;
}

describe("the package", () => {
  test("the tarball holds the compiled library, its declarations, the README and package.json, nothing else", () => {
    const files = packed.files.map((f) => f.path).filter((f) => !/^LICEN[CS]E(\.\w+)?$/i.test(f));
    expect(files.sort()).toEqual([...builtFiles(), "README.md", "package.json"].sort());
  });

  test("package.json points main, types and exports at files in the tarball and stays private", () => {
    const installed = JSON.parse(
      fs.readFileSync(path.join(project, "node_modules", PACKAGE.name, "package.json"), "utf8"),
    );
    expect(installed.private).toBe(true);
    const exported = installed.exports["."];
    expect(Object.keys(exported)[0]).toBe("types"); // TypeScript reads the first matching condition
    const targets = [installed.main, installed.types, exported.types, exported.require, exported.default];
    for (const target of targets) {
      expect(fs.existsSync(path.join(project, "node_modules", PACKAGE.name, target))).toBe(true);
    }
  });

  test("the example pins the versions of this project's lockfile and depends on the tarball", () => {
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
    expect(example.dependencies[PACKAGE.name]).toBe(`file:${packed.filename}`);
    const pinned = { ...example.dependencies, ...example.devDependencies };
    for (const name of ["cdktf", "constructs", "@cdktf/provider-vsphere", "typescript", "@types/node"]) {
      expect(`${name}@${pinned[name]}`).toBe(`${name}@${lockVersion(name)}`);
    }
  });

  test("the user's project has one cdktf and one constructs, shared with the package", () => {
    for (const shared of ["cdktf", "constructs", "@cdktf/provider-vsphere"]) {
      expect(fs.existsSync(path.join(project, "node_modules", PACKAGE.name, "node_modules", shared))).toBe(false);
      expect(fs.existsSync(path.join(project, "node_modules", shared))).toBe(true);
    }
  });
});

describe("examples/typescript against the installed package", () => {
  test("compiles with tsc in strict mode (package exports), and through main/types with node10 resolution", () => {
    const tsc = path.join(project, "node_modules", "typescript", "bin", "tsc");
    run(process.execPath, [tsc, "-p", "."], project);
    expect(fs.existsSync(path.join(project, "dist", "main.js"))).toBe(true);
    const major = Number(lockVersion("typescript").split(".")[0]);
    if (major <= 6) {
      const legacy = ["--noEmit", "-p", ".", "--module", "commonjs", "--moduleResolution", "node10"];
      run(process.execPath, [tsc, ...legacy, ...(major === 6 ? ["--ignoreDeprecations", "6.0"] : [])], project);
    }
  });

  test("synthesizes two groups of linked clones, each one resource with for_each keyed by VM name", () => {
    fs.rmSync(path.join(project, "cdktf.out"), { recursive: true, force: true });
    run(process.execPath, ["dist/main.js"], project);
    const stackDir = path.join(project, "cdktf.out", "stacks", "lab");
    const text = fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8");
    const json = JSON.parse(text);
    const vms = json.resource.vsphere_virtual_machine;
    expect(Object.keys(vms).sort()).toEqual(["db", "web"]);
    expect(vms.web.for_each).toEqual({
      "web-01": { ipv4: "10.0.10.10" },
      "web-02": { ipv4: "10.0.10.11" },
      "web-03": { ipv4: "10.0.10.12" },
    });
    expect(Object.keys(vms.db.for_each)).toEqual(["db-01", "db-02"]);
    for (const vm of Object.values<any>(vms)) {
      expect(vm.name).toBe("${each.key}");
      expect(vm.clone.linked_clone).toBe(true);
      expect(vm.clone.template_uuid).toMatch(/data\.vsphere_virtual_machine\./);
      expect(vm.dynamic.disk.iterator).toBe("src_disk");
    }
    expect(Object.keys(json.resource.vsphere_virtual_machine_snapshot)).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(stackDir, "linked-clones-findings.json"), "utf8"))).toEqual([]);
    expect(text).not.toContain(project);
    expect(fs.readFileSync(path.join(project, "cdktf.out", "manifest.json"), "utf8")).not.toContain(project);
  });

  const cli = path.join(ROOT, "node_modules", ".bin", "cdktf");
  (fs.existsSync(cli) ? test : test.skip)("`cdktf synth` (the README's route) writes the same cdk.tf.json", () => {
    const stackFile = path.join(project, "cdktf.out", "stacks", "lab", "cdk.tf.json");
    const byNode = fs.readFileSync(stackFile, "utf8");
    fs.rmSync(path.join(project, "cdktf.out"), { recursive: true, force: true });
    run(cli, ["synth"], project);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(byNode);
  });
});
