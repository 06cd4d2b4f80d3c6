// IPv4 and CIDR arithmetic: the one place for it (base layer, pure, safe in client components).
// Parsing is ipaddr.js's; what it accepts is stricter than ipaddr.parse on purpose: only the
// four-part decimal form, no leading zeros ("172.016.0.1", "1.2.3", "0x7f.0.0.1" are refused
// rather than guessed at), because accepted values end up in cloud calls and shell scripts.
import ipaddr from "ipaddr.js";

/** A parsed CIDR block: its network address as an unsigned int, its number of addresses, its prefix length. */
export type Cidr = { base: number; size: number; prefix: number };

/** A dotted quad of four decimal octets 0..255 without leading zeros. */
export function isIpv4(s: unknown): s is string {
  return typeof s === "string" && ipaddr.IPv4.isValidFourPartDecimal(s);
}

/** The address as an unsigned 32-bit int; throws on anything `isIpv4` refuses (validate first). */
export function ipToInt(ip: string): number {
  if (!isIpv4(ip)) throw new Error(`${JSON.stringify(ip)} is not an IPv4 address`);
  const [a, b, c, d] = ipaddr.IPv4.parse(ip).octets as [number, number, number, number];
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The netmask of a prefix length 0..32 as an unsigned int. */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(ip: string, prefix: number): string {
  return intToIp((ipToInt(ip) & maskOf(prefix)) >>> 0);
}

export function broadcastOf(ip: string, prefix: number): string {
  return intToIp(((ipToInt(ip) & maskOf(prefix)) | (~maskOf(prefix) >>> 0)) >>> 0);
}

/** Whether `ip` and `net` share their first `prefix` bits. */
export function inPrefix(ip: string, net: string, prefix: number): boolean {
  return (ipToInt(ip) & maskOf(prefix)) >>> 0 === (ipToInt(net) & maskOf(prefix)) >>> 0;
}

/** Addresses no host may use: 0/8, loopback, link-local, multicast, reserved, broadcast. */
export function isSpecialPurpose(ip: string): boolean {
  const n = ipToInt(ip);
  const a = n >>> 24;
  const b = (n >>> 16) & 255;
  return a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254);
}

/** "a.b.c.d/len" with a strict address and a length 0..32 (host bits may be set), or null. */
export function parseCidr(cidr: string): Cidr | null {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) return null;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = (ipToInt(addr.toString()) & maskOf(prefix)) >>> 0;
  return { base, size: 2 ** (32 - prefix), prefix };
}

export function isCidr(s: unknown): s is string {
  return typeof s === "string" && parseCidr(s) !== null;
}

// An Alibaba Cloud vSwitch keeps the first address of its block and the last three; its
// gateway is the third from last. Every caller (wizard, pre-flight, routes spec) uses this rule.

/** Where `ip` stands in a vSwitch's block: "outside" (or either is not valid), "reserved", or "ok". */
export function classifyInCidr(ip: string, cidr: string): "outside" | "reserved" | "ok" {
  const c = parseCidr(cidr);
  if (!c || !isIpv4(ip)) return "outside";
  const n = ipToInt(ip);
  if (n < c.base || n >= c.base + c.size) return "outside";
  if (n === c.base || n >= c.base + c.size - 3) return "reserved";
  return "ok";
}

/** The gateway address of a vSwitch with this block. */
export function vSwitchGateway(c: Cidr): string {
  return intToIp((c.base + c.size - 3) >>> 0);
}
