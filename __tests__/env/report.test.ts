import * as fs from "fs";
import * as path from "path";
import { runSynth } from "../../stacks/app";
import { envDir, tempDir } from "../helpers/files";
import { dump, minimalEnv } from "./fixtures";

describe("linked-clone report", () => {
  it("describes the training lab: chains, hosts against the limit, storage, findings and a diagram", () => {
    const outdir = tempDir();
    const lines: string[] = [];
    expect(
      runSynth({ dir: "environments", outdir, out: (l) => lines.push(l), err: (l) => lines.push(l) }).exitCode,
    ).toBe(0);
    const report = fs.readFileSync(path.join(outdir, "linked-clones-report.md"), "utf8");
    const lab = report.slice(report.indexOf("## training-lab"));
    expect(lab).toContain("30 linked clones in 3 groups of 1 bases.");
    expect(lab).toContain(
      "| base 'ubuntu-course' (Training/ubuntu-2404-course-golden@course-2026-11) | training-lab/students, training-lab/instructors, training-lab/services | 30 / 30 | no limit | 6 / 96 | vmfs6 |",
    );
    expect(lab).toContain("| training-lab/students | ubuntu-course | 24 | 0 | none |");
    // The clones' disks only: linked clones never need more than full clones.
    expect(lab).toContain("| ubuntu-course | 30 | 40 GB | 1200 GB | 600 GB | 1200 GB |");
    expect(lab).toContain("0 errors, 0 warnings, 0 suppressed or informational.");
    expect(lab).toContain("```mermaid\ngraph LR");
    expect(lab).toContain("base_ubuntu_2d_course -->|24| group_students");
    expect(lab).toContain('host_esx_2d_lab_2d_01["esx-lab-01"]');
    expect(lab).toContain("group_instructors --> host_esx_2d_lab_2d_01");
    expect(lines).toContain("training-lab: 30 clones in 3 groups; 0 errors, 0 warnings, 0 suppressed");
  });

  it("gives names that differ only in '-' and '_' their own diagram nodes, and escapes '|' in tables", () => {
    const env = minimalEnv();
    env.bases = {
      "a-b": { vm: "VM|0", snapshot: "s1", manageSnapshot: true, diskGb: 10 },
      a_b: { vm: "VM1", snapshot: "s1", manageSnapshot: true, diskGb: 10 },
    };
    const g = env.groups[0];
    env.groups = [
      { ...g, name: "web", base: "a-b" },
      { ...g, name: "db", base: "a_b" },
    ];
    const lines: string[] = [];
    runSynth({
      dir: envDir({ "lab.yaml": dump(env) }),
      outdir: tempDir(),
      report: "print",
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    const text = lines.join("\n");
    expect(text).toContain('base_a_2d_b[("a-b: VM|0@s1")]');
    expect(text).toContain('base_a_5f_b[("a_b: VM1@s1")]');
    expect(text).toContain("base_a_2d_b -->|2| group_web");
    expect(text).toContain("base_a_5f_b -->|2| group_db");
    // Each row keeps its six cells: the '|' in the VM name is escaped.
    const row = text.split("\n").find((l) => l.startsWith("| base 'a-b'"))!;
    expect(row).toContain("(DC0/VM\\|0@s1)");
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  it("shows a group's generation and rollout progress with the next wave, and both chains' storage", () => {
    const env = minimalEnv();
    env.bases.next = { vm: "VM-next", snapshot: "s2", manageSnapshot: true, diskGb: 10 };
    env.groups[0] = {
      ...env.groups[0],
      base: "next",
      count: 5,
      generation: 1,
      rollout: { from: "golden", moved: 2 },
      namePattern: "web-{nn}",
    };
    const lines: string[] = [];
    runSynth({
      dir: envDir({ "lab.yaml": dump(env) }),
      outdir: tempDir(),
      report: "print",
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    const text = lines.join("\n");
    expect(text).toContain("| lab/web | golden → next | 5 | 1 | 2 / 5 moved; next wave: web-03, web-04 (moved: 4) |");
    expect(text).toContain("| next | 2 | 10 GB | 20 GB | 10 GB | 20 GB |");
    expect(text).toContain("| golden | 3 | 10 GB | 30 GB | 15 GB | 30 GB |");
  });

  it("warns when an environment does not give its vSphere version", () => {
    const env = minimalEnv();
    delete env.vsphere.version;
    const lines: string[] = [];
    expect(
      runSynth({
        dir: envDir({ "lab.yaml": dump(env) }),
        outdir: tempDir(),
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      }).exitCode,
    ).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(/^warning: .*lab\.yaml: vsphere\.version is not set, so the rules assume vSphere 8\.0/),
    );
  });

  it("prints the report without a full synth for npm run report", () => {
    const env = minimalEnv();
    env.groups[0].count = 31;
    const outdir = tempDir();
    const lines: string[] = [];
    const result = runSynth({
      dir: envDir({ "lab.yaml": dump(env) }),
      outdir,
      report: "print",
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    expect(result.exitCode).toBe(0);
    const text = lines.join("\n");
    expect(text).toContain("## lab");
    expect(text).toContain("0 errors, 1 warnings, 0 suppressed or informational.");
    expect(text).toContain(
      "- **warning** [clone-density] lab/web: base 'golden' (DC0/VM0@s1) serves 31 clones from one base disk, 31 vs 30;",
    );
    expect(fs.existsSync(path.join(outdir, "stacks"))).toBe(false);
  });
});
