/**
 * A throwaway PostgreSQL server for the shared-state e2e test (pg-locking.e2e.test.ts), from
 * Debian's package (`postgresql`, binaries in /usr/lib/postgresql/<major>/bin): initdb in a
 * temporary data folder, `postgres` on 127.0.0.1 and a private unix socket, a free port, a
 * role and a database for Terraform's pg backend. Runs under `timeout` in its own process
 * group (so it cannot outlive a crashed run), stopped by its process id; a pid file lets the
 * next run reap one a killed run left behind.
 *
 * initdb and postgres refuse to run as root. As root the server runs as the unprivileged
 * `postgres` user the Debian package creates (E2E_PG_USER to pick another), through
 * `runuser -u <user> --`; the data folder and socket folder are given to that user.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run, type RunResult } from "./run";
import { freePort, killGroup, reapLeftovers, waitFor } from "./processes";
import { CACHE_DIR, log } from "./tools";

/** The command that installs what this needs on Debian or Ubuntu. */
export const PG_APT_INSTALL = "sudo apt-get install -y postgresql";

/** Pid files of running servers: `<pid of timeout>` holding the port, the owning test process and the temp folder. */
export const PG_PID_DIR = path.join(CACHE_DIR, "pg-pids");

/** The database, role and schema the test gives Terraform. */
export const PG_DATABASE = "linked_clones_state";
export const PG_ROLE = "terraform";

export interface PgInstall {
  /** Folder with initdb, postgres, psql, pg_isready of one major version. */
  binDir: string;
  version: string;
  /** The user the server runs as when this process is root (initdb and postgres refuse root); undefined otherwise. */
  runAs?: { name: string; uid: number; gid: number };
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const NEEDED = ["initdb", "postgres", "psql", "pg_isready"];

/** A folder holding every binary the test needs, or undefined. */
function binDirOf(dir: string): string | undefined {
  return NEEDED.every((b) => isExecutable(path.join(dir, b))) ? dir : undefined;
}

/** A user's uid and gid from the passwd database (getent), or undefined. */
function userIds(name: string): { uid: number; gid: number } | undefined {
  const r = spawnSync("getent", ["passwd", name], { encoding: "utf8" });
  const f = r.status === 0 ? r.stdout.trim().split(":") : [];
  return f.length >= 4 ? { uid: Number(f[2]), gid: Number(f[3]) } : undefined;
}

/**
 * Where PostgreSQL's server binaries are: E2E_PG_BIN_DIR when set (only there); else the folder
 * `initdb` on PATH resolves to (Debian puts no server binaries on PATH, but an image may link them
 * there), then the newest /usr/lib/postgresql/<major>/bin. Returns the install, or why the test is blocked here
 * (with the command that fixes it).
 */
export function findPostgres(): { install?: PgInstall; blocked?: string } {
  const candidates: string[] = [];
  // E2E_PG_BIN_DIR, when set, is the only place looked at.
  if (process.env.E2E_PG_BIN_DIR) candidates.push(process.env.E2E_PG_BIN_DIR);
  else
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      const initdb = path.join(dir, "initdb");
      if (isExecutable(initdb)) candidates.push(path.dirname(fs.realpathSync(initdb)));
    }
  const lib = "/usr/lib/postgresql";
  if (!process.env.E2E_PG_BIN_DIR && fs.existsSync(lib))
    candidates.push(
      ...fs
        .readdirSync(lib)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join(lib, v, "bin")),
    );
  const binDir = candidates.map(binDirOf).find((d) => d);
  if (!binDir)
    return {
      blocked:
        `E2E BLOCKED: PostgreSQL is not installed here: no folder with ${NEEDED.join(", ")} ` +
        `(looked in ${candidates.length ? candidates.join(", ") : "E2E_PG_BIN_DIR, PATH and /usr/lib/postgresql/<major>/bin"}). ` +
        `Install Debian's package: \`${PG_APT_INSTALL}\` (or point E2E_PG_BIN_DIR at a folder with those binaries).`,
    };
  const v = spawnSync(path.join(binDir, "postgres"), ["--version"], { encoding: "utf8" });
  const version = /(\d+(\.\d+)?)/.exec(v.stdout ?? "")?.[1] ?? "?";
  if (process.getuid?.() !== 0) return { install: { binDir, version } };
  const name = process.env.E2E_PG_USER ?? "postgres";
  const ids = userIds(name);
  if (!ids || ids.uid === 0)
    return {
      blocked:
        `E2E BLOCKED: PostgreSQL cannot run here: this test runs as root, initdb and postgres refuse root, ` +
        `and there is no unprivileged user '${name}' to run them as (Debian's postgresql package creates 'postgres'). ` +
        `Install the package (\`${PG_APT_INSTALL}\`), set E2E_PG_USER to an unprivileged user, or run the tests as a normal user.`,
    };
  if (!isExecutable("/usr/sbin/runuser") && !isExecutable("/sbin/runuser") && !isExecutable("/usr/bin/runuser"))
    return {
      blocked:
        "E2E BLOCKED: PostgreSQL cannot run here: running as root needs runuser (util-linux) to drop to the postgres user",
    };
  return { install: { binDir, version, runAs: { name, ...ids } } };
}

