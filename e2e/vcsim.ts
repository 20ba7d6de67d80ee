/**
 * govmomi's vCenter simulator on loopback: started on a free port under `timeout`
 * (so it cannot outlive a crashed run), stopped by its process id when the tests end.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, killGroup, reapLeftovers, waitFor } from "./processes";
import { CACHE_DIR, log } from "./tools";

/** Pid files of running simulators, for the jest globalTeardown to clean up after a crash. */
export const PID_DIR = path.join(CACHE_DIR, "vcsim-pids");

export interface Simulator {
  port: number;
  /** host:port, what the environment file's vsphere.server gets. */
  server: string;
  /** GOVC_URL and GOVC_INSECURE for govc. */
  govcEnv: Record<string, string>;
  /** The pid of the `timeout` wrapper, leader of the simulator's process group. */
  pid: number;
  stop(): Promise<void>;
}

export const SIM_USER = "user";
export const SIM_PASSWORD = "pass";

/**
 * Starts vcsim on 127.0.0.1 with the default inventory (DC0, cluster DC0_C0 with
 * hosts DC0_C0_H0..H2, LocalDS_0, "VM Network", VMs DC0_C0_RP0_VM0..1).
 * It exits by itself after `lifetimeSec` (default E2E_VCSIM_LIFETIME_SEC or 1200).
 */
export async function startSimulator(
  vcsimBin: string,
  govcBin: string,
  logDir: string,
  lifetimeSec = Number(process.env.E2E_VCSIM_LIFETIME_SEC ?? 1200),
): Promise<Simulator> {
  let lastErr = "";
  fs.mkdirSync(logDir, { recursive: true });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    // Output goes to a file, not a pipe: a closed pipe would kill vcsim with SIGPIPE.
    const logFile = path.join(logDir, `vcsim-${port}.log`);
    const fd = fs.openSync(logFile, "w");
    const child: ChildProcess = spawn(
      "timeout",
      ["-k", "5", String(lifetimeSec), vcsimBin, "-l", `127.0.0.1:${port}`],
      {
        detached: true,
        stdio: ["ignore", fd, fd],
      },
    );
    fs.closeSync(fd);
    const pid = child.pid!;
    const output = () => fs.readFileSync(logFile, "utf8");
    let exited = false;
    child.on("exit", () => (exited = true));
    fs.mkdirSync(PID_DIR, { recursive: true });
    const pidFile = path.join(PID_DIR, String(pid));
    // The port and the test process that owns it: only a simulator whose owner is gone is reaped.
    fs.writeFileSync(pidFile, `${port}\n${process.pid}\n`);
    const onExit = () => killGroup(pid, "SIGKILL");
    process.on("exit", onExit);

    const govcEnv = {
      GOVC_URL: `https://${SIM_USER}:${SIM_PASSWORD}@127.0.0.1:${port}/sdk`,
      GOVC_INSECURE: "1",
    };
    const stop = async () => {
      process.off("exit", onExit);
      if (!exited) {
        killGroup(pid, "SIGTERM");
        if (!(await waitFor(() => exited, 5000))) killGroup(pid, "SIGKILL");
        await waitFor(() => exited, 2000);
      }
      fs.rmSync(pidFile, { force: true });
    };
    const ready = await waitFor(
      () =>
        exited ||
        (output().includes("GOVC_URL") &&
          spawnSync(govcBin, ["about"], { env: { ...process.env, ...govcEnv }, timeout: 5000 }).status === 0),
      30000,
      200,
    );
    if (ready && !exited) {
      child.unref();
      log(`vcsim up on 127.0.0.1:${port} (pid ${pid}, lifetime ${lifetimeSec} s)`);
      return { port, server: `127.0.0.1:${port}`, govcEnv, pid, stop };
    }
    lastErr = `vcsim did not come up on 127.0.0.1:${port} (attempt ${attempt}): ${output().trim().slice(-2000)}`;
    log(lastErr);
    await stop();
  }
  throw new Error(lastErr);
}

/**
 * Kills simulators left behind by a run that did not stop them (globalSetup, globalTeardown):
 * those whose owning test process is gone. Simulators of another run going on at the same
 * time in the same checkout are left alone.
 */
export function reapStaleSimulators(): void {
  reapLeftovers(PID_DIR, "vcsim", "vcsim");
}
