/**
 * The docs stand on their own (issue 14):
 * - no file of the repository names a path outside it (the session's shared folder, the
 *   development machine's absolute paths);
 * - every command in README.md's shell blocks and in `help` is either run here, for real, in a
 *   scratch copy of the project (synth, report, preflight --help, export:hcl, ...), or mapped to
 *   the test that runs it: the e2e suite for what needs a vCenter (deploy, diff, destroy,
 *   preflight against a server, govc), CI or another test for the rest. A command that is neither
 *   fails this test, naming it;
 * - every `npm run X` in the docs names a script, `help` lists every script, every relative link
 *   (and #anchor) in README.md and docs/*.md points to something that exists, and every YAML
 *   example that is a whole environment file loads (the complete example also synthesizes).
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { ConfigError, parseEnvironment } from "../../lib";
import { runSynth } from "../../stacks/app";
import { DEFAULT_CONFIG } from "../../scripts/mirror";
import { tempDir } from "../helpers/files";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const SCRIPTS: Record<string, string> = JSON.parse(read("package.json")).scripts;
/** An example environment that the commands run with in place of `<env>`. */
const EXAMPLE_ENV = "training-lab";
const PACKAGE_TEST = "__tests__/package/package.test.ts";

// ---------------------------------------------------------------------------------------------
// (a) No path outside the repository

/** Every file of the repository: tracked, and new files git does not ignore. */
function repositoryFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split("\0").filter(Boolean))]
    .filter((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile())
    .sort();
}

// Built from parts, so that this file does not name them itself.
const SHARED = ["sha", "red"].join("");
const EVERYWHERE: [RegExp, string][] = [
  [new RegExp(`\\.\\./+${SHARED}\\b`), "a folder beside the checkout"],
  [new RegExp(`\\b${SHARED}/(spec|reference|tools|hooks)\\b|\\b${SHARED}/DESIGN\\.md`), "the session's shared folder"],
  [new RegExp(`(^|[^\\w.~-])/${"wo" + "rk"}/`), "an absolute path of the development machine"],
];
const IN_DOCS: [RegExp, string][] = [
  [
    new RegExp(`(^|[^\\w.~-])/(${["tm" + "p", "ho" + "me", "ro" + "ot", "Us" + "ers"].join("|")})/`),
    "an absolute path",
  ],
];
const isDoc = (f: string) => f.endsWith(".md") || f === "help";

