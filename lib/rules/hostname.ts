import { groupLabel } from "../model/chains";
import { formatMessage, listSome, type RawFinding, type Rule } from "./rule";

export const MAX_LINUX_HOSTNAME = 63;
export const MAX_WINDOWS_HOSTNAME = 15;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * `hostname`: guest host names set by customization are valid: Linux at most 63 characters
 * (an RFC 1123 label: letters, digits, inner hyphens), Windows at most 15 (NetBIOS name).
 *
 * Source: RFC 1123 section 2.1 and RFC 1035 section 2.3.4 (labels of 63 octets); Microsoft's
 * NetBIOS computer name limit of 15 characters; the provider's `linux_options.host_name` and
 * `windows_options.computer_name`. See docs/linked-clones.md.
 */
export const hostname: Rule = {
  id: "hostname",
  defaultSeverity: "error",
  info: "Guest host names: Linux at most 63 characters (RFC 1123 label), Windows at most 15.",
  explanation:
    "Customization sets each clone's host name from its VM name. Guest customization fails, or the guest " +
    "truncates the name, when it is not a valid label of the guest's OS.",
  source: "RFC 1123 2.1, RFC 1035 2.3.4; Microsoft NetBIOS computer names (15 characters)",
  check(model) {
    return model.groups.flatMap((g) => {
      if (!g.customized) return [];
      const windows = g.base.guestOs === "windows";
      const max = windows ? MAX_WINDOWS_HOSTNAME : MAX_LINUX_HOSTNAME;
      const os = windows ? "Windows" : "Linux";
      // Longest first, each with its length: the message's numbers are those of the names it shows.
      const long = g.members
        .filter((m) => m.hostname.length > max)
        .map((m) => m.hostname)
        .sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
      const invalid = g.members.filter((m) => !LABEL.test(m.hostname)).map((m) => m.hostname);
      // Windows refuses a computer name of digits only (it could be taken for an address).
      const numeric = windows ? g.members.filter((m) => /^\d+$/.test(m.hostname)).map((m) => m.hostname) : [];
      const out: RawFinding[] = [];
      const push = (what: string, fix: string, values: { actual: string; limit: string }, field?: string) =>
        out.push({
          rule: "hostname",
          severity: "error",
          stack: g.stack,
          path: g.path,
          ...(field !== undefined ? { field } : {}),
          groups: [g],
          message: formatMessage("hostname", groupLabel(g), what, fix, values),
        });
      const names = "namePattern|members|count";
      if (numeric.length) {
        push(
          `Windows computer name ${listSome(numeric, 3)} is all digits, which Windows refuses`,
          "put a letter in namePattern or the member names, e.g. 'pc-{nn}'",
          { actual: `'${numeric[0]}'`, limit: "at least one letter or '-'" },
          names,
        );
      }
      if (long.length) {
        const longest = Math.max(...long.map((n) => n.length));
        push(
          `${os} host name ${listSome(long, 3, (n) => `'${n}' (${n.length} characters)`)} is too long`,
          "shorten namePattern or the member names",
          { actual: `${longest} characters`, limit: `${max} characters` },
        );
      }
      if (invalid.length) {
        push(
          `${os} host name ${listSome(invalid, 3)} is not a valid host name label`,
          "use letters, digits and inner hyphens only (no '_', '.', spaces, or leading/trailing '-')",
          { actual: `'${invalid[0]}'`, limit: "letters, digits and inner '-'" },
          names,
        );
      }
      return out;
    });
  },
};
