import { DEFAULT_HCL_OUTDIR, exportHcl } from "./hcl-export";

// npm run export:hcl -- [env...] [--out dir]
// Writes <dir>/<env>/cdk.tf (default dir: hcl/) for plain terraform or tofu; see docs/hcl-export.md.
const USAGE = `usage: npm run export:hcl -- [env...] [--out dir]   (default dir: ${DEFAULT_HCL_OUTDIR}/)`;

function parseArgs(argv: string[]): { envs: string[]; outdir?: string } | string {
  const envs: string[] = [];
  let outdir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "-o") {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith("-")) return `${a} needs a folder`;
      outdir = argv[++i];
    } else if (a.startsWith("--out=")) outdir = a.slice("--out=".length);
    else if (a === "--help" || a === "-h") return "";
    else if (a.startsWith("-")) return `unknown option ${a}`;
    else envs.push(a);
  }
  return { envs, ...(outdir !== undefined ? { outdir } : {}) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    if (args) process.stderr.write(`${args}\n`);
    process.stderr.write(`${USAGE}\n`);
    return args ? 1 : 0;
  }
  return (await exportHcl(args)).exitCode;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`Internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
