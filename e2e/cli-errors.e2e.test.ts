/**
 * Errors reach the user without a terminal: with stdout and stderr piped (a CI job, a log),
 * a provider error shows in the output of plain `npx cdktf diff` and of the project's wrapper
 * (`npm run diff|deploy -- <env>`, scripts/cdktf.ts), which also shows Terraform's
 * diagnostics when cdktf prints only "Invoking Terraform CLI failed with exit code 1".
 * And the wrapper's flags: --skip-provider-lock for a mirror or an unreachable registry,
 * --terraform-parallelism, no approval prompt without a terminal. And, with the real provider,
 * what the wrapper cleans up and how it gets out of a failed first deploy: cdktf's saved plan
 * (which holds the vCenter password) is deleted, and `destroy --no-refresh` removes a managed
 * snapshot that a plain destroy cannot, once the clones of a first deploy failed.
 * (The same without a vCenter, with stand-ins for cdktf and terraform: __tests__/wrapper/.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { decideArgs, hasTerraformDiagnostics, stacksOf, usesMirror } from "../scripts/cdktf";
import { CdktfProject } from "./cdktf-project";
import { readEnvFile, writeEnvFile } from "./environment";
import { PROJECT_DIR, run, stripAnsi } from "./run";
import { SOURCE_ENV, STACK } from "./scenario";
import { describeE2e } from "./steps";
import { binaryEnv, type Binary } from "./terraform";
import { Govc } from "./govc";
import { E2E_DIR, readTools } from "./tools";
import { startSimulator, type Simulator } from "./vcsim";

const tools = readTools();
const WORK = path.join(E2E_DIR, ".work", "cli-errors");
const LOG = path.join(WORK, "commands.log");
const TSX = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
const WRAPPER = path.join(PROJECT_DIR, "scripts", "cdktf.ts");
/** A Node stack trace line: what a user must never see for an expected failure. */
const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$/m;

beforeAll(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
});

describe("the cdktf wrapper's flags (scripts/cdktf.ts)", () => {
  const offline = async () => false;
  const online = async () => true;
  const mirrorRc = path.join(WORK, "mirror.tfrc");
  const plainRc = path.join(WORK, "plain.tfrc");
  beforeAll(() => {
    fs.mkdirSync(WORK, { recursive: true });
    fs.writeFileSync(mirrorRc, 'provider_installation {\n  filesystem_mirror {\n    path = "/m"\n  }\n}\n');
    fs.writeFileSync(plainRc, '# filesystem_mirror { } in a comment does not count\nplugin_cache_dir = "/c"\n');
  });

  test("adds --skip-provider-lock when the CLI config uses a mirror, and says why", async () => {
    const d = await decideArgs("deploy", ["lab", "--auto-approve"], { TF_CLI_CONFIG_FILE: mirrorRc }, online);
    expect(d.args).toEqual([
      "deploy",
      "lab",
      "--auto-approve",
      "--skip-provider-lock",
      "--terraform-parallelism",
      "10",
    ]);
    expect(d.notes[0]).toMatch(
      /^--skip-provider-lock: the CLI config \(mirror\.tfrc\) installs providers from a mirror/,
    );
  });

  test("adds --skip-provider-lock when the registry cannot be reached (tofu: registry.opentofu.org)", async () => {
    const asked: string[] = [];
    const probe = async (host: string) => (asked.push(host), false);
    const d = await decideArgs("diff", ["lab"], { TF_CLI_CONFIG_FILE: plainRc, TERRAFORM_BINARY_NAME: "tofu" }, probe);
    expect(asked).toEqual(["registry.opentofu.org"]);
    expect(d.args).toContain("--skip-provider-lock");
    expect(d.notes[0]).toContain("registry.opentofu.org cannot be reached");
  });

  test("keeps the provider lock online without a mirror, and never adds a flag the user gave", async () => {
    const d = await decideArgs("deploy", ["lab"], { TF_CLI_CONFIG_FILE: plainRc }, online);
    expect(d.args).toEqual(["deploy", "lab", "--terraform-parallelism", "10"]);
    const mine = await decideArgs(
      "destroy",
      ["lab", "--skip-provider-lock", "--terraform-parallelism=2"],
      { TF_CLI_CONFIG_FILE: mirrorRc, LINKED_CLONES_TERRAFORM_PARALLELISM: "4" },
      offline,
    );
    expect(mine.args).toEqual(["destroy", "lab", "--skip-provider-lock", "--terraform-parallelism=2"]);
  });

  test("takes the parallelism from LINKED_CLONES_TERRAFORM_PARALLELISM, and the lock decision from LINKED_CLONES_PROVIDER_LOCK", async () => {
    const d = await decideArgs(
      "deploy",
      ["lab"],
      { TF_CLI_CONFIG_FILE: mirrorRc, LINKED_CLONES_TERRAFORM_PARALLELISM: "3", LINKED_CLONES_PROVIDER_LOCK: "run" },
      offline,
    );
    expect(d.args).toEqual(["deploy", "lab", "--terraform-parallelism", "3"]);
  });

  test("reads stacks, mirrors and diagnostics", () => {
    expect(stacksOf(["lab", "--var", "x=1", "-o", "out", "other", "--auto-approve"])).toEqual(["lab", "other"]);
    expect(usesMirror('provider_installation {\n network_mirror {\n url = "https://m/"\n }\n}')).toBe(true);
    expect(usesMirror("# filesystem_mirror {\n")).toBe(false);
    expect(hasTerraformDiagnostics("simulator  Invoking Terraform CLI failed with exit code 1\n")).toBe(false);
    expect(hasTerraformDiagnostics("Error: External Error: Stack failed to plan: lab.\n")).toBe(false);
    expect(
      hasTerraformDiagnostics('\u001b[31m│\u001b[0m \u001b[1mError: \u001b[0mcannot locate folder "/DC0/vm/x"\n'),
    ).toBe(true);
  });
});

