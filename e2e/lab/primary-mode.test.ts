import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { boot, type Boot } from "./boot";
import { ECHO_URL, Lab, VPC_GATEWAY, cleanupLeftovers, labUnavailable, type LabTopology } from "./lab";

// Primary mode (deployment spec `"eni": {"mode": "primary"}`): the EIPs sit on secondary private
// IPs of the instance's own primary ENI. The routes spec lists eth0 with `"primary": true` and no
// route table; the guest only adds those addresses on eth0 — no table, no rule — and each of them
// egresses as its EIP through the main table, while the primary IP and its routes stay as they were.

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);

const TOPO: LabTopology = {
  primary: {
    name: "eth0",
    mac: "00:16:3e:00:00:01",
    ips: ["172.16.0.10", "172.16.0.21", "172.16.0.22"],
    eips: ["203.0.113.100", "203.0.113.121", "203.0.113.122"],
  },
  enis: [
    {
      name: "eth1",
      mac: "00:16:3e:12:34:56",
      ips: ["172.16.0.57", "172.16.0.77"],
      eips: ["203.0.113.10", "203.0.113.11"],
    },
  ],
};
const PRIM = TOPO.primary;
const ON_PRIMARY = PRIM.ips.slice(1).map((ip, j) => ({ ip, eip: PRIM.eips[j + 1]! }));
const ON_ETH1 = TOPO.enis[0]!.ips.map((ip, j) => ({ ip, eip: TOPO.enis[0]!.eips[j]! }));

const primaryEntry = {
  device: PRIM.name,
  mac: PRIM.mac,
  primary: true,
  primaryIp: PRIM.ips[0],
  secondaryIps: PRIM.ips.slice(1),
  prefixLength: 24,
  eips: Object.fromEntries(ON_PRIMARY.map((p) => [p.ip, p.eip])),
};
const eth1Entry = {
  device: "eth1",
  mac: TOPO.enis[0]!.mac,
  primaryIp: ON_ETH1[0]!.ip,
  secondaryIps: ON_ETH1.slice(1).map((p) => p.ip),
  prefixLength: 24,
  gateway: VPC_GATEWAY,
  routeTable: 1001,
  eips: Object.fromEntries(ON_ETH1.map((p) => [p.ip, p.eip])),
};

/** lab.dump() sections: addresses, rules, routes of every table, sysctls. */
const section = (dump: string, i: number) => dump.split("\n\n")[i]!;
const mainRoutes = (dump: string) =>
  section(dump, 2)
    .split("\n")
    .filter((l) => !/ table /.test(l));

describe.skipIf(why !== null)("network lab: primary mode (EIPs on the primary ENI's secondary IPs)", () => {
  const lab = new Lab("m", TOPO);
  let initial = "";
  let running: Boot | null = null;

  beforeAll(async () => {
    cleanupLeftovers("m");
    await lab.up();
    initial = await lab.dump();
  }, 60_000);

  afterEach(async () => {
    await running?.stop();
    running = null;
  });
  afterAll(() => lab.down());

  it("before: the primary ENI's secondary IPs are not configured and do not get out", async () => {
    expect(await lab.egress()).toBe(PRIM.eips[0]);
    const r = await lab.exec(lab.ns.net, ["curl", "-sS", "--max-time", "1", `http://${ON_PRIMARY[0]!.eip}:8080/`]);
    expect(r.code).not.toBe(0);
  });

  for (const os of ["generic", "alinux3", "ubuntu", "centos7", "debian"]) {
    it(`${os}: apply adds only the addresses on eth0 (no table, no rule); each egresses as its EIP; rollback`, async () => {
      const dir = lab.writeBundle(generateBundle({ os, interfaces: [primaryEntry] }));
      const root = lab.tempDir();
      const sh = (s: string, ...a: string[]) =>
        lab.exec(lab.ns.inst, ["bash", path.join(dir, s), ...a], { ROOT: root });
      const a = await sh("apply.sh");
      expect(a.code, a.stderr).toBe(0);
      expect((await sh("apply.sh")).code).toBe(0);
      const applied = await lab.dump();
      // Rules and the main table exactly as before; the primary IP is still eth0's first address.
      expect(section(applied, 1)).toBe(section(initial, 1));
      expect(mainRoutes(applied)).toEqual(mainRoutes(initial));
      expect(section(applied, 0)).toMatch(/^\d+: eth0 +inet 172\.16\.0\.10\/24 scope global eth0/m);
      const v = await sh("verify.sh", "--echo-url", ECHO_URL);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      const s = JSON.parse(v.stdout) as { addresses: { ip: string; egress: string; table: null; rule: null }[] };
      expect(s.addresses.map((x) => [x.ip, x.egress, x.table, x.rule])).toEqual(
        ON_PRIMARY.map((p) => [p.ip, p.eip, null, null]),
      );
      for (const p of ON_PRIMARY) {
        expect(await lab.egress(p.ip)).toBe(p.eip);
        expect(await lab.inbound(p.eip)).toBe(p.ip);
      }
      expect(await lab.egress()).toBe(PRIM.eips[0]);
      expect(await lab.inbound(PRIM.eips[0]!)).toBe(PRIM.ips[0]);
      const r = await sh("rollback.sh");
      expect(r.code, r.stderr).toBe(0);
      expect(await lab.dump()).toBe(initial);
    });
  }

  it("generic: the primary ENI together with a secondary ENI (eth1, table 1001); after a reboot the unit brings both back", async () => {
    const dir = lab.writeBundle(generateBundle({ os: "generic", interfaces: [primaryEntry, eth1Entry] }));
    const disk = lab.tempDir();
    const sh = (s: string, ...a: string[]) => lab.exec(lab.ns.inst, ["bash", path.join(dir, s), ...a], { ROOT: disk });
    expect((await sh("apply.sh")).code).toBe(0);
    const applied = (await lab.dump()).split("\n").sort().join("\n");
    const check = async () => {
      const v = await sh("verify.sh", "--echo-url", ECHO_URL);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      for (const p of [...ON_PRIMARY, ...ON_ETH1]) {
        expect(await lab.egress(p.ip)).toBe(p.eip);
        expect(await lab.inbound(p.eip)).toBe(p.ip);
      }
      expect(await lab.egress()).toBe(PRIM.eips[0]);
    };
    await check();
    expect(section(await lab.dump(), 1)).not.toMatch(/from 172\.16\.0\.(10|21|22) /);
    await lab.reboot();
    running = await boot(lab, "generic", disk);
    expect((await lab.dump()).split("\n").sort().join("\n")).toBe(applied);
    await check();
    await running.stop();
    running = null;
    expect((await sh("rollback.sh")).code).toBe(0);
    await lab.reboot();
    expect(await lab.dump()).toBe(initial);
  });
});
