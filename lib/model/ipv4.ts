/** IPv4 helpers on unsigned 32-bit integers. */

const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return QUAD.test(text);
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
