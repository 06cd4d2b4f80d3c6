import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { ECHO_URL, Lab, VPC_GATEWAY, cleanupLeftovers, labUnavailable, type LabTopology } from "./lab";

// Issue 20, item 1 (the documented scenario): three secondary IPs carry the three EIPs and the
// ENI's primary IP has none. The ENI's primary keeps its source rule (its replies to VPC peers
// leave through its own ENI), and verify.sh --echo-url does not expect it to reach the internet:
// the spec says which addresses carry an EIP (`eipIps`), and verify passes when each of those
// egresses as its EIP.

const why = labUnavailable();

const TOPO: LabTopology = {
  primary: { name: "eth0", mac: "00:16:3e:00:00:01", ips: ["172.16.0.10"], eips: ["203.0.113.100"] },
  enis: [
    {
      name: "eth1",
      mac: "00:16:3e:12:34:56",
      ips: ["172.16.0.57", "172.16.0.77", "172.16.0.78", "172.16.0.79"],
      eips: [null, "203.0.113.11", "203.0.113.12", "203.0.113.13"],
    },
  ],
};
const ENI = TOPO.enis[0]!;
const WITH_EIP = ENI.ips.flatMap((ip, j) => (ENI.eips[j] ? [{ ip, eip: ENI.eips[j] }] : []));

/** The spec the engine sends: `eips` for the three associated addresses, and (new) `eipIps`. */
const spec = (os: string, withEipIps: boolean) => ({
  os,
  interfaces: [
    {
      device: ENI.name,
      mac: ENI.mac,
      primaryIp: ENI.ips[0],
      secondaryIps: ENI.ips.slice(1),
      prefixLength: 24,
      gateway: VPC_GATEWAY,
      routeTable: 1001,
      eips: Object.fromEntries(WITH_EIP.map((p) => [p.ip, p.eip])),
      ...(withEipIps ? { eipIps: WITH_EIP.map((p) => p.ip) } : {}),
    },
  ],
});

type Summary = {
  ok: boolean;
  problems: string[];
  addresses: { ip: string; rule: boolean; egress: string | null; carriesEip: boolean; ok: boolean }[];
};

describe.skipIf(why !== null)("network lab: an ENI whose primary IP has no EIP (issue 20 item 1)", () => {
  const lab = new Lab("p", TOPO);
  let initial = "";

  beforeAll(async () => {
    cleanupLeftovers("p");
    await lab.up();
    initial = await lab.dump();
  }, 60_000);

  afterAll(() => lab.down());

  it("without eipIps (every address is expected to reach the internet) verify names the ENI's primary", async () => {
    const dir = lab.writeBundle(generateBundle(spec("generic", false)));
    const env = { ROOT: lab.tempDir() };
    const sh = (s: string, ...a: string[]) => lab.exec(lab.ns.inst, ["bash", path.join(dir, s), ...a], env);
    expect((await sh("apply.sh")).code).toBe(0);
    try {
      const v = await sh("verify.sh", "--echo-url", ECHO_URL);
      expect(v.code).toBe(1);
      expect((JSON.parse(v.stdout) as Summary).problems).toEqual(["no answer from the echo URL via 172.16.0.57"]);
    } finally {
      expect((await sh("rollback.sh")).code).toBe(0);
    }
    expect(await lab.dump()).toBe(initial);
  });

  for (const os of ["generic", "alinux3", "ubuntu", "centos7"]) {
    it(`${os}: with eipIps verify passes, each EIP is observed by the echo service, the ENI's primary keeps its rule`, async () => {
      const dir = lab.writeBundle(generateBundle(spec(os, true)));
      const env = { ROOT: lab.tempDir() };
      const sh = (s: string, ...a: string[]) => lab.exec(lab.ns.inst, ["bash", path.join(dir, s), ...a], env);
      const a = await sh("apply.sh");
      expect(a.code, a.stderr).toBe(0);
      try {
        const v = await sh("verify.sh", "--echo-url", ECHO_URL);
        expect(v.code, v.stdout + v.stderr).toBe(0);
        const s = JSON.parse(v.stdout) as Summary;
        expect(s.ok).toBe(true);
        expect(s.addresses.map((x) => [x.ip, x.egress, x.carriesEip, x.rule, x.ok])).toEqual([
          ["172.16.0.57", null, false, true, true],
          ...WITH_EIP.map((p) => [p.ip, p.eip, true, true, true]),
        ]);
        // The echo service itself: each EIP out and in; the instance's own primary untouched.
        for (const p of WITH_EIP) {
          expect(await lab.egress(p.ip)).toBe(p.eip);
          expect(await lab.inbound(p.eip)).toBe(p.ip);
        }
        expect(await lab.egress(ENI.ips[0], 2)).toMatch(/^error/);
        expect(await lab.egress()).toBe("203.0.113.100");
        // A peer in the VPC reaches the ENI's primary and gets its answer back through eth1.
        const peer = await lab.exec(lab.ns.gw, ["curl", "-sS", "--max-time", "3", `http://${ENI.ips[0]}:8080/`]);
        expect(peer.stdout.trim(), peer.stderr).toBe(ENI.ips[0]);
      } finally {
        expect((await sh("rollback.sh")).code).toBe(0);
      }
      expect(await lab.dump()).toBe(initial);
    });
  }
});
