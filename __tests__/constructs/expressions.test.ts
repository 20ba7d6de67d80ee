/**
 * The Terraform expressions a group writes, evaluated by Terraform itself (`terraform console`)
 * on made-up source data: disks on two SCSI controllers (with units past the controller's own
 * unit 7), cores per socket, and per-member choices during a rollout. Comparing strings would
 * not catch an expression that is wrong where Terraform binds its operators.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../helpers/files";
import { addGroup, synthJson, testStack, twoBases } from "../helpers/stack";

type Json = Record<string, any>;

const PROJECT = path.resolve(__dirname, "..", "..");

/** terraform (or tofu) from PATH, else the e2e tools' cached one. */
function terraformBinary(): string {
  for (const name of ["terraform", "tofu"]) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  const cached = path.join(PROJECT, "e2e", ".cache", "bin", "terraform");
  if (fs.existsSync(cached)) return cached;
  throw new Error("terraform is not on PATH (nor in e2e/.cache/bin): it evaluates the expressions; install it");
}

/** Source data: golden has disks on bus 0 (units 0, 1, 8) and bus 1 (unit 0); next one disk. */
const SOURCES: Record<string, Json> = {
  golden: {
    uuid: "uuid-golden",
    num_cores_per_socket: 2,
    disks: [
      { unit_number: 0, size: 20 },
      { unit_number: 1, size: 5 },
      { unit_number: 8, size: 6 },
      { unit_number: 0, size: 7 },
    ],
  },
  next: { uuid: "uuid-next", num_cores_per_socket: 4, disks: [{ unit_number: 0, size: 30 }] },
};

/** HCL for a value (objects, lists, strings, numbers). */
function hcl(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(hcl).join(", ")}]`;
  if (v && typeof v === "object") {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k} = ${hcl(x)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(v);
}

/**
 * Evaluates expressions in a scratch folder where the stack's references are locals: each
 * source VM's data sources (both lookups) are `local.src_<base>`, snapshots and pools strings.
 */
function evaluate(json: Json, baseOfVm: Record<string, string>, exprs: string[]): string[] {
  const dir = tempDir();
  const locals = Object.entries(SOURCES).map(([b, data]) => `  src_${b} = ${hcl(data)}`);
  fs.writeFileSync(path.join(dir, "main.tf"), `locals {\n${locals.join("\n")}\n}\n`);
  const rewrite = (e: string) => {
    let out = e.replace(/^\$\{([\s\S]*)\}$/, "$1");
    for (const [key, d] of Object.entries(json.data.vsphere_virtual_machine as Record<string, Json>)) {
      out = out.split(`data.vsphere_virtual_machine.${key}`).join(`local.src_${baseOfVm[d.name]}`);
    }
    out = out.replace(/vsphere_virtual_machine_snapshot\.[A-Za-z0-9_-]+\.id/g, '"snapshot-1"');
    out = out.replace(/data\.vsphere_compute_cluster\.[A-Za-z0-9_-]+\.resource_pool_id/g, '"pool-1"');
    return out;
  };
  // One expression: `terraform console` reading a pipe prints the value of the last line only.
  const input = `jsonencode([${exprs.map((e) => `(${rewrite(e)})`).join(", ")}])\n`;
  const r = spawnSync(terraformBinary(), ["console"], {
    cwd: dir,
    input,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`terraform console failed:\n${r.stderr}\ninput:\n${input}`);
  return JSON.parse(JSON.parse(r.stdout.trim())) as string[];
}

/** A disk's unit number expression for disk `k` of the member's disks expression. */
function diskUnit(vm: Json, k: number, memberBase?: string): string {
  const disks = (vm.dynamic.disk.for_each as string).replace(/^\$\{([\s\S]*)\}$/, "$1");
  return (vm.dynamic.disk.content.unit_number as string)
    .replace(/src_disk\.value/g, `${disks}[${k}]`)
    .replace(/src_disk\.key/g, String(k))
    .replace(/each\.value\.base/g, JSON.stringify(memberBase ?? ""));
}

describe("the group's expressions, evaluated by Terraform", () => {
  it("numbers disks on a second SCSI controller as the provider does and asks for enough controllers", () => {
    const t = testStack();
    addGroup(t, "web", { count: 1 });
    const json = synthJson(t);
    const vm = json.resource.vsphere_virtual_machine.web;
    const units = evaluate(
      json,
      { VM0: "golden" },
      [0, 1, 2, 3].map((k) => diskUnit(vm, k)),
    );
    // Bus 0 units 0, 1 and 8 (8 is past the controller's unit 7: the provider's 7), bus 1 unit 0 (15).
    expect(units).toEqual([0, 1, 7, 15]);
    expect(evaluate(json, { VM0: "golden" }, [vm.scsi_controller_count])).toEqual([2]);
  });

  it("keeps the source's cores per socket when they divide cpus, else 1", () => {
    const t = testStack();
    addGroup(t, "six", { count: 1, cpus: 6 });
    addGroup(t, "four", { count: 1, cpus: 4 });
    const json = synthJson(t);
    const cores = (g: string) => json.resource.vsphere_virtual_machine[g].num_cores_per_socket;
    expect(evaluate(json, { VM0: "golden" }, [cores("six"), cores("four")])).toEqual([2, 2]);
    const odd = testStack();
    addGroup(odd, "three", { count: 1, cpus: 3 });
    const oddJson = synthJson(odd);
    expect(
      evaluate(oddJson, { VM0: "golden" }, [oddJson.resource.vsphere_virtual_machine.three.num_cores_per_socket]),
    ).toEqual([1]);
  });

  it("resolves every per-member choice of a rollout to the member's own base", () => {
    const t = twoBases();
    addGroup(t, "web", { base: t.next, count: 2, rollout: { from: t.base, moved: 1 } });
    const json = synthJson(t);
    const vm = json.resource.vsphere_virtual_machine.web;
    const bases = { VM0: "golden", VM1: "next" };
    const forMember = (base: string) => (e: string) => e.replace(/each\.value\.base/g, JSON.stringify(base));
    for (const [member, base] of [
      ["web-01", "next"],
      ["web-02", "golden"],
    ] as const) {
      expect(vm.for_each[member].base).toBe(base);
      const [uuid, pool, controllers, unit0, cores] = evaluate(json, bases, [
        forMember(base)(vm.clone.template_uuid),
        forMember(base)(vm.resource_pool_id),
        forMember(base)(vm.scsi_controller_count),
        diskUnit(vm, 0, base),
        forMember(base)(vm.num_cores_per_socket),
      ]);
      expect({ member, uuid, pool, controllers, unit0, cores }).toEqual({
        member,
        uuid: `uuid-${base}`,
        pool: "pool-1",
        controllers: base === "golden" ? 2 : 1,
        unit0: 0,
        cores: SOURCES[base].num_cores_per_socket,
      });
    }
    // The last disk of golden (bus 1) through the rollout's choice: 15, not an error or the other branch.
    expect(evaluate(json, bases, [diskUnit(vm, 3, "golden")])).toEqual([15]);
  });
});
