import * as fs from "fs";
import * as path from "path";
import { runSynth } from "../../stacks/app";
import { tempDir } from "../helpers/files";

/** Drops cdktf's `//` metadata (construct paths, versions): the golden files hold what Terraform reads. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  }
  return value;
}

const GOLDEN = path.join(__dirname, "golden");
const EXAMPLES = fs
  .readdirSync("environments")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.slice(0, -5));

describe("example environments", () => {
  const outdir = tempDir();
  let exitCode = -1;
  const printed: string[] = [];
  beforeAll(() => {
    exitCode = runSynth({
      dir: "environments",
      outdir,
      out: (l) => printed.push(l),
      err: (l) => printed.push(l),
    }).exitCode;
  });

  it("synthesize without findings", () => {
    expect(exitCode).toBe(0);
    expect(printed.filter((l) => /^(error|warning):/.test(l))).toEqual([]);
  });

  it.each(EXAMPLES)("%s matches its golden cdk.tf.json", (name) => {
    const json = withoutMetadata(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8")));
    const file = path.join(GOLDEN, `${name}.json`);
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, JSON.stringify(json, null, 2) + "\n");
    expect(json).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
  });

  it("include a training lab of about 30 non-persistent clones with static addresses, over several groups of one base", () => {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "training-lab", "cdk.tf.json"), "utf8"));
    const vms = json.resource.vsphere_virtual_machine as Record<
      string,
      { for_each: Record<string, { ipv4?: string }>; clone: { template_uuid: string } }
    >;
    const clones = Object.values(vms).flatMap((g) => Object.values(g.for_each));
    expect(clones.length).toBeGreaterThanOrEqual(28);
    expect(clones.every((c) => c.ipv4 !== undefined)).toBe(true);
    expect(new Set(Object.values(vms).map((g) => g.clone.template_uuid)).size).toBe(1);
    expect(Object.keys(vms).length).toBeGreaterThan(1);
  });

  it("write the linked-clone report next to the stacks", () => {
    expect(fs.existsSync(path.join(outdir, "linked-clones-report.md"))).toBe(true);
  });
});
