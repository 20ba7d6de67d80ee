/**
 * The environment under test: its YAML file (read, edited by the steps as a user would edit
 * it, written to the work folder) and what the project makes of it (members, addresses,
 * Terraform resources), taken from the project's own code, not from copies of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TerraformResource } from "cdktf";
import YAML from "yaml";
import { parseEnvironment, type EnvironmentSpec, type GroupSpec, type MemberModel } from "../lib";
import { buildApp, loadEnvironments } from "../stacks/app";

/** An environment file as YAML data (the input form: defaults not filled in), for editing. */
export interface EnvFile {
  vsphere: { server: string; allowUnverifiedSsl?: boolean; version?: string };
  datacenter: string;
  bases: Record<string, { vm: string; snapshot?: string; manageSnapshot?: boolean; template?: boolean }>;
  groups: (Record<string, unknown> & { name: string; base: string; count?: number; folder?: string })[];
  backend?: { type: string; [k: string]: unknown };
  [k: string]: unknown;
}

export function readEnvFile(file: string): EnvFile {
  return YAML.parse(fs.readFileSync(file, "utf8")) as EnvFile;
}

/** Writes `<dir>/<name>.yaml`, the only file of the folder; returns its path. */
export function writeEnvFile(dir: string, name: string, env: EnvFile, note: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, `# ${note}\n${YAML.stringify(env)}`);
  return file;
}

/** The environment with the loader's defaults filled in (throws the loader's message when it is invalid). */
export function specOf(env: EnvFile, name: string): EnvironmentSpec {
  return parseEnvironment(YAML.stringify(env), `${name}.yaml`);
}

export interface ExpectedClone {
  group: string;
  name: string;
  /** `vsphere_virtual_machine.<group>["<name>"]` */
  address: string;
  /** The static address the project gives it, when the group has a range. */
  ipv4?: string;
  /** Inventory path: `/<datacenter>/vm/<folder>/<name>`. */
  path: string;
}

export interface ExpectedGroup {
  name: string;
  spec: GroupSpec;
  /** The address of the group's for_each resource; a VM is `<vmAddress>["<name>"]`. */
  vmAddress: string;
  members: readonly MemberModel[];
  /** The group's resources other than the clones: the DRS host group, VM group and rule of a confined group. */
  resources: { address: string; type: string }[];
  /** Resources with one instance per member besides the clone (e.g. its replacement trigger), by address without the key. */
  perMember: { address: string; type: string }[];
}

/** Every address a member has: its clone and its instance of each per-member resource. */
export function memberAddresses(g: ExpectedGroup, member: string): string[] {
  return [g.vmAddress, ...g.perMember.map((r) => r.address)].map((a) => `${a}["${member}"]`);
}

export interface ExpectedStack {
  name: string;
  spec: EnvironmentSpec;
  groups: ExpectedGroup[];
  bases: { name: string; vm: string; snapshot?: string; snapshotAddress?: string }[];
  clones: ExpectedClone[];
}

/** Inventory path of a group's VM. */
export function vmPath(spec: EnvironmentSpec, folder: string | undefined, name: string): string {
  const f = (folder ?? "").replace(/^\/+|\/+$/g, "");
  return `/${spec.datacenter}/vm/${f ? `${f}/` : ""}${name}`;
}

/**
 * What the project builds from the environments in `envDir` for stack `name`: the
 * constructs are made (not synthesized) in this process, in a scratch output folder.
 */
export function expectedStack(envDir: string, name: string, scratchOutDir: string): ExpectedStack {
  const { stacks } = buildApp(loadEnvironments(envDir), scratchOutDir);
  const stack = stacks.find((s) => s.node.id === name);
  if (!stack) throw new Error(`no stack '${name}' in ${envDir}`);
  const spec = stack.spec;
  const groups: ExpectedGroup[] = spec.groups.map((g) => {
    const c = stack.groups[g.name];
    const all = c.node.findAll().filter((x): x is TerraformResource => x instanceof TerraformResource && x !== c.vm);
    const entry = (r: TerraformResource) => ({
      address: `${r.terraformResourceType}.${r.friendlyUniqueId}`,
      type: r.terraformResourceType,
    });
    // A resource with for_each in a group is keyed by member name, like the clones.
    const resources = all.filter((r) => r.forEach === undefined).map(entry);
    const perMember = all.filter((r) => r.forEach !== undefined).map(entry);
    return { name: g.name, spec: g, vmAddress: c.address, members: c.members, resources, perMember };
  });
  const bases = Object.entries(spec.bases).map(([b, s]) => ({
    name: b,
    vm: s.vm,
    ...(s.snapshot !== undefined ? { snapshot: s.snapshot } : {}),
    ...(stack.bases[b].snapshotAddress ? { snapshotAddress: stack.bases[b].snapshotAddress } : {}),
  }));
  const clones = groups.flatMap((g) =>
    g.members.map((m) => ({
      group: g.name,
      name: m.name,
      address: `${g.vmAddress}["${m.name}"]`,
      ...(m.ipv4 !== undefined ? { ipv4: m.ipv4 } : {}),
      path: vmPath(spec, g.spec.folder, m.name),
    })),
  );
  return { name, spec, groups, bases, clones };
}
