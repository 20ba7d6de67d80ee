import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import {
  BaseImage,
  LinkedCloneChecks,
  LinkedCloneGroup,
  VsphereConnection,
  VsphereInventory,
  fieldPath,
  type DatastoreFactsProps,
  type LoadedEnvironment,
} from "../lib";
import { configureBackend } from "./backend";

/**
 * One environment file as one stack: provider, backend, inventory lookups, bases and
 * groups. Infrastructure constructs have capitalized ids so they never clash with
 * group names (lower-case by contract); a group's path is `<stack>/<group>`.
 */
export class EnvironmentStack extends TerraformStack {
  public readonly bases: Record<string, BaseImage> = {};
  public readonly groups: Record<string, LinkedCloneGroup> = {};
  /** The environment this stack was built from. */
  public readonly spec: LoadedEnvironment["spec"];
  /** Its file, for messages. */
  public readonly file: string;
  /** Where a field of the file is written. */
  public readonly locate: LoadedEnvironment["locate"];

  constructor(scope: Construct, env: LoadedEnvironment) {
    super(scope, env.name);
    const spec = env.spec;
    this.spec = spec;
    this.file = env.file;
    this.locate = env.locate;
    configureBackend(this, spec.backend, env.name);
    new VsphereConnection(this, "Vsphere", {
      server: spec.vsphere.server,
      allowUnverifiedSsl: spec.vsphere.allowUnverifiedSsl,
    });
    const inventory = new VsphereInventory(this, "Inventory", {
      datacenter: spec.datacenter,
      server: spec.vsphere.server,
      ...(spec.vsphere.version !== undefined ? { version: spec.vsphere.version } : {}),
      clusters: spec.clusters,
      // The loader checked the types (checkInventory); the schema keeps them as text.
      datastores: spec.datastores as Record<string, DatastoreFactsProps>,
    });
    const basesScope = new Construct(this, "Bases");
    for (const [name, b] of Object.entries(spec.bases)) {
      this.bases[name] = new BaseImage(basesScope, name, {
        inventory,
        vm: b.vm,
        manageSnapshot: b.manageSnapshot,
        template: b.template,
        guestOs: b.guestOs,
        ...(b.snapshot !== undefined ? { snapshot: b.snapshot } : {}),
        ...(b.diskGb !== undefined ? { diskGb: b.diskGb } : {}),
      });
    }
    for (const g of spec.groups) {
      const { name, base, suppress, rollout, ...rest } = g;
      this.groups[name] = new LinkedCloneGroup(this, name, {
        ...rest,
        base: this.bases[base],
        ...(rollout ? { rollout: { from: this.bases[rollout.from], moved: rollout.moved } } : {}),
        ...(suppress ? { suppress } : {}),
      });
    }
    LinkedCloneChecks.setLimits(this, spec.limits);
    for (const s of spec.suppress ?? []) LinkedCloneChecks.suppress(this, s.rule, s.reason);
  }

  /**
   * The field path in the file of the group or base at a construct path: `groups[2]`,
   * `bases.golden`, "" for the stack itself; undefined for other constructs.
   */
  public fieldOf(constructPath: string): string | undefined {
    if (constructPath === this.node.path) return "";
    const rest = constructPath.slice(this.node.path.length + 1);
    const base = /^Bases\/([^/]+)$/.exec(rest);
    if (base) return fieldPath(["bases", base[1]]);
    const index = this.spec.groups.findIndex((g) => g.name === rest);
    return index >= 0 ? `groups[${index}]` : undefined;
  }
}
