/**
 * Checks across environment files: environments on one vCenter (`vsphere.server`, compared as
 * `vcenterKey` does: without case, a trailing dot or the default port :443) and one `datacenter`
 * must not contradict each other about it. The chain rules count a disk chain across every
 * environment of a datacenter but take each group's facts from its own file, so contradicting
 * facts would make them judge the chain by one file or the other. Compared:
 *
 * - `vsphere.version`, by what the rules take from it: "8.0", "8.0.2" and "8.0U2" agree, "7.0"
 *   and "7.0U1" do not (their host limits differ);
 * - a cluster's `hosts` (as a set: the order does not count) and `haEnabled`;
 * - a datastore's `type` and `capacityGb`.
 *
 * Environments in another datacenter share no chain with these, so they are not compared (the
 * version picks limits by platform, which may differ between datacenters of one vCenter).
 *
 * A fact that a file leaves unknown (no `hosts`, `haEnabled`, `type`, `capacityGb` or `version`)
 * contradicts nothing: the other file may know more.
 */
import { vcenterKey } from "../model/chains";
import {
  compareVersions,
  defaultMaxClonesPerChain,
  defaultMaxHostsPerChain,
  haSeverity,
  maxClusterHosts,
} from "../model/platform";
import { DATASTORE_TYPES } from "../model/types";
import type { LoadedEnvironment } from "./loader";
import { fieldPath, type Problem } from "./problems";

/** One fact as one file states it. */
interface Fact {
  readonly env: LoadedEnvironment;
  /** What the fact is about, as this file names it, e.g. `cluster C0 of datacenter DC0 on vCenter vc`. */
  readonly what: string;
  /** The field that states it, e.g. `clusters.C0.hosts`. */
  readonly field: string;
  /** The value for messages, e.g. `hosts [H0, H1]`. */
  readonly shown: string;
  /** Equal for two statements that agree. */
  readonly key: string;
}

/**
 * Whether `field` is written in the file (not only a default): the locator finds it at a position
 * of its own, not at its parent's. A value from a YAML merge key (`<<: *x`) counts as not written.
 */
function written(env: LoadedEnvironment, field: string, parent: string): boolean {
  const at = env.locate(field);
  const up = env.locate(parent);
  return at !== undefined && (up === undefined || at.line !== up.line || at.column !== up.column);
}

/** Every fact of every environment, by subject: one id for the same fact of one vCenter datacenter. */
function subjectsOf(envs: readonly LoadedEnvironment[]): Map<string, Fact[]> {
  const subjects = new Map<string, Fact[]>();
  const add = (id: string, what: string, fact: Omit<Fact, "what">) => {
    const list = subjects.get(id);
    if (list) list.push({ what, ...fact });
    else subjects.set(id, [{ what, ...fact }]);
  };
  for (const env of envs) {
    const { server, version } = env.spec.vsphere;
    const dc = `${vcenterKey(server)}\u0000${env.spec.datacenter}`;
    const place = `of datacenter ${env.spec.datacenter} on vCenter ${server}`;
    if (version !== undefined) {
      add(`${dc}\u0000version`, `vCenter ${server} (datacenter ${env.spec.datacenter})`, {
        env,
        field: "vsphere.version",
        shown: `version "${version}"`,
        key: version,
      });
    }
    for (const [name, c] of Object.entries(env.spec.clusters)) {
      const at = fieldPath(["clusters", name]);
      if (c.hosts !== undefined) {
        add(`${dc}\u0000cluster\u0000${name}\u0000hosts`, `cluster ${name} ${place}`, {
          env,
          field: `${at}.hosts`,
          shown: `hosts [${c.hosts.join(", ")}]`,
          key: JSON.stringify([...new Set(c.hosts)].sort()),
        });
      }
      // Left out, haEnabled is unknown here, like hosts: no contradiction.
      if (written(env, `${at}.haEnabled`, at)) {
        add(`${dc}\u0000cluster\u0000${name}\u0000haEnabled`, `cluster ${name} ${place}`, {
          env,
          field: `${at}.haEnabled`,
          shown: `haEnabled: ${c.haEnabled}`,
          key: String(c.haEnabled),
        });
      }
    }
    for (const [name, d] of Object.entries(env.spec.datastores)) {
      const at = fieldPath(["datastores", name]);
      if (d.type !== undefined) {
        add(`${dc}\u0000datastore\u0000${name}\u0000type`, `datastore ${name} ${place}`, {
          env,
          field: `${at}.type`,
          shown: `type ${d.type}`,
          key: d.type,
        });
      }
      if (d.capacityGb !== undefined) {
        add(`${dc}\u0000datastore\u0000${name}\u0000capacityGb`, `datastore ${name} ${place}`, {
          env,
          field: `${at}.capacityGb`,
          shown: `capacityGb ${d.capacityGb}`,
          key: String(d.capacityGb),
        });
      }
    }
  }
  return subjects;
}

/**
 * What the rules take from a version: the defaults they judge by. Two spellings or updates of one
 * release ("8.0", "8.0.2", "8.0U2") give the same; "7.0" and "7.0U1" do not (64 vs 96 hosts).
 */
function versionEffect(version: string): string {
  return JSON.stringify([
    maxClusterHosts(version),
    defaultMaxClonesPerChain(version) ?? null,
    DATASTORE_TYPES.map((t) => defaultMaxHostsPerChain(version, t)),
    [1, 8, 9, 32, 33].map((n) => haSeverity(version, n) ?? null),
  ]);
}

/** Two statements of one fact agree: the same key, or versions the rules judge alike. */
function agree(a: Fact, b: Fact): boolean {
  return a.field === "vsphere.version"
    ? compareVersions(a.key, b.key) === 0 || versionEffect(a.key) === versionEffect(b.key)
    : a.key === b.key;
}

/**
 * A problem on each environment that states a fact of its vCenter datacenter differently from
 * another environment on the same vCenter and datacenter: the field, both values, the other file
 * with where it writes its value, and the fix.
 */
export function sharedFactsProblems(envs: readonly LoadedEnvironment[]): Problem[] {
  const at = (env: LoadedEnvironment, field: string) => {
    const pos = env.locate(field);
    return pos ? { line: pos.line, column: pos.column } : {};
  };
  const problems: Problem[] = [];
  for (const facts of subjectsOf(envs).values()) {
    for (const fact of facts) {
      const others = facts.filter((o) => o.env !== fact.env && !agree(fact, o));
      if (!others.length) continue;
      const shown = others.map((o) => {
        const pos = at(o.env, o.field);
        return `${o.shown} in ${pos.line !== undefined ? `${o.env.file}:${pos.line}:${pos.column}` : o.env.file}`;
      });
      const one = others.length === 1;
      problems.push({
        file: fact.env.file,
        field: fact.field,
        ...at(fact.env, fact.field),
        message:
          `${fact.what} has ${fact.shown} here but ${shown.join(", ")}; the rules count disk chains across ` +
          `environments, so they would judge them by one file's facts or the other's; make the ${one ? "two " : ""}files ` +
          `agree with vCenter (npm run preflight -- ${fact.env.name} --write-facts prints its facts to paste into ${one ? "both" : "each"})`,
      });
    }
  }
  return problems;
}
