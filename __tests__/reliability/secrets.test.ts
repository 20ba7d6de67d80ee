/**
 * No secrets in output (issue 7, "nothing leaked"): credentials in the environment
 * never reach a synthesized file, the report or anything printed; the provider gets
 * them only through the sensitive variables vsphere_user / vsphere_password; and a
 * secret written into an environment file is refused, naming the variable to use,
 * without echoing the secret.
 */
import * as path from "path";
import * as fs from "fs";
import {
  changed,
  runCli,
  stackJson,
  synthFiles,
  tempDir,
  toYaml,
  validEnv,
  walkFiles,
  writeFiles,
  type Env,
  type SynthRun,
} from "./helpers";

/** Recognisable values: each must never appear in any output. */
const SECRETS: Record<string, string> = {
  TF_VAR_vsphere_password: "Vsph3re-Pw-4b1d9e",
  TF_VAR_vsphere_user: "svc-clones-User-77e1",
  VSPHERE_PASSWORD: "Vsph3re-EnvPw-c0ffee",
  VSPHERE_USER: "svc-clones-EnvUser-5a5a",
  PG_CONN_STR: "postgres://u:S3cretPG@db/x",
  AWS_ACCESS_KEY_ID: "AKIARELIABILITY7TEST",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYRELIABLE7",
  AWS_SESSION_TOKEN: "FwoGZXIvYXdzEReliabilitySessionTok",
  TF_HTTP_USERNAME: "state-User-0917",
  TF_HTTP_PASSWORD: "Http-S3cret-Pw-31337",
  TF_TOKEN_app_terraform_io: "tfe.Reliability.Token.9f8e7d",
};
/** Parts of the values that must not appear either (a secret cut or re-encoded). */
const FRAGMENTS = [
  "S3cretPG",
  "Vsph3re-Pw",
  "Vsph3re-EnvPw",
  "RELIABILITY7TEST",
  "bPxRfiCYRELIABLE7",
  "Http-S3cret",
  "Reliability.Token",
  "ReliabilitySessionTok",
];

const BACKENDS: Record<string, Env> = {
  "local-lab": { type: "local" },
  "s3-lab": { type: "s3", bucket: "tf-state", key: "labs/s3-lab.tfstate", region: "eu-west-1", encrypt: true },
  "pg-lab": { type: "pg", schemaName: "linked_clones" },
  "http-lab": { type: "http", address: "https://state.example.com/labs/http-lab", username: "state-reader" },
  "remote-lab": { type: "remote", organization: "example-org", workspaces: { name: "remote-lab" } },
};

/** One environment per backend, each in its own datacenter (VM names may then repeat). */
function backendEnvFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(BACKENDS).map(([stack, backend], i) => [
      `${stack}.yaml`,
      toYaml({ ...validEnv({ datacenter: `DC${i}`, net: 10 + i }), backend }),
    ]),
  );
}

function allOutput(run: SynthRun): [string, string][] {
  const files: [string, string][] = walkFiles(run.outdir).map((f) => [
    f,
    fs.readFileSync(path.join(run.outdir, f), "utf8"),
  ]);
  return [...files, ["(printed)", run.printed]];
}

function expectNoSecret(texts: [string, string][]): void {
  for (const [where, text] of texts) {
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ where, secret: name, leaked: text.includes(value) }).toEqual({ where, secret: name, leaked: false });
    }
    for (const fragment of FRAGMENTS)
      expect({ where, fragment, leaked: text.includes(fragment) }).toEqual({ where, fragment, leaked: false });
  }
}

/** Every JSON path (a.b[0].c) whose string value mentions `needle`. */
function pathsMentioning(value: unknown, needle: string, at = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsMentioning(v, needle, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => pathsMentioning(v, needle, at ? `${at}.${k}` : k));
  return [];
}

