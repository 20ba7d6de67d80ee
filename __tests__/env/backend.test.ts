import * as fs from "fs";
import * as path from "path";
import { runSynth } from "../../stacks/app";
import { envDir, tempDir } from "../helpers/files";
import { dump, minimalEnv } from "./fixtures";

function synthBackend(backend: unknown): Record<string, any> {
  const env = { ...minimalEnv(), ...(backend !== undefined ? { backend } : {}) };
  const outdir = tempDir();
  const result = runSynth({ dir: envDir({ "lab.yaml": dump(env) }), outdir, out: () => {}, err: () => {} });
  expect(result.exitCode).toBe(0);
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "lab", "cdk.tf.json"), "utf8")).terraform.backend;
}

describe("backends", () => {
  it("defaults to local state at a path relative to the project", () => {
    expect(synthBackend(undefined)).toEqual({ local: { path: "../../../state/lab.tfstate" } });
  });

  it("keeps a local path relative to the project", () => {
    expect(synthBackend({ type: "local", path: "tfstate/lab.tfstate" })).toEqual({
      local: { path: "../../../tfstate/lab.tfstate" },
    });
  });

  it("maps s3 options to cdktf's S3Backend", () => {
    expect(
      synthBackend({
        type: "s3",
        bucket: "tf-state",
        key: "labs/lab.tfstate",
        region: "eu-west-1",
        encrypt: true,
        dynamodbTable: "locks",
      }),
    ).toEqual({
      s3: { bucket: "tf-state", key: "labs/lab.tfstate", region: "eu-west-1", encrypt: true, dynamodb_table: "locks" },
    });
  });

  it("maps nested s3 options such as assumeRole and endpoints", () => {
    expect(
      synthBackend({
        type: "s3",
        bucket: "b",
        key: "k",
        assumeRole: { roleArn: "arn:aws:iam::1:role/tf" },
        endpoints: { s3: "https://s3.example.com" },
      }),
    ).toEqual({
      s3: {
        bucket: "b",
        key: "k",
        assume_role: { role_arn: "arn:aws:iam::1:role/tf" },
        endpoints: { s3: "https://s3.example.com" },
      },
    });
  });

  it("maps pg without a connection string (Terraform reads PG_CONN_STR)", () => {
    expect(synthBackend({ type: "pg", schemaName: "labs" })).toEqual({ pg: { schema_name: "labs" } });
  });

  it("maps http and remote", () => {
    expect(synthBackend({ type: "http", address: "https://state.example.com/lab", lockMethod: "LOCK" })).toEqual({
      http: { address: "https://state.example.com/lab", lock_method: "LOCK" },
    });
    expect(synthBackend({ type: "remote", organization: "infra", workspaces: { name: "lab" } })).toEqual({
      remote: { organization: "infra", workspaces: { name: "lab" } },
    });
  });

  it("refuses secrets in the file and names the variable to use", () => {
    const env = { ...minimalEnv(), backend: { type: "s3", bucket: "b", key: "k", secretKey: "x" } };
    const lines: string[] = [];
    const outdir = tempDir();
    expect(
      runSynth({ dir: envDir({ "lab.yaml": dump(env) }), outdir, out: () => {}, err: (l) => lines.push(l) }).exitCode,
    ).toBe(1);
    expect(lines.join("\n")).toContain(
      "backend.secretKey: secrets never go in environment files; remove secretKey and set AWS_SECRET_ACCESS_KEY in the environment instead",
    );
  });

  it("creates an output folder whose parents do not exist yet", () => {
    const outdir = path.join(tempDir(), "new", "parents", "cdktf.out");
    expect(
      runSynth({ dir: envDir({ "lab.yaml": dump(minimalEnv()) }), outdir, out: () => {}, err: () => {} }).exitCode,
    ).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "lab", "cdk.tf.json"))).toBe(true);
  });

  it("refuses an absolute local path", () => {
    const env = { ...minimalEnv(), backend: { type: "local", path: "/var/tf/lab.tfstate" } };
    const lines: string[] = [];
    expect(
      runSynth({ dir: envDir({ "lab.yaml": dump(env) }), outdir: tempDir(), out: () => {}, err: (l) => lines.push(l) })
        .exitCode,
    ).toBe(1);
    expect(lines.join("\n")).toContain("backend.path: must be relative to the project, not absolute");
  });
});
