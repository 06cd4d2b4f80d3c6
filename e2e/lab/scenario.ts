import { existsSync, readFileSync, readdirSync, lstatSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { ECHO_URL, Lab, VPC_GATEWAY, cleanupLeftovers, labUnavailable, type LabTopology } from "./lab";

// One lab topology per test file; every family's bundle is run against it in turn.
// Each family ends with rollback, which must restore the starting state for the next one.

export const FAMILIES = [
  { os: "alinux2", persistence: "native" },
  { os: "centos7", persistence: "native" },
  { os: "alinux3", persistence: "native" },
  { os: "rhel9", persistence: "native" },
  { os: "ubuntu", persistence: "native" },
  { os: "debian", persistence: "native" },
  { os: "generic", persistence: "native" },
  { os: "alinux2", persistence: "rc.local" },
] as const;

const why = labUnavailable();
if (why) console.warn(`[e2e/lab] skipped: ${why}`);

function listFiles(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    const st = lstatSync(p);
    return st.isDirectory() ? listFiles(p, `${prefix}/${n}`) : [`${prefix}/${n}`];
  });
}

// eslint-disable-next-line max-lines-per-function -- one lab suite: its tests share the namespaces brought up once in beforeAll
export function labSuite(caseId: string, title: string, topo: LabTopology, tables: number[]) {
  const spec = (os: string, persistence: string) => ({
    os,
    persistence,
    interfaces: topo.enis.map((e, i) => ({
      device: e.name,
      mac: e.mac,
      primaryIp: e.ips[0],
      secondaryIps: e.ips.slice(1),
      prefixLength: 24,
      gateway: VPC_GATEWAY,
      routeTable: tables[i],
      eips: Object.fromEntries(e.ips.map((ip, j) => [ip, e.eips[j]])),
    })),
  });
  const pairs = topo.enis.flatMap((e) => e.ips.map((ip, j) => ({ ip, eip: e.eips[j]! })));
  const primary = { ip: topo.primary.ips[0]!, eip: topo.primary.eips[0]! };

  // eslint-disable-next-line max-lines-per-function -- every test runs against this one lab and leaves it as it found it
  describe.skipIf(why !== null)(`network lab: ${title}`, () => {
    const lab = new Lab(caseId, topo);
    let initial = "";

    beforeAll(async () => {
      cleanupLeftovers(caseId);
      await lab.up();
      initial = await lab.dump();
    }, 60_000);

    afterAll(() => lab.down());

    it("before any bundle: the primary ENI egresses as its EIP; a secondary EIP is not answered", async () => {
      expect(await lab.egress()).toBe(primary.eip);
      expect(await lab.inbound(primary.eip)).toBe(primary.ip);
      expect(await lab.inbound(pairs[1]!.eip)).toMatch(/^error/);
    });

    it("control: an address added the naive way (no policy routing) leaves via the primary ENI and the vSwitch drops it", async () => {
      const eni = topo.enis[0]!;
      const ip = eni.ips[1]!;
      const add = await lab.exec(lab.ns.inst, ["ip", "addr", "add", `${ip}/24`, "dev", eni.name]);
      expect(add.code, add.stderr).toBe(0);
      try {
        expect(await lab.egress(ip, 2)).toMatch(/^error/);
      } finally {
        await lab.exec(lab.ns.inst, ["ip", "addr", "del", `${ip}/24`, "dev", eni.name]);
      }
      expect(await lab.dump()).toBe(initial);
    });

    it("DHCP-style default route on the secondary ENI: apply removes it, rollback puts it back", async () => {
      const eni = topo.enis[0]!;
      const steal = ["ip", "route", "add", "default", "via", VPC_GATEWAY, "dev", eni.name, "onlink", "metric", "50"];
      const add = await lab.exec(lab.ns.inst, steal);
      expect(add.code, add.stderr).toBe(0);
      try {
        // The primary's traffic now leaves through the secondary ENI and the vSwitch drops it.
        expect(await lab.egress(undefined, 2)).toMatch(/^error/);
        const broken = await lab.dump();
        const dir = lab.writeBundle(generateBundle(spec("generic", "native")));
        const env = { ROOT: lab.tempDir() };
        const a = await lab.exec(lab.ns.inst, ["bash", path.join(dir, "apply.sh")], env);
        expect(a.code, a.stderr).toBe(0);
        expect(a.stderr).toContain("removing main-table default route via secondary ENI");
        expect(await lab.egress()).toBe(primary.eip);
        const r = await lab.exec(lab.ns.inst, ["bash", path.join(dir, "rollback.sh")], env);
        expect(r.code, r.stderr).toBe(0);
        expect(await lab.dump()).toBe(broken);
      } finally {
        await lab.exec(lab.ns.inst, [
          "ip",
          "route",
          "del",
          "default",
          "via",
          VPC_GATEWAY,
          "dev",
          eni.name,
          "metric",
          "50",
        ]);
      }
      expect(await lab.dump()).toBe(initial);
    });

    it("verify names what is wrong: a missing rule, table route or address, and an ENI that is down; apply repairs each", async () => {
      const dir = lab.writeBundle(generateBundle(spec("generic", "native")));
      const env = { ROOT: lab.tempDir() };
      const sh = (script: string) => lab.exec(lab.ns.inst, ["bash", path.join(dir, script)], env);
      const eni = topo.enis[0]!;
      const table = String(tables[0]);
      const ip = eni.ips[1]!;
      const prio = String(30000 + 1);
      // Re-added addresses come last in `ip addr` output: compare the state, not the order.
      const state = async () => (await lab.dump()).split("\n").sort().join("\n");
      expect((await sh("apply.sh")).code).toBe(0);
      const applied = await state();
      const breakages: [string, string[], string][] = [
        [
          "rule",
          ["ip", "-4", "rule", "del", "from", ip, "lookup", table, "priority", prio],
          `no rule ${prio} from ${ip} lookup ${table}`,
        ],
        [
          "default route",
          ["ip", "-4", "route", "del", "default", "table", table],
          `table ${table} has no default via ${VPC_GATEWAY} dev ${eni.name}`,
        ],
        [
          "subnet route",
          ["ip", "-4", "route", "del", "172.16.0.0/24", "table", table],
          `table ${table} has no route 172.16.0.0/24 dev ${eni.name}`,
        ],
        ["address", ["ip", "-4", "addr", "del", `${ip}/24`, "dev", eni.name], `${ip} is not configured on ${eni.name}`],
        ["link", ["ip", "link", "set", "dev", eni.name, "down"], `${eni.name} (${eni.mac}) is down`],
      ];
      try {
        for (const [what, cmd, problem] of breakages) {
          const b = await lab.exec(lab.ns.inst, cmd);
          expect(b.code, `${what}: ${b.stderr}`).toBe(0);
          const v = await sh("verify.sh");
          expect(v.code, what).toBe(1);
          expect(JSON.parse(v.stdout).problems, what).toContain(problem);
          expect(v.stderr, what).toContain(`FAIL: ${problem}`);
          if (what === "link") await lab.exec(lab.ns.inst, ["ip", "link", "set", "dev", eni.name, "up"]);
          expect((await sh("apply.sh")).code, what).toBe(0);
          expect(await state(), `${what} repaired`).toBe(applied);
          expect((await sh("verify.sh")).code, what).toBe(0);
        }
      } finally {
        await lab.exec(lab.ns.inst, ["ip", "link", "set", "dev", eni.name, "up"]);
        expect((await sh("rollback.sh")).code).toBe(0);
      }
      expect(await lab.dump()).toBe(initial);
    });

    for (const fam of FAMILIES) {
      it(`${fam.os}${fam.persistence === "rc.local" ? " (rc.local)" : ""}: apply twice, verify, egress and inbound per EIP, rollback`, async () => {
        const bundle = generateBundle(spec(fam.os, fam.persistence));
        const dir = lab.writeBundle(bundle);
        const root = lab.tempDir();
        const env = { ROOT: root };
        const sh = (script: string, ...args: string[]) =>
          lab.exec(lab.ns.inst, ["bash", path.join(dir, script), ...args], env);

        const a1 = await sh("apply.sh");
        expect(a1.code, a1.stderr).toBe(0);
        const afterFirst = await lab.dump();
        expect(afterFirst).not.toBe(initial);
        const a2 = await sh("apply.sh");
        expect(a2.code, a2.stderr).toBe(0);
        expect(await lab.dump()).toBe(afterFirst);

        // Persistent files landed under ROOT, byte for byte.
        for (const f of bundle.files.filter((x) => x.path.startsWith("files/"))) {
          const target = path.join(root, f.path.slice("files".length));
          expect(readFileSync(target, "utf8"), target).toBe(f.content);
          expect((lstatSync(target).mode & 0o777).toString(8)).toBe(f.mode.slice(1));
        }
        if (fam.persistence === "rc.local") {
          expect(readFileSync(path.join(root, "etc/rc.d/rc.local"), "utf8")).toContain(
            "/usr/local/sbin/eipilot-routes.sh",
          );
        }
        if (fam.os === "generic") {
          expect(
            lstatSync(
              path.join(root, "etc/systemd/system/multi-user.target.wants/eipilot-routes.service"),
            ).isSymbolicLink(),
          ).toBe(true);
        }

        const v = await sh("verify.sh");
        expect(v.code, v.stdout + v.stderr).toBe(0);
        const summary = JSON.parse(v.stdout);
        expect(summary.ok).toBe(true);
        expect(summary.addresses).toHaveLength(pairs.length);

        // Each private IP egresses as its own EIP (observed by the internet's echo service).
        const ve = await sh("verify.sh", "--echo-url", ECHO_URL);
        expect(ve.code, ve.stdout + ve.stderr).toBe(0);
        const echoed = JSON.parse(ve.stdout) as { addresses: { ip: string; egress: string; ok: boolean }[] };
        expect(Object.fromEntries(echoed.addresses.map((x) => [x.ip, x.egress]))).toEqual(
          Object.fromEntries(pairs.map((p) => [p.ip, p.eip])),
        );

        // Inbound to each EIP is answered by the private IP it maps to; the primary is unchanged.
        const inbound = await Promise.all(pairs.map((p) => lab.inbound(p.eip)));
        expect(inbound).toEqual(pairs.map((p) => p.ip));
        expect(await lab.egress()).toBe(primary.eip);
        expect(await lab.inbound(primary.eip)).toBe(primary.ip);

        const r = await sh("rollback.sh");
        expect(r.code, r.stderr).toBe(0);
        expect(await lab.dump()).toBe(initial);
        expect(listFiles(root)).toEqual([]);
        const vf = await sh("verify.sh");
        expect(vf.code).toBe(1);
        expect(JSON.parse(vf.stdout).ok).toBe(false);
      });
    }
  });
}
