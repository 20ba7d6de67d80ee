import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformElement } from "cdktf";
import { format } from "@cdktf/hcl-tools";
import { parse } from "@cdktf/hcl2json";
import { buildApp, loadEnvironments, environmentDir, runSynth } from "../stacks/app";

/**
 * The HCL export, the way off cdktf (docs/hcl-export.md). It synthesizes the app as
 * `npm run synth` does (every rule runs; any error stops it), into a scratch folder, and
 * writes each stack's cdk.tf.json as HCL into `<out>/<env>/cdk.tf`, alone in its folder.
 *
 * Why not `cdktf synth --hcl`: it leaves the old cdk.tf.json beside the new cdk.tf, and its
 * renderer quotes `depends_on` / `replace_triggered_by` references (Terraform rejects the
 * latter), drops `nullable = false`, and writes backslashes and multi-line strings unescaped.
 * This export renders the JSON itself. Whether a JSON object is a nested block or an object
 * value only the provider schema says; cdktf's typed provider bindings carry that, so the
 * app is built once more to read it. Before anything is written, the HCL is parsed back with
 * HashiCorp's HCL parser and compared with cdk.tf.json: any difference stops the export.
 */

export const DEFAULT_HCL_OUTDIR = "hcl";
export const HCL_FILE = "cdk.tf";
/** What cdktf leaves in a stack folder, removed from an export folder, with the reason. */
export const STALE_FILES: Record<string, string> = {
  "cdk.tf.json": "Terraform would read it beside cdk.tf and see every resource twice",
  "metadata.json": "cdktf's metadata, not Terraform's",
};

type Out = (line: string) => void;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ExportOptions {
  /** Environments (stack names) to export. @default - every environment */
  readonly envs?: readonly string[];
  /** Folder that gets one folder per environment. @default "hcl" */
  readonly outdir?: string;
  /** Folder of environment files. @default - as `npm run synth`: LINKED_CLONES_ENV_DIR, else environments/ */
  readonly dir?: string;
  /** The project: where `cdktf deploy` ran, so relative backend paths keep pointing at the same state. @default "." */
  readonly project?: string;
  readonly out?: Out;
  readonly err?: Out;
}

export interface ExportResult {
  readonly exitCode: number;
  /** The folders written, as given (relative to the current folder when `outdir` is relative). */
  readonly written: readonly string[];
}

