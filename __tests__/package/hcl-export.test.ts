import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse } from "@cdktf/hcl2json";
import { runSynth } from "../../stacks/app";
import {
  cdktfOutdir,
  compareHclToJson,
  exportHcl,
  expression,
  HCL_FILE,
  literal,
  template,
  wholeInterpolation,
  withRebasedLocalBackend,
  type JsonObject,
} from "../../scripts/hcl-export";
import { dump, minimalEnv } from "../env/fixtures";
import { envDir, listFiles, tempDir } from "../helpers/files";

// The HCL export (npm run export:hcl, docs/hcl-export.md) of this project's environments.
const ENV_DIR = "environments";
const quiet = () => undefined;

interface Exported {
  readonly names: string[];
  readonly outdir: string;
  readonly json: Record<string, JsonObject>;
  readonly hcl: Record<string, string>;
  readonly printed: string[];
}

let exported: Exported;
const AWKWARD_TEXT = 'line one\nline "two" with a \\ backslash,\ta tab, 100% and ünïcode';
let textFolder: Promise<string> | undefined;

/** The export folder of a hand-made environment with awkward text (validated with the provider too). */
function textExport(): Promise<string> {
  textFolder ??= (async () => {
    const env = minimalEnv();
    env.groups[0].annotation = AWKWARD_TEXT;
    env.groups[0].folder = "labs\\web";
    const outdir = tempDir("lc-hcl-text-");
    const result = await exportHcl({ dir: envDir({ "lab.yaml": dump(env) }), outdir, out: quiet, err: quiet });
    expect(result.exitCode).toBe(0);
    return path.join(outdir, "lab");
  })();
  return textFolder;
}

beforeAll(async () => {
  const jsonDir = tempDir("lc-hcl-json-");
  expect(runSynth({ dir: ENV_DIR, outdir: jsonDir, out: quiet, err: quiet }).exitCode).toBe(0);
  const names = Object.keys(JSON.parse(fs.readFileSync(path.join(jsonDir, "manifest.json"), "utf8")).stacks).sort();
  const json = Object.fromEntries(
    names.map((n) => [n, JSON.parse(fs.readFileSync(path.join(jsonDir, "stacks", n, "cdk.tf.json"), "utf8"))]),
  );
  const outdir = tempDir("lc-hcl-");
  // What `cdktf synth --hcl` leaves behind, and a file of the user's.
  fs.mkdirSync(path.join(outdir, names[0]));
  for (const f of ["cdk.tf.json", "metadata.json", "notes.txt"]) fs.writeFileSync(path.join(outdir, names[0], f), "{}");
  const printed: string[] = [];
  // A user who once ran `SYNTH_HCL_OUTPUT=true cdktf synth` in this shell still gets the export.
  process.env.SYNTH_HCL_OUTPUT = "true";
  let result;
  try {
    result = await exportHcl({ dir: ENV_DIR, outdir, out: (l) => printed.push(l), err: (l) => printed.push(l) });
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
  expect(result.exitCode).toBe(0);
  const hcl = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(outdir, n, HCL_FILE), "utf8")]));
  exported = { names, outdir, json, hcl, printed };
});

/** The stack's JSON as the export folder sees it (local state paths rewritten for the folder). */
function expectedJson(name: string, outdir = exported.outdir): JsonObject {
  return withRebasedLocalBackend(
    exported.json[name],
    path.join(cdktfOutdir(process.cwd()), "stacks", name),
    path.resolve(outdir, name),
  );
}

