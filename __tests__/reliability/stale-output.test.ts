/**
 * Nothing stale stays deployable (issue 14): after a failed synth no cdk.tf.json that disagrees
 * with the environment files remains; after a good one every stack folder is current, and the
 * folder of an environment whose file is gone is reported.
 */
import * as fs from "fs";
import * as path from "path";
import { synthFolder, tempDir, toYaml, validEnv, changed, writeFiles } from "./helpers";

const twoEnvs = () => ({
  "a.yaml": toYaml(validEnv({ datacenter: "DCA", prefix: "a", net: 10 })),
  "b.yaml": toYaml(validEnv({ datacenter: "DCB", prefix: "b", net: 11 })),
});
const outputs = (outdir: string) =>
  ["a", "b", "gone"].filter((s) => fs.existsSync(path.join(outdir, "stacks", s, "cdk.tf.json")));

describe("stale output", () => {
  it("a config error in one file removes every environment's earlier cdk.tf.json, saying so", () => {
    const dir = writeFiles(tempDir("lc-stale-"), twoEnvs());
    const good = synthFolder(dir);
    expect(outputs(good.outdir)).toEqual(["a", "b"]);
    fs.writeFileSync(
      path.join(dir, "b.yaml"),
      toYaml(changed(validEnv({ datacenter: "DCB" }), (e) => (e.groups[0].count = 0))),
    );
    const bad = synthFolder(dir, { outdir: good.outdir });
    expect(bad.exitCode).toBe(1);
    expect(outputs(good.outdir)).toEqual([]);
    expect(bad.err.at(-1)).toMatch(
      /^Removed the earlier output that no longer matches the environment files, so it cannot be deployed by mistake: .*stacks\/a\/cdk\.tf\.json, .*stacks\/b\/cdk\.tf\.json$/,
    );
  });

  it.each([
    ["renamed to b.Yaml", (dir: string) => fs.renameSync(path.join(dir, "b.yaml"), path.join(dir, "b.Yaml"))],
    [
      "renamed to 'b.yaml ' (a trailing space)",
      (dir: string) => fs.renameSync(path.join(dir, "b.yaml"), path.join(dir, "b.yaml ")),
    ],
    ["renamed to B.yaml", (dir: string) => fs.renameSync(path.join(dir, "b.yaml"), path.join(dir, "B.yaml"))],
    [
      "moved into a subfolder",
      (dir: string) => {
        fs.mkdirSync(path.join(dir, "prod"));
        fs.renameSync(path.join(dir, "b.yaml"), path.join(dir, "prod", "b.yaml"));
      },
    ],
  ])("a file %s fails synth naming it, and its earlier cdk.tf.json goes too", (name, change) => {
    const dir = writeFiles(tempDir("lc-stale-"), twoEnvs());
    const good = synthFolder(dir);
    expect(outputs(good.outdir)).toEqual(["a", "b"]);
    change(dir);
    const bad = synthFolder(dir, { outdir: good.outdir });
    expect(bad.exitCode).toBe(1);
    expect(bad.err.join("\n")).toMatch(
      name === "renamed to B.yaml"
        ? /'B\.yaml' does not make a valid stack name/
        : name === "moved into a subfolder"
          ? /prod: is a folder with 'b\.yaml', but environment files are read from .* itself, so it would be skipped/
          : /'b\.(Yaml|yaml )' would be skipped; rename it to b\.yaml/,
    );
    expect(outputs(good.outdir)).toEqual([]);
  });

  it("names files outside the working directory by a relative path that resolves from it, never an absolute one", () => {
    const dir = writeFiles(tempDir("lc-paths-"), {
      ...twoEnvs(),
      "b.yaml": toYaml(changed(validEnv({ datacenter: "DCB" }), (e) => (e.groups[0].count = 0))),
    });
    const bad = synthFolder(dir);
    expect(bad.exitCode).toBe(1);
    const shown = path.relative(process.cwd(), path.join(dir, "b.yaml"));
    expect(shown.startsWith("..")).toBe(true);
    expect(bad.err[1]).toBe(
      `  ${shown}:29:5: groups[0].count: count 0 is out of range; use a whole number from 1 to 10000`,
    );
    expect(fs.existsSync(path.resolve(shown))).toBe(true);
    expect(bad.printed.split(/\s/).filter((w) => path.isAbsolute(w))).toEqual([]);
  });

  it("a rule error in one environment removes the other environments' earlier cdk.tf.json too", () => {
    const dir = writeFiles(tempDir("lc-stale-"), twoEnvs());
    const good = synthFolder(dir);
    fs.writeFileSync(
      path.join(dir, "a.yaml"),
      toYaml(
        changed(
          validEnv({ datacenter: "DCA", prefix: "a", net: 10 }),
          (e) => ((e.vsphere.version = "4.0"), (e.groups[0].count = 9)),
        ),
      ),
    );
    const bad = synthFolder(dir, { outdir: good.outdir });
    expect(bad.exitCode).toBe(1);
    expect(bad.findings.some((f) => f.rule === "chain-size" && f.stack === "a")).toBe(true);
    expect(outputs(good.outdir)).toEqual([]);
    // The findings files are fresh: a's holds the error, b's is empty.
    expect(
      JSON.parse(fs.readFileSync(path.join(good.outdir, "stacks", "b", "linked-clones-findings.json"), "utf8")),
    ).toEqual([]);
  });

  it("reports the stack folder of an environment whose file is gone, and leaves it for its destroy", () => {
    const dir = writeFiles(tempDir("lc-stale-"), {
      ...twoEnvs(),
      "gone.yaml": toYaml(validEnv({ datacenter: "DCG", prefix: "g", net: 12 })),
    });
    const first = synthFolder(dir);
    expect(outputs(first.outdir)).toEqual(["a", "b", "gone"]);
    fs.rmSync(path.join(dir, "gone.yaml"));
    const second = synthFolder(dir, { outdir: first.outdir });
    expect(second.exitCode).toBe(0);
    expect(second.err).toContainEqual(
      expect.stringMatching(
        /^warning: .*stacks\/gone holds the output of environment 'gone', which has no file any more; its resources still exist unless destroyed: destroy them there \(terraform destroy\), then delete the folder$/,
      ),
    );
    expect(outputs(first.outdir)).toEqual(["a", "b", "gone"]);
  });
});