describe("no secrets in output", () => {
  const saved: Record<string, string | undefined> = {};
  let run: SynthRun;
  let printedRun: SynthRun;

  beforeAll(() => {
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const files = backendEnvFiles();
    run = synthFiles(files);
    printedRun = synthFiles(files, { report: "print" });
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("synthesizes one stack per backend type: local, s3, pg, http, remote", () => {
    expect({ exitCode: run.exitCode, printed: run.printed }).toEqual({ exitCode: 0, printed: expect.any(String) });
    for (const [stack, backend] of Object.entries(BACKENDS)) {
      expect(Object.keys(stackJson(run.outdir, stack).terraform.backend)).toEqual([backend.type]);
    }
  });

  it("writes no credential from the environment into any file under the outdir, the report, or anything printed", () => {
    expectNoSecret(allOutput(run));
    expectNoSecret([["(report printed)", printedRun.printed]]);
  });

  it("writes no secret option into any backend block (keys, tokens, passwords, connection strings)", () => {
    const secretOptions = [
      "access_key",
      "secret_key",
      "token",
      "conn_str",
      "password",
      "sse_customer_key",
      "client_private_key_pem",
    ];
    for (const stack of Object.keys(BACKENDS)) {
      const backend = Object.values(stackJson(run.outdir, stack).terraform.backend)[0] as Record<string, unknown>;
      for (const key of secretOptions)
        expect({ stack, key, present: key in backend }).toEqual({ stack, key, present: false });
    }
  });

  it("declares vsphere_user and vsphere_password as sensitive variables with no default, and the provider reads only them", () => {
    for (const stack of Object.keys(BACKENDS)) {
      const json = stackJson(run.outdir, stack);
      for (const v of ["vsphere_user", "vsphere_password"]) {
        expect(json.variable[v]).toMatchObject({ type: "string", sensitive: true });
        expect(json.variable[v]).not.toHaveProperty("default");
      }
      const provider = json.provider.vsphere[0];
      expect(provider.user).toBe("${var.vsphere_user}");
      expect(provider.password).toBe("${var.vsphere_password}");
      // The credentials flow to the provider and nowhere else.
      expect(pathsMentioning(json, "var.vsphere_password")).toEqual(["provider.vsphere[0].password"]);
      expect(pathsMentioning(json, "var.vsphere_user")).toEqual(["provider.vsphere[0].user"]);
    }
  });

  it("leaks nothing through the real CLI either (files, stdout, stderr of a child process)", async () => {
    const cwd = tempDir("lc-sec-cli-");
    const envDir = writeFiles(path.join(cwd, "envs"), backendEnvFiles());
    const cli = await runCli({ cwd, env: { ...SECRETS, LINKED_CLONES_ENV_DIR: envDir, HOME: cwd } });
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: "" });
    const outdir = path.join(cwd, "cdktf.out");
    expect(walkFiles(outdir)).toContain("stacks/s3-lab/cdk.tf.json");
    expectNoSecret([
      ...walkFiles(outdir).map((f): [string, string] => [f, fs.readFileSync(path.join(outdir, f), "utf8")]),
      ["(stdout)", cli.stdout],
      ["(stderr)", cli.stderr],
    ]);
  }, 30000);
});

