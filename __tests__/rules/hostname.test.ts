import { app, base, findingsOf, group, messages } from "../helpers/model";

const named = (name: string) => [{ name, hostname: name }];
const windows = base({ guestOs: "windows" });

describe("hostname", () => {
  it("passes a Linux host name of 63 characters (at the limit)", () => {
    expect(findingsOf("hostname", app([group("web", { customized: true, members: named("a".repeat(63)) })]))).toEqual(
      [],
    );
  });

  it("fails a Linux host name of 64 characters with the exact message", () => {
    expect(messages("hostname", app([group("web", { customized: true, members: named("a".repeat(64)) })]))).toEqual([
      `[hostname] lab/web: Linux host name '${"a".repeat(64)}' is too long, 64 characters vs 63; shorten namePattern or the member names`,
    ]);
  });

  it("passes a Windows name of 15 characters and fails 16", () => {
    expect(
      findingsOf("hostname", app([group("web", { base: windows, customized: true, members: named("w".repeat(15)) })])),
    ).toEqual([]);
    expect(
      messages("hostname", app([group("web", { base: windows, customized: true, members: named("w".repeat(16)) })]))[0],
    ).toContain("Windows host name 'wwwwwwwwwwwwwwww' is too long, 16 characters vs 15;");
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
