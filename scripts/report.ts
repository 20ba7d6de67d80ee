/**
 * `npm run report`: prints the linked-clone report of the environments without a full synth.
 * `npm run report -- --since <git-ref>`: prints the review report, in Markdown for a pull-request
 * comment, of what the environment files' change since that commit does (docs/review-report.md).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareSides, ConfigError, hasErrors, renderReview, type Problem, type Review, type ReviewSide } from "../lib";
import { buildApp, environmentDir, loadEnvironments, locateFinding, runSynth } from "../stacks/app";

const USAGE = "usage: npm run report [-- --since <git-ref> [--output <file>]]";

/** A mistake in how the command was called, or a repository it cannot read: one line, exit 2. */
export class UsageError extends Error {}

export interface ReviewOptions {
  /** The git ref to compare with: a commit, a branch (origin/main), HEAD~1, a tag. */
  readonly since: string;
  /** Where git runs and relative paths start. @default process.cwd() */
  readonly cwd?: string;
  /** The environment folder, relative to `cwd`. @default LINKED_CLONES_ENV_DIR, else environments */
  readonly dir?: string;
}

export interface ReviewResult {
  /** 0, or 1 when the current side has config errors or error findings. */
  readonly exitCode: number;
  readonly markdown: string;
  /** The comparison the Markdown renders. */
  readonly review: Review;
}

interface Git {
  (args: readonly string[]): { ok: boolean; stdout: Buffer; stderr: string };
}

function gitIn(cwd: string): Git {
  return (args) => {
    const r = spawnSync("git", args as string[], { cwd, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) {
      const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
      throw new UsageError(
        missing ? "git is not installed (it is needed for --since)" : `git failed: ${r.error.message}`,
      );
    }
    return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString("utf8").trim() };
  };
}

/** Posix separators, for paths shown to the reader and paths inside git. */
function posix(p: string): string {
  return p.split(path.sep).join("/");
}

/**
 * Copies the environment folder as it is at `commit` into `into`, without touching the working
 * tree or the index: one `git ls-tree` of the folder and one `git cat-file` per file. A folder
 * missing at that commit gives no files (the commit had no environments).
 */
