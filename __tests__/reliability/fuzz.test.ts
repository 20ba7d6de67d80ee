/**
 * Fuzzing the loader, the constructs and the rules (issue 7, "every bad input
 * answered"): random text, YAML token soup and randomly mutated environments.
 *
 * - The loader returns a spec or throws a ConfigError, never anything else.
 * - Building the app from a spec the loader accepted throws nothing but ConfigError.
 * - The rules (runRules over the registered model) and the report never throw; a stack
 *   without error findings synthesizes.
 * - Every problem names the file and says something, and is never a JavaScript
 *   exception's own message.
 *
 * Bounded (about 300 cases) with a fixed seed printed as `fuzz seed: N`;
 * RELIABILITY_SEED=N reruns another seed.
 */
import fc from "fast-check";
import YAML from "yaml";
import { parseEnvironment } from "../../lib/config/loader";
import { ConfigError } from "../../lib/config/problems";
import { renderReport } from "../../lib/report/report";
import { hasErrors } from "../../lib/rules";
import { buildApp } from "../../stacks/app";
import * as fs from "fs";
import * as path from "path";
import { INTERNAL_MESSAGE, PROJECT_ROOT, seedOf, tempDir, validEnv, type Env } from "./helpers";

const FILE = "fuzz.yaml";
const seed = seedOf("fuzz", 5150);

const outRoot = tempDir("lc-fuzz-");
let outCount = 0;

type Outcome =
  | { kind: "refused"; problems: readonly { file: string; field: string; message: string }[] }
  | { kind: "built"; errors: boolean; synthesized: boolean }
  | { kind: "build-refused"; problems: readonly { file: string; field: string; message: string }[] };

/**
 * Loads, builds, checks, reports and (when clean) synthesizes one text, asserting
 * the contract at each step. Returns what happened, for the statistics.
 */
function exercise(text: string, synthesize: boolean): Outcome {
  let spec;
  try {
    spec = parseEnvironment(text, FILE);
  } catch (e) {
    if (!(e instanceof ConfigError))
      throw new Error(`loader threw ${explain(e)} for:\n${text.slice(0, 2000)}`, { cause: e });
    expectProblems(e);
    return { kind: "refused", problems: e.problems };
  }
  const outdir = path.join(outRoot, String(outCount++));
  fs.mkdirSync(outdir);
  let built;
  try {
    built = buildApp([{ name: "fuzz", file: FILE, spec, locate: () => undefined }], outdir);
  } catch (e) {
    if (!(e instanceof ConfigError))
      throw new Error(`buildApp threw ${explain(e)} for:\n${text.slice(0, 2000)}`, { cause: e });
    expectProblems(e);
    return { kind: "build-refused", problems: e.problems };
  }
  let findings;
  try {
    findings = built.checks.findings();
    renderReport(built.checks.model(), findings);
  } catch (e) {
    throw new Error(`rules or report threw ${explain(e)} for:\n${text.slice(0, 2000)}`, { cause: e });
  }
  const errors = hasErrors(findings);
  if (!errors && synthesize) {
    try {
      built.app.synth();
    } catch (e) {
      throw new Error(`synth threw ${explain(e)} for:\n${text.slice(0, 2000)}`, { cause: e });
    }
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return { kind: "built", errors, synthesized: !errors && synthesize };
}

function explain(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
}

function expectProblems(e: ConfigError): void {
  expect(e.problems.length).toBeGreaterThan(0);
  for (const p of e.problems) {
    expect(p.file).toBe(FILE);
    expect(typeof p.field).toBe("string");
    expect(p.message.trim().length).toBeGreaterThan(0);
  }
}

// --- arbitraries -------------------------------------------------------------------

/** YAML-ish fragments: indicators, anchors, tags, directives and pieces of environments. */
const YAML_TOKENS = [
  "vsphere:",
  "  server: vc",
  '  version: "8.0"',
  "datacenter: DC0",
  "bases:",
  "  golden:",
  "    vm: src",
  "    snapshot: s1",
  "groups:",
  "  - name: web",
  "    base: golden",
  "    count: 2",
  "clusters:",
  "datastores:",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  ": ",
  "? ",
  "&a ",
  "*a",
  "<<: *a",
  "!!str ",
  "!!binary ",
  "!!int ",
  "!!map",
  "!!set",
  "!custom ",
  "---",
  "...",
  "%YAML 1.2",
  "%TAG ! tag:x,2000:",
  "\t",
  "# c",
  "'",
  '"',
  "|",
  ">-",
  "~",
  "null",
  ".inf",
  "-.inf",
  ".nan",
  "0x1F",
  "0o17",
  "1e400",
  "-0",
  "yes",
  "on",
  "2026-11-07",
  "\u0000",
  "\ufeff",
  "é",
  "👍",
  "\r\n",
];

const textArb = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc
    .array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 })
    .chain((tokens) =>
      fc
        .array(fc.constantFrom("\n", " ", "", "  "), { minLength: tokens.length, maxLength: tokens.length })
        .map((seps) => tokens.map((t, i) => t + seps[i]).join("")),
    ),
);

