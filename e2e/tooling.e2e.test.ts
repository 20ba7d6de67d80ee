/**
 * The e2e's own footing: the simulator has the inventory the scenario assumes, and
 * Terraform gets the vSphere provider from the project-local mirror only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CommandError, describeE2e, Govc, Terraform } from "./helpers";
import { E2E_DIR, PROVIDER_SOURCE, PROVIDER_VERSION, readTools } from "./tools";
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
    expect(await govc.ls("/DC0/datastore")).toContain("/DC0/datastore/LocalDS_0");
    expect(await govc.ls("/DC0/network")).toContain("/DC0/network/VM Network");
    expect(await govc.ls("/DC0/vm")).toContain("/DC0/vm/DC0_C0_RP0_VM0");
    expect(await govc.snapshotNames("DC0_C0_RP0_VM0")).toEqual([]);
  });
});

describeE2e("terraform provider mirror", tools, ["vcsim", "govc", "terraform", "provider"], () => {
  const tfVars = { TF_VAR_vsphere_user: SIM_USER, TF_VAR_vsphere_password: SIM_PASSWORD };

  test(`installs ${PROVIDER_SOURCE} ${PROVIDER_VERSION} from the local mirror and reads the simulator`, async () => {
    const dir = path.join(WORK, "mirror-ok");
    fs.mkdirSync(dir, { recursive: true });
    const config = {
      terraform: { required_providers: { vsphere: { source: "vmware/vsphere", version: PROVIDER_VERSION } } },
      variable: {
        vsphere_user: { type: "string", sensitive: true },
        vsphere_password: { type: "string", sensitive: true },
      },
      provider: {
        vsphere: [
          {
            vsphere_server: sim!.server,
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
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
    const tf = new Terraform(tools, dir, tfVars, LOG);
    const init = await tf.init();
    expect(init.stdout).toContain(`Installing vmware/vsphere v${PROVIDER_VERSION}`);
    expect(fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8")).toContain(
      `version     = "${PROVIDER_VERSION}"`,
    );
    await tf.run(["apply", "-input=false", "-no-color", "-auto-approve"]);
    const out = await tf.run(["output", "-raw", "source_uuid"]);
    const info = await new Govc(tools.govc!, sim!.govcEnv, LOG).json<{
      virtualMachines: { config: { uuid: string } }[];
    }>("vm.info", "-json", "DC0_C0_RP0_VM0");
    expect(out.stdout.trim()).toBe(info.virtualMachines[0].config.uuid);
  });

  test("installs nothing from the network: a provider outside the mirror is refused", async () => {
    const dir = path.join(WORK, "mirror-only");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { null: { source: "hashicorp/null" } } } }),
    );
    const err = await new Terraform(tools, dir, {}, LOG).init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).result.stderr + (err as CommandError).result.stdout).toMatch(
      /hashicorp\/null[\s\S]*not found\s+in any of the search locations/,
    );
  });
});