describe("HCL export of the environments", () => {
  test("writes one folder per environment holding cdk.tf and no cdk.tf.json", () => {
    expect(exported.names.length).toBeGreaterThan(0);
    const expected = [...exported.names.map((n) => `${n}/${HCL_FILE}`), `${exported.names[0]}/notes.txt`].sort();
    expect(listFiles(exported.outdir)).toEqual(expected);
    expect(exported.printed.join("\n")).toContain(
      `removed ${path.join(exported.outdir, exported.names[0], "cdk.tf.json")}`,
    );
  });

  test("parsed back, the HCL says exactly what cdk.tf.json says", async () => {
    for (const name of exported.names)
      expect(await compareHclToJson(exported.hcl[name], expectedJson(name))).toEqual([]);
  });

  test("each group is one vsphere_virtual_machine with for_each keyed by VM name, linked clones and a dynamic disk block", async () => {
    let groups = 0;
    for (const name of exported.names) {
      const parsed = await parse(HCL_FILE, exported.hcl[name]);
      const vms = (exported.json[name].resource as any)?.vsphere_virtual_machine ?? {};
      for (const [group, vm] of Object.entries<any>(vms)) {
        groups++;
        const [hclVm] = parsed.resource.vsphere_virtual_machine[group];
        expect(Object.keys(hclVm.for_each)).toEqual(Object.keys(vm.for_each));
        expect(hclVm.clone[0].linked_clone).toBe(true);
        expect(hclVm.dynamic.disk[0].iterator).toBe("${src_disk}");
        expect(hclVm.dynamic.disk[0].content[0].size).toBe("${src_disk.value.size}");
        const text = exported.hcl[name];
        expect(text).toMatch(new RegExp(`resource "vsphere_virtual_machine" "${group}" \\{\\n  for_each = \\{\\n`));
        for (const member of Object.keys(vm.for_each)) expect(text).toContain(`    ${member} = {`);
        expect(text).toMatch(
          /\n {2}dynamic "disk" \{\n {4}for_each = data\.vsphere_virtual_machine\.[^\n]+\.disks\n {4}iterator = src_disk\n/,
        );
      }
    }
    expect(groups).toBeGreaterThan(0);
  });

  test("references are bare; the credential variables stay sensitive and non-nullable", async () => {
    let references = 0;
    for (const name of exported.names) {
      const text = exported.hcl[name];
      expect(text).not.toMatch(/(depends_on|replace_triggered_by)\s*=\s*\[\s*"/);
      expect(text).toMatch(/variable "vsphere_password" \{[^}]*nullable\s+= false[^}]*sensitive\s+= true/);
      // hcl2json shows a bare reference as "${ref}" and a quoted one as "ref".
      const parsed = await parse(HCL_FILE, text);
      for (const byName of Object.values<any>(parsed.resource ?? {})) {
        for (const [body] of Object.values<any>(byName)) {
          for (const ref of [...(body.depends_on ?? []), ...(body.lifecycle?.[0]?.replace_triggered_by ?? [])]) {
            expect(ref).toMatch(/^\$\{[^"]+\}$/);
            references++;
          }
        }
      }
    }
    const managed = exported.names.filter((n) => JSON.stringify(exported.json[n]).includes('"replace_triggered_by"'));
    if (managed.length) expect(references).toBeGreaterThan(0);
  });

  test("a local backend's state path still names the file cdktf deploy used", async () => {
    for (const name of exported.names) {
      const local = (exported.json[name].terraform as any)?.backend?.local;
      if (!local?.path) continue;
      const parsed = await parse(HCL_FILE, exported.hcl[name]);
      const written = parsed.terraform[0].backend.local[0].path as string;
      expect(path.isAbsolute(written)).toBe(false);
      expect(path.resolve(exported.outdir, name, written)).toBe(
        path.resolve(cdktfOutdir(process.cwd()), "stacks", name, local.path),
      );
    }
  });

  test("exporting again elsewhere at the same depth gives the same bytes", async () => {
    const again = tempDir("lc-hcl-again-");
    expect((await exportHcl({ dir: ENV_DIR, outdir: again, out: quiet, err: quiet })).exitCode).toBe(0);
    for (const name of exported.names)
      expect(fs.readFileSync(path.join(again, name, HCL_FILE), "utf8")).toBe(exported.hcl[name]);
  });

  test("exports only the environments named", async () => {
    const outdir = tempDir("lc-hcl-one-");
    const one = exported.names[exported.names.length - 1];
    expect((await exportHcl({ dir: ENV_DIR, outdir, envs: [one], out: quiet, err: quiet })).exitCode).toBe(0);
    expect(listFiles(outdir)).toEqual([`${one}/${HCL_FILE}`]);
  });

  test("an unknown environment stops it, naming the known ones, with nothing written", async () => {
    const outdir = path.join(tempDir("lc-hcl-unknown-"), "out");
    const err: string[] = [];
    const result = await exportHcl({ dir: ENV_DIR, outdir, envs: ["nope"], out: quiet, err: (l) => err.push(l) });
    expect(result.exitCode).toBe(1);
    expect(err.join("\n")).toContain(`no environment 'nope'; environments: ${exported.names.join(", ")}`);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe("HCL export of hand-made environments", () => {
  test("a rule error stops it with nothing written", async () => {
    const env = minimalEnv();
    delete env.groups[0].datastore;
    env.groups[0].datastoreCluster = "SDRS0"; // rule storage-drs: an error
    const outdir = path.join(tempDir("lc-hcl-rule-"), "out");
    const err: string[] = [];
    const result = await exportHcl({
      dir: envDir({ "lab.yaml": dump(env) }),
      outdir,
      out: quiet,
      err: (l) => err.push(l),
    });
    expect(result.exitCode).toBe(1);
    expect(err.join("\n")).toContain("storage-drs");
    expect(err.join("\n")).toContain("HCL export stopped: synth failed; nothing was written.");
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test("quotes, backslashes, newlines, tabs and non-ASCII text survive", async () => {
    const folder = await textExport();
    const parsed = await parse(HCL_FILE, fs.readFileSync(path.join(folder, HCL_FILE), "utf8"));
    const [vm] = parsed.resource.vsphere_virtual_machine.web;
    expect(vm.annotation).toBe(AWKWARD_TEXT);
    expect(vm.folder).toBe("labs\\web");
  });

  test("the check catches an HCL that says something else", async () => {
    const name = exported.names[0];
    const changed = exported.hcl[name].replace(/linked_clone(\s*)= true/, "linked_clone$1= false");
    expect(changed).not.toBe(exported.hcl[name]);
    const diffs = await compareHclToJson(changed, expectedJson(name));
    expect(diffs).toEqual([expect.stringMatching(/clone\.linked_clone: json "true" vs hcl "false"$/)]);
    expect(await compareHclToJson(`${exported.hcl[name]}\nresource "x" {`, expectedJson(name))).toEqual([
      expect.stringContaining("the HCL does not parse"),
    ]);
  });
});

describe("HCL values", () => {
  test("a template is quoted with its literal text escaped and its interpolations kept", () => {
    expect(template('a\\b "c"\n\t${x.y} %{ if true }ok%{ endif } $${lit}')).toBe(
      '"a\\\\b \\"c\\"\\n\\t${x.y} %{ if true }ok%{ endif } $${lit}"',
    );
    expect(template('${format("%s}", "{")}-x')).toBe('"${format("%s}", "{")}-x"');
  });

  test("one whole interpolation becomes the bare expression; anything more stays a template", () => {
    expect(expression("${data.x.y.id}")).toBe("data.x.y.id");
    expect(expression("${{ for k, v in x : k => { id = v.id } }}")).toBe("{ for k, v in x : k => { id = v.id } }");
    expect(wholeInterpolation("${a}-${b}")).toBeUndefined();
    expect(wholeInterpolation('${format("}", a)}')).toBe('format("}", a)');
    expect(expression("disk${src_disk.key}")).toBe('"disk${src_disk.key}"');
    expect(expression({ "web-01": { ipv4: "10.0.0.1" }, "two words": 1, for: true })).toBe(
      '{\nweb-01 = {\nipv4 = "10.0.0.1"\n}\n"two words" = 1\n"for" = true\n}',
    );
  });

  test("literal values keep ${ as text", () => {
    expect(literal("a ${b} %{c}")).toBe('"a $${b} %%{c}"');
    expect(literal([false, 0, ""])).toBe('[false, 0, ""]');
  });
});

/** terraform validate with the real provider needs its binary (VSPHERE_PROVIDER_BIN) and terraform on PATH. */
function skipReason(): string | undefined {
  const bin = process.env.VSPHERE_PROVIDER_BIN;
  if (!bin) return "VSPHERE_PROVIDER_BIN is not set (path of terraform-provider-vsphere_v2.15.0)";
  if (!fs.existsSync(bin)) return `VSPHERE_PROVIDER_BIN=${bin} does not exist`;
  try {
    execFileSync("terraform", ["version"], { stdio: "ignore" });
  } catch {
    return "terraform is not on PATH";
  }
  return undefined;
}

const reason = skipReason();
const withProvider = reason ? test.skip : test;
if (reason) process.stderr.write(`HCL export: terraform validate with the real provider skipped: ${reason}\n`);

describe("HCL export with the real vSphere provider", () => {
  withProvider(
    `terraform init and validate accept every exported folder${reason ? ` (skipped: ${reason})` : ""}`,
    async () => {
      const work = tempDir("lc-hcl-tf-");
      const cache = path.join(work, "plugin-cache");
      fs.mkdirSync(cache);
      const env = {
        ...process.env,
        TF_CLI_CONFIG_FILE: providerMirror(work),
        TF_PLUGIN_CACHE_DIR: cache,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
      };
      const folders = exported.names.map((name) => path.join(exported.outdir, name));
      folders.push(await textExport());
      for (const source of folders) {
        const folder = path.join(work, `${path.basename(path.dirname(source))}-${path.basename(source)}`);
        fs.mkdirSync(folder);
        fs.copyFileSync(path.join(source, HCL_FILE), path.join(folder, HCL_FILE));
        execFileSync("terraform", ["init", "-backend=false", "-input=false", "-no-color"], {
          cwd: folder,
          env,
          stdio: "pipe",
        });
        let report: string;
        try {
          report = execFileSync("terraform", ["validate", "-json", "-no-color"], {
            cwd: folder,
            env,
            encoding: "utf8",
          });
        } catch (e) {
          report = (e as { stdout: string }).stdout;
        }
        const result = JSON.parse(report);
        expect({ source, valid: result.valid, diagnostics: result.diagnostics }).toEqual({
          source,
          valid: true,
          diagnostics: [],
        });
      }
      expect(folders.length).toBe(exported.names.length + 1);
    },
  );
});

/** A filesystem mirror holding VSPHERE_PROVIDER_BIN as the version cdk.tf requires; returns the CLI config file. */
function providerMirror(work: string): string {
  const version = (exported.json[exported.names[0]].terraform as any).required_providers.vsphere.version as string;
  const platform = `${process.platform}_${{ x64: "amd64", arm64: "arm64", ia32: "386" }[process.arch as string] ?? process.arch}`;
  const mirror = path.join(work, "mirror");
  const dir = path.join(mirror, "registry.terraform.io", "vmware", "vsphere", version, platform);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(process.env.VSPHERE_PROVIDER_BIN!, path.join(dir, `terraform-provider-vsphere_v${version}`));
  fs.chmodSync(path.join(dir, `terraform-provider-vsphere_v${version}`), 0o755);
  const config = path.join(work, "terraform.rc");
  fs.writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/vmware/vsphere"]\n  }\n}\n`,
  );
  return config;
}
