// IPv4 helpers for vSwitch CIDR allocation.
export function ipToInt(ip: string): number {
  const p = ip.split(".");
  if (p.length !== 4) return NaN;
  let n = 0;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x)) return NaN;
    const v = Number(x);
    if (v > 255) return NaN;
    n = n * 256 + v;
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function isIpv4(s: string): boolean {
  return !Number.isNaN(ipToInt(s));
}

export type Cidr = { base: number; prefix: number; size: number };

export function parseCidr(cidr: string): Cidr | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
  if (!m) return null;
  const prefix = Number(m[2]);
  const ip = ipToInt(m[1]!);
  if (Number.isNaN(ip) || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const base = ip - (ip % size);
  if (base !== ip) return null;
  return { base, prefix, size };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return !Number.isNaN(n) && n >= c.base && n < c.base + c.size;
}

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** vSwitch reserved addresses: the first one and the last three of the block (gateway = third from last). */
export function isReserved(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n === c.base || n >= c.base + c.size - 3;
}

export function gatewayOf(c: Cidr): string {
  return intToIp(c.base + c.size - 3);
}

/** Number of assignable addresses (size minus the 4 reserved). */
export function usableCount(c: Cidr): number {
  return Math.max(0, c.size - 4);
}
