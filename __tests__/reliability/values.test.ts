/**
 * Values a vCenter, Windows or the network would refuse or misread are errors at synth, each
 * naming the field and the fix; the nearest good value passes.
 */
import { changed, STACK_TRACE, synthFiles, toYaml, validEnv, type Env } from "./helpers";

const windowsLab = (change: (e: Env) => void) =>
  changed(validEnv(), (e) => {
    e.bases.golden.guestOs = "windows";
    e.groups[0].namePattern = "pc-{nn}";
    e.groups[0].customization.windows = { workgroup: "LAB", timeZone: 110 };
    change(e);
  });
const linuxLab = (change: (e: Env) => void) => changed(validEnv(), change);

const cases: [string, Env, string, RegExp][] = [
  [
    "a time-zone index above the table",
    windowsLab((e) => (e.groups[0].customization.windows.timeZone = 99999)),
    "groups[0].customization.windows.timeZone",
    /timeZone 99999 is not a Windows time-zone index \(Microsoft's table: 0 to 300, and codes from 0x80000000 written signed, e\.g\. -2147483568 for UTC\); use the index of the zone, e\.g\. 85/,
  ],
  [
    "a negative time-zone index",
    windowsLab((e) => (e.groups[0].customization.windows.timeZone = -1)),
    "groups[0].customization.windows.timeZone",
    /timeZone -1 is not a Windows time-zone index/,
  ],
  [
    "a workgroup with '*'",
    windowsLab((e) => (e.groups[0].customization.windows.workgroup = "PACK LAB*")),
    "groups[0].customization.windows.workgroup",
    /workgroup 'PACK LAB\*' holds '\*', which a NetBIOS name may not hold/,
  ],
  [
    "Windows computer names of digits only",
    windowsLab((e) => (e.groups[0].namePattern = "{nnn}")),
    "groups[0].namePattern",
    /\[hostname\] lab\/web: Windows computer name '001', '002', '003' is all digits, which Windows refuses/,
  ],
  [
    "DNS server 0.0.0.0",
    linuxLab((e) => (e.groups[0].customization.dnsServers = ["0.0.0.0"])),
    "groups[0].customization.dnsServers[0]",
    /DNS server 0\.0\.0\.0 is in 0\.0\.0\.0\/8 \('this network'\), not a host's address; give the DNS server's own address/,
  ],
  [
    "DNS server 255.255.255.255",
    linuxLab((e) => (e.groups[0].customization.dnsServers = ["10.0.10.2", "255.255.255.255"])),
    "groups[0].customization.dnsServers[1]",
    /is the limited broadcast address/,
  ],
  [
    "a multicast gateway",
    linuxLab((e) => (e.groups[0].customization.ipv4.gateway = "224.0.0.1")),
    "groups[0].customization.ipv4.gateway",
    /gateway 224\.0\.0\.1 is a multicast address \(224\.0\.0\.0\/4\), not a host's; give the router's address/,
  ],
  [
    "a member on loopback",
    linuxLab((e) => {
      e.groups[0].members = ["web-01", { name: "web-02", ipv4: "127.0.0.1" }];
      delete e.groups[0].count;
    }),
    "groups[0].members[1].ipv4",
    /member 'web-02' has ipv4 127\.0\.0\.1, which is a loopback address/,
  ],
  [
    "a group generation past exact numbers",
    linuxLab((e) => (e.groups[0].generation = Number("9007199254740993"))),
    "groups[0].generation",
    /generation is 9007199254740992; use at most 9007199254740991/,
  ],
  [
    "a datacenter with a leading '/'",
    linuxLab((e) => (e.datacenter = "/Training")),
    "datacenter",
    /datacenter '\/Training' starts or ends with '\/'; write the datacenter's name \(or its folder path below the root, like Labs\/DC1\) without a leading or trailing '\/', e\.g\. 'Training'/,
  ],
  [
    "a folder with '..'",
    linuxLab((e) => (e.groups[0].folder = "training/../students")),
    "groups[0].folder",
    /folder 'training\/\.\.\/students' has a '\.\.' segment, which inventory paths do not have/,
  ],
  [
    "an absolute resource pool path outside a host folder",
    linuxLab((e) => {
      delete e.groups[0].cluster;
      e.groups[0].resourcePool = "/DC0/vm/C0/Resources";
      e.groups[0].hosts = ["H0"];
    }),
    "groups[0].resourcePool",
    /resourcePool '\/DC0\/vm\/C0\/Resources' is absolute but not below a datacenter's host folder; write it relative to the datacenter's host folder, e\.g\. 'C0\/Resources', or as \/<datacenter>\/host\/<cluster>\/Resources/,
  ],
  [
    "an absolute folder under a datacenter in a folder",
    linuxLab((e) => {
      e.datacenter = "Labs/DC1";
      e.groups[0].folder = "/Labs/DC1/vm/web";
    }),
    "groups[0].folder",
    /folder '\/Labs\/DC1\/vm\/web' is absolute; write it relative to the datacenter's VM folder, e\.g\. 'web'/,
  ],
];

describe("values a platform refuses", () => {
  it.each(cases)("%s is an error naming the field", (_name, env, field, message) => {
    const r = synthFiles({ "lab.yaml": toYaml(env) });
    expect(r.exitCode).toBe(1);
    expect(r.printed).toMatch(message);
    if (!message.source.startsWith("\\[")) expect(r.err.find((l) => l.includes(`: ${field}: `))).toMatch(message);
    expect(r.printed).not.toMatch(STACK_TRACE);
    expect(r.thrown).toBeUndefined();
  });

  it("passes the nearest good values: time zones 0 and 300, a workgroup with '-', a resolver on loopback, a date-stamp generation, UTC written signed", () => {
    const env = windowsLab((e) => {
      e.groups[0].customization.windows = { workgroup: "PACK-LAB", timeZone: 300 };
      e.groups[0].customization.dnsServers = ["127.0.0.53"];
      e.groups[0].generation = 20261127;
    });
    const r = synthFiles({ "lab.yaml": toYaml(env) });
    expect(r.err).toEqual([]);
    expect(r.exitCode).toBe(0);
    const zero = windowsLab((e) => (e.groups[0].customization.windows.timeZone = 0));
    expect(synthFiles({ "lab.yaml": toYaml(zero) }).exitCode).toBe(0);
    const utc = windowsLab((e) => (e.groups[0].customization.windows.timeZone = -2147483568));
    expect(synthFiles({ "lab.yaml": toYaml(utc) }).exitCode).toBe(0);
    const unsigned = windowsLab((e) => (e.groups[0].customization.windows.timeZone = 2147483728));
    expect(synthFiles({ "lab.yaml": toYaml(unsigned) }).printed).toContain(
      "timeZone 2147483728 is a zone code written unsigned; vSphere takes it as a signed 32-bit number: timeZone: -2147483568",
    );
    // A datacenter in a folder, and a resource pool below a cluster, written relative.
    const nested = linuxLab((e) => {
      e.datacenter = "Labs/DC0";
      delete e.groups[0].cluster;
      e.groups[0].resourcePool = "C0/Resources/students";
      e.groups[0].hosts = ["H0", "H1"];
    });
    const r2 = synthFiles({ "lab.yaml": toYaml(nested) });
    expect(r2.err).toEqual([]);
    expect(JSON.stringify(r2.exitCode)).toBe("0");
    // An absolute pool path below the host folder: its cluster is the segment after `host`, so hosts are checked there.
    const absolute = linuxLab((e) => {
      delete e.groups[0].cluster;
      e.groups[0].resourcePool = "/DC0/host/C0/Resources";
      e.groups[0].hosts = ["H0", "H1"];
    });
    const r3 = synthFiles({ "lab.yaml": toYaml(absolute) });
    expect(r3.err).toEqual([]);
    expect(r3.exitCode).toBe(0);
    const elsewhere = linuxLab((e) => {
      delete e.groups[0].cluster;
      e.groups[0].resourcePool = "/DC0/host/C0/Resources";
      e.groups[0].hosts = ["H9"];
    });
    expect(synthFiles({ "lab.yaml": toYaml(elsewhere) }).printed).toMatch(/host 'H9' is not in cluster 'C0'/);
    // A cluster in a host folder: the pool's cluster is what comes before its root pool Resources.
    for (const pool of ["Rack 1/C0/Resources/students", "/DC0/host/Rack 1/C0/Resources", "C0/Resources/"]) {
      const inFolder = (hosts: string[]) =>
        linuxLab((e) => {
          delete e.groups[0].cluster;
          e.groups[0].resourcePool = pool;
          e.groups[0].hosts = hosts;
        });
      const ok = synthFiles({ "lab.yaml": toYaml(inFolder(["H0", "H1"])) });
      expect({ pool, err: ok.err, exitCode: ok.exitCode }).toEqual({ pool, err: [], exitCode: 0 });
      expect(ok.printed).not.toMatch(/chain-hosts/);
      expect(synthFiles({ "lab.yaml": toYaml(inFolder(["H9"])) }).printed).toMatch(/host 'H9' is not in cluster 'C0'/);
    }
  });
});