describeE2e("the cdktf wrapper when cdktf prints no diagnostics", tools, ["terraform"], () => {
  const dir = path.join(WORK, "silent-cdktf");
  const fakeCdktf = path.join(dir, "fake-cdktf.sh");
  beforeAll(() => {
    // A stack that fails at plan without any provider (nothing to install), and a cdktf that
    // fails the way cdktf 0.21 sometimes does without a terminal: one line, no diagnostics.
    const stack = path.join(dir, "cdktf.out", "stacks", "broken");
    fs.mkdirSync(stack, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: "true", output: "cdktf.out" }),
    );
    fs.writeFileSync(
      path.join(stack, "cdk.tf.json"),
      JSON.stringify({ output: { where: { value: "${var.folder_that_is_not_declared}" } } }),
    );
    fs.writeFileSync(fakeCdktf, '#!/bin/sh\necho "broken  Invoking Terraform CLI failed with exit code 1"\nexit 1\n', {
      mode: 0o755,
    });
  });

  for (const command of ["diff", "deploy"] as const) {
    test(`${command}: shows Terraform's error from a read-only plan, labelled, exits non-zero, no stack trace`, async () => {
      const r = await run(TSX, [WRAPPER, command, "broken", ...(command === "deploy" ? ["--auto-approve"] : [])], {
        cwd: dir,
        env: binaryEnv(tools, "terraform", { LINKED_CLONES_CDKTF: fakeCdktf, LINKED_CLONES_PROVIDER_LOCK: "run" }),
        okCodes: [0, 1],
        logFile: LOG,
        shown: `npm run ${command} -- broken  (with a cdktf that prints no diagnostics)`,
      });
      const out = stripAnsi(r.stdout + r.stderr);
      expect(r.code).toBe(1);
      expect(out).toContain("Invoking Terraform CLI failed with exit code 1");
      expect(out).toContain("Terraform's diagnostics for stack broken, which cdktf did not print");
      expect(out).toMatch(/terraform plan -input=false -no-color -lock=false.* in cdktf\.out\/stacks\/broken/);
      expect(out).toContain("Reference to undeclared input variable");
      expect(out).toContain("folder_that_is_not_declared");
      expect(out).not.toMatch(STACK_TRACE);
    });
  }

  test("deploy without a terminal and without --auto-approve stops at once, saying what to add", async () => {
    const r = await run(TSX, [WRAPPER, "deploy", "broken"], {
      cwd: dir,
      env: binaryEnv(tools, "terraform", { LINKED_CLONES_CDKTF: fakeCdktf }),
      okCodes: [2],
      logFile: LOG,
    });
    expect(r.stderr).toContain("no terminal to approve the plan on; add --auto-approve");
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});

