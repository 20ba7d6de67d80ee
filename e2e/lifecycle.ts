/**
 * Day-2 lifecycle on vcsim through the cdktf CLI (issue 12): refresh one member with its
 * `generation`, roll a group of four from one base to another in two waves of two with
 * `rollout`, delete `rollout` (nothing changes), no drift, destroy. Every change is planned
 * exactly (`plan -out` + `show -json`: exactly these addresses, nothing else), deployed with
 * `npx cdktf deploy`, and checked with govc: which VMs were re-created (new managed object id
 * and creation time), which base each clone comes from (its annotation, and its source's
 * vCPUs and memory), and that names and addresses stay. See e2e/README.md.
 */
import * as path from "node:path";
import { memberAddresses, type EnvFile, type ExpectedStack } from "./environment";
import { Lab, LabProject, vmMark, type VmMark } from "./lab";
import { changesOf } from "./plans";
import { describeE2e, plainError, Steps } from "./steps";
import type { Binary } from "./terraform";
import { E2E_DIR, log, readTools } from "./tools";

/** The environment file of this suite. */
export const LIFECYCLE_ENV = path.join(E2E_DIR, "environments", "lifecycle.yaml");
const GROUP = "lab";
const OLD_BASE = "ubuntu-v1";
const NEW_BASE = "ubuntu-v2";
/** The new image's source VM: a govc copy of the old one, with other vCPUs and memory. */
const NEW_VM = { name: "golden-ubuntu-v2", copyOf: "DC0_H0_VM0", cpus: 2, memoryMb: 64 };
/** The member refreshed in step 2. */
const REFRESHED = "lab-02";

type GroupEntry = EnvFile["groups"][number];

function groupOf(env: EnvFile): GroupEntry {
  const g = env.groups.find((x) => x.name === GROUP);
  if (!g) throw plainError(`${path.basename(LIFECYCLE_ENV)} has no group '${GROUP}'`);
  return g;
}

/** Every address of the listed members (clone and trigger), each with `action`. */
function exactly(exp: ExpectedStack, members: string[], action: string): Record<string, string> {
  const g = exp.groups.find((x) => x.name === GROUP)!;
  const out: Record<string, string> = {};
  for (const m of members) for (const a of memberAddresses(g, m)) out[a] = action;
  // A confined group's VM group lists the clones' ids: it follows a replaced clone.
  if (action === "replace")
    for (const r of g.resources.filter((x) => x.type === "vsphere_compute_cluster_vm_group")) out[r.address] = "update";
  return out;
}

/**
 * Registers the lifecycle suite for `binary`. `skipped` (a reason starting "E2E SKIPPED: ") registers
 * it as skipped on purpose, with the reason printed and in the todo entry's name.
 */
