// @ts-check
// Who is on the other end of a request. The socket's peer address is the only
// fact; an X-Forwarded-For header is a claim anyone can send. It is believed
// only hop by hop, from the right, while each hop that appended to it is a
// proxy listed in TRUSTED_PROXIES (CIDRs) — the way nginx's real_ip_recursive
// and Express's "trust proxy" read it. Plain JavaScript: scripts/server.mjs
// (plain Node, in front of Next) runs it, and the app's TypeScript imports it.
import ipaddr from "ipaddr.js";

/**
 * @param {string | undefined | null} text
 * @returns {ipaddr.IPv4 | ipaddr.IPv6 | null} the address, IPv4-mapped IPv6 as IPv4
 */
function parse(text) {
  const s = text?.trim();
  if (!s || !ipaddr.isValid(s)) return null;
  const a = ipaddr.parse(s);
  return a.kind() === "ipv6" && /** @type {ipaddr.IPv6} */ (a).isIPv4MappedAddress()
    ? /** @type {ipaddr.IPv6} */ (a).toIPv4Address()
    : a;
}

/**
 * TRUSTED_PROXIES: comma- or space-separated CIDRs or single addresses ("10.0.0.0/8, 127.0.0.1").
 * @param {string | undefined} setting
 * @returns {{ ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][], problems: string[] }}
 */
export function parseTrustedProxies(setting) {
  /** @type {[ipaddr.IPv4 | ipaddr.IPv6, number][]} */
  const ranges = [];
  const problems = [];
  for (const item of (setting ?? "").split(/[\s,]+/).filter(Boolean)) {
    try {
      if (item.includes("/")) {
        const [addr, bits] = ipaddr.parseCIDR(item);
        ranges.push(
          addr.kind() === "ipv6" && /** @type {ipaddr.IPv6} */ (addr).isIPv4MappedAddress()
            ? [/** @type {ipaddr.IPv6} */ (addr).toIPv4Address(), bits - 96]
            : [addr, bits],
        );
      } else {
        const addr = parse(item);
        if (!addr) throw new Error("not an address");
        ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
      }
    } catch {
      problems.push(`TRUSTED_PROXIES: "${item}" is neither an IP address nor a CIDR like 10.0.0.0/8`);
    }
  }
  return { ranges, problems };
}

/**
 * @param {ipaddr.IPv4 | ipaddr.IPv6} addr
 * @param {[ipaddr.IPv4 | ipaddr.IPv6, number][]} ranges
 */
function trusted(addr, ranges) {
  return ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy —
 * then the nearest X-Forwarded-For hop (from the right) that is not itself trusted.
 * @param {string | undefined | null} socketAddress
 * @param {string | string[] | undefined | null} forwardedFor the header(s) as received
 * @param {[ipaddr.IPv4 | ipaddr.IPv6, number][]} trustedRanges
 * @returns {string | null}
 */
export function clientAddress(socketAddress, forwardedFor, trustedRanges) {
  let client = parse(socketAddress);
  if (!client) return socketAddress?.trim() || null;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  while (trusted(client, trustedRanges) && hops.length) {
    const hop = parse(hops.pop());
    if (!hop) break; // garbage from the proxy's side: stop at the last address we could trust
    client = hop;
  }
  return client.toString();
}
