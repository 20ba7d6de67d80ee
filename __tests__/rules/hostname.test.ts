import { app, base, findingsOf, group, member, messages } from "../helpers/model";

const named = (name: string) => [member(name)];
const windows = base({ guestOs: "windows" });

describe("hostname", () => {
  it("passes a Linux host name of 63 characters (at the limit)", () => {
    expect(findingsOf("hostname", app([group("web", { customized: true, members: named("a".repeat(63)) })]))).toEqual(
      [],
    );
  });

  it("fails a Linux host name of 64 characters with the exact message", () => {
    expect(messages("hostname", app([group("web", { customized: true, members: named("a".repeat(64)) })]))).toEqual([
      `[hostname] lab/web: Linux host name '${"a".repeat(64)}' (64 characters) is too long, 64 characters vs 63 characters; shorten namePattern or the member names`,
    ]);
  });

  it("lists the longest names first, each with its own length, so the numbers match the names shown", () => {
    const names = ["w".repeat(16), "x".repeat(16), "y".repeat(17), "z".repeat(16), "v".repeat(16)].map((n) =>
      member(n),
    );
    const [message] = messages("hostname", app([group("web", { base: windows, customized: true, members: names })]));
    expect(message).toBe(
      `[hostname] lab/web: Windows host name '${"y".repeat(17)}' (17 characters), '${"v".repeat(16)}' (16 characters), ` +
        `'${"w".repeat(16)}' (16 characters) and 2 more is too long, 17 characters vs 15 characters; shorten namePattern or the member names`,
    );
  });

  it("passes a Windows name of 15 characters and fails 16", () => {
    expect(
      findingsOf("hostname", app([group("web", { base: windows, customized: true, members: named("w".repeat(15)) })])),
    ).toEqual([]);
    expect(
      messages("hostname", app([group("web", { base: windows, customized: true, members: named("w".repeat(16)) })]))[0],
    ).toContain("Windows host name 'wwwwwwwwwwwwwwww' (16 characters) is too long, 16 characters vs 15 characters;");
  });

  it("fails a Windows computer name of digits only, and passes it on Linux and with a letter", () => {
    expect(
      messages("hostname", app([group("web", { base: windows, customized: true, members: named("101") })])),
    ).toEqual([
      "[hostname] lab/web: Windows computer name '101' is all digits, which Windows refuses, '101' vs at least one letter or '-'; put a letter in namePattern or the member names, e.g. 'pc-{nn}'",
    ]);
    expect(
      findingsOf("hostname", app([group("web", { base: windows, customized: true, members: named("pc101") })])),
    ).toEqual([]);
    expect(findingsOf("hostname", app([group("web", { customized: true, members: named("101") })]))).toEqual([]);
  });

  it("fails names that are not RFC 1123 labels", () => {
    for (const bad of ["web_01", "-web", "web-", "web.01"]) {
      expect(messages("hostname", app([group("web", { customized: true, members: named(bad) })]))[0]).toContain(
        "is not a valid host name label",
      );
    }
  });

  it("ignores groups without customization (host names are not set)", () => {
    expect(findingsOf("hostname", app([group("web", { customized: false, members: named("a".repeat(70)) })]))).toEqual(
      [],
    );
  });

  it("reports a suppressed finding as info with its reason", () => {
    const model = app([
      group("web", {
        customized: true,
        members: named("a_b"),
        suppressions: [{ rule: "hostname", reason: "guests ignore it" }],
      }),
    ]);
    expect(findingsOf("hostname", model)[0]).toMatchObject({ severity: "info", suppressionReason: "guests ignore it" });
  });
});
