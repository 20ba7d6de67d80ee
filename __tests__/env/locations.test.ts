/**
 * Findings point at the line (issue 15): each printed finding starts with the environment file,
 * the line and the column of the YAML node it is about, e.g. `environments/lab.yaml:14:5:`.
 */
import { runSynth } from "../../stacks/app";
import { envDir, tempDir } from "../helpers/files";
import { dump, minimalEnv } from "./fixtures";

function printedFor(env: Record<string, any>): { lines: string[]; text: string } {
  const lines: string[] = [];
  runSynth({
    dir: envDir({ "lab.yaml": dump(env) }),
    outdir: tempDir(),
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  return { lines, text: dump(env) };
}

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("finding locations", () => {
  it("puts a chain-size error on the line of the group's count", () => {
    const env = minimalEnv();
    env.vsphere.version = "4.0";
    env.groups[0].count = 9;
    const { lines, text } = printedFor(env);
    const line = lines.find((l) => l.includes("[chain-size]"))!;
    expect(line).toMatch(
      new RegExp(`^\\S*lab\\.yaml:${lineOf(text, "count: 9")}:5: error: \\[chain-size\\] lab/web: `),
    );
  });

  it("puts a snapshot-source finding on the line of the base's field, and an ip-pool one on the range", () => {
    const env = minimalEnv();
    env.bases.golden = { vm: "VM0", template: true, diskGb: 10 };
    env.groups[0].customization = { ipv4: { range: "10.0.0.1-10.0.0.9", prefixLength: 24, gateway: "10.0.0.1" } };
    const { lines, text } = printedFor(env);
    const template = lines.find((l) => l.includes("[snapshot-source]"))!;
    expect(template).toMatch(
      new RegExp(`^\\S*lab\\.yaml:${lineOf(text, "template: true")}:\\d+: warning: \\[snapshot-source\\]`),
    );
    const range = lines.find((l) => l.includes("[ip-pool]"))!;
    expect(range).toMatch(
      new RegExp(`^\\S*lab\\.yaml:${lineOf(text, "range: 10.0.0.1-10.0.0.9")}:\\d+: error: \\[ip-pool\\]`),
    );
  });
});
