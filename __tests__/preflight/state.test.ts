import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { localStatePath, parseState, readState, StateReadError } from "../../lib/preflight";
import { deployedState, env, labEnv } from "./helpers";

describe("parseState", () => {
  it("reads the managed snapshot and the clones from a state the provider wrote (2.15.0, recorded)", () => {
    const s = deployedState();
    expect(s.known).toBe(true);
    expect(s.snapshots).toEqual([
      { id: "snapshot-81", name: "golden-e2e", vmUuid: "cd0681bf-2f18-5c00-9b9b-8197c0095348" },
    ]);
    expect(s.vms).toEqual([
      {
        name: "web-01",
        uuid: "f87fd5d3-20a8-513a-9d5c-739e02ce85d0",
        moid: "vm-84",
        templateUuid: "cd0681bf-2f18-5c00-9b9b-8197c0095348",
      },
    ]);
  });

  it("takes empty text as an empty state, and refuses text that is not JSON", () => {
    expect(parseState("", "x")).toEqual({ known: true, source: "x", snapshots: [], vms: [] });
    expect(() => parseState("{", "state/lab.tfstate")).toThrow(StateReadError);
  });
});

describe("readState", () => {
  const spec = env(labEnv()).spec;
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-state-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds the local backend's state where the stack writes it: state/<env>.tfstate beside the output folder", () => {
    const outdir = path.join(dir, "cdktf.out");
    expect(localStatePath("lab", spec, outdir)).toBe(path.join(dir, "state", "lab.tfstate"));
    const withPath = env({ ...labEnv(), backend: { type: "local", path: "states/lab.json" } }).spec;
    expect(localStatePath("lab", withPath, outdir)).toBe(path.join(dir, "states", "lab.json"));
  });

  it("reads a missing local state as 'before the first deploy'", () => {
    const s = readState("lab", spec, { outdir: path.join(dir, "cdktf.out") });
    expect(s).toMatchObject({ known: true, snapshots: [], vms: [] });
    expect(s.source).toMatch(/state\/lab\.tfstate, not there yet$/);
    expect(path.isAbsolute(s.source)).toBe(false);
  });

  it("reads the local state file, or the one given with --state", () => {
    const recorded = path.join(__dirname, "fixtures", "deployed", "terraform.tfstate");
    fs.mkdirSync(path.join(dir, "state"));
    fs.copyFileSync(recorded, path.join(dir, "state", "lab.tfstate"));
    expect(readState("lab", spec, { outdir: path.join(dir, "cdktf.out") }).snapshots).toHaveLength(1);
    expect(readState("lab", spec, { outdir: "nowhere", stateFile: recorded }).vms).toHaveLength(1);
    expect(() => readState("lab", spec, { outdir: "nowhere", stateFile: path.join(dir, "none.tfstate") })).toThrow(
      /does not exist/,
    );
  });

  it("says why a remote backend's state is unknown when its stack folder is not initialized", () => {
    const s3 = env({ ...labEnv(), backend: { type: "s3", bucket: "b", key: "k", region: "eu-west-1" } }).spec;
    const s = readState("lab", s3, { outdir: path.join(dir, "cdktf.out") });
    expect(s.known).toBe(false);
    expect(s.reason).toMatch(
      /^the s3 backend is not initialized in .*cdktf\.out\/stacks\/lab; run cdktf synth and terraform init there, or pass --state FILE \(from terraform state pull\)$/,
    );
  });
});