/** Field names of the contract, secrets, near-misses and names every JavaScript object has. */
const KEYS = [
  "vsphere",
  "server",
  "version",
  "allowUnverifiedSsl",
  "backend",
  "type",
  "path",
  "bucket",
  "key",
  "datacenter",
  "clusters",
  "hosts",
  "haEnabled",
  "datastores",
  "capacityGb",
  "bases",
  "vm",
  "snapshot",
  "manageSnapshot",
  "template",
  "guestOs",
  "diskGb",
  "groups",
  "name",
  "base",
  "cluster",
  "resourcePool",
  "datastore",
  "datastoreCluster",
  "network",
  "count",
  "members",
  "namePattern",
  "folder",
  "cpus",
  "memoryMb",
  "diskMode",
  "waitForGuestNetMinutes",
  "waitForGuestNetRoutable",
  "customization",
  "domain",
  "ipv4",
  "range",
  "prefixLength",
  "gateway",
  "dnsServers",
  "windows",
  "workgroup",
  "timeZone",
  "suppress",
  "rule",
  "reason",
  "limits",
  "maxClonesPerChain",
  "maxHostsPerChain",
  "warnClonesPerChain",
  "annotation",
  "password",
  "user",
  "secretKey",
  "accessKey",
  "connStr",
  "token",
  "cpu",
  "memory",
  "Count",
  "",
  " ",
  "é",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__proto__",
  "prototype",
];

/**
 * Values: everything a YAML scalar can be, values valid somewhere in the contract, and
 * names that collide with the example's. (`${TfToken[...]}` is left out on purpose: it
 * crashes synth, a bug reported and tested in bad-input.test.ts.)
 */
const SCALARS: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  2,
  3,
  8,
  24,
  32,
  33,
  1.5,
  1e308,
  -0,
  10000,
  100000,
  Number.MAX_SAFE_INTEGER,
  "",
  " ",
  "  x  ",
  "é",
  "wéb",
  "web",
  "web-01",
  "web/01",
  "web%01",
  "web_01",
  "a".repeat(100),
  "{nn}",
  "web-{nn}",
  "web-{n}",
  "{nnn}",
  "dhcp",
  "10.0.10.10-10.0.10.50",
  "10.0.10.50-10.0.10.10",
  "10.0.10.1",
  "10.0.10.0",
  "255.255.255.255",
  "10.0.10.300",
  "0.0.0.0-255.255.255.255",
  "golden",
  "C0",
  "DS0",
  "H0",
  "H1",
  "vmfs6",
  "vmfs3",
  "nfs",
  "vsan",
  "local",
  "s3",
  "pg",
  "http",
  "remote",
  "linux",
  "windows",
  "persistent",
  "nonpersistent",
  "8.0",
  "4.1",
  "5.0",
  "6.7",
  "7.0.3",
  "99.99.99",
  "chain-size",
  "vm-name",
  "ip-pool",
  "storage-drs",
  "toString",
  "constructor",
  "__proto__",
  "${var.vsphere_password}",
  "%{ if true }x%{ endif }",
  "https://u:p@host/x",
  "/abs/path",
  "../up",
];

const STRINGS = SCALARS.filter((v): v is string => typeof v === "string");
const NUMBERS = SCALARS.filter((v): v is number => typeof v === "number");

const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 70000 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: false }) },
);

const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: leafArb },
    { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 3 }) },
  ),
})).value;

