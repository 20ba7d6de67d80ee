/**
 * Shared state with locking, proven with a real PostgreSQL (issue 15, part 5): two work
 * projects, "alice" and "bob" (two checkouts of one repository), deploy the same environment
 * file (e2e/environments/shared-state.yaml, `backend: {type: pg}`) to one vcsim with their state
 * in one PostgreSQL database, the connection string only in PG_CONN_STR. Bob's `cdktf deploy`,
 * started while Alice's holds the state lock, fails with Terraform's lock message; no state is
 * lost: the state in PostgreSQL lists exactly the VMs govc sees; Bob's next deploy sees Alice's
 * state (no changes), and Bob's `cdktf destroy` removes what Alice built. See e2e/README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnvFile } from "./environment";
import { Lab, LabProject, vmMark } from "./lab";
import { findPostgres, PG_DATABASE, reapStalePostgres, startPostgres, type PgServer } from "./postgres";
import { stripAnsi, type RunResult } from "./run";
import { describeE2e, plainError, Steps } from "./steps";
import { E2E_DIR, log, readTools } from "./tools";

const SHARED_ENV = path.join(E2E_DIR, "environments", "shared-state.yaml");
const GROUP = "team";
/** Members after the contended change (from 2). */
const SCALED_TO = 6;
/**
 * vcsim answers CloneVM_Task this many ms late, so Alice's apply of four new clones holds the
 * lock for tens of seconds (a busy vCenter) while Bob's deploy starts and asks for it.
 */
const CLONE_DELAY_MS = Number(process.env.E2E_PG_CLONE_DELAY_MS ?? 4000);
/** Terraform's message when the lock is held (internal/command/clistate). */
const LOCK_MESSAGE = "Error acquiring the state lock";

const tools = readTools();
const postgres = findPostgres();
if (postgres.blocked) log(postgres.blocked);