for (const binary of ["terraform", "tofu"] as Binary[]) {
  describeE2e(
    `a provider error reaches piped output (${binary})`,
    tools,
    ["vcsim", "govc", "terraform", "provider", ...(binary === "tofu" ? (["tofu"] as const) : [])],
    () => {
      const work = path.join(WORK, binary);
      const missingPool = "DC0_H0/Resources/e2e-missing-pool";
      let sim: Simulator;
      let project: CdktfProject;
      /** What a user must see: the provider's error, naming the pool. */
      const providerError = /error fetching resource pool[^\n]*DC0_H0\/Resources\/e2e-missing-pool/;

      beforeAll(async () => {
        sim = await startSimulator(tools.vcsim!, tools.govc!, work);
        project = new CdktfProject(tools, work, STACK, binary, LOG);
        const env = readEnvFile(SOURCE_ENV);
        env.vsphere.server = sim.server;
        const web = env.groups.find((g) => g.resourcePool !== undefined) ?? env.groups[0];
        delete web.cluster;
        delete web.hosts;
        web.resourcePool = missingPool;
        writeEnvFile(project.envDir, STACK, env, `a resource pool that does not exist: ${missingPool}`);
      }, 60_000);
      afterAll(async () => {
        await sim?.stop();
      });

      test("plain `npx cdktf diff <env>` prints the provider's error and exits non-zero", async () => {
        const r = await project.diff([1]);
        const out = stripAnsi(r.stdout + r.stderr);
        expect(out).toMatch(providerError);
        expect(out).not.toMatch(STACK_TRACE);
      });

      test("`npm run diff -- <env>` (the wrapper) prints it and exits non-zero, no stack trace", async () => {
        // npm runs the wrapper in the project folder: --output keeps everything in the work folder.
        const r = await run("npm", ["run", "--silent", "diff", "--", STACK, "--output", project.outDir], {
          cwd: PROJECT_DIR,
          env: project.env(),
          okCodes: [1],
          logFile: LOG,
        });
        const out = stripAnsi(r.stdout + r.stderr);
        expect(out).toMatch(providerError);
        expect(out).toContain(
          "[cdktf wrapper] --skip-provider-lock: the CLI config (terraform.rc) installs providers from a mirror",
        );
        expect(out).not.toMatch(STACK_TRACE);
      });

      test("`npm run deploy -- <env> --auto-approve` (the wrapper) prints it and exits non-zero; nothing is created", async () => {
        const r = await run(TSX, [WRAPPER, "deploy", STACK, "--auto-approve", "--terraform-parallelism", "1"], {
          cwd: work,
          env: project.env(),
          okCodes: [1],
          logFile: LOG,
          shown: `npm run deploy -- ${STACK} --auto-approve --terraform-parallelism 1`,
        });
        const out = stripAnsi(r.stdout + r.stderr);
        expect(out).toMatch(providerError);
        expect(out).not.toMatch(STACK_TRACE);
        expect((await project.terraform.stateResources()).map((x) => x.address)).toEqual([]);
      });
    },
  );
}

