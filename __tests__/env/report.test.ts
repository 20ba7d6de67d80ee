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
      "| base 'ubuntu-course' (Training/ubuntu-2404-course-golden@course-2026-11) | training-lab/students, training-lab/instructors, training-lab/services | 30 / 30 | no limit | 6 / 32 | vmfs6 |",
    );
    expect(lab).toContain("| ubuntu-course | 30 | 40 GB | 1200 GB | 640 GB | 1240 GB |");
    expect(lab).toContain("0 errors, 0 warnings, 0 suppressed or informational.");
    expect(lab).toContain("```mermaid\ngraph LR");
    expect(lab).toContain("base_ubuntu_course --> group_students");
    expect(lab).toContain('group_instructors --> host_esx_lab_01["esx-lab-01"]');
    expect(lines).toContain("training-lab: 30 clones in 3 groups; 0 errors, 0 warnings, 0 suppressed");
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