describe("secrets written into an environment file", () => {
  const VALUE = "Yaml-S3cret-Do-Not-Echo-42";
  const cases: { name: string; change: (e: Env) => void; field: string; variable: RegExp }[] = [
    {
      name: "vsphere.password",
      change: (e) => (e.vsphere.password = VALUE),
      field: "vsphere.password",
      variable: /TF_VAR_vsphere_password/,
    },
    {
      name: "vsphere.user",
      change: (e) => (e.vsphere.user = VALUE),
      field: "vsphere.user",
      variable: /TF_VAR_vsphere_user/,
    },
    {
      name: "s3 backend.secretKey",
      change: (e) => (e.backend = { type: "s3", bucket: "b", key: "k", secretKey: VALUE }),
      field: "backend.secretKey",
      variable: /AWS_SECRET_ACCESS_KEY/,
    },
    {
      name: "s3 backend.accessKey",
      change: (e) => (e.backend = { type: "s3", bucket: "b", key: "k", accessKey: VALUE }),
      field: "backend.accessKey",
      variable: /AWS_ACCESS_KEY_ID/,
    },
    {
      name: "s3 backend.token",
      change: (e) => (e.backend = { type: "s3", bucket: "b", key: "k", token: VALUE }),
      field: "backend.token",
      variable: /AWS_SESSION_TOKEN/,
    },
    {
      name: "pg backend.connStr",
      change: (e) => (e.backend = { type: "pg", connStr: `postgres://u:${VALUE}@db/x` }),
      field: "backend.connStr",
      variable: /PG_CONN_STR/,
    },
    {
      name: "http backend.password",
      change: (e) => (e.backend = { type: "http", address: "https://state.example.com/x", password: VALUE }),
      field: "backend.password",
      variable: /TF_HTTP_PASSWORD/,
    },
    {
      name: "remote backend.token",
      change: (e) => (e.backend = { type: "remote", organization: "o", token: VALUE, workspaces: { name: "w" } }),
      field: "backend.token",
      variable: /TF_TOKEN_/,
    },
    // Regression (found by these tests): the refusal echoes the URL, password included, into the terminal and CI logs.
    {
      name: "http backend.address with user:password",
      change: (e) => (e.backend = { type: "http", address: `https://alice:${VALUE}@state.example.com/x` }),
      field: "backend.address",
      variable: /TF_HTTP_PASSWORD/,
    },
    // Regression (found by these tests): only `address` is checked; the lock/unlock URLs and the s3 endpoint take credentials silently.
    {
      name: "http backend.lockAddress with user:password",
      change: (e) =>
        (e.backend = {
          type: "http",
          address: "https://state.example.com/x",
          lockAddress: `https://alice:${VALUE}@state.example.com/lock`,
        }),
      field: "backend.lockAddress",
      variable: /TF_HTTP_PASSWORD/,
    },
    {
      name: "s3 backend.endpoint with key:secret",
      change: (e) =>
        (e.backend = { type: "s3", bucket: "b", key: "k", endpoint: `https://AKIAX:${VALUE}@minio.example.com` }),
      field: "backend.endpoint",
      variable: /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/,
    },
  ];

  it.each(cases)(
    "refuses $name, names the variable to use and does not echo the secret",
    ({ change, field, variable }) => {
      const r = synthFiles({ "lab.yaml": toYaml(changed(validEnv(), change)) });
      expect({ exitCode: r.exitCode, thrown: r.thrown }).toEqual({ exitCode: 1, thrown: undefined });
      const line = r.err.find((l) =>
        new RegExp(`lab\\.yaml(:\\d+:\\d+)?: ${field.replace(/[.[\]]/g, "\\$&")}:`).test(l),
      );
      expect({ line, printed: r.printed }).toEqual({ line: expect.stringMatching(variable), printed: r.printed });
      expect(r.printed).not.toContain(VALUE);
      expect(walkFiles(r.outdir)).toEqual([]);
    },
  );

  // Regression (found by these tests): `${...}` in a literal is a Terraform expression. An annotation (or folder,
  // domain, name...) of `${var.vsphere_password}` copies the vCenter password into every VM's
  // notes in vCenter. Literals must be refused or escaped (`$${`), never evaluated.
  it("never lets a literal in the file reference the credentials", () => {
    const env = changed(validEnv(), (e) => {
      e.groups[0].annotation = "owner ${var.vsphere_user} / ${var.vsphere_password}";
      e.groups[0].folder = "labs/%{ if true }x%{ endif }";
    });
    const r = synthFiles({ "lab.yaml": toYaml(env) });
    expect(r.thrown).toBeUndefined();
    if (r.exitCode === 0) {
      // Escaped literals ($${ and %%{) are fine; live expressions are not.
      const json = stackJson(r.outdir, "lab");
      expect(liveExpressions(json, /var\.vsphere_password/)).toEqual(["provider.vsphere[0].password"]);
      expect(liveExpressions(json, /var\.vsphere_user/)).toEqual(["provider.vsphere[0].user"]);
      expect(liveExpressions(json, /^/, /(^|[^%])%\{/)).toEqual([]);
    } else {
      expect(r.err.join("\n")).toMatch(/lab\.yaml(:\d+:\d+)?: groups\[0\]\.(annotation|folder):/);
    }
  });
});

/**
 * JSON paths of strings holding a live Terraform template: an unescaped `${...}` whose
 * body matches `body`, or (with `directive`) an unescaped `%{` directive.
 */
function liveExpressions(value: unknown, body: RegExp, directive?: RegExp, at = ""): string[] {
  if (typeof value === "string") {
    if (directive) return directive.test(value) ? [at] : [];
    const live = [...value.matchAll(/(^|[^$])\$\{([^}]*)\}/g)].some((m) => body.test(m[2]));
    return live ? [at] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => liveExpressions(v, body, directive, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => liveExpressions(v, body, directive, at ? `${at}.${k}` : k));
  }
  return [];
}
