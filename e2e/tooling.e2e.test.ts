/**
 * The e2e's own footing: the simulator has the inventory the scenario assumes and can hold
 * the golden VM it builds, and terraform and tofu get the vSphere provider from the
 * project-local mirror only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Govc, hardwareOf, vmFacts } from "./govc";
import { APPLIANCE_GOLDEN, buildGolden } from "./golden";
import { CommandError } from "./run";
import { describeE2e } from "./steps";
import { Terraform, type Binary } from "./terraform";
import { E2E_DIR, PROVIDER_VERSION, readTools } from "./tools";
import { SIM_PASSWORD, SIM_USER, startSimulator, type Simulator } from "./vcsim";

const tools = readTools();
const WORK = path.join(E2E_DIR, ".work", "tooling");
const LOG = path.join(WORK, "commands.log");

let sim: Simulator | undefined;
beforeAll(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  if (tools.vcsim && tools.govc) sim = await startSimulator(tools.vcsim, tools.govc, WORK);
}, 60_000);
afterAll(async () => {
  await sim?.stop();
});

describeE2e("vcsim", tools, ["vcsim", "govc"], () => {
  test("listens on loopback and has the default inventory the scenario uses", async () => {
    expect(sim!.server).toMatch(/^127\.0\.0\.1:\d+$/);
    const govc = new Govc(tools.govc!, sim!.govcEnv, LOG);
    expect(await govc.ls("/")).toEqual(["/DC0"]);
    expect(await govc.ls("/DC0/host/DC0_C0")).toEqual(
      expect.arrayContaining([
        "/DC0/host/DC0_C0/DC0_C0_H0",
        "/DC0/host/DC0_C0/DC0_C0_H1",
        "/DC0/host/DC0_C0/DC0_C0_H2",
      ]),
    );
    expect(await govc.ls("/DC0/host/DC0_H0")).toContain("/DC0/host/DC0_H0/Resources");
    expect(await govc.ls("/DC0/datastore")).toContain("/DC0/datastore/LocalDS_0");
    expect(await govc.ls("/DC0/network")).toContain("/DC0/network/VM Network");
    expect(await govc.ls("/DC0/vm")).toEqual(expect.arrayContaining(["/DC0/vm/DC0_H0_VM0", "/DC0/vm/DC0_C0_RP0_VM0"]));
    expect(await govc.snapshotNames("DC0_H0_VM0")).toEqual([]);
  });

  test(`holds the golden VM the scenario builds: EFI secure boot, ${APPLIANCE_GOLDEN.coresPerSocket} cores per socket, a disk on each of ${APPLIANCE_GOLDEN.diskGbByController.length} SCSI controllers`, async () => {
    const govc = new Govc(tools.govc!, sim!.govcEnv, LOG);
    const golden = { ...APPLIANCE_GOLDEN, name: "golden-tooling-check" };
    await buildGolden(govc, sim!.govcEnv.GOVC_URL, golden);
    const f = (await vmFacts(govc, `/DC0/vm/${golden.name}`))!;
    expect(hardwareOf(f)).toEqual({
      firmware: "efi",
      secureBoot: true,
      coresPerSocket: golden.coresPerSocket,
      hardwareVersion: "vmx-17",
      scsiControllers: [
        { bus: 0, type: "ParaVirtualSCSIController" },
        { bus: 1, type: "ParaVirtualSCSIController" },
      ],
      disks: golden.diskGbByController.map((gb, bus) => ({
        bus,
        unit: 0,
        capacityKb: gb * 1024 * 1024,
        controllerType: "ParaVirtualSCSIController",
      })),
    });
    expect(f.numCpus).toBe(golden.cpus);
    expect(f.powerState).toBe("poweredOff");
    expect(await govc.snapshotNames(golden.name)).toEqual([]);
  });
});

/** A configuration that reads the simulator through the provider, and nothing else. */
function readerConfig(server: string): Record<string, unknown> {
  return {
    terraform: { required_providers: { vsphere: { source: "vmware/vsphere", version: PROVIDER_VERSION } } },
    variable: {
      vsphere_user: { type: "string", sensitive: true },
      vsphere_password: { type: "string", sensitive: true },
    },
    provider: {
      vsphere: [
        {
          vsphere_server: server,
          allow_unverified_ssl: true,
          user: "${var.vsphere_user}",
          password: "${var.vsphere_password}",
        },
      ],
    },
    data: {
      vsphere_datacenter: { dc: { name: "DC0" } },
      vsphere_virtual_machine: { src: { name: "DC0_C0_RP0_VM0", datacenter_id: "${data.vsphere_datacenter.dc.id}" } },
    },
    output: { source_uuid: { value: "${data.vsphere_virtual_machine.src.uuid}" } },
  };
}

for (const [binary, host] of [
  ["terraform", "registry.terraform.io"],
  ["tofu", "registry.opentofu.org"],
] as [Binary, string][]) {
  describeE2e(
    `${binary}: provider mirror`,
    tools,
    ["vcsim", "govc", "terraform", "provider", ...(binary === "tofu" ? (["tofu"] as const) : [])],
    () => {
      const tfVars = { TF_VAR_vsphere_user: SIM_USER, TF_VAR_vsphere_password: SIM_PASSWORD };

      test(`installs ${host}/vmware/vsphere ${PROVIDER_VERSION} from the local mirror and reads the simulator`, async () => {
        const dir = path.join(WORK, `mirror-ok-${binary}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(readerConfig(sim!.server), null, 2));
        const tf = new Terraform(tools, dir, tfVars, LOG, binary);
        const init = await tf.init();
        expect(init.stdout).toContain(`Installing vmware/vsphere v${PROVIDER_VERSION}`);
        const lock = fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
        expect(lock).toContain(`provider "${host}/vmware/vsphere"`);
        expect(lock).toContain(`version     = "${PROVIDER_VERSION}"`);
        await tf.run(["apply", "-input=false", "-no-color", "-auto-approve"]);
        const out = await tf.run(["output", "-raw", "source_uuid"]);
        const info = await new Govc(tools.govc!, sim!.govcEnv, LOG).json<{
          virtualMachines: { config: { uuid: string } }[];
        }>("vm.info", "-json", "DC0_C0_RP0_VM0");
        expect(out.stdout.trim()).toBe(info.virtualMachines[0].config.uuid);
      });

      test("installs nothing from the network: a provider outside the mirror is refused", async () => {
        const dir = path.join(WORK, `mirror-only-${binary}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, "main.tf.json"),
          JSON.stringify({ terraform: { required_providers: { null: { source: "hashicorp/null" } } } }),
        );
        const err = await new Terraform(tools, dir, {}, LOG, binary).init().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CommandError);
        expect((err as CommandError).result.stderr + (err as CommandError).result.stdout).toMatch(
          /hashicorp\/null[\s\S]*not found\s+in any of the search locations/,
        );
      });
    },
  );
}
