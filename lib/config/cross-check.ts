/**
 * Checks across the fields of an environment file: its own references (bases, clusters,
 * datastores by name) and uniqueness here; every value check through the model's checks,
 * which the constructs run too.
 */
import { z } from "zod";
import { checkBase, checkGroup, checkInventory, checkLimits, didYouMean, serverProblem } from "../model/validate";
import { environmentSchema, groupSchema, type EnvironmentSpec, type GroupSpec } from "./schema";
import { fieldPath, type Problem } from "./problems";

/** Field paths of a group's problems, relative to the group, made absolute. */
function groupField(i: number, field: string): string {
  return field ? `groups[${i}].${field}` : `groups[${i}]`;
}

/** The sections of an environment that parsed, for checks that run even when others did not. */
interface Parts {
  readonly vsphere?: EnvironmentSpec["vsphere"];
  readonly datacenter?: string;
  readonly clusters?: EnvironmentSpec["clusters"];
  readonly datastores?: EnvironmentSpec["datastores"];
  readonly bases?: EnvironmentSpec["bases"];
  /** Groups that parsed, with their index in the file. */
  readonly groups: readonly (readonly [number, GroupSpec])[];
  /** Fields left out of a group because they did not parse, by group index. */
  readonly skipped?: ReadonlyMap<number, ReadonlySet<string>>;
  readonly limits?: EnvironmentSpec["limits"];
}

export function partsOf(spec: EnvironmentSpec): Parts {
  return { ...spec, groups: spec.groups.map((g, i) => [i, g] as const) };
}

/**
 * The sections (and groups) of a file that failed the schema as a whole but parse one by one:
 * their values are checked too, so that one type error does not hide the other problems.
 */
export function parsedParts(raw: Record<string, unknown>): Parts {
  const shape = environmentSchema.shape;
  const section = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined => {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
  };
  // A group with a bad field is checked without that field (its problem is reported already).
  const skipped = new Map<number, Set<string>>();
  const groups = Array.isArray(raw.groups)
    ? raw.groups.flatMap((g, i) => {
        let r = groupSchema.safeParse(g);
        if (!r.success && g && typeof g === "object" && !Array.isArray(g)) {
          const bad = new Set(r.error.issues.map((issue) => String(issue.path[0] ?? "")));
          const rest = Object.fromEntries(Object.entries(g).filter(([k]) => !bad.has(k)));
          r = groupSchema.safeParse(rest);
          if (r.success) skipped.set(i, bad);
        }
        return r.success ? [[i, r.data] as const] : [];
      })
    : [];
  return {
    vsphere: section(shape.vsphere, raw.vsphere),
    datacenter: section(shape.datacenter, raw.datacenter),
    clusters: section(shape.clusters, raw.clusters),
    datastores: section(shape.datastores, raw.datastores),
    bases: section(shape.bases, raw.bases),
    groups,
    skipped,
    limits: section(shape.limits, raw.limits),
  };
}

/**
 * Checks across fields: the file's own references (bases, clusters, datastores by name) and
 * uniqueness here; every value check through the model's checks, which the constructs run too.
 * Sections that did not parse are left out (their problems are reported already).
 */
export function crossCheck(spec: Parts, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ file, field, message });
  const baseNames = Object.keys(spec.bases ?? {});
  const clusterNames = Object.keys(spec.clusters ?? {});
  const datastoreNames = Object.keys(spec.datastores ?? {});
  if (spec.vsphere) {
    const serverProblemText = serverProblem(spec.vsphere.server);
    if (serverProblemText) add("vsphere.server", `server ${serverProblemText}`);
  }
  for (const p of checkInventory({
    ...(spec.datacenter !== undefined ? { datacenter: spec.datacenter } : {}),
    version: spec.vsphere?.version,
    clusters: spec.clusters ?? {},
    datastores: spec.datastores ?? {},
  })) {
    add(p.field, p.message);
  }
  for (const p of checkLimits(spec.limits ?? {})) add(p.field, p.message);
  const referTo = (field: string, kind: string, name: string, known: string[], declare: string) => {
    const guess = didYouMean(name, known);
    add(
      field,
      `${kind} '${name}' is not declared under ${kind === "base" ? "bases" : `${kind}s`}; ${guess ? `did you mean '${guess}'?` : declare}`,
    );
  };
  const seen = new Map<string, number>();
  for (const [i, g] of spec.groups) {
    const first = seen.get(g.name);
    if (first !== undefined) {
      add(
        groupField(i, "name"),
        `group name '${g.name}' is already used by groups[${first}]; group names must be unique in an environment`,
      );
    } else seen.set(g.name, i);
    const bases = spec.bases;
    const base = bases && Object.hasOwn(bases, g.base) ? bases[g.base] : undefined;
    if (bases && !base) {
      referTo(groupField(i, "base"), "base", g.base, baseNames, `declare it, or use one of: ${baseNames.join(", ")}`);
    }
    const from = g.rollout && bases && Object.hasOwn(bases, g.rollout.from) ? bases[g.rollout.from] : undefined;
    if (g.rollout && bases && !from) {
      referTo(groupField(i, "rollout.from"), "base", g.rollout.from, baseNames, "name the base the group moves from");
    }
    if (g.cluster !== undefined && spec.clusters && !Object.hasOwn(spec.clusters, g.cluster)) {
      referTo(
        groupField(i, "cluster"),
        "cluster",
        g.cluster,
        clusterNames,
        "declare it (with its hosts) under clusters",
      );
    }
    if (g.datastore !== undefined && spec.datastores && !Object.hasOwn(spec.datastores, g.datastore)) {
      referTo(
        groupField(i, "datastore"),
        "datastore",
        g.datastore,
        datastoreNames,
        "declare it (with its type) under datastores",
      );
    }
    const { name, base: _base, rollout, suppress: _suppress, ...values } = g;
    const check = checkGroup({
      ...values,
      name,
      // A base that did not parse (or is not declared) has its own problem: its OS is unknown here.
      base: { name: g.base, guestOs: base?.guestOs },
      ...(rollout ? { rollout: { from: { name: rollout.from, guestOs: from?.guestOs }, moved: rollout.moved } } : {}),
      clusters: spec.clusters ?? {},
    });
    const skipped = spec.skipped?.get(i);
    for (const p of check.problems) {
      // Without the clusters section the hosts cannot be checked against it: its own problem says why.
      if (!spec.clusters && p.field.startsWith("hosts")) continue;
      // A field left out because it did not parse has its own problem; count and members answer for each other.
      const top = p.field.split(/[.[]/)[0];
      if (skipped && (skipped.has(top) || (top === "count" && (skipped.has("members") || skipped.has("count"))))) {
        continue;
      }
      add(groupField(i, p.field), p.message);
    }
  }
  for (const [name, base] of Object.entries(spec.bases ?? {})) {
    const at = fieldPath(["bases", name]);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      add(
        at,
        "base names may hold only ASCII letters (A-Z, a-z), digits, '_', '.' and '-', and start with a letter or digit; rename the base",
      );
    }
    for (const p of checkBase(base)) add(`${at}.${p.field}`, p.message);
  }
  return problems;
}
