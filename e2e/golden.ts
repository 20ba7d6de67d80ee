/**
 * A golden VM prepared as a user prepares one before deploying (here with govc): the
 * source of a base whose settings the clones must copy. vcsim's default inventory has no
 * such VM, so the test builds it.
 *
 * govc v0.46.3 has a command for every setting but one: cores per socket. `vm.change` has
 * no flag for it (`grep -rn NumCoresPerSocket govc/` in govmomi v0.46.3 finds only
 * `library/vmtx_item_info.go`, which prints it). vcsim's ReconfigVM_Task applies
 * `numCoresPerSocket` (simulator/virtual_machine.go), so that one setting is sent as a
 * ReconfigVM_Task through the vSphere API, as PowerCLI's `Set-VM -CoresPerSocket` would.
 */
import * as https from "node:https";
import type { Govc, Ref } from "./govc";

export interface GoldenSpec {
  name: string;
  /** Resource pool inventory path, e.g. /DC0/host/DC0_C0/Resources */
  pool: string;
  datastore: string;
  network: string;
  guestId: string;
  cpus: number;
  coresPerSocket: number;
  memoryMb: number;
  /** `govc vm.create -version`, e.g. "7.0" (vmx-17). */
  hardwareVersion: string;
  secureBoot: boolean;
  /** Disk sizes in GB by SCSI controller (bus 0, bus 1, ...), one disk per controller. */
  diskGbByController: number[];
}

/** The golden of the simulator environment's `appliance` base (environments/simulator.yaml). */
export const APPLIANCE_GOLDEN: GoldenSpec = {
  name: "golden-appliance",
  pool: "/DC0/host/DC0_C0/Resources",
  datastore: "LocalDS_0",
  network: "VM Network",
  guestId: "ubuntu64Guest",
  cpus: 4,
  coresPerSocket: 2,
  memoryMb: 512,
  hardwareVersion: "7.0",
  secureBoot: true,
  diskGbByController: [2, 1],
};

/** POSTs one SOAP request to the simulator's /sdk; returns the response body (throws on a fault). */
function soap(url: URL, body: string, cookie?: string): Promise<{ body: string; cookie?: string }> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:vim25"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: "/sdk",
        method: "POST",
        rejectUnauthorized: false, // the simulator's self-signed certificate, on loopback
        headers: {
          "Content-Type": "text/xml; charset=utf-8",
          SOAPAction: "urn:vim25/6.5",
          ...(cookie ? { Cookie: cookie } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let data = "";
        res.on("data", (d: Buffer) => (data += d.toString()));
        res.on("end", () => {
          if (res.statusCode !== 200 || data.includes("<soapenv:Fault>"))
            reject(new Error(`SOAP request failed (${res.statusCode}): ${data.slice(0, 500)}`));
          else resolve({ body: data, cookie: res.headers["set-cookie"]?.[0]?.split(";")[0] });
        });
      },
    );
    req.on("error", reject);
    req.end(envelope);
  });
}

/** ReconfigVM_Task with a spec body (vim25 XML), as any vSphere API client sends it; returns the task id. */
export async function reconfigureVm(govcUrl: string, vm: Ref, specXml: string): Promise<string> {
  const url = new URL(govcUrl);
  const login = await soap(
    url,
    `<Login><_this type="SessionManager">SessionManager</_this><userName>${decodeURIComponent(url.username)}</userName>` +
      `<password>${decodeURIComponent(url.password)}</password></Login>`,
  );
  const r = await soap(
    url,
    `<ReconfigVM_Task><_this type="VirtualMachine">${vm.value}</_this><spec>${specXml}</spec></ReconfigVM_Task>`,
    login.cookie,
  );
  return /<returnval type="Task">([^<]+)</.exec(r.body)?.[1] ?? "";
}

/**
 * Builds a golden VM with govc (and the one ReconfigVM_Task above); returns the commands,
 * for the log. The VM is left powered off, without snapshots: the stack manages its snapshot.
 */
export async function buildGolden(govc: Govc, govcUrl: string, g: GoldenSpec): Promise<string[]> {
  const done: string[] = [];
  const govcRun = async (...args: string[]) => {
    done.push(`govc ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
    return (await govc.run(...args)).trim();
  };
  await govcRun(
    "vm.create",
    "-on=false",
    "-pool",
    g.pool,
    "-ds",
    g.datastore,
    "-net",
    g.network,
    "-net.adapter",
    "vmxnet3",
    "-g",
    g.guestId,
    "-c",
    String(g.cpus),
    "-m",
    String(g.memoryMb),
    "-firmware",
    "efi",
    "-version",
    g.hardwareVersion,
    "-disk",
    `${g.diskGbByController[0]}GB`,
    "-disk.controller",
    "pvscsi",
    g.name,
  );
  for (const [i, gb] of g.diskGbByController.slice(1).entries()) {
    const controller = await govcRun("device.scsi.add", "-vm", g.name, "-type", "pvscsi");
    await govcRun(
      "vm.disk.create",
      "-vm",
      g.name,
      "-name",
      `${g.name}/data${i + 1}`,
      "-size",
      `${gb}G`,
      "-controller",
      controller,
    );
  }
  await govcRun("device.boot", "-vm", g.name, "-firmware", "efi", `-secure=${g.secureBoot}`);
  const vmPath = `/${g.pool.split("/")[1]}/vm/${g.name}`;
  const self = (await govc.json<{ self: Ref }>("object.collect", "-o", "-json", vmPath, "name")).self;
  await reconfigureVm(govcUrl, self, `<numCoresPerSocket>${g.coresPerSocket}</numCoresPerSocket>`);
  done.push(`ReconfigVM_Task ${self.value} { numCoresPerSocket: ${g.coresPerSocket} }  (no govc command sets it)`);
  for (let i = 0; i < 50; i++) {
    const cores = (await govc.run("object.collect", "-s", vmPath, "config.hardware.numCoresPerSocket")).trim();
    if (cores === String(g.coresPerSocket)) return done;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${g.name}: cores per socket did not become ${g.coresPerSocket} after ReconfigVM_Task`);
}