type Mutation = {
  where: number;
  kind: "set" | "delete" | "add" | "wrap" | "unwrap" | "duplicate";
  key: string;
  value: unknown;
};

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  where: fc.nat(),
  kind: fc.constantFrom<Mutation["kind"]>("set", "set", "set", "delete", "add", "wrap", "unwrap", "duplicate"),
  key: fc.constantFrom(...KEYS),
  value: valueArb,
});

/** Every container in a value with its own keys, depth first: where mutations apply. */
function slots(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        walk(x);
      });
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk(x);
      }
    }
  };
  walk(root);
  return out;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // An own property even for "__proto__", as YAML's own parser makes it.
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function applyMutation(env: Env, m: Mutation): void {
  const all = slots(env);
  if (!all.length) return;
  const [parent, key] = all[m.where % all.length];
  const current = (parent as Record<string | number, unknown>)[key];
  switch (m.kind) {
    case "set":
      if (Array.isArray(parent)) parent[key as number] = m.value;
      else setOwn(parent, key as string, m.value);
      return;
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return;
    case "add":
      if (Array.isArray(parent)) parent.push(m.value);
      else setOwn(parent, m.key, m.value);
      return;
    case "wrap":
      (parent as Record<string | number, unknown>)[key] = [current];
      return;
    case "unwrap":
      if (Array.isArray(current) && current.length) (parent as Record<string | number, unknown>)[key] = current[0];
      return;
    case "duplicate":
      if (Array.isArray(parent)) parent.push(structuredClone(current));
      return;
  }
}

const EXAMPLES: Env[] = fs
  .readdirSync(path.join(PROJECT_ROOT, "environments"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "environments", f), "utf8")));

const mutatedEnvArb = fc
  .record({
    start: fc.nat({ max: EXAMPLES.length }),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
  })
  .map(({ start, mutations }) => {
    const env = structuredClone(start === EXAMPLES.length ? validEnv() : EXAMPLES[start]);
    for (const m of mutations) applyMutation(env, m);
    return env;
  });

/** Every leaf (scalar) slot of a value: where plausible-value tweaks apply. */
function leafSlots(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  return slots(root).filter(([parent, key]) => {
    const v = (parent as Record<string | number, unknown>)[key];
    return v === null || typeof v !== "object";
  });
}

/** Small edits of a text that keep it text: names gain odd characters, addresses shift. */
const TEXT_EDITS: ((v: string, n: number) => string)[] = [
  (v) => `${v}é`,
  (v) => `${v}/1`,
  (v) => `${v}%`,
  (v) => v.toUpperCase(),
  (v) => v.replace(/-/g, "_"),
  (v) => v.repeat(4),
  (v) => ` ${v}`,
  (v, n) => v.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + (n % 7) - 2)),
  (v, n) => v.replace(/\d+/, (d) => String((Number(d) * (n % 5)) % 300)),
  (_v, n) => STRINGS[n % STRINGS.length],
];
const NUMBER_EDITS: ((v: number, n: number) => number)[] = [
  (v) => v + 1,
  (v) => v - 1,
  (v) => v * 10,
  () => 0,
  (v) => -v,
  (_v, n) => NUMBERS[n % NUMBERS.length],
];

/**
 * Gentle mutations that keep the shape: one to three leaves edited into a value of the same
 * type (a name gains an odd character, a number grows, a flag flips), once in ten times any
 * scalar. Many of these still load, so the constructs and every rule see odd but
 * well-typed models.
 */
