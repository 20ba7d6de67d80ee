/**
 * Deterministic output (issue 7): the same environment files give byte-identical
 * cdk.tf.json, report and findings on any machine, in any folder, in any time zone
 * and locale, and the output holds no absolute path, timestamp or random id.
 *
 * Two copies of the project in different temp folders run the real CLI
 * (`node node_modules/.bin/tsx main.ts`) as child processes with different HOME, TZ
 * and locale. Both runs go in parallel: two process spawns are the whole cost.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { changed, copyProject, readTree, runCli, synthFolder, tempDir, toYaml, validEnv, type CliRun } from "./helpers";

/** An ISO-8601-like date-time, an RFC 2822-like date, or an epoch in ms/s of this century. */
const TIMESTAMP =
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b|GMT[+-]\d{4}|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \w{3} \d{1,2}|\b1[6-9]\d{11}\b|\b1[6-9]\d{8}\b/;
/** A UUID (any version) or a long hex run such as a random id or a hash of machine state. */
const RANDOM_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,}/i;

interface Side {
  readonly root: string;
  readonly home: string;
  readonly run: CliRun;
  readonly tree: Map<string, Buffer>;
}

/**
 * An environment with findings of every kind (a warning, a suppressed warning), so the
 * findings files and the report's findings section are compared too, not only empty lists.
 */
const WITH_FINDINGS = toYaml(
  changed(validEnv({ datacenter: "DC-findings", prefix: "lab", net: 77 }), (e) => {
    delete e.clusters.C0.hosts; // chain-hosts: hosts unknown (warning)
    e.datastores.DS0.capacityGb = 1; // storage-estimate: over capacity (warning), suppressed below
    e.suppress = [{ rule: "storage-estimate", reason: "thin-provisioned test array" }];
  }),
);

async function synthIn(root: string, home: string, tz: string, lang: string): Promise<Side> {
  copyProject(root);
  fs.writeFileSync(path.join(root, "environments", "zz-findings-lab.yaml"), WITH_FINDINGS);
  fs.mkdirSync(home, { recursive: true });
  const run = await runCli({
    cwd: root,
    main: path.join(root, "main.ts"),
    tsx: path.join(root, "node_modules", ".bin", "tsx"),
    env: { HOME: home, TZ: tz, LANG: lang, LC_ALL: lang, USER: path.basename(home), TMPDIR: os.tmpdir() },
  });
  return { root, home, run, tree: readTree(path.join(root, "cdktf.out")) };
}

describe("deterministic output", () => {
  let a: Side;
  let b: Side;

  beforeAll(async () => {
    // Different folders (and depths), homes, time zones and locales.
    const base = tempDir("lc-det-");
    [a, b] = await Promise.all([
      synthIn(path.join(base, "one"), path.join(base, "home-alice"), "UTC", "C"),
      synthIn(
        path.join(base, "elsewhere", "deeper", "two"),
        path.join(base, "home-bob"),
        "Pacific/Auckland",
        "tr_TR.UTF-8",
      ),
    ]);
  }, 60000);

  it("synthesizes the examples in both copies", () => {
    for (const side of [a, b]) {
      expect({ code: side.run.code, stderr: side.run.stderr }).toEqual({ code: 0, stderr: "" });
      const names = fs
        .readdirSync(path.join(side.root, "environments"))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => f.slice(0, -5));
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect([...side.tree.keys()]).toContain(`stacks/${n}/cdk.tf.json`);
      const findings = JSON.parse(
        side.tree.get("stacks/zz-findings-lab/linked-clones-findings.json")!.toString("utf8"),
      );
      expect(findings.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`).sort()).toEqual([
        "chain-hosts:warning",
        "storage-estimate:info",
      ]);
      expect([...side.tree.keys()]).toContain("linked-clones-report.md");
    }
  });

  it("writes byte-identical files: every cdk.tf.json, the report, the findings and the manifest", () => {
    expect([...b.tree.keys()]).toEqual([...a.tree.keys()]);
    for (const [file, bytes] of a.tree) {
      // Compare as text for a readable diff; then as bytes.
      expect({ file, text: b.tree.get(file)!.toString("utf8") }).toEqual({ file, text: bytes.toString("utf8") });
      expect(Buffer.compare(b.tree.get(file)!, bytes)).toBe(0);
    }
  });

  it("prints the same lines in both copies", () => {
    expect(b.run.stdout).toEqual(a.run.stdout);
  });

  it("puts no absolute path, user name, timestamp or random id in any output file or printed line", () => {
    for (const side of [a, b]) {
      const forbidden = [
        side.root,
        fs.realpathSync(side.root),
        side.home,
        path.basename(side.home),
        os.tmpdir(),
        os.homedir(),
        path.resolve(__dirname, "..", ".."),
      ];
      const texts: [string, string][] = [...side.tree].map(([f, bytes]) => [f, bytes.toString("utf8")]);
      texts.push(["(stdout)", side.run.stdout], ["(stderr)", side.run.stderr]);
      for (const [file, text] of texts) {
        for (const p of forbidden)
          expect({ file, contains: p, found: text.includes(p) }).toEqual({ file, contains: p, found: false });
        expect({ file, timestamp: TIMESTAMP.exec(text)?.[0] }).toEqual({ file, timestamp: undefined });
        expect({ file, randomId: RANDOM_ID.exec(text)?.[0] }).toEqual({ file, randomId: undefined });
      }
    }
  });

  it("gives the same bytes in-process as the CLI, and again on a second run (no state carried between runs)", () => {
    const first = synthFolder(path.join(a.root, "environments"), { cwd: a.root });
    const second = synthFolder(path.join(a.root, "environments"), { cwd: a.root });
    expect(first.exitCode).toBe(0);
    const t1 = readTree(first.outdir);
    const t2 = readTree(second.outdir);
    expect([...t1.keys()]).toEqual([...a.tree.keys()]);
    for (const [file, bytes] of a.tree) {
      expect({ file, same: Buffer.compare(t1.get(file)!, bytes) === 0 }).toEqual({ file, same: true });
      expect({ file, same: Buffer.compare(t2.get(file)!, bytes) === 0 }).toEqual({ file, same: true });
    }
  });
});
