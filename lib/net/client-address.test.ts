import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies } from "./client-address.mjs";

const none = parseTrustedProxies("").ranges;
const lb = parseTrustedProxies("10.0.0.0/8, 127.0.0.1").ranges;

describe("clientAddress: the socket's peer unless a trusted proxy vouches for another", () => {
  it("ignores X-Forwarded-For from anyone when no proxy is trusted", () => {
    expect(clientAddress("203.0.113.7", "198.51.100.1", none)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:203.0.113.7", "1.2.3.4, 5.6.7.8", none)).toBe("203.0.113.7");
  });

  it("ignores X-Forwarded-For sent straight to the app by a client that is not a trusted proxy", () => {
    expect(clientAddress("198.51.100.9", "10.1.1.1", lb)).toBe("198.51.100.9");
  });

  it("takes the hop a trusted proxy appended, not what the client wrote before it", () => {
    // client forged "1.1.1.1", the load balancer appended the real peer 198.51.100.20
    expect(clientAddress("10.0.0.5", "1.1.1.1, 198.51.100.20", lb)).toBe("198.51.100.20");
  });

  it("walks through several trusted proxies", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.20, 10.2.2.2, 10.3.3.3", lb)).toBe("198.51.100.20");
    expect(clientAddress("127.0.0.1", ["198.51.100.20", "10.2.2.2"], lb)).toBe("198.51.100.20");
  });

  it("stops at the last trusted hop when the chain runs out or holds garbage", () => {
    expect(clientAddress("10.0.0.5", "10.0.0.6", lb)).toBe("10.0.0.6");
    expect(clientAddress("10.0.0.5", "", lb)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "198.51.100.1, not-an-ip", lb)).toBe("10.0.0.5");
  });

  it("handles IPv6 peers and ranges", () => {
    const v6 = parseTrustedProxies("fd00::/8").ranges;
    expect(clientAddress("fd00::1", "2001:db8::7", v6)).toBe("2001:db8::7");
    expect(clientAddress("2001:db8::9", "2001:db8::7", v6)).toBe("2001:db8::9");
  });
});

describe("parseTrustedProxies", () => {
  it("names every entry that is not an address or CIDR", () => {
    const r = parseTrustedProxies("10.0.0.0/8 bogus 300.1.1.1 192.168.0.0/33");
    expect(r.ranges).toHaveLength(1);
    expect(r.problems).toEqual([
      'TRUSTED_PROXIES: "bogus" is neither an IP address nor a CIDR like 10.0.0.0/8',
      'TRUSTED_PROXIES: "300.1.1.1" is neither an IP address nor a CIDR like 10.0.0.0/8',
      'TRUSTED_PROXIES: "192.168.0.0/33" is neither an IP address nor a CIDR like 10.0.0.0/8',
    ]);
  });
});