export function defineLifecycle(binary: Binary, skipped?: string): void {
  const tools = readTools();
  describeE2e(
    `day-2 lifecycle on vcsim through \`cdktf\` with ${binary}: refresh one member, roll a group to a new base in two waves`,
    tools,
    ["vcsim", "govc", "terraform", "provider", ...(binary === "tofu" ? (["tofu"] as const) : [])],
    () => {
      const steps = new Steps();
      let lab: Lab;
      let p: LabProject;
      /** What govc showed of each member after the last step. */
      let seen = new Map<string, VmMark>();
      /** The source VMs' vCPUs and memory, by base name. */
      const sources = new Map<string, { vm: string; cpus: number; memoryMb: number }>();

      const datacenter = () => p.expected().spec.datacenter;
      const members = (exp = p.expected()) => exp.groups.find((g) => g.name === GROUP)!.members;

      /**
       * govc's view of every member against what the project's code says: the path, the
       * address and host name the guest reports, and the member's base (its annotation and its
       * source's vCPUs and memory). `recreated` must have a new managed object id and a later
       * creation time; every other member must be the very VM seen before. Logs a table.
       */
      async function checkMembers(label: string, recreated: string[]): Promise<void> {
        const exp = p.expected();
        const folder = exp.groups.find((g) => g.name === GROUP)!.spec.folder!;
        const problems: string[] = [];
        const table: string[] = [];
        const next = new Map<string, VmMark>();
        for (const m of members(exp)) {
          const vmPath = `/${exp.spec.datacenter}/vm/${folder}/${m.name}`;
          const mark = await vmMark(p.lab.govc, vmPath);
          if (!mark) {
            problems.push(`${m.name}: not found at ${vmPath}`);
            continue;
          }
          next.set(m.name, mark);
          const src = sources.get(m.base)!;
          const wantAnnotation = `Linked clone of base '${m.base}' (${src.vm}), group '${GROUP}' of stack ${p.stack}`;
          if (mark.annotation !== wantAnnotation)
            problems.push(
              `${m.name}: annotation ${JSON.stringify(mark.annotation)}, expected ${JSON.stringify(wantAnnotation)}`,
            );
          if (mark.cpus !== src.cpus || mark.memoryMb !== src.memoryMb)
            problems.push(
              `${m.name}: ${mark.cpus} vCPU ${mark.memoryMb} MB, its base ${m.base} (${src.vm}) has ${src.cpus} vCPU ${src.memoryMb} MB`,
            );
          if (JSON.stringify(mark.ipAddresses) !== JSON.stringify([m.ipv4]) || mark.hostName !== m.name)
            problems.push(
              `${m.name}: the guest reports ${mark.hostName} ${JSON.stringify(mark.ipAddresses)}, expected ${m.name} ["${m.ipv4}"]`,
            );
          const before = seen.get(m.name);
          let identity = "created";
          if (before) {
            const isNew = mark.moid !== before.moid && mark.created > before.created;
            identity = isNew ? `${before.moid} -> ${mark.moid} (re-created)` : `${mark.moid} (the same VM)`;
            if (recreated.includes(m.name) && !isNew)
              problems.push(
                `${m.name}: expected re-created, but it is the same VM (${mark.moid}, created ${mark.created})`,
              );
            if (!recreated.includes(m.name) && (mark.moid !== before.moid || mark.created !== before.created))
              problems.push(
                `${m.name}: expected untouched, but it changed: ${before.moid} created ${before.created} -> ${mark.moid} created ${mark.created}`,
              );
          }
          table.push(
            `  ${m.name}  ${identity.padEnd(32)} base ${m.base} (${src.vm}), ${mark.cpus} vCPU ${mark.memoryMb} MB, ${mark.hostName} ${mark.ipAddresses.join(",")}`,
          );
        }
        // Nothing else in the group's folder.
        const inFolder = (await p.lab.govc.ls(`/${exp.spec.datacenter}/vm/${folder}`)).map((x) =>
          path.posix.basename(x),
        );
        const names = members(exp).map((m) => m.name);
        if (JSON.stringify([...inFolder].sort()) !== JSON.stringify([...names].sort()))
          problems.push(`folder ${folder} holds ${JSON.stringify(inFolder)}, expected ${JSON.stringify(names)}`);
        log(`govc after ${label}:\n${table.join("\n")}`);
        seen = next;
        if (problems.length) throw plainError(`govc after ${label}:\n  ${problems.join("\n  ")}`);
      }

      /** Each base VM carries exactly its managed snapshot (or none, after destroy). */
      async function checkSnapshots(deployed: boolean): Promise<void> {
        for (const b of p.expected().bases) {
          expect({ vm: b.vm, snapshots: await p.lab.govc.snapshotNames(b.vm) }).toEqual({
            vm: b.vm,
            snapshots: deployed ? [b.snapshot] : [],
          });
        }
      }

      /** Plans `next` exactly, deploys it (also when the plan was wrong, so later steps start from it), checks with govc. */
      async function change(label: string, next: EnvFile, replaced: string[]): Promise<void> {
        let planProblem: Error | undefined;
        try {
          const plan = await p.planExactly(label, next, exactly(p.expected(next), replaced, "replace"));
          // Every replaced clone is replaced because its trigger was (lifecycle.replace_triggered_by).
          for (const c of changesOf(plan.plan).changes.filter((x) => x.type === "vsphere_virtual_machine"))
            expect({ address: c.address, reason: c.actionReason }).toEqual({
              address: c.address,
              reason: "replace_by_triggers",
            });
          // Outputs: only the group's `<group>_vms` (name => id, address), whose replaced ids are known after apply.
          const outputs = Object.entries(plan.plan.output_changes ?? {})
            .filter(([, oc]) => oc.actions.join() !== "no-op")
            .map(([name]) => name);
          expect(outputs.filter((o) => o !== `${GROUP}_vms`)).toEqual([]);
        } catch (e) {
          planProblem = e as Error;
        }
        await steps.critical(`\`cdktf deploy\` (${label})`, () => p.deploy(label, next));
        if (planProblem) throw planProblem;
        await checkMembers(label, replaced);
      }

      beforeAll(async () => {
        lab = await Lab.start(tools, `lifecycle-${binary}`);
        p = lab.project("", LIFECYCLE_ENV, { binary });
      }, 60_000);

      afterAll(async () => {
        await lab?.stop();
      });

      steps.step(
        "0. prepares the inventory with govc: the folder, and the new image's source VM as a copy of the old one (other vCPUs and memory); no base VM has a snapshot",
        () =>
          steps.critical("preparing the inventory", async () => {
            const exp = p.expected();
            const dc = datacenter();
            await lab.govc.ensureFolder(dc, exp.groups.find((g) => g.name === GROUP)!.spec.folder!);
            await lab.govc.run(
              "vm.clone",
              "-vm",
              `/${dc}/vm/${NEW_VM.copyOf}`,
              "-on=false",
              "-pool",
              `/${dc}/host/DC0_H0/Resources`,
              "-ds",
              "LocalDS_0",
              "-folder",
              `/${dc}/vm`,
              NEW_VM.name,
            );
            await lab.govc.run(
              "vm.change",
              "-vm",
              `/${dc}/vm/${NEW_VM.name}`,
              "-c",
              String(NEW_VM.cpus),
              "-m",
              String(NEW_VM.memoryMb),
            );
            for (const b of exp.bases) {
              const m = await lab.govc.json<{ config: { hardware: { numCPU: number; memoryMB: number } } }>(
                "object.collect",
                "-o",
                "-json",
                `/${dc}/vm/${b.vm}`,
                "config",
              );
              sources.set(b.name, { vm: b.vm, cpus: m.config.hardware.numCPU, memoryMb: m.config.hardware.memoryMB });
            }
            log(
              `bases: ${[...sources].map(([b, s]) => `${b} = ${s.vm} (${s.cpus} vCPU, ${s.memoryMb} MB)`).join("; ")}`,
            );
            expect(sources.get(NEW_BASE)).toEqual({ vm: NEW_VM.name, cpus: NEW_VM.cpus, memoryMb: NEW_VM.memoryMb });
            expect(sources.get(OLD_BASE)!.memoryMb).not.toBe(NEW_VM.memoryMb);
            await checkSnapshots(false);
          }),
      );

      steps.step(
        "1. first deploy: the plan creates exactly both managed snapshots and the 4 clones with their triggers; `cdktf deploy`; govc sees 4 clones of ubuntu-v1 with their addresses",
        async () => {
          const exp = p.expected();
          const expected: Record<string, string> = {};
          for (const b of exp.bases) if (b.snapshotAddress) expected[b.snapshotAddress] = "create";
          Object.assign(
            expected,
            exactly(
              exp,
              members(exp).map((m) => m.name),
              "create",
            ),
          );
          let planProblem: Error | undefined;
          try {
            await p.planExactly("deploy", p.env, expected);
          } catch (e) {
            planProblem = e as Error;
          }
          await steps.critical("`cdktf deploy` (first deploy)", () => p.deploy("deploy", p.env));
          if (planProblem) throw planProblem;
          expect(members().map((m) => m.base)).toEqual([OLD_BASE, OLD_BASE, OLD_BASE, OLD_BASE]);
          await checkMembers("the first deploy", []);
          await checkSnapshots(true);
        },
        900_000,
      );

      steps.step(
        `2. refresh one member (members list, {name: ${REFRESHED}, generation: 1}): the plan replaces exactly its trigger and its clone; deployed; govc: ${REFRESHED} re-created with the same name and address, the others untouched`,
        async () => {
          const names = members().map((m) => m.name);
          const next = p.edit((e) => {
            const g = groupOf(e);
            delete g.count;
            g.members = names.map((n) => (n === REFRESHED ? { name: n, generation: 1 } : n));
          });
          // Same names, numbers and addresses as with count: only the generation differs.
          expect(members(p.expected(next)).map((m) => ({ ...m, generation: 0 }))).toEqual(
            members().map((m) => ({ ...m, generation: 0 })),
          );
          await change(`refresh ${REFRESHED}`, next, [REFRESHED]);
        },
        900_000,
      );

      for (const [wave, moved] of [
        [1, 2],
        [2, 4],
      ] as const) {
        steps.step(
          `${2 + wave}. rollout wave ${wave} (base: ${NEW_BASE}, rollout: {from: ${OLD_BASE}, moved: ${moved}}): the plan replaces exactly the wave's 2 members (trigger and clone); deployed; govc: members 1-${moved} from ${NEW_BASE}, the rest from ${OLD_BASE} and untouched`,
          async () => {
            const before = members().filter((m) => m.base === NEW_BASE).length;
            const next = p.edit((e) => {
              const g = groupOf(e);
              g.base = NEW_BASE;
              g.rollout = { from: OLD_BASE, moved };
            });
            const after = members(p.expected(next));
            expect(after.map((m) => m.base)).toEqual(after.map((_, i) => (i < moved ? NEW_BASE : OLD_BASE)));
            const wave = after.slice(before, moved).map((m) => m.name);
            expect(wave).toHaveLength(2);
            await change(`rollout wave ${moved / 2} (moved ${before} -> ${moved})`, next, wave);
            await checkSnapshots(true);
          },
          900_000,
        );
      }

      steps.step(
        "5. delete `rollout` (every member is on ubuntu-v2): the plan has no changes at all; `cdktf deploy` changes nothing",
        async () => {
          const next = p.edit((e) => {
            delete groupOf(e).rollout;
          });
          expect(members(p.expected(next)).map((m) => m.base)).toEqual(members().map(() => NEW_BASE));
          await p.synth("rollout deleted", next);
          const plan = await p.plan("rollout deleted");
          p.record("rollout deleted", plan);
          const r = await steps.critical("`cdktf deploy` (rollout deleted)", () => p.deploy("rollout deleted", next));
          expect({ changed: plan.changed, changes: changesOf(plan.plan).changes.map((c) => c.address) }).toEqual({
            changed: false,
            changes: [],
          });
          const out = LabProject.output(r);
          if (!/No changes\./.test(out))
            throw plainError(`\`cdktf deploy\` does not say "No changes.":\n${out.split("\n").slice(-30).join("\n")}`);
          await checkMembers("deleting rollout", []);
        },
        900_000,
      );

      steps.step("6. no drift: a fresh plan is clean", async () => {
        const plan = await p.expectNoDrift("no drift");
        p.record("no drift", plan);
      });

      steps.step(
        "7. `cdktf destroy`: the state is empty, no clone is left, both base VMs stay without a snapshot",
        async () => {
          const exp = p.expected();
          await p.destroy();
          expect((await p.state()).map((r) => r.address)).toEqual([]);
          const folder = exp.groups.find((g) => g.name === GROUP)!.spec.folder!;
          expect(await lab.govc.ls(`/${exp.spec.datacenter}/vm/${folder}`)).toEqual([]);
          await checkSnapshots(false);
          for (const b of exp.bases) expect(await lab.govc.exists(`/${exp.spec.datacenter}/vm/${b.vm}`)).toBe(true);
        },
        900_000,
      );
    },
    skipped,
  );
}
