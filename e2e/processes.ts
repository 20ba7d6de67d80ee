/** Background servers of the e2e (vcsim, PostgreSQL): free ports, liveness, process groups, waiting. */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { log } from "./tools";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group led by `pid` (ours are started detached). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Polls `cond` every `stepMs` until it holds or `timeoutMs` passed; its last answer. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/**
 * Stops servers a killed run left behind. Each file in `pidDir` is named after a server's pid
 * and holds lines `<port>\n<owning test process>\n...`; a server whose owner is still alive
 * (another run going on in this checkout) is left alone, any other is killed if its command
 * line contains `command`, and its file removed. `cleanUp` gets the file's lines first.
 */
export function reapLeftovers(
  pidDir: string,
  command: string,
  label: string,
  cleanUp: (lines: string[]) => void = () => undefined,
): void {
  if (!fs.existsSync(pidDir)) return;
  for (const f of fs.readdirSync(pidDir)) {
    const pid = Number(f);
    let lines: string[] = [];
    try {
      lines = fs.readFileSync(path.join(pidDir, f), "utf8").split("\n");
    } catch {
      /* gone meanwhile */
    }
    const owner = Number(lines[1]);
    if (Number.isInteger(owner) && owner > 1 && owner !== process.pid && alive(owner)) continue;
    if (Number.isInteger(pid) && pid > 1 && alive(pid)) {
      let cmd = "";
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        /* not Linux, or gone */
      }
      if (cmd.includes(command)) {
        log(`stopping leftover ${label} (pid ${pid})`);
        killGroup(pid, "SIGKILL");
      }
    }
    cleanUp(lines);
    fs.rmSync(path.join(pidDir, f), { force: true });
  }
}
