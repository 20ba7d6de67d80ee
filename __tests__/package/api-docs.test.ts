import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { tempDir } from "../helpers/files";

// docs/API.md is generated from the TSDoc of lib/ (npm run docs:api: typedoc with
// typedoc-plugin-markdown, settings in typedoc.json). This fails when it is not current,
// and when the public API mentions a type the entry does not export (typedoc warns; warnings fail).

const ROOT = path.resolve(__dirname, "..", "..");
const API = path.join(ROOT, "docs", "API.md");
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

test("docs/API.md is what `npm run docs:api` generates from lib/ now", () => {
  const out = tempDir("lc-api-docs-");
  const typedoc = path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
  try {
    execFileSync(process.execPath, [typedoc, "--out", out], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      encoding: "utf8",
      stdio: "pipe",
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    const plain = `${stdout ?? ""}${stderr ?? ""}`.replace(ANSI, "");
    throw new Error(`typedoc failed (fix the TSDoc or the exports of lib/index.ts):\n${plain}`, {
      cause: e,
    });
  }
  const generated = fs.readFileSync(path.join(out, "API.md"), "utf8");
  const current = fs.existsSync(API) ? fs.readFileSync(API, "utf8") : "";
  if (generated !== current) {
    const a = current.split("\n");
    const b = generated.split("\n");
    let line = 0;
    while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
    throw new Error(
      `docs/API.md is not current; run \`npm run docs:api\` and commit it.\n` +
        `First difference at line ${line + 1}:\n  docs/API.md: ${a[line] ?? "(end of file)"}\n  generated:   ${b[line] ?? "(end of file)"}`,
    );
  }
  expect(generated).not.toMatch(/\/(home|root|tmp|work|Users)\//);
});
