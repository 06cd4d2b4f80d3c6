// Small, strict IPv4 helpers for the guest-OS generators. Strict on purpose:
// "172.016.0.1" or "1.2.3" are refused rather than guessed at, because every
// accepted value ends up inside a shell script.

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
export const IPV4_RE = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export function isIpv4(s: unknown): s is string {
  return typeof s === "string" && IPV4_RE.test(s);
}

export function ipToInt(ip: string): number {
  const p = ip.split(".").map(Number);
  return (((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(ip: string, prefix: number): string {
  return intToIp((ipToInt(ip) & maskOf(prefix)) >>> 0);
}

export function broadcastOf(ip: string, prefix: number): string {
  return intToIp(((ipToInt(ip) & maskOf(prefix)) | (~maskOf(prefix) >>> 0)) >>> 0);
}

export function inPrefix(ip: string, net: string, prefix: number): boolean {
  return (ipToInt(ip) & maskOf(prefix)) >>> 0 === (ipToInt(net) & maskOf(prefix)) >>> 0;
}

/** Addresses no host may use: 0/8, loopback, link-local, multicast, reserved, broadcast. */
export function isSpecialPurpose(ip: string): boolean {
  const a = ipToInt(ip) >>> 24;
  const b = (ipToInt(ip) >>> 16) & 255;
  return a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254);
}