function materialize(git: Git, commit: string, repoDir: string, into: string): number {
  const spec = repoDir === "" ? [] : ["--", `${repoDir}/`];
  const list = git(["--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit, ...spec]);
  if (!list.ok) throw new UsageError(`cannot list ${repoDir || "the repository"} at ${commit}: ${list.stderr}`);
  let count = 0;
  for (const entry of list.stdout.toString("utf8").split("\0")) {
    if (!entry) continue;
    const tab = entry.indexOf("\t");
    const [mode, type, object] = entry.slice(0, tab).split(" ");
    const name = path.posix.basename(entry.slice(tab + 1));
    const target = path.join(into, name);
    if (type === "tree") {
      // The loader reports a folder named like an environment file; keep that the same on both sides.
      fs.mkdirSync(target);
    } else if (type === "blob" && mode !== "120000") {
      const blob = git(["cat-file", "blob", object]);
      if (!blob.ok) throw new UsageError(`cannot read ${repoDir}/${name} at ${commit}: ${blob.stderr}`);
      fs.writeFileSync(target, blob.stdout);
      count++;
    }
  }
  return count;
}

/** A side's model and findings, or its config errors, built in a scratch output folder that is then deleted. */
function buildSide(label: string, dir: string, shown: (text: string) => string, shownDir?: string): ReviewSide {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-review-out-"));
  try {
    const built = buildApp(loadEnvironments(dir), scratch);
    // Findings of the working tree point at their line, with the folder named as the reader knows it.
    const findings = shownDir
      ? built.checks.findings().map((f) => {
          const located = locateFinding(f, built.stacks);
          const at = located.location;
          return at ? { ...located, location: { ...at, file: path.posix.join(shownDir, path.basename(at.file)) } } : f;
        })
      : built.checks.findings();
    return { label, model: built.checks.model(), findings };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const problems: Problem[] = e.problems.map((p) => ({ ...p, file: shown(p.file), message: shown(p.message) }));
    return { label, problems };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Replaces every occurrence of a folder's path (as given and as the real path) in a text. */
function replacePrefix(text: string, dirs: readonly string[], by: string): string {
  let out = text;
  // Messages name files relative to the working directory (displayPath): replace that form first.
  const forms = dirs.flatMap((d) => (d ? [path.relative(process.cwd(), d), d] : []));
  for (const d of [...new Set(forms)].sort((a, b) => b.length - a.length)) {
    if (!d) continue;
    out = out.split(`${d}${path.sep}`).join(`${by}/`);
    out = out.split(d).join(by);
  }
  return out;
}

/**
 * The review between the environment files at `since` and in the working tree, both built with
 * the current code. Writes nothing into the project: the old files go to a temporary folder,
 * each side synthesizes into a scratch folder, and all of them are deleted.
 */
export function runReview(options: ReviewOptions): ReviewResult {
  const cwd = options.cwd ?? process.cwd();
  const git = gitIn(cwd);
  const top = git(["rev-parse", "--show-toplevel"]);
  if (!top.ok)
    throw new UsageError(
      `not a git repository (or any of its parents): ${cwd === process.cwd() ? "." : cwd}; --since needs the project's git checkout`,
    );
  const root = fs.realpathSync(top.stdout.toString("utf8").trim());
  if (options.since.startsWith("-")) throw new UsageError(`'${options.since}' is not a git ref`);
  const resolved = git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${options.since}^{commit}`]);
  if (!resolved.ok) {
    throw new UsageError(
      `unknown git ref '${options.since}': no such commit in this repository (fetch it first, e.g. git fetch origin main; in CI check out with full history, e.g. fetch-depth: 0)`,
    );
  }
  const commit = resolved.stdout.toString("utf8").trim();

  const dir = options.dir ?? environmentDir();
  const absDir = path.resolve(cwd, dir);
  const realDir = fs.existsSync(absDir) ? fs.realpathSync(absDir) : absDir;
  const inRepo = posix(path.relative(root, realDir));
  if (inRepo.startsWith("..") || path.isAbsolute(inRepo)) {
    throw new UsageError(`the environment folder ${dir} is outside the git repository; --since reads it from git`);
  }
  // How files are named in the report: as the folder was given, or from the repository's root when it was absolute.
  const shownDir = path.isAbsolute(dir) ? inRepo || "." : posix(path.normalize(dir));

  const old = fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-review-"));
  try {
    const files = materialize(git, commit, inRepo === "." ? "" : inRepo, old);
    const beforeLabel = `\`${options.since}\` (${commit.slice(0, 12)})`;
    const before: ReviewSide =
      files === 0
        ? { label: beforeLabel, model: { stacks: [], bases: [], groups: [] }, findings: [] }
        : buildSide(beforeLabel, old, (t) => replacePrefix(t, [fs.realpathSync(old), old], shownDir));
    const after = buildSide(
      "the working tree",
      absDir,
      (t) => replacePrefix(t, [realDir, absDir], shownDir).replace(/^\.\//, ""),
      shownDir,
    );
    const review = compareSides(before, after);
    const failing = !!after.problems?.length || hasErrors(after.findings ?? []);
    return { exitCode: failing ? 1 : 0, markdown: renderReview(review), review };
  } finally {
    fs.rmSync(old, { recursive: true, force: true });
  }
}

interface Args {
  readonly since?: string;
  readonly output?: string;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[]): Args {
  let since: string | undefined;
  let output: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string): string => {
      const eq = a.indexOf("=");
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${name} needs a value; ${USAGE}`);
      return v;
    };
    if (a === "--since" || a.startsWith("--since=")) since = value("--since");
    else if (a === "--output" || a.startsWith("--output=") || a === "-o") output = value("--output");
    else if (a === "--help" || a === "-h") help = true;
    else throw new UsageError(`unknown argument '${a}'; ${USAGE}`);
  }
  if (output !== undefined && since === undefined) throw new UsageError(`--output goes with --since; ${USAGE}`);
  return { since, output, help };
}

export function main(argv: readonly string[]): number {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(
      `${USAGE}\n  without --since: the linked-clone report of the environments\n  --since <git-ref>: Markdown for a pull-request comment: what the change since <git-ref> does (docs/review-report.md)\n  --output <file>: write the Markdown there instead of printing it\n`,
    );
    return 0;
  }
  if (args.since === undefined) return runSynth({ report: "print" }).exitCode;
  const { exitCode, markdown } = runReview({ since: args.since });
  if (args.output !== undefined) fs.writeFileSync(args.output, markdown);
  else process.stdout.write(markdown);
  if (exitCode !== 0) {
    process.stderr.write(
      "The environment files in the working tree have config errors or error findings (see the report).\n",
    );
  }
  return exitCode;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    }
  }
}
