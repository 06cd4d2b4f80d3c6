import { describe, expect, it } from "vitest";
import { generateBundle } from "./bundle";
import { EXAMPLE } from "./test-helpers";

// centos7/alinux2 cannot be booted in the lab (initscripts' network service is not in Debian), so
// their files are held to initscripts' own syntax (doc/sysconfig.txt, ifup-eth, ifup-routes).

// ifcfg keys documented in initscripts' sysconfig.txt that these files may use.
const IFCFG_KEYS = new Set([
  "DEVICE",
  "HWADDR",
  "TYPE",
  "ONBOOT",
  "BOOTPROTO",
  "DEFROUTE",
  "PEERDNS",
  "IPV6INIT",
  "NOZEROCONF",
  "SCOPE",
  "NM_CONTROLLED",
]);

const files = (os: string) =>
  Object.fromEntries(
    generateBundle({ ...EXAMPLE, os })
      .files.filter((f) => f.path.startsWith("files/etc/sysconfig/network-scripts/"))
      .map((f) => [f.path.split("/").pop()!, f.content]),
  );
const content = (text: string) => text.split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));

describe.each(["centos7", "alinux2"])("%s network-scripts files follow initscripts' syntax", (os) => {
  const f = files(os);

  it("ifcfg-eth1: KEY=value shell assignments of documented keys; numbered IPADDRn/PREFIXn from 0", () => {
    const lines = content(f["ifcfg-eth1"]!);
    const keys: string[] = [];
    for (const l of lines) {
      // Sourced by bash: a plain value, or a double-quoted one without expansions.
      const m = /^([A-Z0-9_]+)=([A-Za-z0-9_.:/-]*|"[^"$`\\]*")$/.exec(l);
      expect(m, l).not.toBeNull();
      keys.push(m![1]!);
    }
    const numbered = keys.filter((k) => /^(IPADDR|PREFIX)\d+$/.test(k));
    for (const k of keys.filter((x) => !numbered.includes(x))) expect(IFCFG_KEYS.has(k), k).toBe(true);
    const n = numbered.length / 2;
    expect(numbered).toEqual(Array.from({ length: n }, (_, i) => [`IPADDR${i}`, `PREFIX${i}`]).flat());
    // ifup-eth runs `ip addr add $IP/$PREFIX brd + dev eth1 ${SCOPE} label eth1`: noprefixroute rides in SCOPE.
    expect(lines).toContain('SCOPE="scope global noprefixroute"');
    expect(lines).toContain("NOZEROCONF=yes");
    expect(lines).toContain("BOOTPROTO=none");
    expect(lines).toContain("DEFROUTE=no");
  });

  it("route-eth1: `ip route add` argument lines (ifup-routes' older format: no ADDRESSn= keys)", () => {
    const lines = content(f["route-eth1"]!);
    expect(lines.some((l) => /^\s*ADDRESS[0-9]+=/.test(l))).toBe(false);
    for (const l of lines)
      expect(l).toMatch(
        /^(default|\d+\.\d+\.\d+\.\d+\/\d+)( via \d+\.\d+\.\d+\.\d+)? dev eth1( scope link)?( src \d+\.\d+\.\d+\.\d+)? table \d+$/,
      );
    expect(lines).toEqual([
      "172.16.0.0/24 dev eth1 scope link src 172.16.0.57 table 1001",
      "default via 172.16.0.253 dev eth1 table 1001",
    ]);
  });

  it("rule-eth1: `ip rule add` argument lines, one per address", () => {
    expect(content(f["rule-eth1"]!)).toEqual([
      "from 172.16.0.57 lookup 1001 priority 30000",
      "from 172.16.0.77 lookup 1001 priority 30001",
      "from 172.16.0.78 lookup 1001 priority 30002",
    ]);
  });
});
