/**
 * Every bad input answered (issue 7): a catalogue of broken environment files and
 * folders. Each must end with exit code 1, a message naming the file, the field and
 * the fix, no stack trace and no exception print-out, and no cdk.tf.json anywhere
 * (config errors write nothing at all; rule errors write only the findings files).
 *
 * Most cases run in-process (runSynth over a temp folder into a temp outdir); three
 * run through the real CLI in child processes to check the exit code and stderr.
 */
import * as fs from "fs";
import * as path from "path";
import {
  changed,
  INTERNAL_MESSAGE,
  runCli,
  STACK_TRACE,
  synthFolder,
  tempDir,
  toYaml,
  validEnv,
  walkFiles,
  writeFiles,
  type Env,
  type SynthRun,
} from "./helpers";

type Files = Record<string, string | Buffer>;

interface Case {
  readonly name: string;
  /** Files of the environment folder, or a setup that returns the folder to use. */
  readonly files?: Files;
  readonly setup?: () => string;
  /** Config errors: a problem line `<file>: <field>: <message>`; field "" for the whole file. */
  readonly config?: { file: string; field: string; words: RegExp[] };
  /** Rule errors: a finding line `error: [<rule>] ...` matching words, in stack `stack`. */
  readonly rule?: { id: string; stack: string; words: RegExp[] };
  /** Set when the case documents a bug in lib/ or stacks/ (see the report); the test fails until fixed. */
}

/** One environment file lab.yaml with a change applied to the valid environment. */
const lab = (change: (e: Env) => void): Files => ({ "lab.yaml": toYaml(changed(validEnv(), change)) });
/** One environment file lab.yaml with the text of the valid environment edited. */
const labText = (edit: (text: string) => string): Files => ({ "lab.yaml": edit(toYaml(validEnv())) });
const group = (e: Env) => e.groups[0];
const cfg = (field: string, ...words: RegExp[]) => ({ config: { file: "lab.yaml", field, words } });
const rule = (id: string, ...words: RegExp[]) => ({ rule: { id, stack: "lab", words } });
/** Two environments (other names, addresses and datacenter) with these backends; undefined: no backend field. */
const twoStates = (a: unknown, b: unknown): Files => ({
  "lab-a.yaml": toYaml(changed(validEnv({ net: 10 }), (e) => a !== undefined && (e.backend = a))),
  "lab-b.yaml": toYaml(
    changed(validEnv({ datacenter: "DC1", prefix: "api", net: 20 }), (e) => b !== undefined && (e.backend = b)),
  ),
});
/** The shared-state problem on lab-a.yaml, naming lab-b.yaml with its position, and the fix. */
const shared = (field: string, ...words: RegExp[]) => ({
  config: {
    file: "lab-a.yaml",
    field,
    words: [
      /shares one Terraform state with \S*lab-b\.yaml:\d+:\d+: both keep it in /,
      /so deploying one environment would plan to destroy the VMs of the other; give each environment its own /,
      ...words,
    ],
  },
});
/**
 * Two environments on one vCenter and datacenter (other names, addresses and source VM), the
 * second changed; the first declares C0 with hosts [H0, H1, H2], no HA, DS0 as vmfs6 of 500 GB, 8.0.
 */
const oneSite = (change: (b: Env) => void): Files => ({
  "lab-a.yaml": toYaml(validEnv({ net: 10 })),
  "lab-b.yaml": toYaml(
    changed(validEnv({ prefix: "api", net: 20 }), (e) => ((e.bases.golden.vm = "golden-api"), change(e))),
  ),
});
/** The contradicting-facts problem on lab-a.yaml, naming lab-b.yaml with its position, and the fix. */
const contradicts = (field: string, ...words: RegExp[]) => ({
  config: {
    file: "lab-a.yaml",
    field,
    words: [
      ...words,
      /here but .* in \S*lab-b\.yaml:\d+:\d+; the rules count disk chains across environments, /,
      /make the two files agree with vCenter \(npm run preflight -- lab-a --write-facts prints its facts to paste into both\)$/,
    ],
  },
});
/** Lines of the valid environment's YAML: a line appended after it is line VALID_LINES + 1. */
const VALID_LINES = toYaml(validEnv()).trimEnd().split("\n").length;
/** The valid environment with an unclosed flow sequence in the cluster's hosts. */
const UNCLOSED: Files = labText((t) => t.replace("hosts:\n      - H0\n      - H1\n      - H2", "hosts: [H0, H1"));

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return lines.join("\n") + "\n";
}

