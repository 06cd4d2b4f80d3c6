import { describe, expect, it } from "vitest";
import {
  broadcastOf,
  classifyInCidr,
  inPrefix,
  intToIp,
  ipToInt,
  isCidr,
  isIpv4,
  isSpecialPurpose,
  maskOf,
  networkOf,
  parseCidr,
  vSwitchGateway,
} from "./ipv4";

describe("isIpv4", () => {
  it.each(["0.0.0.0", "172.16.0.57", "255.255.255.255", "10.0.0.1"])("accepts %s", (s) => {
    expect(isIpv4(s)).toBe(true);
  });
  it.each([
    ["a leading zero", "172.016.0.1"],
    ["a zero octet written twice", "00.1.1.1"],
    ["256", "1.2.3.256"],
    ["three parts", "1.2.3"],
    ["five parts", "1.2.3.4.5"],
    ["hex", "0x7f.0.0.1"],
    ["a sign", "+1.2.3.4"],
    ["white space", " 1.2.3.4"],
    ["a trailing newline", "1.2.3.4\n"],
    ["a CIDR", "1.2.3.4/24"],
    ["the empty string", ""],
  ])("refuses %s", (_, s) => {
    expect(isIpv4(s)).toBe(false);
  });
  it("refuses what is not a string", () => {
    expect(isIpv4(undefined)).toBe(false);
    expect(isIpv4(0x7f000001)).toBe(false);
  });
});

describe("int conversion", () => {
  it("round-trips the ends of the range", () => {
    expect(ipToInt("0.0.0.0")).toBe(0);
    expect(ipToInt("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(ipToInt("172.16.0.1")).toBe(0xac100001);
    expect(intToIp(0xac100001)).toBe("172.16.0.1");
    expect(intToIp(2 ** 32 - 1)).toBe("255.255.255.255");
  });
  it("throws on an address isIpv4 refuses instead of guessing", () => {
    expect(() => ipToInt("010.0.0.1")).toThrow(/not an IPv4 address/);
  });
});

describe("prefixes", () => {
  it("masks /0, /31 and /32", () => {
    expect(maskOf(0)).toBe(0);
    expect(maskOf(31)).toBe(0xfffffffe);
    expect(maskOf(32)).toBe(0xffffffff);
  });
  it("finds network and broadcast addresses", () => {
    expect(networkOf("172.16.5.77", 20)).toBe("172.16.0.0");
    expect(broadcastOf("172.16.5.77", 20)).toBe("172.16.15.255");
    expect(networkOf("10.1.2.3", 0)).toBe("0.0.0.0");
    expect(broadcastOf("10.1.2.3", 0)).toBe("255.255.255.255");
    expect(networkOf("10.1.2.3", 32)).toBe("10.1.2.3");
    expect(broadcastOf("10.1.2.3", 31)).toBe("10.1.2.3");
  });
  it("compares the first bits only", () => {
    expect(inPrefix("172.16.15.1", "172.16.0.0", 20)).toBe(true);
    expect(inPrefix("172.16.16.1", "172.16.0.0", 20)).toBe(false);
    expect(inPrefix("8.8.8.8", "10.0.0.0", 0)).toBe(true);
    expect(inPrefix("10.0.0.2", "10.0.0.1", 32)).toBe(false);
  });
  it("knows the addresses no host may use", () => {
    for (const ip of ["0.1.2.3", "127.0.0.1", "169.254.1.1", "224.0.0.1", "255.255.255.255"])
      expect(isSpecialPurpose(ip), ip).toBe(true);
    for (const ip of ["172.16.0.1", "169.253.1.1", "223.255.255.255"]) expect(isSpecialPurpose(ip), ip).toBe(false);
  });
});

describe("parseCidr", () => {
  it("parses a block, masking host bits", () => {
    expect(parseCidr("172.16.0.0/24")).toEqual({ base: 0xac100000, size: 256, prefix: 24 });
    expect(parseCidr("172.16.0.77/24")).toEqual({ base: 0xac100000, size: 256, prefix: 24 });
    expect(parseCidr("10.0.0.0/0")).toEqual({ base: 0, size: 2 ** 32, prefix: 0 });
    expect(parseCidr("10.0.0.9/32")).toEqual({ base: ipToInt("10.0.0.9"), size: 1, prefix: 32 });
  });
  it.each(["172.16.0.0/33", "172.16.0.0", "172.16.0.0/", "172.016.0.0/24", "256.0.0.0/8", "10.1/16", "10.0.0.0/-1"])(
    "refuses %s",
    (s) => {
      expect(parseCidr(s)).toBeNull();
      expect(isCidr(s)).toBe(false);
    },
  );
});

describe("vSwitch blocks", () => {
  it("reserves the first address and the last three", () => {
    expect(classifyInCidr("172.16.0.1", "172.16.0.0/24")).toBe("ok");
    expect(classifyInCidr("172.16.0.252", "172.16.0.0/24")).toBe("ok");
    expect(classifyInCidr("172.16.0.0", "172.16.0.0/24")).toBe("reserved");
    for (const last of [253, 254, 255]) expect(classifyInCidr(`172.16.0.${last}`, "172.16.0.0/24")).toBe("reserved");
    expect(classifyInCidr("172.16.1.1", "172.16.0.0/24")).toBe("outside");
    expect(classifyInCidr("172.15.255.255", "172.16.0.0/24")).toBe("outside");
  });
  it("calls an invalid address or block outside", () => {
    expect(classifyInCidr("172.16.0.300", "172.16.0.0/24")).toBe("outside");
    expect(classifyInCidr("172.16.0.1", "172.16.0.0/40")).toBe("outside");
  });
  it("puts the gateway third from last", () => {
    expect(vSwitchGateway(parseCidr("172.16.0.0/24")!)).toBe("172.16.0.253");
    expect(vSwitchGateway(parseCidr("192.168.0.0/16")!)).toBe("192.168.255.253");
  });
});