const tweakedEnvArb = fc
  .record({
    start: fc.nat({ max: EXAMPLES.length }),
    tweaks: fc.array(
      fc.record({
        where: fc.nat(),
        edit: fc.nat(),
        n: fc.nat(),
        anyType: fc.nat({ max: 9 }),
        any: fc.constantFrom(...SCALARS),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ start, tweaks }) => {
    const env = structuredClone(start === EXAMPLES.length ? validEnv() : EXAMPLES[start]);
    for (const t of tweaks) {
      // Three times in four a leaf of the groups, where names, patterns and addresses live.
      const leaves = t.n % 4 === 0 || !Array.isArray(env.groups) ? leafSlots(env) : leafSlots(env.groups);
      if (!leaves.length) continue;
      const [parent, key] = leaves[t.where % leaves.length];
      const slot = parent as Record<string | number, unknown>;
      const was = slot[key];
      slot[key] =
        t.anyType === 0
          ? t.any
          : typeof was === "string"
            ? TEXT_EDITS[t.edit % TEXT_EDITS.length](was, t.n)
            : typeof was === "number"
              ? NUMBER_EDITS[t.edit % NUMBER_EDITS.length](was, t.n)
              : typeof was === "boolean"
                ? !was
                : t.any;
    }
    return env;
  });

/** The YAML text of a mutated environment; YAML.stringify itself may refuse some values. */
function dump(env: Env): string {
  try {
    return YAML.stringify(env);
  } catch {
    return JSON.stringify(env) ?? "";
  }
}

/** Text mutations of valid YAML: a character deleted, inserted or swapped; a line duplicated or dropped. */
const textEditArb = fc
  .record({
    start: fc.nat({ max: EXAMPLES.length }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        op: fc.constantFrom("delete", "insert", "dup-line", "drop-line", "indent"),
        ch: fc.constantFrom(":", "-", " ", "\t", "[", "{", "'", '"', "&", "*", "#", "\n", "0", "x"),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ start, edits }) => {
    let text = YAML.stringify(start === EXAMPLES.length ? validEnv() : EXAMPLES[start]);
    for (const e of edits) {
      const i = e.at % Math.max(1, text.length);
      const lines = text.split("\n");
      const li = e.at % lines.length;
      if (e.op === "delete") text = text.slice(0, i) + text.slice(i + 1);
      else if (e.op === "insert") text = text.slice(0, i) + e.ch + text.slice(i);
      else if (e.op === "dup-line") text = [...lines.slice(0, li + 1), lines[li], ...lines.slice(li + 1)].join("\n");
      else if (e.op === "drop-line") text = [...lines.slice(0, li), ...lines.slice(li + 1)].join("\n");
      else text = [...lines.slice(0, li), ` ${lines[li]}`, ...lines.slice(li + 1)].join("\n");
    }
    return text;
  });

describe("fuzz", () => {
  const stats: Record<string, number> = {};
  const count = (o: Outcome) => {
    const k =
      o.kind === "built" ? `built${o.errors ? " with rule errors" : o.synthesized ? " and synthesized" : ""}` : o.kind;
    stats[k] = (stats[k] ?? 0) + 1;
  };
  afterAll(() => console.log(`fuzz outcomes: ${JSON.stringify(stats)}`));

  it("the loader answers random text and YAML token soup with a spec or a ConfigError, never another exception", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        count(exercise(text, false));
      }),
      { seed, numRuns: 80 },
    );
  });

  it("mutated environments: loader, constructs and rules throw nothing but ConfigError, and clean stacks synthesize", () => {
    fc.assert(
      fc.property(mutatedEnvArb, (env) => {
        count(exercise(dump(env), true));
      }),
      { seed, numRuns: 100 },
    );
  });

  it("gently tweaked environments (odd values in the right places) reach the constructs and every rule without an unexpected exception", () => {
    fc.assert(
      fc.property(tweakedEnvArb, (env) => {
        count(exercise(dump(env), true));
      }),
      { seed, numRuns: 80 },
    );
  });

  it("text-edited environments (a character or line changed) are answered the same way", () => {
    fc.assert(
      fc.property(textEditArb, (text) => {
        count(exercise(text, false));
      }),
      { seed, numRuns: 40 },
    );
  });

  it("some fuzzed environments get all the way through: the fuzzer is not only testing the YAML parser", () => {
    expect(stats["built and synthesized"] ?? 0).toBeGreaterThan(10);
    expect((stats["built and synthesized"] ?? 0) + (stats["built with rule errors"] ?? 0)).toBeGreaterThan(20);
    expect(stats["refused"] ?? 0).toBeGreaterThan(50);
  });

  // Regression (found by these tests): names such as toString, constructor, __proto__ reach the construct layer
  // (which fails with a TypeError wrapped as a ConfigError) or pick up Object.prototype members
  // into messages. Every problem must be a message of this project, not JavaScript's.
  it("no problem message is a JavaScript exception's own message", () => {
    const internal: string[] = [];
    fc.assert(
      fc.property(mutatedEnvArb, (env) => {
        const o = exercise(dump(env), false);
        if (o.kind === "refused" || o.kind === "build-refused") {
          for (const p of o.problems) if (INTERNAL_MESSAGE.test(p.message)) internal.push(`${p.field}: ${p.message}`);
        }
      }),
      { seed: seed + 1, numRuns: 100 },
    );
    expect(internal).toEqual([]);
  });
});
