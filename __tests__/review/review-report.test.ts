import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import type { EnvironmentReview, MemberChange, Review } from "../../lib/report/review";
import { parseArgs, runReview, UsageError } from "../../scripts/report";
import { tempDir } from "../helpers/files";
import { edu, files, git, lab, repoWith, snapshotTree, twoCommitRepo } from "./fixture";

const ROOT = path.resolve(__dirname, "../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const SCRIPT = path.join(ROOT, "scripts", "report.ts");

function env(review: Review, name: string): EnvironmentReview {
  const e = review.environments.find((x) => x.name === name);
  if (!e) throw new Error(`no environment ${name} in the review`);
  return e;
}

/** Member changes as `group/member: reason; reason` lines. */
function lines(list: readonly MemberChange[]): string[] {
  return list.map((c) => `${c.group}/${c.member}: ${c.reasons.map((r) => r.text).join("; ") || c.note || ""}`);
}

describe("npm run report -- --since <git-ref>", () => {
  // One repository for the scenario: two commits of five environments (see fixture.ts).
  let repo: string;
  let result: ReturnType<typeof runReview>;
  beforeAll(() => {
    repo = twoCommitRepo();
    result = runReview({ since: "HEAD~1", cwd: repo, dir: "environments" });
  });

  it("prints the review through the real script, exit 0, writing nothing into the repository or elsewhere", () => {
    const tree = snapshotTree(repo);
    const status = git(repo, ["status", "--porcelain", "--ignored"]);
    const tmp = tempDir("lc-review-tmp-");
    const r = spawnSync(TSX, [SCRIPT, "--since", "HEAD~1"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, TMPDIR: tmp, LINKED_CLONES_ENV_DIR: "", LINKED_CLONES_STRICT: "" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The same Markdown as in-process: the script adds nothing, and its temporary folders are gone.
    expect(r.stdout).toBe(result.markdown);
    // tsx keeps its compile cache there (tsx-<uid>); nothing else may stay.
    expect(fs.readdirSync(tmp).filter((f) => !f.startsWith("tsx-"))).toEqual([]);
    expect(git(repo, ["status", "--porcelain", "--ignored"])).toBe(status);
    expect(status).toBe("");
    expect(snapshotTree(repo)).toEqual(tree);
  });

  it("opens with a summary paragraph of the whole change", () => {
    const summary = result.markdown.split("\n")[2];
    expect(summary).toBe(
      "This change adds 10 clones to base `golden` of `lab` (its chain goes from 24 to 34 clones on 6 of 8 hosts); " +
        "removes 2 clones from base `linux-v1` of `lab` (its chain goes from 4 to 2 clones on 6 of 8 hosts) and " +
        "adds 2 clones to base `linux-v2` of `lab` (its chain goes from 0 to 2 clones on 6 of 8 hosts). " +
        "Deploying it creates 16 clones, destroys 2 clones and replaces 6 clones (3 for a new base snapshot, " +
        "2 for a rollout wave, 1 for a raised member generation). It adds the environment `extra` (4 clones in 1 group). " +
        "It removes the environment `old`, whose 3 clones stay deployed until `cdktf destroy old`. " +
        "Storage (worst case) +220 GB. 1 new warning, 1 warning fixed.",
    );
    expect(result.markdown.split("\n")[0]).toMatch(
      /^## Linked-clone review: `HEAD~1` \([0-9a-f]{12}\) → the working tree$/,
    );
  });

  it("classifies the environments: changed, added, removed, unchanged", () => {
    expect(result.review.environments.map((e) => `${e.name}: ${e.status}`)).toEqual([
      "edu: changed",
      "extra: added",
      "lab: changed",
      "old: removed",
      "quiet: unchanged",
    ]);
    expect(result.markdown).toContain("| extra (added) | — → 4 | — → 1 | — → 20 GB | — → 0 | — → 0 |");
    expect(result.markdown).toContain("| old (removed) | 3 → — | 1 → — | 15 GB → — | 0 → — | 0 → — |");
    expect(result.markdown).toContain("| quiet | 2 | 1 | 10 GB | 0 | 0 |");
    expect(result.markdown).toContain("\nUnchanged: `quiet`.\n");
    expect(result.markdown).not.toContain("### `quiet`");
    expect(result.markdown).toContain(
      "Its file is gone, but deploying destroys nothing: its 3 clones and its state stay until `cdktf destroy old`",
    );
  });

  it("gives each base's clones, chain, hosts against the limit and storage before and after", () => {
    const l = env(result.review, "lab");
    expect(l.bases.map((b) => [b.base, b.before, b.after])).toEqual([
      [
        "golden",
        {
          source: "DC0/golden-vm@golden-2026-10",
          template: false,
          clones: 24,
          chainClones: 24,
          hosts: 6,
          hostLimit: 8,
          storageGb: 480,
        },
        {
          source: "DC0/golden-vm@golden-2026-10",
          template: false,
          clones: 34,
          chainClones: 34,
          hosts: 6,
          hostLimit: 8,
          storageGb: 680,
        },
      ],
      [
        "linux-v1",
        {
          source: "DC0/linux-v1-vm@v1",
          template: false,
          clones: 4,
          chainClones: 4,
          hosts: 6,
          hostLimit: 8,
          storageGb: 40,
        },
        {
          source: "DC0/linux-v1-vm@v1",
          template: false,
          clones: 2,
          chainClones: 2,
          hosts: 6,
          hostLimit: 8,
          storageGb: 20,
        },
      ],
      [
        "linux-v2",
        undefined,
        {
          source: "DC0/linux-v2-vm@v2",
          template: false,
          clones: 2,
          chainClones: 2,
          hosts: 6,
          hostLimit: 8,
          storageGb: 20,
        },
      ],
    ]);
    expect(l.before).toMatchObject({ clones: 28, groups: 4, storageGb: 520, errors: 0, warnings: 0 });
    expect(l.after).toMatchObject({ clones: 38, groups: 3, storageGb: 720, errors: 0, warnings: 1 });
    expect(result.markdown).toContain(
      "| golden | DC0/golden-vm@golden-2026-10 | 24 → 34 (+10) | 24 → 34 (+10) | no limit | 6 / 8 | 480 GB → 680 GB (+200 GB) |",
    );
    expect(result.markdown).toContain(
      "| linux-v2 | — → DC0/linux-v2-vm@v2 | 0 → 2 (+2) | — → 2 | — → no limit | — → 6 / 8 | 0 GB → 20 GB (+20 GB) |",
    );
    expect(result.markdown).toContain(
      "| course | EDU/course-vm@course-2026-10 → EDU/course-vm@course-2026-11 | 3 | 3 | no limit | 2 / 96 | 60 GB |",
    );
    expect(result.markdown).toContain(
      "| lab | 28 → 38 (+10) | 4 → 3 (-1) | 520 GB → 720 GB (+200 GB) | 0 | 0 → 1 (+1) |",
    );
  });

  it("names the clones replaced, with the reason, and those created and destroyed", () => {
    const l = env(result.review, "lab");
    expect(lines(l.replaced)).toEqual([
      "app/app-01: rollout wave moved it to base `linux-v2`",
      "app/app-02: rollout wave moved it to base `linux-v2`",
      "tools/tool-02: member generation raised 0 → 1",
    ]);
    expect(l.created.map((c) => c.member)).toEqual(Array.from({ length: 12 }, (_, i) => `web-${i + 21}`));
    expect(lines(l.destroyed)).toEqual(["db/db-01: group removed", "db/db-02: group removed"]);
    expect(l.groupsRemoved).toEqual(["db"]);
    expect(l.groupsAdded).toEqual([]);
    expect(l.rollouts).toEqual([
      {
        env: "lab",
        group: "app",
        kind: "started",
        from: "linux-v1",
        to: "linux-v2",
        movedBefore: 0,
        movedAfter: 2,
        total: 4,
      },
    ]);
    expect(lines(env(result.review, "edu").replaced)).toEqual(
      ["student-01", "student-02", "student-03"].map(
        (m) => `students/${m}: managed base snapshot renamed \`course-2026-10\` → \`course-2026-11\` (re-created)`,
      ),
    );
    expect(env(result.review, "extra").created.map((c) => `${c.group}/${c.member}`)).toEqual([
      "fresh/fresh-01",
      "fresh/fresh-02",
      "fresh/fresh-03",
      "fresh/fresh-04",
    ]);
    // A removed environment's clones are not destroyed by a deploy.
    expect(env(result.review, "old").destroyed).toEqual([]);
    expect(result.markdown).toContain(
      [
        "12 created, 2 destroyed, 3 replaced.",
        "",
        "| change | group | clones | why |",
        "|---|---|---|---|",
        "| replaced | app | app-01, app-02 | rollout wave moved it to base `linux-v2` |",
        "| replaced | tools | tool-02 | member generation raised 0 → 1 |",
        "| created | web | web-21 … web-32 (12) |  |",
        "| destroyed | db | db-01, db-02 | group removed |",
      ].join("\n"),
    );
    expect(result.markdown).toContain("- `app`: rollout started from `linux-v1` to `linux-v2`: 2 of 4 moved");
  });

  it("lists findings added and fixed, compared without positions", () => {
    const l = env(result.review, "lab");
    expect(l.findingsAdded.map((f) => `${f.severity} ${f.rule}`)).toEqual(["warning clone-density"]);
    expect(l.findingsAdded[0].message).toMatch(/^\[clone-density\] lab\/web, lab\/tools: base 'golden' .* 34 vs 30;/);
    expect(l.findingsFixed).toEqual([]);
    const e = env(result.review, "edu");
    expect(e.findingsAdded).toEqual([]);
    expect(e.findingsFixed.map((f) => `${f.severity} ${f.rule}`)).toEqual(["warning storage-estimate"]);
    expect(result.markdown).toContain("New:\n\n- **warning** [clone-density] lab/web, lab/tools: base 'golden'");
    expect(result.markdown).toContain("Fixed (gone):\n\n- **warning** [storage-estimate] edu/students:");
  });

  it("prints no absolute path and is the same for a copy of the repository elsewhere", () => {
    expect(result.markdown).not.toContain(repo);
    expect(result.markdown).not.toContain(os.tmpdir());
    const again = runReview({ since: "HEAD~1", cwd: twoCommitRepo(), dir: "environments" });
    expect(again.markdown).toBe(result.markdown);
  });

  it("compares uncommitted changes in the working tree and leaves them as they are", () => {
    const work = twoCommitRepo();
    const file = path.join(work, "environments", "quiet.yaml");
    const changed = YAML.parse(fs.readFileSync(file, "utf8"));
    changed.groups[0].count = 3;
    fs.writeFileSync(file, YAML.stringify(changed));
    fs.writeFileSync(path.join(work, "notes.txt"), "untracked\n");
    const status = git(work, ["status", "--porcelain"]);
    const tree = snapshotTree(work);
    const r = runReview({ since: "HEAD", cwd: work, dir: "environments" });
    expect(r.review.environments.filter((e) => e.status !== "unchanged").map((e) => e.name)).toEqual(["quiet"]);
    expect(env(r.review, "quiet").created.map((c) => c.member)).toEqual(["q-03"]);
    expect(r.markdown).toContain(
      "This change adds 1 clone to base `base` of `quiet` (its chain goes from 2 to 3 clones on 1 of 96 hosts). Deploying it creates 1 clone. Storage (worst case) +5 GB.",
    );
    expect(git(work, ["status", "--porcelain"])).toBe(status);
    expect(snapshotTree(work)).toEqual(tree);
  });

  it("reads the environment folder LINKED_CLONES_ENV_DIR names, and a commit with no such folder as no environments", () => {
    const nested = twoCommitRepo("infra/envs");
    const r = runReview({ since: "HEAD~1", cwd: nested, dir: "infra/envs" });
    expect(r.markdown).toBe(
      result.markdown
        .replace(/\([0-9a-f]{12}\)/, r.markdown.match(/\([0-9a-f]{12}\)/)![0])
        .replace(/\(environments\/lab\.yaml:(\d+)\)/g, "(infra/envs/lab.yaml:$1)"),
    );
    const fresh = repoWith(undefined, files(true));
    const first = runReview({ since: "HEAD~1", cwd: fresh, dir: "environments" });
    expect(first.review.environments.map((e) => `${e.name}: ${e.status}`)).toEqual([
      "edu: added",
      "extra: added",
      "lab: added",
      "quiet: added",
    ]);
    expect(first.exitCode).toBe(0);
  });

  it("exits 1 when warnings count as errors (LINKED_CLONES_STRICT=1) and the working tree has one", () => {
    const saved = process.env.LINKED_CLONES_STRICT;
    process.env.LINKED_CLONES_STRICT = "1";
    try {
      const r = runReview({ since: "HEAD~1", cwd: repo, dir: "environments" });
      expect(r.exitCode).toBe(1);
      expect(r.markdown).toContain("1 new error, 1 error fixed.");
    } finally {
      if (saved === undefined) delete process.env.LINKED_CLONES_STRICT;
      else process.env.LINKED_CLONES_STRICT = saved;
    }
  });
});

describe("why a clone is replaced", () => {
  /** Reviews a change of one environment file `lab.yaml` from `before` to `after`. */
  function review(before: Record<string, unknown>, after: Record<string, unknown>): EnvironmentReview {
    const r = runReview({
      since: "HEAD~1",
      cwd: repoWith({ "lab.yaml": YAML.stringify(before) }, { "lab.yaml": YAML.stringify(after) }),
      dir: "environments",
    });
    expect(r.review.environments).toHaveLength(1);
    return r.review.environments[0];
  }
  const base = () => {
    const e = lab(false) as any;
    e.groups = [e.groups[1]]; // tools: tool-01, tool-02 on golden
    return e;
  };

  it("raising the group's generation replaces every member, nothing else", () => {
    const after = base();
    after.groups[0].generation = 2;
    const e = review(base(), after);
    expect(lines(e.replaced)).toEqual([
      "tools/tool-01: group generation raised 0 → 2",
      "tools/tool-02: group generation raised 0 → 2",
    ]);
    expect([...e.created, ...e.destroyed]).toEqual([]);
  });

  it("an unmanaged snapshot rolled, the source VM changed, and a group moved to another base", () => {
    const before = base();
    before.bases.golden.manageSnapshot = false;
    before.bases.other = { vm: "other-vm", snapshot: "o1", diskGb: 20 };
    before.groups.push({ ...before.groups[0], name: "other", base: "other", members: ["oth-01"] });
    const rolled = structuredClone(before);
    rolled.bases.golden.snapshot = "golden-2026-11";
    rolled.bases.other.vm = "other-vm-2";
    expect(lines(review(before, rolled).replaced)).toEqual([
      "other/oth-01: source VM changed `DC0/other-vm` → `DC0/other-vm-2`",
      "tools/tool-01: base snapshot rolled `golden-2026-10` → `golden-2026-11`",
      "tools/tool-02: base snapshot rolled `golden-2026-10` → `golden-2026-11`",
    ]);
    const moved = structuredClone(before);
    moved.groups[1].base = "golden";
    expect(lines(review(before, moved).replaced)).toEqual(["other/oth-01: base changed `other` → `golden`"]);
  });

  it("the server respelled (case, :443, a trailing dot) is the same vCenter: nothing is replaced", () => {
    const after = base();
    after.vsphere.server = "VC.example.com.:443";
    const e = review(base(), after);
    expect([...e.replaced, ...e.created, ...e.destroyed]).toEqual([]);
  });

  it("a rollout's next wave replaces exactly its members; finishing it replaces none", () => {
    const wave = (moved: number | undefined) => {
      const e = lab(true) as any;
      e.groups = [e.groups[2]]; // app: 4 members
      if (moved === undefined) delete e.groups[0].rollout;
      else e.groups[0].rollout.moved = moved;
      return e;
    };
    const e = review(wave(2), wave(3));
    expect(lines(e.replaced)).toEqual(["app/app-03: rollout wave moved it to base `linux-v2`"]);
    expect(e.rollouts.map((r) => `${r.kind} ${r.movedBefore} → ${r.movedAfter} of ${r.total}`)).toEqual([
      "progressed 2 → 3 of 4",
    ]);
    const done = review(wave(4), wave(undefined));
    expect(done.replaced).toEqual([]);
    expect(done.rollouts.map((r) => r.kind)).toEqual(["finished"]);
  });

  it("a member added before a rollout's wave moves a member back to the old base, and the review warns with the fix", () => {
    const members = (names: string[]) => {
      const e = lab(true) as any;
      e.groups = [{ ...e.groups[2], members: names, rollout: { from: "linux-v1", moved: 1 } }];
      delete e.groups[0].count;
      return e;
    };
    const cwd = repoWith(
      { "lab.yaml": YAML.stringify(members(["app-02", "app-03"])) },
      { "lab.yaml": YAML.stringify(members(["app-01", "app-02", "app-03"])) },
    );
    const r = runReview({ since: "HEAD~1", cwd, dir: "environments" });
    const e = r.review.environments[0];
    expect(lines(e.replaced)).toEqual(["app/app-02: rollout moved it back to base `linux-v1`"]);
    expect(lines(e.created)).toEqual(["app/app-01: "]);
    expect(r.markdown).toContain(
      "> In `app`, app-02 goes back to the old base and is replaced: a rollout moves its first `moved` members by " +
        "member number, so a member added or removed before them shifts the waves; raise `rollout.moved` by 1 to " +
        "keep it on the new base, or add and remove members only before or after a rollout.",
    );
    expect(r.markdown).toContain("replaces 1 clone (1 for a rollout wave moving back)");
    // A plain next wave has no such warning.
    const wave = runReview({
      since: "HEAD~1",
      cwd: repoWith(
        { "lab.yaml": YAML.stringify(members(["app-02", "app-03"])) },
        {
          "lab.yaml": YAML.stringify({
            ...members(["app-02", "app-03"]),
            groups: [{ ...members(["app-02", "app-03"]).groups[0], rollout: { from: "linux-v1", moved: 2 } }],
          }),
        },
      ),
      dir: "environments",
    });
    expect(wave.markdown).not.toContain("[!WARNING]");
  });

  it("a changed address or customization replaces the clone; a VM that changes group is destroyed and created", () => {
    const before = base();
    before.groups[0].customization = {
      ipv4: { range: "10.0.0.10-10.0.0.20", prefixLength: 24, gateway: "10.0.0.1" },
    };
    const after = structuredClone(before);
    after.groups[0].members = ["tool-01", { name: "tool-02", ipv4: "10.0.0.19" }];
    expect(lines(review(before, after).replaced)).toEqual(["tools/tool-02: address changed 10.0.0.11 → 10.0.0.19"]);
    // Any change in the provider's clone block replaces the VM: customization added, or a new gateway.
    expect(lines(review(base(), before).replaced)).toEqual([
      "tools/tool-01: guest customization added; address changed none → 10.0.0.10",
      "tools/tool-02: guest customization added; address changed none → 10.0.0.11",
    ]);
    const gateway = structuredClone(before);
    gateway.groups[0].customization.ipv4.gateway = "10.0.0.254";
    expect(lines(review(before, gateway).replaced)).toEqual([
      "tools/tool-01: gateway changed 10.0.0.1 → 10.0.0.254",
      "tools/tool-02: gateway changed 10.0.0.1 → 10.0.0.254",
    ]);
    const dns = structuredClone(before);
    dns.groups[0].customization.domain = "lab.example.com";
    dns.groups[0].customization.dnsServers = ["10.0.0.2"];
    expect(lines(review(before, dns).replaced)).toEqual([
      "tools/tool-01: domain changed none → lab.example.com; DNS servers changed none → 10.0.0.2",
      "tools/tool-02: domain changed none → lab.example.com; DNS servers changed none → 10.0.0.2",
    ]);
    const disks = structuredClone(before);
    disks.groups[0].diskMode = "nonpersistent";
    expect(lines(review(before, disks).replaced)).toEqual([
      "tools/tool-01: disk mode changed persistent → nonpersistent",
      "tools/tool-02: disk mode changed persistent → nonpersistent",
    ]);
    const regroup = base();
    regroup.groups[0].members = ["tool-01"];
    regroup.groups.push({ ...regroup.groups[0], name: "more", members: ["tool-02"] });
    const e = review(base(), regroup);
    expect(lines(e.created)).toEqual(["more/tool-02: moved from group `tools` (a new Terraform address)"]);
    expect(lines(e.destroyed)).toEqual(["tools/tool-02: moved to group `more` (a new Terraform address)"]);
    expect(e.groupsAdded).toEqual(["more"]);
  });

  it("a template base's clones are full copies: no chain, no host limit, storage unknown without diskGb", () => {
    const before = base();
    before.bases.tpl = { vm: "tpl-vm", template: true, diskGb: 30 };
    before.groups = [{ ...before.groups[0], name: "full", base: "tpl", members: ["f-01"] }];
    const after = structuredClone(before);
    after.groups[0].members = ["f-01", "f-02"];
    delete after.bases.tpl.diskGb;
    const r = runReview({
      since: "HEAD~1",
      cwd: repoWith({ "lab.yaml": YAML.stringify(before) }, { "lab.yaml": YAML.stringify(after) }),
      dir: "environments",
    });
    expect(r.markdown).toContain(
      "| tpl | template DC0/tpl-vm | 1 → 2 (+1) | full copies | n/a | n/a (full copies) | 30 GB → unknown (no diskGb) |",
    );
    expect(r.markdown).toContain("| lab | 1 → 2 (+1) | 1 | 30 GB → 0 GB + unknown | 0 | 1 |");
    expect(r.markdown).toContain(
      "This change adds 1 clone to base `tpl` of `lab` (full copies, no chain). Deploying it creates 1 clone. " +
        "Storage (worst case) not estimated for `lab/tpl` (no diskGb).",
    );
  });

  it("a change the clones do not depend on (cpus) replaces nothing", () => {
    const after = base();
    after.groups[0].cpus = 4;
    const e = review(base(), after);
    expect(e.status).toBe("unchanged");
  });
});

describe("config errors and usage errors", () => {
  it("says which side has config errors: the working tree's exit 1, the old commit's exit 0", () => {
    const bad = { ...files(true), "edu.yaml": YAML.stringify({ ...edu(true), datacenter: 7 }) };
    const broken = repoWith(files(false), bad);
    const now = runReview({ since: "HEAD~1", cwd: broken, dir: "environments" });
    expect(now.exitCode).toBe(1);
    expect(now.markdown).toContain("**The environment files in the working tree have 1 config error**");
    expect(now.markdown).toMatch(/- `environments\/edu\.yaml:\d+:\d+: datacenter: /);
    expect(now.markdown).toContain("No comparison: it needs both sides to load.");
    expect(now.markdown).toContain("Environments in `HEAD~1`");

    const fixed = repoWith(bad, files(true));
    const later = runReview({ since: "HEAD~1", cwd: fixed, dir: "environments" });
    expect(later.exitCode).toBe(0);
    expect(later.markdown).toMatch(
      /The environment files at `HEAD~1` \([0-9a-f]{12}\) have 1 config error\*\* when read/,
    );
    expect(later.markdown).toContain("this change fixes them");
    // The old side's files are named as in the repository, never by the temporary folder they were read into.
    expect(later.markdown).toMatch(/- `environments\/edu\.yaml:\d+:\d+: datacenter: /);
    expect(later.markdown).not.toContain(os.tmpdir());
    expect(later.markdown).toContain("| lab | 38 | 3 | 720 GB | 0 | 1 |");
  });

  it("an unknown ref exits 2 with one line and no stack trace; so does a folder that is no repository", () => {
    const repo = twoCommitRepo();
    const r = spawnSync(TSX, [SCRIPT, "--since", "no-such-branch"], { cwd: repo, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error: unknown git ref 'no-such-branch': no such commit in this repository (fetch it first, e.g. git fetch origin main; in CI check out with full history, e.g. fetch-depth: 0)\n",
    );
    expect(() => runReview({ since: "HEAD~1", cwd: tempDir() })).toThrow(UsageError);
    expect(() => runReview({ since: "HEAD~1", cwd: tempDir() })).toThrow(/^not a git repository/);
    expect(() => runReview({ since: "HEAD~5", cwd: repo })).toThrow(/^unknown git ref 'HEAD~5'/);
    expect(() => runReview({ since: "--output=x", cwd: repo })).toThrow("'--output=x' is not a git ref");
  });

  it("parses its arguments; without --since it stays the plain report", () => {
    expect(parseArgs([])).toEqual({ since: undefined, output: undefined, help: false });
    expect(parseArgs(["--since", "origin/main"]).since).toBe("origin/main");
    expect(parseArgs(["--since=HEAD~1", "--output", "review.md"])).toEqual({
      since: "HEAD~1",
      output: "review.md",
      help: false,
    });
    expect(() => parseArgs(["--since"])).toThrow("--since needs a value");
    expect(() => parseArgs(["--sinse", "x"])).toThrow("unknown argument '--sinse'");
    expect(() => parseArgs(["--output", "x"])).toThrow("--output goes with --since");
  });
});
