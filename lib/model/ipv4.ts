/** IPv4 helpers on unsigned 32-bit integers. */

const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return QUAD.test(text);
}

/**
 * Why `text` is not a dotted-quad IPv4 address, naming the part that is wrong, or undefined
 * when it is one: a clause to follow a colon, e.g. "octet 300 is over 255", "it has 3 parts, not 4".
 */
export function ipv4Problem(text: string): string | undefined {
  if (isIpv4(text)) return undefined;
  const parts = text.trim().split(".");
  if (parts.length !== 4) return `it has ${parts.length} part${parts.length === 1 ? "" : "s"}, not 4 (a.b.c.d)`;
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return `octet '${p}' is not a number from 0 to 255`;
    if (Number(p) > 255) return `octet ${p} is over 255`;
    if (p.length > 1 && p.startsWith("0")) return `octet '${p}' has a leading zero (write ${Number(p)})`;
  }
  return "it is not an IPv4 address a.b.c.d";
}

export function parseIpv4(text: string): number | undefined {
  if (!isIpv4(text)) return undefined;
  return text.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
}

/** Parses `a.b.c.d-e.f.g.h`; undefined when malformed or reversed. */
export function parseIpv4Range(text: string): Ipv4Range | undefined {
  const parts = text.split("-").map((p) => p.trim());
  if (parts.length !== 2) return undefined;
  const first = parseIpv4(parts[0]);
  const last = parseIpv4(parts[1]);
  if (first === undefined || last === undefined || last < first) return undefined;
  return { first, last };
}

/** Why a range text is not `first-last` with first <= last, naming the bad part; undefined when it is fine. */
export function ipv4RangeProblem(text: string): string | undefined {
  const parts = text.split("-").map((p) => p.trim());
  if (parts.length !== 2) {
    return `'${text}' is not a range; write it as first-last, e.g. 10.0.10.10-10.0.10.50`;
  }
  for (const [i, p] of parts.entries()) {
    const problem = ipv4Problem(p);
    if (problem) return `the ${i === 0 ? "first" : "last"} address '${p}' is wrong: ${problem}`;
  }
  if (parseIpv4(parts[1])! < parseIpv4(parts[0])!) {
    return `'${text}' ends before it starts; write the lower address first, e.g. ${parts[1]}-${parts[0]}`;
  }
  return undefined;
}

export function rangeSize(range: Ipv4Range): number {
  return range.last - range.first + 1;
}

export interface Ipv4Network {
  readonly network: number;
  readonly broadcast: number;
}

export function networkOf(address: number, prefixLength: number): Ipv4Network {
  const size = 2 ** (32 - prefixLength);
  const network = Math.floor(address / size) * size;
  return { network, broadcast: network + size - 1 };
}

/** The nth address of a range (1-based); undefined past its end. */
export function nthAddress(range: Ipv4Range, n: number): string | undefined {
  const value = range.first + n - 1;
  return n >= 1 && value <= range.last ? formatIpv4(value) : undefined;
}

/** The prefix length of a netmask ("255.255.255.0" is 24); undefined when the text is not a netmask. */
export function netmaskPrefix(text: string): number | undefined {
  const value = parseIpv4(text.trim());
  if (value === undefined) return undefined;
  const bits = value.toString(2).padStart(32, "0");
  return /^1*0*$/.test(bits) ? (bits.indexOf("0") === -1 ? 32 : bits.indexOf("0")) : undefined;
}

/**
 * Why a well-formed address cannot be a host's (a DNS server, a gateway, a clone): "this network"
 * (0.0.0.0/8), loopback (127/8, unless `loopback` allows it: a resolver inside the guest),
 * multicast (224/4), reserved (240/4) or the limited broadcast. Undefined for any other address.
 */
export function specialAddressProblem(text: string, options: { loopback?: boolean } = {}): string | undefined {
  const a = parseIpv4(text);
  if (a === undefined) return undefined;
  const first = Math.floor(a / 2 ** 24);
  if (a === 2 ** 32 - 1) return "is the limited broadcast address, not a host's";
  if (first === 0) return "is in 0.0.0.0/8 ('this network'), not a host's address";
  if (first === 127 && !options.loopback)
    return "is a loopback address (127.0.0.0/8), which inside a clone is the clone itself";
  if (first >= 224 && first <= 239) return "is a multicast address (224.0.0.0/4), not a host's";
  if (first >= 240) return "is in the reserved block 240.0.0.0/4, not a host's address";
  return undefined;
}