const CASES: Case[] = [
  // --- the file as a whole ----------------------------------------------------
  { name: "empty file", files: { "lab.yaml": "" }, ...cfg("", /empty/, /vsphere/) },
  { name: "whitespace-only file", files: { "lab.yaml": "  \n\t\n   \n" }, ...cfg("", /empty/) },
  { name: "comment-only file", files: { "lab.yaml": "# nothing yet\n" }, ...cfg("", /not a mapping/, /vsphere:/) },
  {
    name: "top-level list instead of a mapping",
    files: { "lab.yaml": "- vsphere: {server: vc}\n- datacenter: DC0\n" },
    ...cfg("", /a list of 2, not a mapping/),
  },
  { name: "top-level scalar", files: { "lab.yaml": "hello world\n" }, ...cfg("", /'hello world', not a mapping/) },
  {
    name: "huge file (> 1 MiB)",
    files: { "lab.yaml": `# ${"x".repeat(1024 * 1024 + 10)}\n${toYaml(validEnv())}` },
    ...cfg("", /bytes, over the limit of 1048576/, /split/),
  },
  { name: "YAML bomb (billion laughs aliases)", files: { "lab.yaml": billionLaughs() }, ...cfg("", /alias/i) },
  {
    name: "binary garbage (NUL bytes)",
    files: { "lab.yaml": Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x41, 0x0a, 0x00]) },
    ...cfg("", /is not UTF-8|is UTF-16/, /save it as UTF-8/),
  },
  // --- YAML syntax: line and column shown --------------------------------------
  {
    name: "unclosed flow sequence",
    files: UNCLOSED,
    ...cfg("line 9, column 5", /^\s*\S*lab\.yaml:\d+:\d+: YAML syntax error/, /\]/),
  },
  {
    name: "tab indentation",
    files: labText((t) => t.replace("  server:", "\tserver:")),
    ...cfg("line 2, column 1", /YAML syntax error: Tabs/),
  },
  {
    name: "duplicate key",
    files: labText((t) => `${t}datacenter: DC1\n`),
    ...cfg(`line ${VALID_LINES + 1}, column 1`, /unique/),
  },
  {
    name: "multiple YAML documents",
    files: labText((t) => `${t}---\ndatacenter: DC1\n`),
    ...cfg(`line ${VALID_LINES + 1}, column 1`, /more than one YAML document/),
  },
  {
    name: "deeply nested flow collections",
    files: { "lab.yaml": `vsphere: ${"[".repeat(3000)}${"]".repeat(3000)}\n` },
    ...cfg("line 1, column", /YAML syntax error/, /nest/i),
  },
  // --- wrong types ----------------------------------------------------------------
  {
    name: "count as text",
    files: lab((e) => (group(e).count = "four")),
    ...cfg("groups[0].count", /must be a number/, /'four'/),
  },
  { name: "cpus not whole", files: lab((e) => (group(e).cpus = 2.5)), ...cfg("groups[0].cpus", /whole number/) },
  {
    name: "count .inf",
    files: labText((t) => t.replace("count: 3", "count: .inf")),
    ...cfg("groups[0].count", /number/, /Infinity/),
  },
  {
    name: "cpus .nan",
    files: labText((t) => t.replace("count: 3", "count: 3\n    cpus: .nan")),
    ...cfg("groups[0].cpus", /number/, /NaN/),
  },
  {
    name: "boolean as yes-string",
    files: lab((e) => (e.vsphere.allowUnverifiedSsl = "yes")),
    ...cfg("vsphere.allowUnverifiedSsl", /true or false/),
  },
  { name: "groups as a mapping", files: lab((e) => (e.groups = { web: group(e) })), ...cfg("groups", /array|list/i) },
  { name: "hosts as a string", files: lab((e) => (group(e).hosts = "H0")), ...cfg("groups[0].hosts", /array|list/i) },
  { name: "empty network", files: lab((e) => (group(e).network = null)), ...cfg("groups[0].network", /network name/) },
  { name: "missing datacenter", files: lab((e) => delete e.datacenter), ...cfg("datacenter", /missing/, /add it/) },
  {
    name: "bad version",
    files: lab((e) => (e.vsphere.version = "eight")),
    ...cfg("vsphere.version", /is not a vSphere version; write it like "8.0"/),
  },
  {
    name: "unknown datastore type",
    files: lab((e) => (e.datastores.DS0.type = "vmfs7")),
    ...cfg("datastores.DS0.type", /vmfs6/),
  },
  {
    name: "misspelt disk mode",
    files: lab((e) => (group(e).diskMode = "persistant")),
    ...cfg("groups[0].diskMode", /did you mean 'persistent'/),
  },
  {
    name: "unknown backend type",
    files: lab((e) => (e.backend = { type: "s4" })),
    ...cfg("backend.type", /'s4'/, /did you mean 's3'/),
  },
  {
    name: "backend without a type",
    files: lab((e) => (e.backend = { bucket: "b" })),
    ...cfg("backend.type", /missing|one of local, s3, pg, http, remote/),
  },
  {
    name: "absolute local state path",
    files: lab((e) => (e.backend = { type: "local", path: "/var/state/lab.tfstate" })),
    ...cfg("backend.path", /relative/),
  },
  // --- unknown keys: did you mean -------------------------------------------------
  {
    name: "unknown key cpu",
    files: lab((e) => (group(e).cpu = 2)),
    ...cfg("groups[0].cpu", /unknown field 'cpu'/, /did you mean 'cpus'/),
  },
  {
    name: "unknown key sever",
    files: lab((e) => ((e.vsphere.sever = e.vsphere.server), delete e.vsphere.server)),
    ...cfg("vsphere.sever", /did you mean 'server'/),
  },
  {
    name: "unknown top-level key datacentre",
    files: lab((e) => ((e.datacentre = e.datacenter), delete e.datacenter)),
    ...cfg("datacentre", /did you mean 'datacenter'/),
  },
  {
    name: "unknown key far from any",
    files: lab((e) => (group(e).zzzzzzzz = 1)),
    ...cfg("groups[0].zzzzzzzz", /unknown field/, /known fields here: .*namePattern/),
  },
  // --- numbers out of range ----------------------------------------------------------
  {
    name: "count 100000",
    files: lab((e) => (group(e).count = 100000)),
    ...cfg("groups[0].count", /count 100000 is out of range; use a whole number from 1 to 10000/),
  },
  { name: "count 0", files: lab((e) => (group(e).count = 0)), ...cfg("groups[0].count", /from 1 to 10000/) },
  { name: "count -3", files: lab((e) => (group(e).count = -3)), ...cfg("groups[0].count", /from 1 to 10000/) },
  { name: "cpus 0", files: lab((e) => (group(e).cpus = 0)), ...cfg("groups[0].cpus", /cpus is 0; use 1 or more/) },
  { name: "memoryMb -1", files: lab((e) => (group(e).memoryMb = -1)), ...cfg("groups[0].memoryMb", /use 4 or more/) },
  {
    name: "prefixLength 33",
    files: lab((e) => (group(e).customization.ipv4.prefixLength = 33)),
    ...cfg("groups[0].customization.ipv4.prefixLength", /at most 32/),
  },
  {
    name: "prefixLength 0",
    files: lab((e) => (group(e).customization.ipv4.prefixLength = 0)),
    ...cfg("groups[0].customization.ipv4.prefixLength", /use 1 or more/),
  },
  {
    name: "waitForGuestNetMinutes -5",
    files: lab((e) => (group(e).waitForGuestNetMinutes = -5)),
    ...cfg("groups[0].waitForGuestNetMinutes", /use 0 or more/),
  },
  {
    name: "capacityGb 0",
    files: lab((e) => (e.datastores.DS0.capacityGb = 0)),
    ...cfg("datastores.DS0.capacityGb", /more than 0/),
  },
  {
    name: "limits.maxClonesPerChain 0",
    files: lab((e) => (e.limits = { maxClonesPerChain: 0 })),
    ...cfg("limits.maxClonesPerChain", /use a whole number of 1 or more/),
  },
  // --- missing references -------------------------------------------------------------
  {
    name: "undeclared base",
    files: lab((e) => (group(e).base = "goldn")),
    ...cfg("groups[0].base", /not declared/, /did you mean 'golden'/),
  },
  {
    name: "undeclared cluster",
    files: lab((e) => (group(e).cluster = "C9")),
    ...cfg("groups[0].cluster", /not declared/),
  },
  {
    name: "undeclared datastore",
    files: lab((e) => (group(e).datastore = "DS9")),
    ...cfg("groups[0].datastore", /not declared/),
  },
  {
    name: "host not in the cluster",
    files: lab((e) => (group(e).hosts = ["H0", "H7"])),
    ...cfg("groups[0].hosts[1]", /not in cluster 'C0'/),
  },
  {
    name: "hosts without cluster facts",
    files: lab((e) => (delete e.clusters.C0.hosts, (group(e).hosts = ["H0"]))),
    ...cfg("groups[0].hosts", /declares no hosts/),
  },
  // Names that are properties of every JavaScript object must not pass as declared.
  {
    name: "base named toString",
    files: lab((e) => (group(e).base = "toString")),
    ...cfg("groups[0].base", /not declared/),
  },
  {
    name: "cluster named constructor",
    files: lab((e) => (group(e).cluster = "constructor")),
    ...cfg("groups[0].cluster", /not declared/),
  },
  {
    name: "datastore named hasOwnProperty",
    files: lab((e) => (group(e).datastore = "hasOwnProperty")),
    ...cfg("groups[0].datastore", /not declared/),
  },
  {
    name: "unknown key named toString",
    files: lab((e) => (e.vsphere.toString = 1)),
    ...cfg("vsphere.toString", /unknown field 'toString'/),
  },
  // --- duplicates ------------------------------------------------------------------------
  {
    name: "duplicate group names",
    files: lab((e) => e.groups.push({ ...group(e), namePattern: "other-{nn}", customization: undefined })),
    ...cfg("groups[1].name", /already used by groups\[0\]/),
  },
  {
    name: "duplicate member names",
    files: lab((e) => ((group(e).members = ["web-01", "web-02", "web-01"]), delete group(e).count)),
    ...cfg("groups[0].members", /'web-01' is listed more than once/),
  },
  {
    name: "member with surrounding spaces next to the same name",
    files: lab((e) => ((group(e).members = [" web-01", "web-01"]), delete group(e).count)),
    ...cfg("groups[0].members", /more than once/),
  },
  {
    name: "two groups with the same VM names",
    files: lab((e) => e.groups.push({ ...group(e), name: "web2", customization: undefined })),
    ...rule("vm-name", /'web-01'/, /unique/),
  },
  // (same VM names in two files: see CROSS_FILE below)
  // --- names -----------------------------------------------------------------------------
  {
    name: "group name with an accent (wéb)",
    files: lab((e) => (group(e).name = "wéb")),
    ...cfg("groups[0].name", /lower-case letters, digits/),
  },
  {
    name: "group name in upper case",
    files: lab((e) => (group(e).name = "Web")),
    ...cfg("groups[0].name", /lower-case/),
  },
  {
    name: "group name with a space",
    files: lab((e) => (group(e).name = "web tier")),
    ...cfg("groups[0].name", /lower-case/),
  },
  {
    name: "VM name with '/'",
    files: lab((e) => ((group(e).members = ["web/01"]), delete group(e).count, delete group(e).customization)),
    ...rule("vm-name", /'web\/01'/, /\/ \\ or %/),
  },
  {
    name: "VM name with '%'",
    files: lab((e) => ((group(e).members = ["web%01"]), delete group(e).count, delete group(e).customization)),
    ...rule("vm-name", /'web%01'/),
  },
  {
    name: "VM name over 80 characters",
    files: lab((e) => ((group(e).namePattern = `${"w".repeat(80)}-{nn}`), delete group(e).customization)),
    ...rule("vm-name", /too long/, /81 characters|83 characters/),
  },
  {
    name: "Linux host name with '_'",
    files: lab((e) => (group(e).namePattern = "web_{nn}")),
    ...rule("hostname", /'web_01'/, /not a valid host name/),
  },
  {
    name: "Linux host name with an accent (wéb-01)",
    files: lab((e) => (group(e).namePattern = "wéb-{nn}")),
    ...rule("hostname", /'wéb-01'/, /not a valid host name/),
  },
  {
    name: "Windows host name over 15",
    files: lab(
      (e) => (
        (e.bases.golden = { vm: "win", template: true, guestOs: "windows" }),
        (group(e).namePattern = "windows-server-{nn}")
      ),
    ),
    ...rule("hostname", /Windows host name/, /too long/),
  },
  // --- environment folders and file names ---------------------------------------------
  {
    name: "file name with a space",
    files: { "my lab.yaml": toYaml(validEnv()) },
    config: { file: "my lab.yaml", field: "", words: [/valid stack name/, /rename/] },
  },
  {
    name: "file name in upper case",
    files: { "Lab.yaml": toYaml(validEnv()) },
    config: { file: "Lab.yaml", field: "", words: [/valid stack name/, /lower-case/] },
  },
  {
    name: "file name with a dot",
    files: { "lab.v2.yaml": toYaml(validEnv()) },
    config: { file: "lab.v2.yaml", field: "", words: [/valid stack name/] },
  },
  {
    name: ".yml extension",
    files: { "lab.yml": toYaml(validEnv()) },
    config: { file: "lab.yml", field: "", words: [/\.yaml/, /rename/] },
  },
  {
    name: "folder with only a non-YAML file",
    files: { "README.md": "# labs\n" },
    config: { file: "", field: "", words: [/holds no environment \(\.yaml\) files/] },
  },
  {
    name: "empty folder",
    setup: () => tempDir("lc-empty-"),
    config: { file: "", field: "", words: [/holds no environment/] },
  },
  {
    name: "missing folder (relative ../ path)",
    setup: () => path.join("..", "no-such-folder-lc-reliability"),
    config: { file: "no-such-folder-lc-reliability", field: "", words: [/does not exist/, /LINKED_CLONES_ENV_DIR/] },
  },
  {
    name: "folder is a file",
    setup: () => path.join(writeFiles(tempDir("lc-file-"), { envs: "x" }), "envs"),
    config: { file: "envs", field: "", words: [/cannot be read/] },
  },
  {
    name: "lab.yaml is a folder",
    setup: () => {
      const d = tempDir("lc-dir-");
      fs.mkdirSync(path.join(d, "lab.yaml"));
      return d;
    },
    config: { file: "lab.yaml", field: "", words: [/not a regular file/] },
  },
  // --- group structure ------------------------------------------------------------------
  {
    name: "both count and members",
    files: lab((e) => (group(e).members = ["web-01"])),
    ...cfg("groups[0].count", /both given/, /use one/),
  },
  {
    name: "neither count nor members",
    files: lab((e) => delete group(e).count),
    ...cfg("groups[0].count", /neither count nor members/),
  },
  {
    name: "namePattern without placeholder",
    files: lab((e) => (group(e).namePattern = "web")),
    ...cfg("groups[0].namePattern", /no number placeholder/, /\{nn\}/),
  },
  {
    name: "reversed range 10.0.0.50-10.0.0.10",
    files: lab((e) => (group(e).customization.ipv4.range = "10.0.10.50-10.0.10.10")),
    ...cfg("groups[0].customization.ipv4.range", /ends before it starts/, /write the lower address first/),
  },
  {
    name: "range without a dash",
    files: lab((e) => (group(e).customization.ipv4.range = "10.0.10.10")),
    ...cfg("groups[0].customization.ipv4.range", /first-last/),
  },
  {
    name: "range too small",
    files: lab((e) => ((group(e).customization.ipv4.range = "10.0.10.10-10.0.10.11"), (group(e).count = 5))),
    ...cfg("groups[0].customization.ipv4.range", /2 addresses/, /needs 5/, /widen/),
  },
  {
    name: "gateway not an address",
    files: lab((e) => (group(e).customization.ipv4.gateway = "10.0.10")),
    ...cfg("groups[0].customization.ipv4.gateway", /it has 3 parts, not 4/, /write it as a\.b\.c\.d/),
  },
  {
    name: "member ipv4 not an address",
    files: lab((e) => ((group(e).members = [{ name: "web-01", ipv4: "10.0.10.300" }]), delete group(e).count)),
    ...cfg("groups[0].members[0].ipv4", /octet 300 is over 255/, /'10\.0\.10\.300'/),
  },
  {
    name: "both cluster and resourcePool",
    files: lab((e) => (group(e).resourcePool = "C0/Resources")),
    ...cfg("groups[0]", /both cluster and resourcePool/),
  },
  {
    name: "neither cluster nor resourcePool",
    files: lab((e) => (delete group(e).cluster, delete group(e).hosts)),
    ...cfg("groups[0]", /neither cluster nor resourcePool/),
  },
  {
    name: "manageSnapshot without a snapshot name",
    files: lab((e) => delete e.bases.golden.snapshot),
    ...cfg("bases.golden.snapshot", /manageSnapshot/),
  },
  // --- rule errors ------------------------------------------------------------------------
  {
    name: "gateway inside the range",
    files: lab((e) => (group(e).customization.ipv4.gateway = "10.0.10.20")),
    ...rule("ip-pool", /includes the gateway address 10\.0\.10\.20/),
  },
  {
    name: "gateway outside the range's network",
    files: lab((e) => (group(e).customization.ipv4.gateway = "10.0.99.1")),
    ...cfg("groups[0].customization.ipv4.gateway", /outside the range's network 10\.0\.10\.0\/24/),
  },
  {
    name: "two groups handing out one address",
    files: lab((e) => e.groups.push({ ...group(e), name: "api", namePattern: "api-{nn}" })),
    ...rule("ip-pool", /handed out 2 times/),
  },
  {
    name: "template base with a snapshot",
    files: lab((e) => (e.bases.golden = { vm: "tmpl", template: true, snapshot: "s1" })),
    ...rule("snapshot-source", /template but names a snapshot, snapshot 's1' vs none/),
  },
  {
    name: "VM base without a snapshot",
    files: lab((e) => (e.bases.golden = { vm: "src" })),
    ...rule("snapshot-source", /without a snapshot/),
  },
  {
    name: "datastoreCluster",
    files: lab((e) => ((group(e).datastoreCluster = "DSC0"), delete group(e).datastore)),
    ...rule("storage-drs", /datastore cluster 'DSC0'/, /set datastore/),
  },
  {
    name: "chain over maxClonesPerChain",
    files: lab((e) => (e.limits = { maxClonesPerChain: 2 })),
    ...rule("chain-size", /3 vs 2|limits\.maxClonesPerChain/),
  },
  {
    name: "chain over maxHostsPerChain",
    files: lab((e) => (e.limits = { maxHostsPerChain: 2 })),
    ...rule("chain-hosts", /3 vs 2|hosts/),
  },
  {
    name: "HA cluster on vSphere 4.1",
    files: lab((e) => ((e.vsphere.version = "4.1"), (e.clusters.C0.haEnabled = true))),
    ...rule("ha-cluster", /HA/),
  },
  // --- secrets and suppressions -----------------------------------------------------------
  {
    name: "secret in the file (backend.secretKey)",
    files: lab((e) => (e.backend = { type: "s3", bucket: "b", key: "k", secretKey: "x" })),
    ...cfg("backend.secretKey", /AWS_SECRET_ACCESS_KEY/),
  },
  {
    name: "suppression of an unknown rule id",
    files: lab((e) => (e.suppress = [{ rule: "vm-names", reason: "legacy names" }])),
    ...cfg("suppress[0].rule", /rule id/, /did you mean 'vm-name'/),
  },
  {
    name: "suppression with an empty reason",
    files: lab((e) => (e.suppress = [{ rule: "vm-name", reason: "" }])),
    ...cfg("suppress[0].reason", /must not be empty/, /reason/),
  },
  {
    name: "suppression with a blank reason",
    files: lab((e) => (e.suppress = [{ rule: "vm-name", reason: "   " }])),
    ...cfg("suppress[0].reason", /must not be empty/),
  },
  {
    name: "group suppression without a reason",
    files: lab((e) => (group(e).suppress = [{ rule: "clone-density" }])),
    ...cfg("groups[0].suppress[0].reason", /missing/),
  },
  // Issue 14: wrong values a vCenter or the provider would reject or misread, each class with several cases.
  {
    name: "server given as a URL",
    files: lab((e) => (e.vsphere.server = "https://vcenter.example.com/sdk")),
    ...cfg(
      "vsphere.server",
      /is a URL; write only the host name \('vcenter\.example\.com'\)/,
      /adds https:\/\/ and \/sdk/,
    ),
  },
  {
    name: "server with a path",
    files: lab((e) => (e.vsphere.server = "vcenter.example.com/sdk")),
    ...cfg("vsphere.server", /holds a path; write only the host name/),
  },
  {
    name: "server with a bad port",
    files: lab((e) => (e.vsphere.server = "vcenter.example.com:99999")),
    ...cfg("vsphere.server", /port 99999 is out of range/),
  },
  {
    name: "memoryMb not a multiple of 4",
    files: lab((e) => (group(e).memoryMb = 1030)),
    ...cfg("groups[0].memoryMb", /not a multiple of 4/, /use 1028 or 1032/),
  },
  {
    name: "Windows workgroup longer than 15 characters",
    files: lab((e) => {
      e.bases.golden.guestOs = "windows";
      group(e).namePattern = "w-{nn}";
      group(e).customization = { ipv4: "dhcp", windows: { workgroup: "ENGINEERING-LABS" } };
    }),
    ...cfg("groups[0].customization.windows.workgroup", /has 16 characters; Windows workgroup names hold at most 15/),
  },
  {
    name: "domain that is not a DNS name",
    files: lab((e) => (group(e).customization.domain = "lab_local")),
    ...cfg("groups[0].customization.domain", /label 'lab_local', which is not a DNS label/),
  },
  {
    name: "domain with an empty label",
    files: lab((e) => (group(e).customization.domain = "lab..example.com")),
    ...cfg("groups[0].customization.domain", /empty label/),
  },
  {
    name: "DNS server that is not an address",
    files: lab((e) => (group(e).customization.dnsServers = ["10.0.10.2", "dns1"])),
    ...cfg("groups[0].customization.dnsServers[1]", /DNS server 'dns1'/),
  },
  {
    name: "gateway that is the network address",
    files: lab((e) => (group(e).customization.ipv4.gateway = "10.0.10.0")),
    ...cfg("groups[0].customization.ipv4.gateway", /is the network address of 10\.0\.10\.0\/24/),
  },
  {
    name: "gateway that is the broadcast address",
    files: lab((e) => (group(e).customization.ipv4.gateway = "10.0.10.255")),
    ...cfg("groups[0].customization.ipv4.gateway", /is the broadcast address of 10\.0\.10\.0\/24/),
  },
  {
    name: "range wider than its prefix",
    files: lab((e) => (group(e).customization.ipv4.range = "10.0.10.10-10.0.11.20")),
    ...cfg("groups[0].customization.ipv4.range", /spans more than the network 10\.0\.10\.0\/24/),
  },
  {
    name: "range with an octet over 255",
    files: lab((e) => (group(e).customization.ipv4.range = "10.0.10.10-10.0.10.300")),
    ...cfg("groups[0].customization.ipv4.range", /last address '10\.0\.10\.300' is wrong: octet 300 is over 255/),
  },
  {
    name: "the same host twice in a group's hosts",
    files: lab((e) => (group(e).hosts = ["H0", "H1", "H0"])),
    ...cfg("groups[0].hosts[2]", /host 'H0' is listed twice/),
  },
  {
    name: "one host in two clusters",
    files: lab((e) => (e.clusters.C1 = { hosts: ["H3", "H1"] })),
    ...cfg("clusters.C1.hosts[1]", /host 'H1' is listed in clusters 'C0' and 'C1'/),
  },
  {
    name: "customization.windows on a Linux base",
    files: lab((e) => (group(e).customization.windows = { workgroup: "LAB" })),
    ...cfg("groups[0].customization.windows", /Linux guest, so it would be ignored; set guestOs: windows/),
  },
  {
    name: "a YAML tag such as !Ref",
    files: labText((t) => t.replace("network: VM Network", "network: !Ref LabNetwork")),
    ...cfg("", /YAML tag !Ref is not supported here/),
  },
  {
    name: "a Latin-1 file",
    files: { "lab.yaml": Buffer.from(toYaml(validEnv()).replace("VM Network", "R\xe9seau VM"), "latin1") },
    ...cfg("", /the file is not UTF-8/, /save it as UTF-8/),
  },
  {
    name: "a UTF-16 file",
    files: { "lab.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toYaml(validEnv()), "utf16le")]) },
    ...cfg("", /the file is UTF-16, not UTF-8/),
  },
  {
    name: "a .YAML file next to .yaml files",
    files: { "lab.yaml": toYaml(validEnv()), "other.YAML": toYaml(validEnv({ prefix: "api", net: 11 })) },
    config: { file: "other.YAML", field: "", words: [/rename it to other\.yaml/] },
  },
  {
    name: "count in quotes",
    files: lab((e) => (group(e).count = "3")),
    ...cfg("groups[0].count", /drop the quotes: count: 3/),
  },
  {
    name: "prefixLength as a netmask",
    files: lab((e) => (group(e).customization.ipv4.prefixLength = "255.255.255.0")),
    ...cfg("groups[0].customization.ipv4.prefixLength", /not a netmask/, /prefixLength: 24/),
  },
  {
    name: "timeZone as a zone name",
    files: lab((e) => {
      e.bases.golden.guestOs = "windows";
      group(e).namePattern = "w-{nn}";
      group(e).customization = { ipv4: "dhcp", windows: { timeZone: "Europe/Berlin" } };
    }),
    ...cfg("groups[0].customization.windows.timeZone", /Windows time-zone index/),
  },
  {
    name: "absolute folder",
    files: lab((e) => (group(e).folder = "/DC0/vm/labs/web")),
    ...cfg("groups[0].folder", /is absolute; write it relative to the datacenter's VM folder, e\.g\. 'labs\/web'/),
  },
  {
    name: "rollout from the group's own base",
    files: lab((e) => (group(e).rollout = { from: "golden", moved: 1 })),
    ...cfg("groups[0].rollout.from", /names the group's own base 'golden'/),
  },
  {
    name: "rollout from an undeclared base",
    files: lab((e) => (group(e).rollout = { from: "goldn", moved: 1 })),
    ...cfg("groups[0].rollout.from", /base 'goldn' is not declared under bases; did you mean 'golden'\?/),
  },
  {
    name: "rollout between a Linux and a Windows base of a customized group",
    files: lab((e) => {
      e.bases.win = { vm: "win-vm", snapshot: "s2", manageSnapshot: true, guestOs: "windows" };
      group(e).base = "win";
      group(e).namePattern = "w-{nn}";
      group(e).customization = { ipv4: "dhcp" };
      group(e).rollout = { from: "golden", moved: 1 };
    }),
    ...cfg(
      "groups[0].rollout.from",
      /rollout from base 'golden' \(linux\) to base 'win' \(windows\) changes the guest customization of every member/,
      /roll only between bases of one guestOs, or move to the other OS with a new group/,
    ),
  },
  {
    name: "rollout moving more members than the group has",
    files: lab((e) => {
      e.bases.next = { vm: "next-vm", snapshot: "s2", manageSnapshot: true };
      group(e).base = "next";
      group(e).rollout = { from: "golden", moved: 4 };
    }),
    ...cfg("groups[0].rollout.moved", /the rollout is complete at 3: set moved to 3, deploy, then delete rollout/),
  },
  {
    name: "negative generation",
    files: lab((e) => (group(e).generation = -1)),
    ...cfg("groups[0].generation", /generation is -1; use 0 or more/),
  },
  {
    name: "member generation not whole",
    files: lab((e) => ((group(e).members = [{ name: "web-01", generation: 1.5 }]), delete group(e).count)),
    ...cfg("groups[0].members[0].generation", /generation 1\.5; use a whole number from 0 to 9007199254740991/),
  },
  // --- two environments, one Terraform state ---------------------------------------------
  {
    name: "two pg backends without schemaName (both in terraform_remote_state)",
    files: twoStates({ type: "pg" }, { type: "pg" }),
    ...shared(
      "backend.schemaName",
      /PostgreSQL schema terraform_remote_state \(Terraform's default, as backend\.schemaName is not set\)/,
      /its own schemaName, e\.g\. schemaName: lab_a in lab-a\.yaml, schemaName: lab_b in lab-b\.yaml/,
    ),
  },
  {
    name: "pg: schemaName terraform_remote_state and one without schemaName",
    files: twoStates({ type: "pg", schemaName: "terraform_remote_state" }, { type: "pg" }),
    ...shared("backend.schemaName", /PostgreSQL schema terraform_remote_state of the database in PG_CONN_STR/),
  },
  {
    name: "two local backends with one path",
    files: twoStates({ type: "local", path: "state/shared.tfstate" }, { type: "local", path: "state/shared.tfstate" }),
    ...shared(
      "backend.path",
      /the local state file state\/shared\.tfstate/,
      /its own path, e\.g\. path: state\/lab-a\.tfstate in lab-a\.yaml, path: state\/lab-b\.tfstate in lab-b\.yaml/,
    ),
  },
  {
    name: "two local paths written differently for one file",
    files: twoStates({ type: "local", path: "state/lab.tfstate" }, { type: "local", path: "./state/x/../lab.tfstate" }),
    ...shared("backend.path", /the local state file state\/lab\.tfstate/),
  },
  {
    name: "a local path equal to another environment's default path",
    files: twoStates(undefined, { type: "local", path: "state/lab-a.tfstate" }),
    ...shared(
      "backend.path",
      /the local state file state\/lab-a\.tfstate \(the default, as backend\.path is not set\)/,
      /keep the default state\/lab-a\.tfstate in lab-a\.yaml, path: state\/lab-b\.tfstate in lab-b\.yaml/,
    ),
  },
  {
    name: "two s3 backends with one bucket and key (one region given)",
    files: twoStates(
      { type: "s3", bucket: "tf-state", key: "labs/lab.tfstate" },
      { type: "s3", bucket: "tf-state", key: "labs/lab.tfstate", region: "eu-west-1" },
    ),
    ...shared(
      "backend.key",
      /the S3 object s3:\/\/tf-state\/labs\/lab\.tfstate,/,
      /its own key, e\.g\. key: labs\/lab-a\.tfstate in lab-a\.yaml, key: labs\/lab-b\.tfstate in lab-b\.yaml/,
    ),
  },
  {
    name: "two s3 backends with one bucket, key and endpoint",
    files: twoStates(
      { type: "s3", bucket: "tf-state", key: "lab.tfstate", endpoints: { s3: "https://MinIO.example.com:443/" } },
      { type: "s3", bucket: "tf-state", key: "lab.tfstate", endpoints: { s3: "https://minio.example.com" } },
    ),
    ...shared("backend.key", /s3:\/\/tf-state\/lab\.tfstate at https:\/\/minio\.example\.com\//, /key: lab-a\.tfstate/),
  },
  {
    name: "two remote backends with one organization and workspace",
    files: twoStates(
      { type: "remote", organization: "infra", workspaces: { name: "lab" } },
      { type: "remote", hostname: "App.Terraform.io", organization: "infra", workspaces: { name: "lab" } },
    ),
    ...shared(
      "backend.workspaces.name",
      /the workspace lab of organization infra on app\.terraform\.io/,
      /workspaces: \{ name: lab-a \} in lab-a\.yaml/,
    ),
  },
  {
    name: "two remote backends with one workspace prefix",
    files: twoStates(
      { type: "remote", organization: "infra", workspaces: { prefix: "lab-" } },
      { type: "remote", organization: "infra", workspaces: { prefix: "lab-" } },
    ),
    ...shared("backend.workspaces.prefix", /the workspaces with prefix lab- of organization infra/),
  },
  {
    name: "two http backends with one address",
    files: twoStates(
      { type: "http", address: "https://State.example.com:443/labs/lab?token=t0p" },
      { type: "http", address: "https://state.example.com/labs/lab?token=t0p" },
    ),
    ...shared("backend.address", /the state address https:\/\/state\.example\.com\/labs\/lab\?\.\.\., so/),
  },
  // --- two environments, one vCenter datacenter, contradicting facts ----------------------
  {
    name: "one cluster with other hosts in two files on one vCenter",
    files: oneSite((e) => (e.clusters.C0.hosts = ["H0", "H1"])),
    ...contradicts(
      "clusters.C0.hosts",
      /cluster C0 of datacenter DC0 on vCenter vcenter\.example\.com has hosts \[H0, H1, H2\] here but hosts \[H0, H1\] in /,
    ),
  },
  {
    name: "one cluster with HA on in one file and off in another",
    files: oneSite((e) => (e.clusters.C0.haEnabled = true)),
    ...contradicts("clusters.C0.haEnabled", /has haEnabled: false here but haEnabled: true in /),
  },
  {
    name: "one datastore of another type in two files on one vCenter (server in other case, with :443)",
    files: oneSite((e) => ((e.vsphere.server = "VCENTER.Example.com:443"), (e.datastores.DS0.type = "nfs"))),
    ...contradicts(
      "datastores.DS0.type",
      /datastore DS0 of datacenter DC0 on vCenter vcenter\.example\.com has type vmfs6 here but type nfs in /,
    ),
  },
  {
    name: "one datastore with another capacityGb in two files on one vCenter",
    files: oneSite((e) => (e.datastores.DS0.capacityGb = 2000)),
    ...contradicts("datastores.DS0.capacityGb", /has capacityGb 500 here but capacityGb 2000 in /),
  },
  {
    name: "another vsphere.version in two files on one vCenter (7.0: 64 hosts per cluster, 8.0: 96)",
    files: oneSite((e) => (e.vsphere.version = "7.0")),
    ...contradicts(
      "vsphere.version",
      /: vCenter vcenter\.example\.com \(datacenter DC0\) has version "8\.0" here but version "7\.0" in /,
    ),
  },
];

/** Same VM names in the same datacenter from two files: the vm-name rule, in both stacks. */
const CROSS_FILE: Files = {
  "lab-a.yaml": toYaml(validEnv({ net: 10 })),
  "lab-b.yaml": toYaml(validEnv({ net: 20 })),
};

function run(c: Case): SynthRun {
  const dir = c.setup ? c.setup() : writeFiles(tempDir("lc-bad-"), c.files!);
  return synthFolder(dir);
}

function expectAnswered(c: Case, r: SynthRun): void {
  // No exception escaped (main.ts would print it with a stack trace and exit 2).
  expect({ thrown: r.thrown === undefined ? undefined : String((r.thrown as Error).stack ?? r.thrown) }).toEqual({
    thrown: undefined,
  });
  expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({ exitCode: 1, printed: r.printed });
  expect({ stackTrace: STACK_TRACE.exec(r.printed)?.[0], internal: INTERNAL_MESSAGE.exec(r.printed)?.[0] }).toEqual({
    stackTrace: undefined,
    internal: undefined,
  });
  const files = walkFiles(r.outdir);
  expect(files.filter((f) => f.endsWith("cdk.tf.json"))).toEqual([]);
  if (c.config) {
    expect(r.err[0]).toMatch(/^Environment files have \d+ problems?; nothing was written:$/);
    const { file, field, words } = c.config;
    // The exact field (after the file and, where it is written, its line and column), followed by its
    // message; a YAML syntax error ("line N, column M") is at that position of the file.
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pos = /^line (\d+)(?:, column (\d+))?/.exec(field);
    const prefix = !field
      ? `${file}(:\\d+:\\d+)?: `
      : pos
        ? `${escape(file)}:${pos[1]}:${pos[2] ?? "\\d+"}: `
        : `${escape(file)}(:\\d+:\\d+)?: ${escape(field)}: `;
    const lines = r.err.slice(1).filter((l) => new RegExp(prefix).test(l));
    const hit = lines.find((l) => words.every((w) => w.test(l)));
    expect({ wanted: [prefix, ...words.map(String)], hit, printed: r.printed }).toEqual({
      wanted: [prefix, ...words.map(String)],
      hit: expect.any(String),
      printed: r.printed,
    });
    expect(files).toEqual([]); // nothing was written, not even findings
  } else {
    const { id, stack, words } = c.rule!;
    const hit = r.err.find(
      (l) => /^(\S+:\d+:\d+: )?error: \[/.test(l) && l.includes(`error: [${id}] `) && words.every((w) => w.test(l)),
    );
    expect({ wanted: [id, ...words.map(String)], hit, printed: r.printed }).toEqual({
      wanted: [id, ...words.map(String)],
      hit: expect.any(String),
      printed: r.printed,
    });
    expect(r.err).toContainEqual(expect.stringMatching(/no cdk\.tf\.json was written/));
    expect(files).toContain(`stacks/${stack}/linked-clones-findings.json`);
  }
}

describe("every bad input is answered", () => {
  it("has a catalogue of at least 40 cases with unique names", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    it("exits 1 with the field and the fix, no stack trace, no cdk.tf.json", () => {
      expectAnswered(c, run(c));
    });
  });

  it("same VM names in one datacenter from two environment files: vm-name error in both stacks, no cdk.tf.json", () => {
    const r = synthFolder(writeFiles(tempDir("lc-bad-"), CROSS_FILE));
    expectAnswered(
      {
        name: "cross-file",
        rule: {
          id: "vm-name",
          stack: "lab-a",
          words: [/lab-a\/web, lab-b\/web/, /'web-01'/, /used 2 times in datacenter DC0/],
        },
      },
      r,
    );
    expect(walkFiles(r.outdir)).toContain("stacks/lab-b/linked-clones-findings.json");
  });

  // Regression (found by these tests): literals from the file are not escaped, so cdktf reads `${TfToken[...]}` as one
  // of its tokens and synth throws "Unrecognized Token Key" (main.ts: "Internal error", exit 2).
  // Fixed either way: refused with the field named, or kept as plain text in the output.
  it("a literal that looks like a cdktf token is refused or kept as text, never a crash", () => {
    const literal = "${TfToken[TOKEN.999]}";
    const r = synthFolder(
      writeFiles(
        tempDir("lc-bad-"),
        lab((e) => (group(e).annotation = literal)),
      ),
    );
    expect({ thrown: r.thrown === undefined ? undefined : String(r.thrown) }).toEqual({ thrown: undefined });
    if (r.exitCode === 0) {
      const json = JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "lab", "cdk.tf.json"), "utf8"));
      expect(json.resource.vsphere_virtual_machine.web.annotation).toBe("$" + literal); // escaped for Terraform
    } else {
      expectAnswered(
        { name: "token", config: { file: "lab.yaml", field: "groups[0].annotation", words: [/\$\{/] } },
        r,
      );
    }
  });

  it("a member name with surrounding spaces is read without them: no VM name or address with spaces", () => {
    const r = synthFolder(
      writeFiles(
        tempDir("lc-bad-"),
        lab((e) => ((group(e).members = [" web-01", "web-02 "]), delete group(e).count)),
      ),
    );
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "lab", "cdk.tf.json"), "utf8"));
    expect(Object.keys(json.resource.vsphere_virtual_machine.web.for_each)).toEqual(["web-01", "web-02"]);
  });

  it("a rule error removes a stale cdk.tf.json of an earlier good synth", () => {
    const dir = writeFiles(
      tempDir("lc-bad-"),
      lab(() => undefined),
    );
    const good = synthFolder(dir);
    expect(walkFiles(good.outdir)).toContain("stacks/lab/cdk.tf.json");
    writeFiles(
      dir,
      lab((e) => (group(e).customization.ipv4.gateway = "10.0.10.20")),
    );
    const bad = synthFolder(dir, { outdir: good.outdir });
    expect(bad.exitCode).toBe(1);
    expect(walkFiles(bad.outdir)).not.toContain("stacks/lab/cdk.tf.json");
  });

  it("two environments in one state: the problem on both files, each naming the other, and nothing else", () => {
    const r = synthFolder(writeFiles(tempDir("lc-bad-"), twoStates({ type: "pg" }, { type: "pg" })));
    expect(r.exitCode).toBe(1);
    expect(r.err.map((l) => l.replace(/\S*\/(lab-[ab]\.yaml)/g, "$1"))).toEqual([
      "Environment files have 2 problems; nothing was written:",
      "  lab-a.yaml:39:1: backend.schemaName: shares one Terraform state with lab-b.yaml:39:1: both keep it in the PostgreSQL schema terraform_remote_state (Terraform's default, as backend.schemaName is not set) of the database in PG_CONN_STR, so deploying one environment would plan to destroy the VMs of the other; give each environment its own schemaName, e.g. schemaName: lab_a in lab-a.yaml, schemaName: lab_b in lab-b.yaml",
      "  lab-b.yaml:39:1: backend.schemaName: shares one Terraform state with lab-a.yaml:39:1: both keep it in the PostgreSQL schema terraform_remote_state (Terraform's default, as backend.schemaName is not set) of the database in PG_CONN_STR, so deploying one environment would plan to destroy the VMs of the other; give each environment its own schemaName, e.g. schemaName: lab_b in lab-b.yaml, schemaName: lab_a in lab-a.yaml",
    ]);
  });

  it("three environments in one state: each names the other two", () => {
    const files = {
      ...twoStates({ type: "local", path: "state/lab.tfstate" }, { type: "local", path: "state/lab.tfstate" }),
      "lab-c.yaml": toYaml(
        changed(
          validEnv({ datacenter: "DC2", prefix: "db", net: 30 }),
          (e) => (e.backend = { type: "local", path: "state/lab.tfstate" }),
        ),
      ),
    };
    const r = synthFolder(writeFiles(tempDir("lc-bad-"), files));
    expect(r.exitCode).toBe(1);
    const lines = r.err.slice(1).map((l) => l.replace(/\S*\/(lab-[abc]\.yaml)/g, "$1"));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(
      /^ {2}lab-c\.yaml:\d+:\d+: backend\.path: shares one Terraform state with lab-a\.yaml:\d+:\d+, lab-b\.yaml:\d+:\d+: all keep it in the local state file state\/lab\.tfstate, so deploying one environment would plan to destroy the VMs of the others; /,
    );
  });

  it("a shared state removes a stale cdk.tf.json of an earlier good synth", () => {
    const dir = writeFiles(
      tempDir("lc-bad-"),
      twoStates({ type: "pg", schemaName: "a" }, { type: "pg", schemaName: "b" }),
    );
    const good = synthFolder(dir);
    expect(good.exitCode).toBe(0);
    expect(walkFiles(good.outdir)).toEqual(
      expect.arrayContaining(["stacks/lab-a/cdk.tf.json", "stacks/lab-b/cdk.tf.json"]),
    );
    writeFiles(dir, twoStates({ type: "pg", schemaName: "a" }, { type: "pg", schemaName: "a" }));
    const bad = synthFolder(dir, { outdir: good.outdir });
    expect(bad.exitCode).toBe(1);
    expect(walkFiles(bad.outdir).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([]);
  });

  it.each([
    ["pg", { type: "pg", schemaName: "lab_a" }, { type: "pg", schemaName: "lab_b" }],
    ["pg, one default", { type: "pg" }, { type: "pg", schemaName: "lab_b" }],
    ["local defaults", undefined, undefined],
    ["local paths", { type: "local", path: "state/a.tfstate" }, { type: "local", path: "state/b.tfstate" }],
    [
      "s3 keys",
      { type: "s3", bucket: "tf", key: "labs/a.tfstate" },
      { type: "s3", bucket: "tf", key: "labs/b.tfstate" },
    ],
    [
      "s3 regions",
      { type: "s3", bucket: "tf", key: "lab.tfstate", region: "eu-west-1" },
      { type: "s3", bucket: "tf", key: "lab.tfstate", region: "us-east-1" },
    ],
    [
      "s3 endpoints",
      { type: "s3", bucket: "tf", key: "lab.tfstate", endpoints: { s3: "https://minio-a.example.com" } },
      { type: "s3", bucket: "tf", key: "lab.tfstate", endpoints: { s3: "https://minio-b.example.com" } },
    ],
    [
      "remote workspaces",
      { type: "remote", organization: "infra", workspaces: { name: "lab-a" } },
      { type: "remote", organization: "infra", workspaces: { name: "lab-b" } },
    ],
    [
      "remote organizations",
      { type: "remote", organization: "infra", workspaces: { name: "lab" } },
      { type: "remote", organization: "training", workspaces: { name: "lab" } },
    ],
    [
      "http addresses",
      { type: "http", address: "https://state.example.com/lab-a" },
      { type: "http", address: "https://state.example.com/lab-b" },
    ],
  ])("two environments with distinct backends of one type (%s): synth passes", (_name, a, b) => {
    const r = synthFolder(writeFiles(tempDir("lc-ok-"), twoStates(a, b)));
    expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({ exitCode: 0, printed: r.printed });
    expect(walkFiles(r.outdir)).toEqual(
      expect.arrayContaining(["stacks/lab-a/cdk.tf.json", "stacks/lab-b/cdk.tf.json"]),
    );
  });

  it("the same addresses on one vCenter from two files: one ip-pool error, printed once", () => {
    const r = synthFolder(
      writeFiles(tempDir("lc-bad-"), {
        "lab-a.yaml": toYaml(validEnv({ prefix: "web" })),
        "lab-b.yaml": toYaml(
          changed(validEnv({ prefix: "api", datacenter: "DC1" }), (e) => (e.vsphere.server = "VCENTER.example.com")),
        ),
      }),
    );
    expectAnswered(
      {
        name: "ip-pool across files",
        rule: { id: "ip-pool", stack: "lab-a", words: [/lab-a\/web, lab-b\/api: address 10\.0\.10\.10 /] },
      },
      r,
    );
    expect(r.err.filter((l) => l.includes("[ip-pool]"))).toHaveLength(1);
    expect(walkFiles(r.outdir)).toContain("stacks/lab-b/linked-clones-findings.json");
  });

  it("contradicting facts on one vCenter: the problem on both files, each naming the other, and nothing else", () => {
    const r = synthFolder(
      writeFiles(
        tempDir("lc-bad-"),
        oneSite((e) => (e.clusters.C0.hosts = ["H0", "H1"])),
      ),
    );
    expect(r.exitCode).toBe(1);
    expect(r.err.map((l) => l.replace(/\S*\/(lab-[ab]\.yaml)/g, "$1"))).toEqual([
      "Environment files have 2 problems; nothing was written:",
      "  lab-a.yaml:8:5: clusters.C0.hosts: cluster C0 of datacenter DC0 on vCenter vcenter.example.com has hosts [H0, H1, H2] here but hosts [H0, H1] in lab-b.yaml:8:5; the rules count disk chains across environments, so they would judge them by one file's facts or the other's; make the two files agree with vCenter (npm run preflight -- lab-a --write-facts prints its facts to paste into both)",
      "  lab-b.yaml:8:5: clusters.C0.hosts: cluster C0 of datacenter DC0 on vCenter vcenter.example.com has hosts [H0, H1] here but hosts [H0, H1, H2] in lab-a.yaml:8:5; the rules count disk chains across environments, so they would judge them by one file's facts or the other's; make the two files agree with vCenter (npm run preflight -- lab-b --write-facts prints its facts to paste into both)",
    ]);
  });

  it("three environments with three host lists: each names the other two", () => {
    const files = {
      ...oneSite((e) => (e.clusters.C0.hosts = ["H0", "H1"])),
      "lab-c.yaml": toYaml(
        changed(
          validEnv({ prefix: "db", net: 30 }),
          (e) => ((e.bases.golden.vm = "golden-db"), (e.clusters.C0.hosts = ["H0"])),
        ),
      ),
    };
    const r = synthFolder(writeFiles(tempDir("lc-bad-"), files));
    expect(r.exitCode).toBe(1);
    const lines = r.err.slice(1).map((l) => l.replace(/\S*\/(lab-[abc]\.yaml)/g, "$1"));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(
      "  lab-c.yaml:8:5: clusters.C0.hosts: cluster C0 of datacenter DC0 on vCenter vcenter.example.com has hosts [H0] here but hosts [H0, H1, H2] in lab-a.yaml:8:5, hosts [H0, H1] in lab-b.yaml:8:5; the rules count disk chains across environments, so they would judge them by one file's facts or the other's; make the files agree with vCenter (npm run preflight -- lab-c --write-facts prints its facts to paste into each)",
    );
  });

  it.each([
    [
      "the same facts, written differently",
      (e: Env) => {
        e.vsphere.server = "VCENTER.example.com.:443";
        e.vsphere.version = "8.0.0";
        e.clusters.C0 = { hosts: ["H2", "H0", "H1"], haEnabled: false };
      },
    ],
    [
      "facts one file leaves out",
      (e: Env) => {
        delete e.vsphere.version;
        e.clusters.C0 = {};
        e.datastores.DS0 = {};
      },
    ],
    [
      "HA not set in one file (unknown there), set in the other",
      (e: Env) => {
        e.clusters.C0 = { hosts: ["H0", "H1", "H2"] };
      },
    ],
    [
      "versions the rules judge alike: 8.0 and 8.0U2",
      (e: Env) => {
        e.vsphere.version = "8.0U2";
      },
    ],
    [
      "other facts in another datacenter",
      (e: Env) => {
        e.datacenter = "DC1";
        e.vsphere.version = "6.7";
        e.clusters.C0 = { hosts: ["H0", "H1"], haEnabled: true };
        e.datastores.DS0 = { type: "nfs", capacityGb: 2000 };
      },
    ],
    [
      "other facts on another vCenter",
      (e: Env) => {
        e.vsphere = { server: "vcenter-b.example.com", version: "7.0.3" };
        e.clusters.C0 = { hosts: ["H0", "H1"], haEnabled: true };
        e.datastores.DS0 = { type: "nfs", capacityGb: 2000 };
      },
    ],
  ])("two environments on one vCenter datacenter with %s: synth passes", (_name, change) => {
    const r = synthFolder(writeFiles(tempDir("lc-ok-"), oneSite(change)));
    expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({ exitCode: 0, printed: r.printed });
    expect(walkFiles(r.outdir)).toEqual(
      expect.arrayContaining(["stacks/lab-a/cdk.tf.json", "stacks/lab-b/cdk.tf.json"]),
    );
  });

  it("the same private ranges on two vCenter servers: no ip-pool finding, synth passes", () => {
    const r = synthFolder(
      writeFiles(tempDir("lc-ok-"), {
        "site-a.yaml": toYaml(changed(validEnv(), (e) => (e.vsphere.server = "vcenter-a.example.com"))),
        "site-b.yaml": toYaml(changed(validEnv(), (e) => (e.vsphere.server = "vcenter-b.example.com"))),
      }),
    );
    expect({ exitCode: r.exitCode, printed: r.printed }).toEqual({ exitCode: 0, printed: r.printed });
    expect(r.printed).not.toMatch(/ip-pool/);
  });

  it("reports every problem of every file at once, not only the first", () => {
    const r = synthFolder(
      writeFiles(tempDir("lc-bad-"), {
        "a.yaml": toYaml(changed(validEnv(), (e) => ((group(e).count = 0), (group(e).cpus = 0)))),
        "b.yaml": toYaml(changed(validEnv(), (e) => (group(e).base = "nope"))),
        "c.yml": "x: 1\n",
      }),
    );
    expect(r.exitCode).toBe(1);
    expect(r.err[0]).toBe("Environment files have 4 problems; nothing was written:");
    expect(
      r.err.slice(1).map((l) =>
        l
          .replace(/^.*\/(?=[abc]\.ya?ml)/, "  ")
          .replace(/^(\s+\S+?)(:\d+:\d+)?: /, "$1: ")
          .split(":")
          .slice(0, 2)
          .join(":"),
      ),
    ).toEqual([
      "  a.yaml: groups[0].count",
      "  a.yaml: groups[0].cpus",
      "  b.yaml: groups[0].base",
      "  c.yml: environment files end in .yaml (lower case, nothing after it), so 'c.yml' would be skipped; rename it to c.yaml",
    ]);
  });

  describe("through the real CLI (child processes)", () => {
    const cli = async (files: Files | undefined) => {
      const cwd = tempDir("lc-bad-cli-");
      const envDir = files ? writeFiles(path.join(cwd, "envs"), files) : tempDir("lc-empty-");
      const result = await runCli({ cwd, env: { LINKED_CLONES_ENV_DIR: envDir, HOME: cwd } });
      return { ...result, written: walkFiles(path.join(cwd, "cdktf.out")) };
    };
    let results: Awaited<ReturnType<typeof cli>>[];
    beforeAll(async () => {
      results = await Promise.all([cli(UNCLOSED), cli(CROSS_FILE), cli(undefined)]);
    }, 60000);

    it("YAML syntax error: exit 1, line and column on stderr, no stack trace, nothing written", () => {
      const r = results[0];
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: "" });
      expect(r.stderr).toMatch(
        /^Environment files have \d+ problems?; nothing was written:\n {2}\S*lab\.yaml:\d+:\d+: YAML syntax error/,
      );
      expect(STACK_TRACE.exec(r.stderr)?.[0]).toBeUndefined();
      expect(r.stderr).not.toMatch(/Internal error/);
      expect(r.written).toEqual([]);
    });

    it("same VM names in two files: exit 1, vm-name errors on stderr, no stack trace, no cdk.tf.json", () => {
      const r = results[1];
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^(\S+:\d+:\d+: )?error: \[vm-name\] lab-a\/web, lab-b\/web: VM name 'web-01', 'web-02', 'web-03' is used 2 times in datacenter DC0/m,
      );
      expect(r.stderr).toMatch(/no cdk\.tf\.json was written/);
      expect(STACK_TRACE.exec(r.stderr)?.[0]).toBeUndefined();
      expect(r.written.filter((f) => f.endsWith("cdk.tf.json"))).toEqual([]);
      expect(r.written).toEqual(
        expect.arrayContaining([
          "stacks/lab-a/linked-clones-findings.json",
          "stacks/lab-b/linked-clones-findings.json",
        ]),
      );
    });

    it("empty folder: exit 1, one line saying so, nothing written", () => {
      const r = results[2];
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([
        "Environment files have 1 problem; nothing was written:",
        expect.stringMatching(/^ {2}\S+: holds no environment \(\.yaml\) files; add one/),
      ]);
      expect(r.written).toEqual([]);
    });
  });
});
