import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { tempDir } from "../helpers/files";

/**
 * A small set of environments at a first commit, and the change a second commit makes:
 * - lab: 12 more clones in `web` on base golden (its chain 24 → 34 clones, past the density
 *   warning at 30), group `db` removed, `tools`' member tool-02 refreshed (generation 1), and
 *   group `app` starts rolling from base linux-v1 to linux-v2 (2 of 4 moved);
 * - edu: its managed snapshot renamed (every clone replaced), and its datastore's capacity
 *   raised, which fixes a storage-estimate warning;
 * - quiet: unchanged; old: removed; extra: added.
 */
export function lab(after: boolean): Record<string, unknown> {
  const groups: Record<string, unknown>[] = [
    { name: "web", base: "golden", cluster: "C0", datastore: "DS0", network: "VM Network", count: after ? 32 : 20 },
    {
      name: "tools",
      base: "golden",
      cluster: "C0",
      datastore: "DS0",
      network: "VM Network",
      members: ["tool-01", after ? { name: "tool-02", generation: 1 } : "tool-02"],
    },
    {
      name: "app",
      base: after ? "linux-v2" : "linux-v1",
      cluster: "C0",
      datastore: "DS0",
      network: "VM Network",
      count: 4,
      ...(after ? { rollout: { from: "linux-v1", moved: 2 } } : {}),
    },
  ];
  if (!after) {
    groups.push({
      name: "db",
      base: "golden",
      cluster: "C0",
      datastore: "DS0",
      network: "VM Network",
      members: ["db-01", "db-02"],
      hosts: ["H0", "H1"],
    });
  }
  return {
    vsphere: { server: "vc.example.com", version: "8.0" },
    datacenter: "DC0",
    clusters: { C0: { hosts: ["H0", "H1", "H2", "H3", "H4", "H5"] } },
    // vmfs3: at most 8 hosts per chain on any version.
    datastores: { DS0: { type: "vmfs3", capacityGb: 2000 } },
    bases: {
      golden: { vm: "golden-vm", snapshot: "golden-2026-10", manageSnapshot: true, diskGb: 20 },
      "linux-v1": { vm: "linux-v1-vm", snapshot: "v1", diskGb: 10 },
      ...(after ? { "linux-v2": { vm: "linux-v2-vm", snapshot: "v2", diskGb: 10 } } : {}),
    },
    groups,
  };
}

export function edu(after: boolean): Record<string, unknown> {
  return {
    vsphere: { server: "vc.example.com", version: "8.0" },
    datacenter: "EDU",
    clusters: { E0: { hosts: ["E-H0", "E-H1"] } },
    datastores: { EDS: { type: "vmfs6", capacityGb: after ? 100 : 50 } },
    bases: {
      course: {
        vm: "course-vm",
        snapshot: after ? "course-2026-11" : "course-2026-10",
        manageSnapshot: true,
        diskGb: 20,
      },
    },
    groups: [
      {
        name: "students",
        base: "course",
        cluster: "E0",
        datastore: "EDS",
        network: "VM Network",
        count: 3,
        namePattern: "student-{nn}",
      },
    ],
  };
}

function small(datacenter: string, vm: string, group: string, count: number): Record<string, unknown> {
  return {
    vsphere: { server: "vc.example.com", version: "8.0" },
    datacenter,
    clusters: { K0: { hosts: ["K-H0"] } },
    datastores: { KDS: { type: "nfs", capacityGb: 1000 } },
    bases: { base: { vm, snapshot: "s1", manageSnapshot: true, diskGb: 5 } },
    groups: [{ name: group, base: "base", cluster: "K0", datastore: "KDS", network: "VM Network", count }],
  };
}

export const quiet = () => small("QUIET", "quiet-vm", "q", 2);
export const old = () => small("OLD", "old-vm", "legacy", 3);
export const extra = () => small("EXTRA", "extra-vm", "fresh", 4);

/** The environment files of each side. */
export function files(after: boolean): Record<string, string> {
  const out: Record<string, string> = {
    "lab.yaml": YAML.stringify(lab(after)),
    "edu.yaml": YAML.stringify(edu(after)),
    "quiet.yaml": YAML.stringify(quiet()),
  };
  if (after) out["extra.yaml"] = YAML.stringify(extra());
  else out["old.yaml"] = YAML.stringify(old());
  return out;
}

/** Commits get fixed names and dates, so their hashes (and the report) are the same on every run. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: "Review Test",
  GIT_AUTHOR_EMAIL: "review@example.com",
  GIT_COMMITTER_NAME: "Review Test",
  GIT_COMMITTER_EMAIL: "review@example.com",
  GIT_AUTHOR_DATE: "2026-11-01T12:00:00Z",
  GIT_COMMITTER_DATE: "2026-11-01T12:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: os.devNull,
};

export function git(repo: string, args: readonly string[]): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", `core.hooksPath=${os.devNull}`, ...args], {
    cwd: repo,
    env: { ...process.env, ...GIT_ENV },
    encoding: "utf8",
  });
}

function writeFolder(dir: string, contents: Record<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(contents)) fs.writeFileSync(path.join(dir, name), text);
}

/**
 * A git repository with two commits: the environments before, then after the change.
 * `envDir` is the folder inside the repository that holds them.
 */
export function twoCommitRepo(envDir = "environments"): string {
  return repoWith(files(false), files(true), envDir);
}

/**
 * A git repository with two commits: `before` then `after` as the environment folder's files
 * (undefined: no such folder in that commit).
 */
export function repoWith(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
  envDir = "environments",
): string {
  const repo = tempDir("lc-review-repo-");
  git(repo, ["init", "-q", "-b", "main"]);
  fs.writeFileSync(path.join(repo, "README.md"), "review test\n");
  const commit = (contents: Record<string, string> | undefined, message: string) => {
    if (contents) writeFolder(path.join(repo, envDir), contents);
    else fs.rmSync(path.join(repo, envDir), { recursive: true, force: true });
    git(repo, ["add", "-A"]);
    git(repo, ["commit", "-q", "--allow-empty", "-m", message]);
  };
  commit(before, "environments");
  commit(after, "change the environments");
  return repo;
}

/** Every file of a folder (the .git folder left out) with its contents, for before/after comparisons. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === ".git") continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}