describeE2e(
  "after a failed first deploy: the wrapper's destroy --no-refresh, and no saved plan left (terraform)",
  tools,
  ["vcsim", "govc", "terraform", "provider"],
  () => {
    const stack = "no-refresh";
    const work = path.join(WORK, stack);
    const base = "DC0_C0_RP0_VM0";
    /** A password vcsim accepts (it takes any) and that no file may hold afterwards. */
    const password = "E2e-Saved-Plan-Pw-5c8e1a";
    /** The provider's clone check at apply: vcsim customizes guests only on DC0_H0; this base is "otherGuest". */
    const cloneCheck = /Error: cannot find OS family for guest ID "otherGuest"/;
    let sim: Simulator;
    let project: CdktfProject;
    let govc: Govc;
    const wrapper = (args: string[], okCodes: number[]) =>
      run(TSX, [WRAPPER, ...args, "--terraform-parallelism", "1"], {
        cwd: work,
        env: project.env({ TF_VAR_vsphere_password: password }),
        okCodes,
        logFile: LOG,
        shown: `npm run ${args.join(" ").replace(" ", " -- ")} --terraform-parallelism 1`,
      });
    /** Files of the work project that hold the password (inside a zip too: a saved plan is one, deflated). */
    const filesWithPassword = () => {
      const hits: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const f = path.join(d, e.name);
          if (e.isDirectory()) walk(f);
          else if (e.isFile() && [fs.readFileSync(f), ...zipEntries(f)].some((b) => b.includes(password)))
            hits.push(path.relative(work, f));
        }
      };
      walk(work);
      return hits;
    };
    const planFile = () => path.join(project.stackDir, "plan");

    beforeAll(async () => {
      sim = await startSimulator(tools.vcsim!, tools.govc!, work);
      project = new CdktfProject(tools, work, stack, "terraform", LOG);
      govc = new Govc(tools.govc!, sim.govcEnv, LOG);
      const env = readEnvFile(SOURCE_ENV);
      env.vsphere.server = sim.server;
      const web = env.groups.find((g) => g.customization !== undefined)!;
      env.bases = { linux: { ...env.bases[web.base], vm: base } };
      delete web.resourcePool;
      delete web.folder;
      delete web.suppress;
      Object.assign(web, { base: "linux", cluster: "DC0_C0", count: 1 });
      env.groups = [web];
      writeEnvFile(project.envDir, stack, env, `a customized group on a base vcsim cannot customize (${base})`);
    }, 60_000);
    afterAll(async () => {
      await sim?.stop();
    });

    test("plain `npx cdktf diff <env>` leaves cdktf.out/stacks/<env>/plan, which holds the password", async () => {
      await project.cli(["diff", stack, "--skip-provider-lock"], [0], 600_000, { TF_VAR_vsphere_password: password });
      expect(filesWithPassword()).toEqual([`cdktf.out/stacks/${stack}/plan`]);
    });

    test("`npm run diff -- <env>`: cdktf's saved plan, which holds the password, is deleted; no file holds it", async () => {
      const r = await wrapper(["diff", stack], [0]);
      const out = stripAnsi(r.stdout + r.stderr);
      // The line says the wrapper found and deleted the plan cdktf wrote (`terraform plan -out plan`).
      expect(out).toContain(
        `[cdktf wrapper] deleted cdktf's saved plan cdktf.out/stacks/${stack}/plan: a saved plan holds the values of the variables, the vCenter password too`,
      );
      expect(fs.existsSync(planFile())).toBe(false);
      expect(filesWithPassword()).toEqual([]);
    });

    test("the first deploy fails at the clone check, after the managed snapshot was made", async () => {
      const r = await wrapper(["deploy", stack, "--auto-approve"], [1]);
      expect(stripAnsi(r.stdout + r.stderr)).toMatch(cloneCheck);
      expect(await govc.snapshotNames(base)).toEqual(["linux-2026-11"]);
    });

    test("`npm run destroy` fails the same way, keeps the snapshot, and names --no-refresh and terraform -chdir", async () => {
      const r = await wrapper(["destroy", stack, "--auto-approve"], [1]);
      const out = stripAnsi(r.stdout + r.stderr);
      expect(out).toMatch(cloneCheck);
      expect(out).toContain(
        `[cdktf wrapper]   npm run destroy -- ${stack} --auto-approve --terraform-parallelism 1 --no-refresh`,
      );
      expect(out).toContain(
        `[cdktf wrapper]   (without the wrapper: terraform -chdir=cdktf.out/stacks/${stack} destroy -refresh=false)`,
      );
      expect(out).not.toMatch(STACK_TRACE);
      expect(await govc.snapshotNames(base)).toEqual(["linux-2026-11"]);
      // The plain command's -chdir finds the state through the backend's path relative to the stack folder:
      const plan = await run(
        tools.terraform!,
        [
          `-chdir=cdktf.out/stacks/${stack}`,
          "plan",
          "-destroy",
          "-refresh=false",
          "-lock=false",
          "-no-color",
          "-input=false",
        ],
        { cwd: work, env: project.env({ TF_VAR_vsphere_password: password }), logFile: LOG },
      );
      expect(plan.stdout).toMatch(/vsphere_virtual_machine_snapshot\.\S+ will be destroyed/);
      expect(plan.stdout).toMatch(/Plan: 0 to add, 0 to change, \d+ to destroy/);
    });

    test("`npm run destroy -- <env> --auto-approve --no-refresh` removes the snapshot; the state is empty; no file holds the password", async () => {
      const r = await wrapper(["destroy", stack, "--auto-approve", "--no-refresh"], [0]);
      const out = stripAnsi(r.stdout + r.stderr);
      expect(out).toContain("[cdktf wrapper] --no-refresh: TF_CLI_ARGS_destroy=-refresh=false");
      expect(out).toContain("Destroy complete!");
      expect(await govc.snapshotNames(base)).toEqual([]);
      expect((await project.terraform.stateResources()).filter((x) => !x.address.startsWith("data."))).toEqual([]);
      expect(filesWithPassword()).toEqual([]);
    });
  },
);

/** The uncompressed entries of a zip file (stored or deflated), read from its central directory; [] when it is no zip. */
function zipEntries(file: string): Buffer[] {
  const zip = fs.readFileSync(file);
  if (zip.length < 22 || zip.readUInt32LE(0) !== 0x04034b50) return [];
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return [];
  const entries: Buffer[] = [];
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.push(method === 8 ? zlib.inflateRawSync(data) : data);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