describe("no file of the repository names a path outside it", () => {
  it("holds for every tracked and new file (docs: no absolute paths of a machine either)", () => {
    const hits: string[] = [];
    for (const file of repositoryFiles()) {
      const bytes = fs.readFileSync(path.join(ROOT, file));
      if (bytes.subarray(0, 8000).includes(0)) continue; // binary
      const patterns = isDoc(file) ? [...EVERYWHERE, ...IN_DOCS] : EVERYWHERE;
      bytes
        .toString("utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const [re, what] of patterns) {
            if (re.test(line)) hits.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
          }
        });
    }
    expect(hits).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) Commands

interface DocCommand {
  /** Where it is written, e.g. README.md:12 or help:8. */
  readonly where: string;
  /** The command as written, whitespace collapsed. */
  readonly text: string;
}

/** Fenced code blocks of a Markdown file, with the line their content starts on. */
function codeBlocks(file: string): { lang: string; start: number; lines: string[] }[] {
  const blocks: { lang: string; start: number; lines: string[] }[] = [];
  let open: { lang: string; start: number; lines: string[] } | undefined;
  read(file)
    .split("\n")
    .forEach((line, i) => {
      const fence = /^\s*```(\S*)\s*$/.exec(line);
      if (fence && !open) open = { lang: fence[1], start: i + 2, lines: [] };
      else if (fence && open) {
        blocks.push(open);
        open = undefined;
      } else if (open) open.lines.push(line);
    });
  return blocks;
}

const SHELL = new Set(["sh", "bash", "shell"]);

function readmeCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  for (const b of codeBlocks("README.md").filter((x) => SHELL.has(x.lang))) {
    let pending = "";
    b.lines.forEach((raw, i) => {
      const line = raw.replace(/\s+#\s.*$/, "").trim();
      if (line === "" || line.startsWith("#")) return;
      if (line.endsWith("\\")) {
        pending += line.slice(0, -1) + " ";
        return;
      }
      out.push({ where: `README.md:${b.start + i}`, text: (pending + line).replace(/\s+/g, " ") });
      pending = "";
    });
  }
  return out;
}

const COMMAND_WORDS = new Set(["npm", "npx", "cd", "export", "terraform", "tofu", "govc", "git"]);

/** `help`: a command is an indented line whose first word (after VAR=value) runs something; its text ends at two spaces. */
function helpCommands(): DocCommand[] {
  const out: DocCommand[] = [];
  read("help")
    .split("\n")
    .forEach((line, i) => {
      const m = /^ {4}(\S.*)$/.exec(line);
      if (!m) return;
      const text = m[1].split(/\s{2,}/)[0].trim();
      const words = text.split(/\s+/);
      const first = words.find((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
      if (first !== undefined && COMMAND_WORDS.has(first)) out.push({ where: `help:${i + 1}`, text });
    });
  return out;
}

/** One part of a command line (commands joined with &&), with its leading VAR=value assignments apart. */
interface Part {
  readonly env: Record<string, string>;
  readonly argv: string[];
  readonly text: string;
}

function partsOf(text: string): Part[] {
  return text.split(/\s*&&\s*/).map((p) => {
    const words = p.trim().split(/\s+/);
    const env: Record<string, string> = {};
    while (words.length > 1 && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
      const [k, ...v] = words.shift()!.split("=");
      env[k] = v.join("=");
    }
    return { env, argv: words, text: p.trim() };
  });
}

/** A command run here for real: what to run, where, and how to judge the result. */
interface RunSpec {
  readonly cwd: "sandbox" | "root";
  readonly argv: string[];
  readonly env?: Record<string, string>;
  /** Problems with the result; [] when it is right. */
  readonly check: (r: RunResult, scratch: string) => string[];
}

interface RunResult {
  readonly code: number | null;
  readonly out: string;
}

/** How a part is verified: run for real, or a static check (mapped to a test, a script, CI). */
type Verdict =
  | {
      kind: "run";
      how: string;
      /** Commands with the same key are run once. */ key: string;
      spec: (scratch: string) => RunSpec;
    }
  | { kind: "static"; how: string; problems: () => string[] };

/** Whitespace-free text of a file, so that a needle matches however the code is formatted. */
const squeezed = (rel: string) => read(rel).replace(/\s+/g, "");

/** Problems when `file` does not hold every needle (whitespace ignored). */
function contains(file: string, needles: string[]): () => string[] {
  return () => {
    if (!fs.existsSync(path.join(ROOT, file))) return [`${file} does not exist`];
    const text = squeezed(file);
    return needles.filter((n) => !text.includes(n.replace(/\s+/g, ""))).map((n) => `${file} does not contain ${n}`);
  };
}

function scriptIs(name: string, expected: RegExp): () => string[] {
  return () =>
    expected.test(SCRIPTS[name] ?? "") ? [] : [`package.json script '${name}' is '${SCRIPTS[name]}', not ${expected}`];
}

function fileExists(rel: string): () => string[] {
  return () => (fs.existsSync(path.join(ROOT, rel)) ? [] : [`${rel} is missing`]);
}

/** A static verdict: every check must pass. */
function staticCheck(how: string, ...checks: (() => string[])[]): Verdict {
  return { kind: "static", how, problems: () => checks.flatMap((c) => c()) };
}

/** Mapped to the test (or CI step) in `file` that runs the command: the file holds every needle. */
function mapped(how: string, file: string, needles: string[], ...more: (() => string[])[]): Verdict {
  return staticCheck(`${how} (${file})`, contains(file, needles), ...more);
}

/** The quoted command-line flags of a command (`-x`, `--x`, `-x=y`), as the e2e code would write them. */
const quotedFlags = (argv: string[]) => argv.filter((a) => a.startsWith("-") && a !== "--").map((a) => `"${a}"`);

const ok = (r: RunResult) => (r.code === 0 ? [] : [`exit code ${r.code}:\n${r.out.slice(-3000)}`]);
const exists = (p: string) => (fs.existsSync(p) ? [] : [`${p} was not written`]);

/** Where a synth in the sandbox writes: its own folder per command, so the runs can go in parallel. */
let outdirs = 0;
function synthSpec(part: Part, extra: string[]): (scratch: string) => RunSpec {
  return (scratch) => {
    const out = path.join(scratch, `out-${++outdirs}`);
    const env: Record<string, string> = { ...part.env, CDKTF_OUTDIR: out };
    if (env.LINKED_CLONES_ENV_DIR !== undefined) {
      // The placeholder folder: one environment copied into a fresh folder.
      const dir = path.join(scratch, `envs-${outdirs}`);
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(ROOT, "environments", "simulator.yaml"), path.join(dir, "simulator.yaml"));
      env.LINKED_CLONES_ENV_DIR = dir;
    }
    return {
      cwd: "sandbox",
      argv: ["npm", "run", "synth", ...extra],
      env,
      check: (r) => {
        const stacks = env.LINKED_CLONES_ENV_DIR
          ? ["simulator"]
          : fs
              .readdirSync(path.join(ROOT, "environments"))
              .filter((f) => f.endsWith(".yaml"))
              .map((f) => f.slice(0, -5));
        const problems = [...ok(r), ...stacks.flatMap((s) => exists(path.join(out, "stacks", s, "cdk.tf.json")))];
        if (extra.includes("sarif")) {
          const file = path.join(out, "linked-clones.sarif");
          problems.push(...exists(file));
          if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).version !== "2.1.0")
            problems.push("SARIF is not 2.1.0");
        }
        return problems;
      },
    };
  };
}

/** How each part of a command is verified; undefined when this test does not know it (the test then fails). */
function verdictFor(part: Part): Verdict | undefined {
  const [cmd, ...args] = part.argv;
  const a = args.join(" ");
  const unknownEnv = Object.keys(part.env).filter(
    (k) => !["LINKED_CLONES_ENV_DIR", "LINKED_CLONES_STRICT"].includes(k),
  );
  if (unknownEnv.length) return undefined;

  if (cmd === "npm" && a === "ci") {
    return {
      kind: "static",
      how: "npm ci installs from package-lock.json: it exists (lockfile v2+) and lists package.json's dependencies",
      problems: () => {
        const lock = JSON.parse(read("package-lock.json"));
        const pkg = JSON.parse(read("package.json"));
        const problems = lock.lockfileVersion >= 2 ? [] : [`package-lock.json is lockfile v${lock.lockfileVersion}`];
        for (const key of ["dependencies", "devDependencies"]) {
          if (JSON.stringify(lock.packages[""][key]) !== JSON.stringify(pkg[key]))
            problems.push(`package-lock.json's ${key} differ from package.json's: npm ci would refuse`);
        }
        return problems;
      },
    };
  }
  if (cmd === "npm" && a === "test") {
    return staticCheck(
      "npm test is this very run: jest over __tests__, which holds this file",
      scriptIs("test", /^jest$/),
      contains("jest.config.js", ['"<rootDir>/__tests__"']),
    );
  }
  if (cmd === "npm" && a === "pack") {
    return mapped("npm pack (and the build it runs first) is run by the package test", PACKAGE_TEST, ['"pack"']);
  }
  if (cmd === "npm" && a === "run build") {
    return mapped(
      "npm run build is run by npm pack (prepack) in the package test",
      PACKAGE_TEST,
      ['"pack"'],
      scriptIs("prepack", /^npm run build$/),
    );
  }
  if (cmd === "npm" && a === "run docs:api") {
    return mapped(
      "typedoc (npm run docs:api) is run by the API docs test",
      "__tests__/package/api-docs.test.ts",
      ['"typedoc"'],
      scriptIs("docs:api", /^typedoc$/),
    );
  }
  const ci = /^run (lint|typecheck|format:check|test:e2e)$/.exec(a);
  if (cmd === "npm" && ci)
    return mapped(`npm run ${ci[1]} runs in CI`, ".ci/run", [`npm run ${ci[1]}`], scriptIs(ci[1], /./));
  if (cmd === "npm" && a === "run format") {
    return mapped(
      "npm run format writes what CI's npm run format:check checks; not run here, it rewrites files",
      ".ci/run",
      ["npm run format:check"],
      scriptIs("format", /^prettier --write \.$/),
      scriptIs("format:check", /^prettier --check \.$/),
    );
  }
  if (cmd === "npm" && a === "run bench") {
    return staticCheck(
      "npm run bench takes about 80 s and is not part of npm test: its script and entry exist",
      scriptIs("bench", /^tsx bench\/run\.ts$/),
      fileExists("bench/run.ts"),
    );
  }
  if (cmd === "npm" && a === "run e2e:tools") {
    return mapped(
      "the e2e suite's global setup runs the same tool installer",
      "e2e/global-setup.ts",
      ["ensureTools()", 'from"./tools"'],
      scriptIs("e2e:tools", /^tsx e2e\/tools\.ts$/),
    );
  }
  // The cdktf CLI against a vCenter: run by the e2e scenario through CdktfProject.
  const cdktf = /^cdktf (diff|deploy|destroy) [^\s-]\S*( --[a-z-]+)*$/.exec(a);
  if (cmd === "npx" && cdktf) {
    const verb = cdktf[1];
    return mapped(
      `npx cdktf ${verb} needs a vCenter: the e2e scenario runs it against vcsim`,
      "e2e/cdktf-project.ts",
      ["CDKTF_BIN", ...(verb === "diff" ? [`"diff",this.stack`] : [`applyVerb("${verb}",opts)`, "[verb,this.stack,"])],
      contains("e2e/scenario.ts", [`project.${verb}(`]),
    );
  }
  if (cmd === "npm" && /^run diff -- \S+$/.test(a))
    return mapped("npm run diff needs a vCenter: the e2e runs the wrapper through npm", "e2e/cli-errors.e2e.test.ts", [
      '"run","--silent","diff","--",STACK',
    ]);
  if (cmd === "npm" && /^run deploy -- \S+ --auto-approve$/.test(a))
    return mapped("npm run deploy needs a vCenter: the e2e runs the wrapper", "e2e/cli-errors.e2e.test.ts", [
      '[WRAPPER,"deploy",STACK,"--auto-approve"',
    ]);
  if (cmd === "npm" && /^run destroy -- \S+ --auto-approve --no-refresh$/.test(a)) {
    return mapped(
      "npm run destroy --no-refresh needs a vCenter: the e2e runs it after a failed first deploy against vcsim (and the wrapper test with stand-ins)",
      "e2e/cli-errors.e2e.test.ts",
      ['wrapper(["destroy",stack,"--auto-approve","--no-refresh"]'],
      contains("__tests__/wrapper/cdktf-wrapper.test.ts", ['"destroy","lab","--auto-approve","--no-refresh"']),
    );
  }
  if (cmd === "npm" && /^run destroy -- \S+ --auto-approve$/.test(a)) {
    return mapped(
      "npm run destroy needs a vCenter: the e2e checks the wrapper's destroy flags (decideArgs), and the scenario runs cdktf destroy itself",
      "e2e/cli-errors.e2e.test.ts",
      ['decideArgs("destroy"'],
    );
  }
  if (cmd === "npm" && a === "run preflight -- --help") {
    return {
      kind: "run",
      how: "run here",
      key: "preflight --help",
      spec: () => ({
        cwd: "sandbox",
        argv: ["npm", "run", "preflight", "--", "--help"],
        check: (r) => [...ok(r), ...(r.out.includes("Usage: npm run preflight") ? [] : ["no usage printed"])],
      }),
    };
  }
  if (cmd === "npm" && /^run preflight -- \S+/.test(a)) {
    return mapped(
      "preflight against a server: the e2e runs the real CLI against vcsim",
      "e2e/preflight.e2e.test.ts",
      ['cli(["pf"', ...quotedFlags(args.slice(3))],
      contains("e2e/preflight/harness.ts", ['"scripts/preflight.ts"']),
    );
  }
  if (cmd === "npm" && /^run mirror -- --from \S+/.test(a)) {
    return mapped(
      "npm run mirror --check needs terraform and the provider: the e2e runs the script with these flags",
      "e2e/mirror-script.e2e.test.ts",
      ['"scripts","mirror.ts"', ...quotedFlags(args.slice(3))],
    );
  }
  const format = /^run synth -- --format (sarif|github)$/.exec(a);
  if (cmd === "npm" && format && Object.keys(part.env).length === 0) {
    // main.ts with the same flags, in its own output folder: the SARIF and GitHub tests.
    return mapped(
      `npm run synth -- --format ${format[1]} is run by the ${format[1]} output test`,
      `__tests__/report/${format[1]}.test.ts`,
      [`runMain(["--format","${format[1]}"`],
      contains("__tests__/report/helpers.ts", ['MAIN_TS=path.join(PROJECT_ROOT,"main.ts")']),
      scriptIs("synth", /^tsx main\.ts$/),
    );
  }
  if (cmd === "npm" && a === "run synth") {
    return { kind: "run", how: "run here", key: `synth ${JSON.stringify(part.env)}`, spec: synthSpec(part, []) };
  }
  if (cmd === "npx" && a === "cdktf synth") {
    return mapped(
      "npx cdktf synth runs the same app (cdktf.json: npx tsx main.ts); the e2e scenario runs it on every step",
      "e2e/cdktf-project.ts",
      ['this.cli(["synth"]'],
      () =>
        JSON.parse(read("cdktf.json")).app === "npx tsx main.ts" ? [] : ["cdktf.json's app is not npx tsx main.ts"],
    );
  }
  if (cmd === "npm" && a === "run report") {
    return {
      kind: "run",
      how: "run here",
      key: "report",
      spec: () => ({
        cwd: "sandbox",
        argv: ["npm", "run", "report"],
        check: (r) => [...ok(r), ...(r.out.includes("### Groups") ? [] : ["no report printed"])],
      }),
    };
  }
  if (cmd === "npm" && /^run report -- --since \S+$/.test(a)) {
    return mapped(
      "npm run report -- --since is run by the review report test, in a git repository of its own",
      "__tests__/review/review-report.test.ts",
      ['SCRIPT=path.join(ROOT,"scripts","report.ts")', '[SCRIPT,"--since"'],
      scriptIs("report", /^tsx scripts\/report\.ts$/),
    );
  }
  if (cmd === "npm" && /^run export:hcl -- /.test(a)) {
    return {
      kind: "run",
      how: "run here, into a scratch folder",
      key: "export:hcl",
      spec: (scratch) => {
        const out = path.join(scratch, "hcl-out");
        return {
          cwd: "sandbox",
          argv: ["npm", "run", "export:hcl", "--", EXAMPLE_ENV, "--out", out],
          check: (r) => [...ok(r), ...exists(path.join(out, EXAMPLE_ENV, "cdk.tf"))],
        };
      },
    };
  }
  if (cmd === "export") {
    return staticCheck("the variables exported are the ones the code and Terraform read", () => {
      const code = ["lib", "stacks", "scripts", "e2e"].map((d) => allText(d)).join("\n") + read("main.ts");
      const problems: string[] = [];
      for (const assignment of args) {
        const [name, value = ""] = assignment.split("=");
        const tfVar = /^TF_VAR_(\w+)$/.exec(name);
        if (tfVar && !code.includes(`overrideLogicalId("${tfVar[1]}")`))
          problems.push(`no Terraform variable '${tfVar[1]}' for ${name}`);
        if (!tfVar && !code.includes(name)) problems.push(`${name} is read nowhere in lib/, stacks/, scripts/ or e2e/`);
        const rel = /^"?\$PWD\/([^"]+)"?$/.exec(value)?.[1];
        if (name === "TF_CLI_CONFIG_FILE" && rel !== path.posix.join(...DEFAULT_CONFIG.split(path.sep)))
          problems.push(`${rel} is not where npm run mirror writes the CLI config (${DEFAULT_CONFIG})`);
      }
      return problems;
    });
  }
  if (cmd === "cd" && /^cdktf\.out\/stacks\/\S+$/.test(a)) {
    return staticCheck("the stack folder is where cdktf.json's output puts it", () =>
      JSON.parse(read("cdktf.json")).output === "cdktf.out" ? [] : ["cdktf.json's output is not cdktf.out"],
    );
  }
  if (cmd === "terraform" && a === "plan")
    return mapped("terraform plan in a stack folder needs a vCenter: the e2e runs it there", "e2e/terraform.ts", [
      '["plan","-input=false"',
    ]);
  if (cmd === "govc" && args.length > 0) {
    const file = ["e2e/preflight.e2e.test.ts", "e2e/govc.ts", "e2e/golden.ts", "e2e/drs.ts", "e2e/scenario.ts"].find(
      (f) => {
        const text = squeezed(f);
        return [`"${args[0]}"`, ...quotedFlags(args.slice(1))].every((n) => text.includes(n));
      },
    );
    return file
      ? mapped(`govc ${args[0]} with these flags is run by the e2e suite against vcsim`, file, [
          `"${args[0]}"`,
          ...quotedFlags(args.slice(1)),
        ])
      : undefined;
  }
  return undefined;
}

/** The text of every .ts file under a folder of the project. */
function allText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(path.join(ROOT, dir));
  return out.join("\n");
}

const COMMANDS: DocCommand[] = [...readmeCommands(), ...helpCommands()];
/** Each distinct part, with every place it is written. */
const PARTS = new Map<string, { part: Part; where: string[] }>();
for (const c of COMMANDS) {
  for (const part of partsOf(c.text)) {
    const entry = PARTS.get(part.text) ?? { part, where: [] };
    entry.where.push(c.where);
    PARTS.set(part.text, entry);
  }
}
const VERDICTS = [...PARTS.values()].map(({ part, where }) => ({ part, where, verdict: verdictFor(part) }));

/** The environment of a command run here: without what `npm test` adds, and never online. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const key = k.toLowerCase();
    if (key.startsWith("npm_") && !key.startsWith("npm_config_")) continue;
    if (["npm_config_local_prefix", "npm_config_prefix"].includes(key)) continue;
    if (key === "cdktf_outdir" || key === "init_cwd" || k.startsWith("LINKED_CLONES_")) continue;
    env[k] = v;
  }
  return { ...env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", FORCE_COLOR: "0", ...extra };
}

function runIt(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.on("error", (e) => (out += String(e)));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** A scratch copy of what the commands need; node_modules is linked, not copied. */
function makeSandbox(scratch: string): string {
  const box = path.join(scratch, "sandbox");
  fs.mkdirSync(box);
  for (const d of ["lib", "stacks", "scripts", "environments"])
    fs.cpSync(path.join(ROOT, d), path.join(box, d), { recursive: true });
  for (const f of ["main.ts", "package.json", "cdktf.json", "tsconfig.json"])
    fs.copyFileSync(path.join(ROOT, f), path.join(box, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(box, "node_modules"), "dir");
  return box;
}

describe("every command in README.md and help", () => {
  const results = new Map<string, string[]>();

  beforeAll(async () => {
    const scratch = tempDir("lc-docs-");
    const box = makeSandbox(scratch);
    // Each distinct run once (README and help may write one command two ways).
    const runs = new Map<string, RunSpec>();
    for (const v of VERDICTS) {
      if (v.verdict?.kind === "run" && !runs.has(v.verdict.key)) runs.set(v.verdict.key, v.verdict.spec(scratch));
    }
    // A few at a time: each is a node process that loads cdktf.
    const queue = [...runs.entries()].map(([key, spec]) => ({ key, spec }));
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const r = await runIt(job.spec.argv, job.spec.cwd === "root" ? ROOT : box, childEnv(job.spec.env));
        results.set(job.key, job.spec.check(r, scratch));
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }, 120_000);

  it("are found (the extraction works)", () => {
    expect(COMMANDS.length).toBeGreaterThan(20);
    expect(COMMANDS.map((c) => c.text)).toEqual(
      expect.arrayContaining(["npm ci && npm run synth", "npm ci && npm test"]),
    );
  });

  it("each is run here or mapped to the test that runs it", () => {
    const unknown = VERDICTS.filter((v) => v.verdict === undefined).map((v) => `${v.where.join(", ")}: ${v.part.text}`);
    expect(unknown).toEqual([]);
  });

  it.each(
    VERDICTS.filter((v) => v.verdict !== undefined).map((v) => [`${v.part.text}  [${v.verdict!.how}]`, v] as const),
  )("%s", (_name, v) => {
    const verdict = v.verdict!;
    const problems = verdict.kind === "run" ? (results.get(verdict.key) ?? ["was not run"]) : verdict.problems();
    expect({ command: v.part.text, where: v.where, problems }).toEqual({
      command: v.part.text,
      where: v.where,
      problems: [],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// npm scripts, links, YAML

/** The docs a reader follows: README.md, help, docs/*.md, e2e/README.md, examples' READMEs. */
function docFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  const examples = fs.existsSync(path.join(ROOT, "examples"))
    ? fs
        .readdirSync(path.join(ROOT, "examples"))
        .map((d) => `examples/${d}/README.md`)
        .filter((f) => fs.existsSync(path.join(ROOT, f)))
    : [];
  return ["README.md", "help", "e2e/README.md", ...docs, ...examples];
}

/** Scripts npm runs by itself, which help need not list: prepack (npm pack runs it) and get (cdktf get; this project has no providers to generate). */
const NOT_IN_HELP = new Set(["prepack", "get"]);

describe("npm scripts in the docs", () => {
  it("every `npm run X` in the docs names a script of package.json", () => {
    const missing: string[] = [];
    for (const file of docFiles()) {
      read(file)
        .split("\n")
        .forEach((line, i) => {
          for (const m of line.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)) {
            if (!(m[1] in SCRIPTS)) missing.push(`${file}:${i + 1}: npm run ${m[1]}`);
          }
        });
    }
    expect(missing).toEqual([]);
  });

  it("help lists every script of package.json", () => {
    const help = read("help");
    const unlisted = Object.keys(SCRIPTS).filter(
      (s) => !NOT_IN_HELP.has(s) && !help.includes(s === "test" ? "npm test" : `npm run ${s}`),
    );
    expect(unlisted).toEqual([]);
  });
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'; repeats get -1, -2. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of read(file).split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const h = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!h) continue;
    const base = h[1]
      .trim()
      .toLowerCase()
      .replace(/[^\w\- ]/g, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe("links", () => {
  const files = [
    "README.md",
    ...fs
      .readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];

  it.each(files)("every relative link (and #anchor) in %s points to something that exists", (file) => {
    const broken: string[] = [];
    let fenced = false;
    read(file)
      .split("\n")
      .forEach((line, i) => {
        if (/^\s*```/.test(line)) fenced = !fenced;
        if (fenced) return;
        for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = m[1];
          if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
          const [rel, anchor] = target.split("#");
          const resolved = rel === "" ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), rel);
          const where = `${file}:${i + 1}: ${target}`;
          if (path.relative(ROOT, resolved).startsWith("..")) broken.push(`${where} points outside the repository`);
          else if (!fs.existsSync(resolved)) broken.push(`${where} does not exist`);
          else if (anchor && resolved.endsWith(".md") && !anchorsOf(path.relative(ROOT, resolved)).has(anchor))
            broken.push(`${where}: no heading with that anchor`);
        }
      });
    expect(broken).toEqual([]);
  });
});

