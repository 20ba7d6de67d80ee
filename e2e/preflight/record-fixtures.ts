/**
 * Records what preflight's govc queries print, for the unit tests in __tests__/preflight:
 *
 *   TF_VAR_vsphere_user=u TF_VAR_vsphere_password=p \
 *     npx tsx e2e/preflight/record-fixtures.ts <server host:port> <datacenter> <fixture name>
 *
 * writes __tests__/preflight/fixtures/<fixture name>/{about,datacenters,entities,vms,clusters,hosts,datastores}.txt
 * (govc's stdout as it came: several JSON values one after the other, so not a .json file).
 * Datastore URLs and paths (the simulator's temporary folders) are replaced by a neutral
 * `ds:///vmfs/volumes/<name>/`, so no machine path is committed. How each fixture was made is
 * in __tests__/preflight/fixtures/README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { collect, findGovc, govcEnv, govcRunner } from "../../lib/preflight";

const FIXTURES = path.resolve(__dirname, "../../__tests__/preflight/fixtures");

/** Replaces machine paths (the simulator's datastore folders) with a neutral datastore URL; NFS exports stay. */
export function scrub(text: string): string {
  return text.replace(
    /"(\w+)": "\/(?!export\/)[^"]*"/g,
    (_m, key: string) => `"${key}": "ds:///vmfs/volumes/recorded/"`,
  );
}

async function main(): Promise<void> {
  const [server, datacenter, name] = process.argv.slice(2);
  const user = process.env.TF_VAR_vsphere_user;
  const password = process.env.TF_VAR_vsphere_password;
  if (!server || !datacenter || !name || !user || !password) {
    process.stderr.write(
      "usage: TF_VAR_vsphere_user=.. TF_VAR_vsphere_password=.. npx tsx e2e/preflight/record-fixtures.ts <server> <datacenter> <fixture>\n",
    );
    process.exitCode = 2;
    return;
  }
  const govc = govcRunner(findGovc(), govcEnv({ server, allowUnverifiedSsl: true, user, password }), [user, password]);
  const outputs = await collect(datacenter, govc);
  const dir = path.join(FIXTURES, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, text] of Object.entries(outputs)) {
    if (typeof text === "string") fs.writeFileSync(path.join(dir, `${key}.txt`), scrub(text));
  }
  process.stderr.write(`recorded ${Object.keys(outputs).join(", ")} into ${path.relative(process.cwd(), dir)}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