/** Synthesizes every environment, checks them, and writes one HCL folder per selected environment. */
export async function exportHcl(options: ExportOptions = {}): Promise<ExportResult> {
  const out = options.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const err = options.err ?? ((l: string) => process.stderr.write(l + "\n"));
  const outdir = options.outdir ?? DEFAULT_HCL_OUTDIR;
  const project = path.resolve(options.project ?? ".");
  const dir = options.dir ?? environmentDir();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "linked-clones-hcl-"));
  try {
    // 1. The ordinary synth: loads and checks every environment (chains span environments),
    //    prints findings and the summary; any error stops the export before anything is written.
    const jsonDir = path.join(scratch, "json");
    const synth = withoutEnv("SYNTH_HCL_OUTPUT", () =>
      runSynth({
        dir,
        outdir: jsonDir,
        out: (l) => (l.startsWith("Synthesized ") ? undefined : out(l)),
        err,
      }),
    );
    if (synth.exitCode !== 0) {
      err("HCL export stopped: synth failed; nothing was written.");
      return { exitCode: synth.exitCode, written: [] };
    }
    const stacks = stackNames(jsonDir);
    const wanted = options.envs?.length ? [...new Set(options.envs)] : stacks;
    const unknown = wanted.filter((e) => !stacks.includes(e));
    if (unknown.length) {
      err(
        `HCL export stopped: no environment ${unknown.map((e) => `'${e}'`).join(", ")}; environments: ${stacks.join(", ")}`,
      );
      return { exitCode: 1, written: [] };
    }

    // 2. Which keys are nested blocks, from the provider bindings of the same app.
    const blocks = blockPathsOf(buildApp(loadEnvironments(dir), path.join(scratch, "schema")).stacks);

    // 3. Render, format and check every selected stack before writing any.
    const origin = cdktfOutdir(project);
    const results: { env: string; hcl: string; json: JsonObject }[] = [];
    const problems: string[] = [];
    for (const env of wanted) {
      const synthesized = JSON.parse(
        fs.readFileSync(path.join(jsonDir, "stacks", env, "cdk.tf.json"), "utf8"),
      ) as JsonObject;
      const json = withRebasedLocalBackend(synthesized, path.join(origin, "stacks", env), path.resolve(outdir, env));
      const hcl = await renderHcl(json, blocks, env);
      const diffs = await compareHclToJson(hcl, json);
      if (diffs.length) {
        problems.push(
          `${env}: the HCL differs from cdk.tf.json at ${diffs.length} place(s):`,
          ...diffs.slice(0, 10).map((d) => `  ${d}`),
        );
      }
      results.push({ env, hcl, json });
    }
    if (problems.length) {
      err("HCL export stopped: the HCL would not say what cdk.tf.json says; nothing was written.");
      for (const p of problems) err(p);
      err("Please report this; meanwhile deploy with cdk.tf.json (npm run synth).");
      return { exitCode: 2, written: [] };
    }

    // 4. Write cdk.tf alone: a cdk.tf.json beside it would double every resource.
    const written: string[] = [];
    for (const { env, hcl, json } of results) {
      const folder = path.join(outdir, env);
      fs.mkdirSync(folder, { recursive: true });
      for (const [stale, why] of Object.entries(STALE_FILES)) {
        const file = path.join(folder, stale);
        if (fs.existsSync(file)) {
          fs.rmSync(file);
          out(`removed ${file}: ${why}`);
        }
      }
      fs.writeFileSync(path.join(folder, HCL_FILE), hcl);
      written.push(folder);
      const outside = path.relative(project, path.resolve(folder)).startsWith("..");
      if (outside && localStatePaths(json).some((p) => !path.isAbsolute(p))) {
        err(
          `warning: ${folder} is outside the project, and its local state path points back into it; keep the two where they are, or move the state (terraform init -migrate-state)`,
        );
      }
    }
    out(`Exported ${written.length} environment(s) as HCL: ${written.map((w) => path.join(w, HCL_FILE)).join(", ")}`);
    return { exitCode: 0, written };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs `fn` with an environment variable unset (cdktf writes HCL instead of JSON when SYNTH_HCL_OUTPUT is set). */
function withoutEnv<T>(name: string, fn: () => T): T {
  const before = process.env[name];
  delete process.env[name];
  try {
    return fn();
  } finally {
    if (before !== undefined) process.env[name] = before;
  }
}

function stackNames(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  return Object.keys(manifest.stacks).sort();
}

/** Where `cdktf synth` and `cdktf deploy` put stacks: CDKTF_OUTDIR, else cdktf.json's `output`, else cdktf.out. */
export function cdktfOutdir(project: string): string {
  if (process.env.CDKTF_OUTDIR) return path.resolve(project, process.env.CDKTF_OUTDIR);
  try {
    const config = JSON.parse(fs.readFileSync(path.join(project, "cdktf.json"), "utf8")) as { output?: string };
    if (config.output) return path.resolve(project, config.output);
  } catch {
    // no cdktf.json: cdktf's default
  }
  return path.resolve(project, "cdktf.out");
}

/** A relative path written for folder `from`, rewritten for folder `to` (same target); absolute paths stay. */
export function rebasePath(p: string, from: string, to: string): string {
  if (path.isAbsolute(p)) return p;
  const rel = path.relative(to, path.resolve(from, p)).split(path.sep).join("/");
  return rel === "" ? "." : rel;
}

const LOCAL_PATH_KEYS = ["path", "workspace_dir"];

function localBackend(json: JsonObject): JsonObject | undefined {
  const local = ((json.terraform as JsonObject | undefined)?.backend as JsonObject | undefined)?.local;
  return isObject(local) ? local : undefined;
}

function localStatePaths(json: JsonObject): string[] {
  const local = localBackend(json);
  return LOCAL_PATH_KEYS.map((k) => local?.[k]).filter((p): p is string => typeof p === "string");
}

/** The JSON with a local backend's relative paths rewritten from folder `from` to folder `to`. */
export function withRebasedLocalBackend(json: JsonObject, from: string, to: string): JsonObject {
  if (!localBackend(json)) return json;
  const copy = JSON.parse(JSON.stringify(json)) as JsonObject;
  const local = localBackend(copy)!;
  for (const key of LOCAL_PATH_KEYS) {
    const p = local[key];
    if (typeof p === "string") local[key] = rebasePath(p, from, to);
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Which keys are blocks

/**
 * `resource.<type>.<a>.<b>` for every nested block the app's typed bindings mark as a block
 * (cdktf's `toHclTerraform()` fragments carry `isBlock`), for every resource, data source and
 * provider type of the stacks. Blocks that only escape hatches add are not known.
 */
export function blockPathsOf(stacks: readonly { node: TerraformElement["node"] }[]): Set<string> {
  const paths = new Set<string>();
  for (const stack of stacks) {
    for (const c of stack.node.findAll()) {
      if (!TerraformElement.isTerraformElement(c)) continue;
      const fragment = (c as TerraformElement).toHclTerraform() as Record<string, unknown>;
      for (const kind of ["resource", "data"]) {
        const byType = fragment[kind];
        if (!isRecord(byType)) continue;
        for (const [type, byName] of Object.entries(byType)) {
          if (!isRecord(byName)) continue;
          for (const body of Object.values(byName)) collectBlocks(body, `${kind}.${type}`, paths);
        }
      }
      const providers = fragment.provider;
      if (isRecord(providers)) {
        for (const [name, configs] of Object.entries(providers)) {
          for (const body of Array.isArray(configs) ? configs : [configs])
            collectBlocks(body, `provider.${name}`, paths);
        }
      }
    }
  }
  return paths;
}

function collectBlocks(body: unknown, at: string, paths: Set<string>): void {
  if (!isRecord(body)) return;
  for (const [key, typed] of Object.entries(body)) {
    if (key === "//" || !isRecord(typed) || !("value" in typed)) continue;
    const here = `${at}.${key}`;
    if (typed.isBlock === true || typed.is_block === true) paths.add(here);
    const value = typed.value;
    for (const item of Array.isArray(value) ? value : [value]) collectBlocks(item, here, paths);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Rendering

const TOP_LEVEL = ["//", "terraform", "variable", "provider", "data", "resource", "output"];

/**
 * A stack's cdk.tf.json as formatted HCL with the same meaning: attribute strings are
 * templates with their literal parts escaped, a template that is one whole interpolation
 * becomes the bare expression (same value), references in `depends_on`,
 * `replace_triggered_by` and `provider` are bare, and the keys in `blocks` are nested blocks.
 */
export async function renderHcl(json: JsonObject, blocks: ReadonlySet<string>, env: string): Promise<string> {
  const other = Object.keys(json).filter((k) => !TOP_LEVEL.includes(k));
  if (other.length) throw new Error(`the HCL export does not handle top-level ${other.join(", ")} yet`);
  const parts: string[] = [
    [
      `# Environment '${env}', exported from the cdktf app by \`npm run export:hcl\` (cdktf-vsphere-linked-clones).`,
      "# Plain Terraform: run terraform (or tofu) here. Exporting again overwrites this file;",
      "# the synth-time linked-clone rules do not check hand edits (docs/hcl-export.md).",
    ].join("\n"),
  ];
  if (isObject(json.terraform)) parts.push(renderTerraformBlock(json.terraform));
  for (const [name, spec] of entries(json.variable)) parts.push(renderVariable(name, spec));
  for (const [name, configs] of entries(json.provider)) {
    for (const config of Array.isArray(configs) ? configs : [configs])
      parts.push(block(`provider ${quote(name)}`, body(config, `provider.${name}`, blocks)));
  }
  for (const kind of ["data", "resource"]) {
    for (const [type, byName] of entries(json[kind])) {
      for (const [name, config] of entries(byName))
        parts.push(block(`${kind} ${quote(type)} ${quote(name)}`, body(config, `${kind}.${type}`, blocks)));
    }
  }
  for (const [name, spec] of entries(json.output)) parts.push(renderOutput(name, spec));
  return format(parts.join("\n\n") + "\n");
}

function entries(v: Json | undefined): [string, Json][] {
  return isObject(v) ? Object.entries(v).filter(([k]) => k !== "//") : [];
}

function block(header: string, lines: string[]): string {
  return lines.length ? `${header} {\n${lines.join("\n")}\n}` : `${header} {}`;
}

const TERRAFORM_ORDER = ["required_version", "required_providers", "backend", "cloud"];

function renderTerraformBlock(tf: JsonObject): string {
  const lines: string[] = [];
  const rank = (k: string) => (TERRAFORM_ORDER.includes(k) ? TERRAFORM_ORDER.indexOf(k) : TERRAFORM_ORDER.length);
  for (const [key, value] of entries(tf).sort(([a], [b]) => rank(a) - rank(b))) {
    if (key === "required_providers" && isObject(value)) {
      lines.push(
        block(
          "required_providers",
          entries(value).map(([p, v]) => `${identifier(p)} = ${literal(v)}`),
        ),
      );
    } else if (key === "backend" && isObject(value)) {
      for (const [type, config] of entries(value))
        lines.push(
          block(
            `backend ${quote(type)}`,
            entries(config).map(([k, v]) => `${k} = ${literal(v)}`),
          ),
        );
    } else if (key === "cloud" && isObject(value)) {
      lines.push(
        block(
          "cloud",
          entries(value).map(([k, v]) =>
            k === "workspaces" && isObject(v)
              ? block(
                  "workspaces",
                  entries(v).map(([wk, wv]) => `${wk} = ${literal(wv)}`),
                )
              : `${k} = ${literal(v)}`,
          ),
        ),
      );
    } else lines.push(`${key} = ${literal(value)}`);
  }
  return block("terraform", lines);
}

/** In JSON, a variable's `type` is a type expression and its `default` and `description` are literals. */
function renderVariable(name: string, spec: Json): string {
  const lines = entries(spec).flatMap(([key, value]): string[] => {
    if (key === "type" && typeof value === "string") return [`type = ${value}`];
    if (key === "validation") {
      return (Array.isArray(value) ? value : [value]).map((v) =>
        block(
          "validation",
          entries(v).map(([k, x]) => `${k} = ${expression(x)}`),
        ),
      );
    }
    return [`${key} = ${literal(value)}`];
  });
  return block(`variable ${quote(name)}`, lines);
}

function renderOutput(name: string, spec: Json): string {
  const lines = entries(spec).map(([key, value]) =>
    key === "depends_on" ? `depends_on = ${references(value)}` : `${key} = ${expression(value)}`,
  );
  return block(`output ${quote(name)}`, lines);
}

const REFERENCE_LISTS = new Set(["depends_on", "replace_triggered_by"]);

/**
 * The body of a resource, data source, provider or nested block; `at` names its place for
 * `blocks`. In Terraform's style order: count/for_each/provider, arguments, nested blocks,
 * then depends_on and lifecycle.
 */
function body(config: Json, at: string, blocks: ReadonlySet<string>): string[] {
  const first: string[] = [];
  const args: string[] = [];
  const nested: string[] = [];
  const last: string[] = [];
  for (const [key, value] of entries(config)) {
    if (key === "count" || key === "for_each") first.push(`${key} = ${expression(value)}`);
    else if (key === "provider" && typeof value === "string") first.push(`provider = ${bare(value)}`);
    else if (REFERENCE_LISTS.has(key)) last.push(`${key} = ${references(value)}`);
    else if (key === "lifecycle" && isObject(value)) last.push(block("lifecycle", lifecycle(value)));
    else if (key === "dynamic" && isObject(value)) nested.push(...dynamicBlocks(value, at, blocks));
    else if (key === "provisioner" || key === "connection")
      throw new Error(`the HCL export does not handle ${key} blocks yet (${at})`);
    else if (blocks.has(`${at}.${key}`) && (isObject(value) || Array.isArray(value))) {
      for (const item of Array.isArray(value) ? value : [value])
        nested.push(block(key, body(item, `${at}.${key}`, blocks)));
    } else args.push(`${key} = ${expression(value)}`);
  }
  return [...first, ...args, ...nested, ...last];
}

function lifecycle(value: JsonObject): string[] {
  return entries(value).map(([key, v]) => {
    if (REFERENCE_LISTS.has(key)) return `${key} = ${references(v)}`;
    if (key === "ignore_changes") return `${key} = ${v === "all" ? "all" : references(v)}`;
    if ((key === "precondition" || key === "postcondition") && (isObject(v) || Array.isArray(v)))
      return (Array.isArray(v) ? v : [v])
        .map((c) =>
          block(
            key,
            entries(c).map(([k, x]) => `${k} = ${expression(x)}`),
          ),
        )
        .join("\n");
    return `${key} = ${expression(v)}`;
  });
}

function dynamicBlocks(dynamic: JsonObject, at: string, blocks: ReadonlySet<string>): string[] {
  return entries(dynamic).flatMap(([name, specs]) =>
    (Array.isArray(specs) ? specs : [specs]).map((spec) => {
      const lines = entries(spec).flatMap(([key, value]): string[] => {
        if (key === "iterator" && typeof value === "string") return [`iterator = ${value}`];
        if (key === "content") return [];
        return [`${key} = ${expression(value)}`];
      });
      const content = isObject(spec) ? spec.content : undefined;
      return block(`dynamic ${quote(name)}`, [
        ...lines,
        block("content", body(content ?? {}, `${at}.${name}`, blocks)),
      ]);
    }),
  );
}

/** `["a.b", "${c.d}"]` as `[a.b, c.d]`. */
function references(value: Json): string {
  const items = Array.isArray(value) ? value : [value];
  return `[${items.map((v) => (typeof v === "string" ? bare(v) : expression(v))).join(", ")}]`;
}

function bare(ref: string): string {
  return wholeInterpolation(ref) ?? ref;
}

/** A JSON attribute value as an HCL expression (JSON strings are templates). */
export function expression(value: Json | undefined): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return wholeInterpolation(value) ?? template(value);
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return list(value.map(expression), value);
  return object(value, expression);
}

/** A JSON value taken literally (a variable's default, backend settings): `${` stays text. */
export function literal(value: Json | undefined): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string")
    return `"${escapeText(value)
      .replace(/\$\{/g, () => "$${")
      .replace(/%\{/g, () => "%%{")}"`;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return list(value.map(literal), value);
  return object(value, literal);
}

function list(items: string[], values: Json[]): string {
  return values.some((v) => typeof v === "object" && v !== null)
    ? `[\n${items.join(",\n")},\n]`
    : `[${items.join(", ")}]`;
}

function object(value: JsonObject, render: (v: Json) => string): string {
  const fields = Object.entries(value).map(([k, v]) => `${identifier(k)} = ${render(v)}`);
  return fields.length ? `{\n${fields.join("\n")}\n}` : "{}";
}

const KEYWORDS = new Set(["for", "in", "if", "null", "true", "false"]);

/** An object key: bare when HCL reads it as that same string, else quoted. */
function identifier(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !KEYWORDS.has(key) ? key : `"${escapeText(key)}"`;
}

function quote(label: string): string {
  return `"${escapeText(label)}"`;
}

/** A template as a quoted HCL string: literal parts escaped, `${...}` and `%{...}` kept as they are. */
export function template(s: string): string {
  let outText = "";
  let i = 0;
  while (i < s.length) {
    if ((s.startsWith("$${", i) || s.startsWith("%%{", i)) && i + 2 < s.length) {
      outText += s.slice(i, i + 3);
      i += 3;
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      const end = skipInterpolation(s, i + 2);
      if (end < 0) throw new Error(`unbalanced interpolation in ${JSON.stringify(s)}`);
      outText += s.slice(i, end);
      i = end;
    } else {
      outText += escapeText(s[i]);
      i++;
    }
  }
  return `"${outText}"`;
}

const ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** HCL string escapes for literal text (no template handling); other control characters as \uNNNN. */
function escapeText(s: string): string {
  let out = "";
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, "0")}` : c);
  }
  return out;
}

/** The expression of `${...}` when that one interpolation is the whole template, else undefined. */
export function wholeInterpolation(s: string): string | undefined {
  if (!s.startsWith("${")) return undefined;
  if (skipInterpolation(s, 2) !== s.length) return undefined;
  const expr = s.slice(2, -1).trim();
  return expr === "" ? undefined : expr;
}

/** From just after `${`, the index just after its closing `}` (strings and nested braces skipped), or -1. */
function skipInterpolation(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      const end = skipString(s, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/** From an opening quote inside an expression, the index just after the closing quote, or -1. */
function skipString(s: string, from: number): number {
  for (let i = from + 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i + 1;
    else if (s.startsWith("$${", i) || s.startsWith("%%{", i)) i += 2;
    else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      const end = skipInterpolation(s, i + 2);
      if (end < 0) return -1;
      i = end - 1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * Parses the HCL back (HashiCorp's HCL parser, as WebAssembly) and lists every place where it
 * says something the JSON does not: `<path>: json <value> vs hcl <value>`. Blocks and
 * one-element lists of objects compare equal, as do expressions that differ only in spacing.
 */
export async function compareHclToJson(hcl: string, json: JsonObject): Promise<string[]> {
  let parsed: JsonObject;
  try {
    parsed = (await parse(HCL_FILE, hcl)) as JsonObject;
  } catch (e) {
    return [`the HCL does not parse: ${(e as Error).message}`];
  }
  const diffs: string[] = [];
  diff(normalize(json), normalize(parsed), "", diffs);
  return diffs;
}

/** Keys whose JSON strings are references, types or names that HCL writes bare. */
const BARE_KEYS = new Set(["depends_on", "replace_triggered_by", "ignore_changes", "provider", "type", "iterator"]);

function normalize(value: Json | undefined, key = ""): Json | undefined {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v, key) as Json);
    return items.length === 1 && isObject(items[0]) ? items[0] : items;
  }
  if (isObject(value)) {
    const result: JsonObject = {};
    for (const k of Object.keys(value).sort()) if (k !== "//") result[k] = normalize(value[k], k) as Json;
    return result;
  }
  if (typeof value === "string") {
    const s = BARE_KEYS.has(key) ? value.replace(/^\$\{([\s\S]*)\}$/, "$1") : value;
    return s.includes("${") ? s.replace(/\s+/g, "") : s;
  }
  // Terraform converts "24" and 24 alike, by the schema.
  return value === undefined || value === null ? value : String(value);
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function diff(a: Json | undefined, b: Json | undefined, at: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diff(a[k], b[k], at ? `${at}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => diff(v, b[i], `${at}[${i}]`, out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${at}: json ${JSON.stringify(a) ?? "(absent)"} vs hcl ${JSON.stringify(b) ?? "(absent)"}`);
  }
}