describe("YAML in the docs", () => {
  const blocks = ["README.md", "docs/environment-file.md"].flatMap((file) =>
    codeBlocks(file)
      .filter((b) => b.lang === "yaml")
      .map((b) => ({ where: `${file}:${b.start}`, text: b.lines.join("\n") + "\n" })),
  );

  it("has examples", () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  it.each(blocks.map((b) => [b.where, b] as const))(
    "%s is valid YAML, and a whole environment loads without problems",
    (_w, b) => {
      const doc = YAML.parseDocument(b.text);
      expect(doc.errors.map((e) => e.message)).toEqual([]);
      const value = doc.toJS() as Record<string, unknown>;
      if (value && typeof value === "object" && "vsphere" in value && "groups" in value) {
        let problems: string[] = [];
        try {
          parseEnvironment(b.text, "example.yaml");
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          problems = e.problems.map((p) => `${p.field}: ${p.message}`);
        }
        expect(problems).toEqual([]);
      }
    },
  );

  it("the complete example of docs/environment-file.md synthesizes with no error finding", () => {
    const complete = codeBlocks("docs/environment-file.md").find(
      (b) => b.lang === "yaml" && b.lines.some((l) => l.startsWith("limits:")),
    )!;
    const dir = tempDir("lc-docs-env-");
    fs.writeFileSync(path.join(dir, "example.yaml"), complete.lines.join("\n") + "\n");
    const lines: string[] = [];
    const r = runSynth({ dir, outdir: tempDir("lc-docs-out-"), out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect({
      exitCode: r.exitCode,
      errors: r.findings.filter((f) => f.severity === "error").map((f) => f.message),
    }).toEqual({ exitCode: 0, errors: [] });
  });
});
