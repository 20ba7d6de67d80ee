import { PreflightUsageError, runPreflight } from "../lib";

// `npm run preflight -- <env> [more envs] [--json] [--write-facts] [--state FILE]`
// Read-only checks of each environment file against its vCenter (docs/preflight.md).
// Exit 0: everything matches; 1: mismatches (each listed); 2: cannot check (usage, credentials, vCenter).

const USAGE = `Usage: npm run preflight -- <env> [more envs] [--json] [--write-facts] [--state FILE]

Checks each environment file's facts against its vCenter (read-only, with govc), before cdktf deploy.
  <env>           environment name: the file name in environments/ (or LINKED_CLONES_ENV_DIR) without .yaml
  --json          print the findings as JSON
  --write-facts   print the inventory section (version, clusters, datastores) as YAML to paste
  --state FILE    this state (terraform state pull > FILE) instead of the backend's; one environment only
Credentials: TF_VAR_vsphere_user and TF_VAR_vsphere_password, as for Terraform.
Exit codes: 0 everything matches, 1 mismatches (all listed), 2 cannot check. Details: docs/preflight.md`;

function fail(message: string): void {
  process.stderr.write(`preflight: ${message}\n`);
  process.exitCode = 2;
}

async function main(argv: readonly string[]): Promise<void> {
  const environments: string[] = [];
  let json = false;
  let writeFacts = false;
  let stateFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(USAGE + "\n");
      return;
    } else if (a === "--json") json = true;
    else if (a === "--write-facts") writeFacts = true;
    else if (a === "--state" || a.startsWith("--state=")) {
      stateFile = a.startsWith("--state=") ? a.slice("--state=".length) : argv[++i];
      if (!stateFile) return fail("--state needs a file: --state FILE");
    } else if (a.startsWith("-")) return fail(`unknown option '${a}'; see npm run preflight -- --help`);
    else environments.push(a);
  }
  if (json && writeFacts) return fail("--json and --write-facts do not go together; pick one");
  const result = await runPreflight({
    environments,
    json,
    writeFacts,
    ...(stateFile !== undefined ? { stateFile } : {}),
  });
  process.exitCode = result.exitCode;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof PreflightUsageError) return fail(e.message);
  process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 2;
});
