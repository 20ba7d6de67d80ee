/**
 * `--write-facts`: the environment file's inventory section (vsphere.version, clusters with
 * hosts and HA, datastores with type and capacity) as vCenter has it, as YAML to paste.
 */
import YAML from "yaml";
import { clusterNameOf } from "../model/validate";
import { declarableType, type PreflightEnvironment } from "./checks";
import { gib, type Inventory } from "./inventory";
import { shownPath } from "./state";

/** The clusters and datastores an environment names: declared, or used by its groups. */
function named(env: PreflightEnvironment): { clusters: string[]; datastores: string[] } {
  const clusters = new Set(Object.keys(env.spec.clusters));
  const datastores = new Set(Object.keys(env.spec.datastores));
  for (const g of env.spec.groups) {
    if (g.cluster !== undefined) clusters.add(g.cluster);
    const pooled = clusterNameOf({ resourcePool: g.resourcePool }, env.spec.clusters);
    if (pooled !== undefined) clusters.add(pooled);
    if (g.datastore !== undefined) datastores.add(g.datastore);
  }
  return { clusters: [...clusters], datastores: [...datastores] };
}

export function renderFacts(env: PreflightEnvironment, inv: Inventory): string {
  const spec = env.spec;
  const notes: string[] = [];
  const { clusters, datastores } = named(env);
  const clusterFacts: Record<string, { hosts: string[]; haEnabled: boolean }> = {};
  for (const name of clusters) {
    const c = inv.clusters.find((x) => x.name === name);
    if (!c) {
      // A resource pool's first segment may be a standalone host, not a cluster: only declared ones are news.
      if (Object.hasOwn(spec.clusters, name))
        notes.push(`cluster '${name}' does not exist in datacenter ${inv.datacenter}`);
      continue;
    }
    clusterFacts[name] = { hosts: [...c.hosts].sort(), haEnabled: c.haEnabled };
  }
  const datastoreFacts: Record<string, { type?: string; capacityGb?: number }> = {};
  for (const name of datastores) {
    const d = inv.datastores.find((x) => x.name === name);
    if (!d) {
      notes.push(`datastore '${name}' does not exist in datacenter ${inv.datacenter}`);
      continue;
    }
    const type = declarableType(d.type, d.vmfsMajorVersion);
    if (type === undefined) {
      notes.push(
        `datastore '${name}' is ${d.type} in vCenter, which has no type in the file (vmfs3, vmfs5, vmfs6, nfs, vsan); type is left out, so the version's VMFS defaults apply`,
      );
    }
    datastoreFacts[name] = {
      ...(type !== undefined ? { type } : {}),
      ...(d.capacityBytes !== undefined ? { capacityGb: gib(d.capacityBytes) } : {}),
    };
  }
  const doc = new YAML.Document({
    vsphere: {
      server: spec.vsphere.server,
      allowUnverifiedSsl: spec.vsphere.allowUnverifiedSsl,
      version: inv.about.version,
    },
    ...(Object.keys(clusterFacts).length ? { clusters: clusterFacts } : {}),
    ...(Object.keys(datastoreFacts).length ? { datastores: datastoreFacts } : {}),
  });
  (doc.getIn(["vsphere", "version"], true) as YAML.Scalar).type = "QUOTE_DOUBLE";
  for (const name of Object.keys(clusterFacts)) {
    (doc.getIn(["clusters", name, "hosts"], true) as YAML.YAMLSeq).flow = true;
  }
  const product = inv.about.fullName ?? `vSphere ${inv.about.version}`;
  doc.commentBefore = [
    ` Facts of environment ${env.name}, read from ${spec.vsphere.server} (${product}), datacenter ${inv.datacenter}.`,
    ` Paste them over the same keys of ${shownPath(env.file)}.`,
    ...notes.map((n) => ` Note: ${n}.`),
  ].join("\n");
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