export interface PgServer {
  port: number;
  /** PG_CONN_STR for Terraform's pg backend: role and password of PG_ROLE, over TCP on 127.0.0.1. */
  connStr: string;
  /** The password inside connStr (to prove it is in no file). */
  password: string;
  /** The server's log. */
  logFile: string;
  /** The pid of the `timeout` wrapper, leader of the server's process group. */
  pid: number;
  /** SQL as the superuser over the private socket (trust), in PG_DATABASE; `-At` output. */
  sql(query: string): Promise<string>;
  stop(): Promise<void>;
}

/** Removes a temp folder this module made (and nothing else). */
function removeTemp(dir: string): void {
  if (path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith("e2e-pg-"))
    fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * initdb + postgres in a fresh temp folder (local connections: trust on the private socket;
 * TCP on 127.0.0.1: scram-sha-256), then a role PG_ROLE with a random password owning
 * database PG_DATABASE. Every command goes to `cmdLog` (the password shown as ***).
 */
export async function startPostgres(
  install: PgInstall,
  logDir: string,
  cmdLog: string,
  lifetimeSec = Number(process.env.E2E_PG_LIFETIME_SEC ?? 1200),
): Promise<PgServer> {
  const bin = (b: string) => path.join(install.binDir, b);
  const asUser = (cmd: string, args: string[]): [string, string[]] =>
    install.runAs ? ["runuser", ["-u", install.runAs.name, "--", cmd, ...args]] : [cmd, args];
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-pg-"));
  const data = path.join(temp, "data");
  const sock = path.join(temp, "sock");
  fs.mkdirSync(sock);
  if (install.runAs) {
    for (const d of [temp, sock]) fs.chownSync(d, install.runAs.uid, install.runAs.gid);
  }
  fs.chmodSync(temp, 0o700);
  const [initCmd, initArgs] = asUser(bin("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--no-locale",
    "--no-sync",
  ]);
  try {
    await run(initCmd, initArgs, { logFile: cmdLog, timeoutMs: 120_000 });
  } catch (e) {
    removeTemp(temp);
    throw e;
  }

  const port = await freePort();
  const logFile = path.join(logDir, `postgres-${port}.log`);
  const fd = fs.openSync(logFile, "w");
  const [pgCmd, pgArgs] = asUser(bin("postgres"), [
    "-D",
    data,
    "-k",
    sock,
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    // A test database: no need to survive a power cut.
    "-c",
    "fsync=off",
    "-c",
    "full_page_writes=off",
  ]);
  // `timeout -s INT`: at the end of its lifetime the server gets a fast shutdown, KILL 10 s later.
  const child: ChildProcess = spawn("timeout", ["-s", "INT", "-k", "10", String(lifetimeSec), pgCmd, ...pgArgs], {
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  fs.closeSync(fd);
  fs.appendFileSync(
    cmdLog,
    `\n$ timeout -s INT -k 10 ${lifetimeSec} ${[pgCmd, ...pgArgs].join(" ")}  # PostgreSQL ${install.version}, output in ${logFile}\n`,
  );
  const pid = child.pid!;
  let exited = false;
  child.on("exit", () => (exited = true));
  fs.mkdirSync(PG_PID_DIR, { recursive: true });
  const pidFile = path.join(PG_PID_DIR, String(pid));
  fs.writeFileSync(pidFile, `${port}\n${process.pid}\n${temp}\n`);
  const onExit = () => {
    killGroup(pid, "SIGKILL");
    removeTemp(temp);
    fs.rmSync(pidFile, { force: true });
  };
  process.on("exit", onExit);

  const stop = async () => {
    process.off("exit", onExit);
    if (!exited) {
      killGroup(pid, "SIGINT"); // fast shutdown: clients are disconnected, the server exits cleanly
      if (!(await waitFor(() => exited, 15_000))) killGroup(pid, "SIGKILL");
      await waitFor(() => exited, 3000);
    }
    fs.rmSync(pidFile, { force: true });
    removeTemp(temp);
    log(`PostgreSQL on 127.0.0.1:${port} stopped (pid ${pid})`);
  };

  const superuser = (db: string, ...commands: string[]): Promise<RunResult> =>
    run(
      bin("psql"),
      [
        "-h",
        sock,
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        db,
        "-X",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        ...commands.flatMap((c) => ["-c", c]),
      ],
      { logFile: cmdLog, timeoutMs: 60_000, env: { ...process.env, PGCONNECT_TIMEOUT: "5" } },
    );

  const ready = await waitFor(
    () =>
      exited ||
      spawnSync(bin("pg_isready"), ["-h", sock, "-p", String(port), "-U", "postgres"], { timeout: 5000 }).status === 0,
    30_000,
  );
  if (!ready || exited) {
    const out = fs.readFileSync(logFile, "utf8").trim().slice(-2000);
    await stop();
    throw new Error(`PostgreSQL did not come up on 127.0.0.1:${port}:\n${out}`);
  }
  const password = randomBytes(18).toString("base64url");
  try {
    // The password is in psql's arguments for a moment (a throwaway server on loopback); the log shows ***.
    await run(
      bin("psql"),
      [
        "-h",
        sock,
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-X",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        `CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${password}'`,
        "-c",
        `CREATE DATABASE ${PG_DATABASE} OWNER ${PG_ROLE}`,
      ],
      {
        logFile: cmdLog,
        timeoutMs: 60_000,
        shown: `psql -h ${sock} -p ${port} -U postgres -c "CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '***'" -c "CREATE DATABASE ${PG_DATABASE} OWNER ${PG_ROLE}"`,
      },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  log(
    `PostgreSQL ${install.version} up on 127.0.0.1:${port} (pid ${pid}${install.runAs ? `, as user ${install.runAs.name} via runuser` : ""}, data in ${data}, lifetime ${lifetimeSec} s); database ${PG_DATABASE} owned by role ${PG_ROLE}`,
  );
  return {
    port,
    connStr: `postgres://${PG_ROLE}:${password}@127.0.0.1:${port}/${PG_DATABASE}?sslmode=disable`,
    password,
    logFile,
    pid,
    sql: async (query) => (await superuser(PG_DATABASE, query)).stdout.trim(),
    stop,
  };
}

/**
 * Stops servers a killed run left behind (its test process is gone) and removes their temp
 * folders; servers of a run still going on are left alone.
 */
export function reapStalePostgres(): void {
  reapLeftovers(PG_PID_DIR, "postgres", "PostgreSQL", (lines) => {
    if (lines[2]) removeTemp(lines[2]);
  });
}
