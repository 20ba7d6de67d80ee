/**
 * `npm run mirror` (scripts/mirror.ts): the project-local provider mirror for air-gapped
 * deploys, from a provider binary, a release zip or a `terraform providers mirror` folder,
 * under both registry host names, with a CLI config that installs from it only. The layout
 * tests need no tool; with the provider at hand, terraform and tofu install it from the
 * mirror offline (`--check`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { buildMirror, checkMirror, cliConfigText, HOSTS, parseArgs } from "../scripts/mirror";
import { PROJECT_DIR, run } from "./run";
import { describeE2e } from "./steps";
import { binaryEnv, binaryPath, type Binary } from "./terraform";
import { E2E_DIR, PROVIDER_VERSION, readTools } from "./tools";

const tools = readTools();
const WORK = path.join(E2E_DIR, ".work", "mirror-script");
const TSX = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");

/** A zip with one stored (uncompressed) file, as the provider's release zips hold one binary. */
function writeZip(zipFile: string, name: string, data: Buffer): void {
  const n = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4); // made by Unix, so the mode below counts
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + data.length, 16);
  fs.writeFileSync(zipFile, Buffer.concat([local, n, data, central, n, end]));
}

const tree = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort()
    : [];

beforeAll(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
});

describe("npm run mirror: the mirror's layout", () => {
  test("from a provider binary: the unpacked layout under both hosts, executable, and a CLI config with no direct{}", () => {
    const bin = path.join(WORK, "in", "terraform-provider-vsphere_v2.15.0");
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, "#!/bin/sh\n");
    const dir = path.join(WORK, "from-binary");
    const r = buildMirror({ from: bin, platform: "linux_amd64", dir, config: path.join(dir, "cli.tfrc") });
    expect(r.version).toBe("2.15.0");
    expect(tree(dir)).toEqual([
      "cli.tfrc",
      "registry.opentofu.org/vmware/vsphere/2.15.0/linux_amd64/terraform-provider-vsphere_v2.15.0",
      "registry.terraform.io/vmware/vsphere/2.15.0/linux_amd64/terraform-provider-vsphere_v2.15.0",
    ]);
    for (const h of HOSTS)
      expect(
        fs.statSync(path.join(dir, h, "vmware/vsphere/2.15.0/linux_amd64/terraform-provider-vsphere_v2.15.0")).mode &
          0o111,
      ).not.toBe(0);
    const rc = fs.readFileSync(path.join(dir, "cli.tfrc"), "utf8");
    expect(rc).toBe(cliConfigText(dir));
    expect(rc).toContain(`path    = ${JSON.stringify(path.resolve(dir))}`);
    expect(rc).toContain('include = ["registry.terraform.io/vmware/vsphere", "registry.opentofu.org/vmware/vsphere"]');
    expect(rc).not.toMatch(/\bdirect\s*\{/);
  });

  test("from a release zip: the packed layout (the zip as it is) under both hosts; version and platform from its name", () => {
    const zip = path.join(WORK, "in", "terraform-provider-vsphere_2.15.0_linux_arm64.zip");
    writeZip(zip, "terraform-provider-vsphere_v2.15.0", Buffer.from("#!/bin/sh\n"));
    const dir = path.join(WORK, "from-zip");
    const r = buildMirror({ from: zip, dir, config: path.join(dir, "cli.tfrc") });
    expect({ version: r.version, platforms: r.platforms }).toEqual({ version: "2.15.0", platforms: ["linux_arm64"] });
    expect(tree(dir)).toEqual([
      "cli.tfrc",
      "registry.opentofu.org/vmware/vsphere/terraform-provider-vsphere_2.15.0_linux_arm64.zip",
      "registry.terraform.io/vmware/vsphere/terraform-provider-vsphere_2.15.0_linux_arm64.zip",
    ]);
  });

  test("from a `terraform providers mirror` folder: its zips (every platform) under both hosts, not its JSON indexes", () => {
    const from = path.join(WORK, "in", "providers-mirror-output", "registry.terraform.io", "vmware", "vsphere");
    fs.mkdirSync(from, { recursive: true });
    for (const p of ["linux_amd64", "windows_amd64"])
      writeZip(
        path.join(from, `terraform-provider-vsphere_2.15.0_${p}.zip`),
        "terraform-provider-vsphere_v2.15.0",
        Buffer.from("x"),
      );
    fs.writeFileSync(path.join(from, "index.json"), '{"versions":{"2.15.0":{}}}');
    fs.writeFileSync(path.join(from, "2.15.0.json"), '{"archives":{}}');
    const dir = path.join(WORK, "from-mirror-folder");
    const r = buildMirror({
      from: path.join(WORK, "in", "providers-mirror-output"),
      dir,
      config: path.join(dir, "cli.tfrc"),
    });
    expect(r.platforms.sort()).toEqual(["linux_amd64", "windows_amd64"]);
    expect(tree(dir).filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(tree(dir).filter((f) => f.endsWith(".zip"))).toHaveLength(4);
  });

  test("says what is wrong: no --from, a zip that is not a release zip, a version that does not match", () => {
    expect(parseArgs([])).toMatch(/^--from is required/);
    expect(parseArgs(["--from", "x", "--bogus"])).toMatch(/^unknown option '--bogus'/);
    const odd = path.join(WORK, "in", "provider.zip");
    fs.writeFileSync(odd, "");
    expect(() => buildMirror({ from: odd, dir: path.join(WORK, "odd"), config: path.join(WORK, "odd.tfrc") })).toThrow(
      /not a provider release zip \(terraform-provider-vsphere_<version>_<os>_<arch>\.zip\)/,
    );
    const bin = path.join(WORK, "in", "terraform-provider-vsphere_v2.15.0");
    expect(() =>
      buildMirror({ from: bin, version: "2.14.0", dir: path.join(WORK, "odd"), config: path.join(WORK, "odd.tfrc") }),
    ).toThrow("is named for version 2.15.0, not --version 2.14.0");
    expect(() => buildMirror({ from: path.join(WORK, "nothing-here"), dir: WORK, config: "x" })).toThrow(
      "no such file or folder",
    );
  });
});

for (const binary of ["terraform", "tofu"] as Binary[]) {
  describeE2e(
    `npm run mirror: ${binary} installs the provider from it, offline`,
    tools,
    ["terraform", "provider", ...(binary === "tofu" ? (["tofu"] as const) : [])],
    () => {
      test(`from the provider binary and from its release zip, \`${binary} init\` installs vmware/vsphere ${PROVIDER_VERSION} from the mirror only`, async () => {
        const zip = path.join(WORK, `in-${binary}`, `terraform-provider-vsphere_${PROVIDER_VERSION}_linux_amd64.zip`);
        fs.mkdirSync(path.dirname(zip), { recursive: true });
        writeZip(zip, `terraform-provider-vsphere_v${PROVIDER_VERSION}`, fs.readFileSync(tools.provider!));
        for (const [kind, from] of [
          ["binary", tools.provider!],
          ["zip", zip],
        ]) {
          const dir = path.join(WORK, `check-${binary}-${kind}`);
          // The script as a user runs it: npm run mirror -- --from ... --dir ... --config ... --check
          const r = await run(
            TSX,
            [
              path.join(PROJECT_DIR, "scripts", "mirror.ts"),
              "--from",
              from,
              "--dir",
              dir,
              "--config",
              `${dir}.tfrc`,
              "--check",
            ],
            {
              env: binaryEnv(
                tools,
                binary,
                binary === "tofu" ? { TERRAFORM_BINARY_NAME: binaryPath(tools, "tofu")! } : {},
              ),
            },
          );
          expect(r.stdout).toContain(`Check: ${binary} init installs the provider from the mirror.`);
          expect(r.stdout).toContain(`export TF_CLI_CONFIG_FILE=`);
          const c = checkMirror(`${dir}.tfrc`, PROVIDER_VERSION, binaryPath(tools, binary));
          expect(c.output).toContain(`Installing vmware/vsphere v${PROVIDER_VERSION}`);
          expect(c.ok).toBe(true);
        }
      });
    },
  );
}