/** The VM names in a state JSON (`terraform state pull`), for vsphere_virtual_machine instances. */
function vmsInState(state: {
  resources?: { type: string; mode: string; instances: { index_key?: string; attributes: { id?: string } }[] }[];
}): { name: string; id: string }[] {
  return (state.resources ?? [])
    .filter((r) => r.mode === "managed" && r.type === "vsphere_virtual_machine")
    .flatMap((r) => r.instances.map((i) => ({ name: String(i.index_key), id: String(i.attributes.id) })))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Terraform's lock error in cdktf's output: the lines of its box, without the box and cdktf's stack-name column. */
function lockMessage(out: string): string {
  const lines = stripAnsi(out).split("\n");
  const start = lines.findIndex((l) => l.includes(LOCK_MESSAGE));
  if (start < 0) return "";
  const msg: string[] = [];
  for (const l of lines.slice(start)) {
    if (/^(\S+)?\s*╵/.test(l)) break;
    msg.push(l.replace(/^(\S+)?\s*│ ?/, "").trimEnd());
  }
  return msg.join("\n").trim();
}

describeE2e(
  "shared state in PostgreSQL (pg backend) with locking: a second `cdktf deploy` while the first holds the lock",
  tools,
  ["vcsim", "govc", "terraform", "provider"],
  () => {
    const steps = new Steps();
    let lab: Lab;
    let pg: PgServer;
    let alice: LabProject;
    let bob: LabProject;
    /** VM names in the simulator before anything is deployed. */
    let inventoryBefore: string[] = [];
    let schema = "";

    const allVms = async (): Promise<string[]> =>
      (await lab.govc.run("find", "/", "-type", "m"))
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((p) => path.posix.basename(p))
        .sort();
    /** The VMs govc sees that were not there before: what the stack built. */
    const builtVms = async () => (await allVms()).filter((n) => !inventoryBefore.includes(n));
    const advisoryLocks = async () =>
      Number(await pg.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"));
    const scaled = (p: LabProject): EnvFile =>
      p.edit((e) => {
        e.groups.find((g) => g.name === GROUP)!.count = SCALED_TO;
      });
    /** The state as PostgreSQL holds it, through `terraform state pull` in a project's stack folder. */
    const pull = async (p: LabProject) =>
      JSON.parse((await p.cdktf.terraform.run(["state", "pull"], [0], 120_000, false)).stdout) as Parameters<
        typeof vmsInState
      >[0] & { serial: number; lineage: string };

    beforeAll(async () => {
      reapStalePostgres();
      lab = await Lab.start(tools, "pg-locking", { vcsimArgs: ["-method-delay", `CloneVM_Task:${CLONE_DELAY_MS}`] });
      pg = await lab.timings.time("PostgreSQL start (initdb, server, role, database)", () =>
        startPostgres(postgres.install!, lab.work, lab.logFile),
      );
      // The connection string reaches cdktf and terraform only as PG_CONN_STR in their environment.
      alice = lab.project("alice", SHARED_ENV, { env: { PG_CONN_STR: pg.connStr } });
      bob = lab.project("bob", SHARED_ENV, { env: { PG_CONN_STR: pg.connStr } });
      schema = String(alice.env.backend?.schemaName ?? "terraform_remote_state");
      inventoryBefore = await allVms();
    }, 120_000);

    afterAll(async () => {
      await pg?.stop();
      await lab?.stop();
    });

    steps.step(
      "1. alice's first `cdktf deploy` keeps the state in PostgreSQL: one state row, no local state file, no conn_str in the synthesized backend",
      () =>
        steps.critical("alice's first deploy", async () => {
          expect(alice.env.backend?.type).toBe("pg");
          await alice.deploy("first deploy", alice.env);
          expect(await pg.sql(`SELECT name FROM ${schema}.states ORDER BY name`)).toBe("default");
          const state = await pull(alice);
          const names = alice.expected().clones.map((c) => c.name);
          expect(vmsInState(state).map((v) => v.name)).toEqual(names);
          expect(await builtVms()).toEqual([...names].sort());
          // No state outside PostgreSQL: nothing in the stack folder, no project state/ folder.
          for (const p of [alice, bob]) {
            expect(fs.existsSync(path.join(p.cdktf.stackDir, "terraform.tfstate"))).toBe(false);
            expect(fs.existsSync(path.join(p.dir, "state"))).toBe(false);
          }
          const backend = (alice.cdktf.cdkTfJson() as { terraform: { backend: Record<string, unknown> } }).terraform
            .backend;
          log(`synthesized terraform.backend: ${JSON.stringify(backend)}`);
          expect(Object.keys(backend)).toEqual(["pg"]);
          expect(JSON.stringify(backend)).not.toContain("conn_str");
        }),
      600_000,
    );

    steps.step(
      `2. bob's \`cdktf deploy\` of the same change (count 2 -> ${SCALED_TO}), started while alice's holds the lock, fails at once with Terraform's "${LOCK_MESSAGE}"; alice's deploy completes`,
      () =>
        steps.critical("the contended deploy", async () => {
          const next = scaled(alice);
          // Bob's checkout is synthesized beforehand, so his deploy reaches the lock in seconds.
          await bob.synth("contended (bob, synthesized beforehand)", scaled(bob));
          // Alice's too, only so that t0 below is the start of her `cdktf deploy` (which synthesizes again).
          await alice.synth("contended (alice)", next);
          let aliceDone = false;
          const t0 = Date.now();
          const aliceRun = alice.deploy("contended deploy (alice)", next).finally(() => (aliceDone = true));
          aliceRun.catch(() => undefined); // awaited below
          // Terraform's pg backend locks with a session-level advisory lock for the whole apply.
          const end = Date.now() + 180_000;
          while (!aliceDone && Date.now() < end && (await advisoryLocks()) === 0)
            await new Promise((r) => setTimeout(r, 250));
          if (aliceDone) await aliceRun; // her own failure first, when she failed
          if (aliceDone || Date.now() >= end)
            throw plainError(
              `alice's deploy ${aliceDone ? "ended" : "ran 180 s"} before any advisory lock showed in pg_locks`,
            );
          const locks = await pg.sql(
            "SELECT l.pid, l.objid, l.granted, a.state FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory'",
          );
          const tBob = Date.now();
          log(
            `alice started \`cdktf deploy\` at ${new Date(t0).toISOString()} and holds the state lock ${((tBob - t0) / 1000).toFixed(1)} s later; bob starts at ${new Date(tBob).toISOString()}; pg_locks (pid|objid|granted|state):\n  ${locks.split("\n").join("\n  ")}`,
          );
          const bobRun: RunResult = await lab.timings.time("bob contended: cdktf deploy --skip-synth", () =>
            bob.cdktf.deploy({
              okCodes: [0, 1],
              extraArgs: ["--skip-synth"],
              env: { TF_CLI_ARGS_apply: "-lock-timeout=0s", TF_CLI_ARGS_plan: "-lock-timeout=0s" },
            }),
          );
          const stillHeld = await advisoryLocks();
          const aliceStillRunning = !aliceDone;
          const bobOut = LabProject.output(bobRun);
          const message = lockMessage(bobOut);
          log(
            `bob's \`cdktf deploy\` exited ${bobRun.code} after ${((Date.now() - tBob) / 1000).toFixed(1)} s; alice's deploy ${aliceStillRunning ? "still running" : "already done"}, ${stillHeld} advisory lock(s) held. LOCK MESSAGE (bob's cdktf output):\n${message || "(none)"}`,
          );
          fs.writeFileSync(
            path.join(lab.work, "bob-lock-message.txt"),
            `${message}\n\n--- bob's output ---\n${bobOut}\n`,
          );
          const aliceResult = await aliceRun;
          expect(aliceResult.code).toBe(0);
          const problems = [
            ...(bobRun.code === 0 ? ["bob's `cdktf deploy` exited 0"] : []),
            ...(message ? [] : [`bob's output has no "${LOCK_MESSAGE}"`]),
            ...(aliceStillRunning
              ? []
              : ["alice's deploy had ended when bob's did: bob did not meet the lock (raise E2E_PG_CLONE_DELAY_MS)"]),
          ];
          if (problems.length)
            throw plainError(`${problems.join("\n")}\n\nbob's output:\n${bobOut.split("\n").slice(-40).join("\n")}`);
          expect(message).toMatch(/Workspace is already locked|Already locked for workspace creation/);
        }),
      900_000,
    );

    steps.step(
      "3. no state is lost: the state in PostgreSQL (`terraform state pull`, from either checkout) lists exactly the VMs govc sees",
      async () => {
        const fromAlice = await pull(alice);
        const fromBob = await pull(bob);
        expect({ serial: fromBob.serial, lineage: fromBob.lineage }).toEqual({
          serial: fromAlice.serial,
          lineage: fromAlice.lineage,
        });
        const inState = vmsInState(fromBob);
        const want = alice.expected().clones.map((c) => c.name);
        expect(want).toHaveLength(SCALED_TO);
        expect(inState.map((v) => v.name)).toEqual(want);
        expect(await builtVms()).toEqual(inState.map((v) => v.name).sort());
        // The very VMs: each state id is the uuid govc reports for that name.
        const problems: string[] = [];
        for (const v of inState) {
          const mark = await vmMark(lab.govc, alice.expected().clones.find((c) => c.name === v.name)!.path);
          if (mark?.uuid !== v.id) problems.push(`${v.name}: state id ${v.id}, govc uuid ${mark?.uuid ?? "(no VM)"}`);
        }
        expect(problems).toEqual([]);
        expect(await pg.sql(`SELECT count(*) FROM ${schema}.states`)).toBe("1");
        log(
          `state in PostgreSQL (${PG_DATABASE}.${schema}.states, workspace default): serial ${fromBob.serial}, lineage ${fromBob.lineage}, VMs ${inState.map((v) => v.name).join(", ")}; govc sees the same ${inState.length}`,
        );
      },
    );

    steps.step(
      "4. bob's `cdktf deploy` once the lock is free reads alice's state from PostgreSQL: no changes",
      async () => {
        const before = (await pull(bob)).serial;
        const r = await steps.critical("bob's deploy after the lock", () =>
          bob.deploy("after the lock (bob)", scaled(bob)),
        );
        const out = LabProject.output(r);
        if (!/No changes\./.test(out))
          throw plainError(
            `bob's \`cdktf deploy\` does not say "No changes.":\n${out.split("\n").slice(-40).join("\n")}`,
          );
        const after = await pull(bob);
        log(`bob's deploy: "No changes."; state serial ${before} -> ${after.serial}`);
        expect(vmsInState(after).map((v) => v.name)).toEqual(bob.expected().clones.map((c) => c.name));
      },
      600_000,
    );

    steps.step(
      "5. bob's `cdktf destroy` removes what alice built: the shared state is empty for both, govc sees no clone and no snapshot",
      async () => {
        await bob.destroy();
        expect(vmsInState(await pull(alice))).toEqual([]);
        expect((await alice.state()).map((r) => r.address)).toEqual([]);
        expect(await builtVms()).toEqual([]);
        for (const b of alice.expected().bases) expect(await lab.govc.snapshotNames(b.vm)).toEqual([]);
      },
      600_000,
    );

    steps.step(
      "6. the connection string's password is in no file of either checkout (it lives only in PG_CONN_STR)",
      async () => {
        const hits: string[] = [];
        const walk = (dir: string) => {
          for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
              if (e.name !== "providers") walk(p);
            } else if (e.isFile() && fs.statSync(p).size < 20_000_000 && fs.readFileSync(p).includes(pg.password))
              hits.push(path.relative(lab.work, p));
          }
        };
        walk(lab.work);
        expect(hits).toEqual([]);
      },
    );
  },
  postgres.blocked,
);
