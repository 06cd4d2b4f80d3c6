import { existsSync, lstatSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { boot, type Boot, type BootFamily } from "./boot";
import { ECHO_URL, Lab, VPC_GATEWAY, labUnavailable, type LabTopology } from "./lab";
import { cleanupNamespaces } from "@/emulator/lab/netns";

// The persistent files after a reboot (issue 18): apply.sh installs them under ROOT (the
// instance's disk) and its live state is recorded; then the instance "reboots" (a fresh instance
// namespace) and the family's real network daemon starts on those files alone (see boot.ts).
// The same checks as after apply follow, then rollback.sh and one more boot, which must leave no
// trace of EIPilot. Namespaces are "eipb…" so they never meet the apply lab's "eipl…" ones.

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[e2e/lab boot] skipped: ${why}`);

const MTU = 8500; // jumbo frames: the value the ENI's driver reports, which the boot must keep

const TOPO: LabTopology = {
  primary: { name: "eth0", mac: "00:16:3e:00:00:01", ips: ["172.16.0.10"], eips: ["203.0.113.100"] },
  enis: [
    {
      name: "eth1",
      mac: "00:16:3e:12:34:56",
      ips: ["172.16.0.57", "172.16.0.77", "172.16.0.78"],
      eips: ["203.0.113.10", "203.0.113.11", "203.0.113.12"],
    },
  ],
};
const ENI = TOPO.enis[0]!;
const TABLE = 1001;
const PAIRS = ENI.ips.map((ip, j) => ({ ip, eip: ENI.eips[j]! }));
const PRIMARY = { ip: TOPO.primary.ips[0]!, eip: TOPO.primary.eips[0]! };

const spec = (os: string) => ({
  os,
  interfaces: [
    {
      device: ENI.name,
      mac: ENI.mac,
      primaryIp: ENI.ips[0],
      secondaryIps: ENI.ips.slice(1),
      prefixLength: 24,
      gateway: VPC_GATEWAY,
      routeTable: TABLE,
      eips: Object.fromEntries(PAIRS.map((p) => [p.ip, p.eip])),
    },
  ],
});

function listFiles(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return lstatSync(p).isDirectory() ? listFiles(p, `${prefix}/${n}`) : [`${prefix}/${n}`];
  });
}

/**
 * The live state in the terms both apply.sh and a daemon can be held to. Dropped, because they say
 * who made a route or address rather than where traffic goes: `proto`, `metric`, the broadcast
 * address and its local-table broadcast route (daemons add `brd`, apply.sh does not). With
 * `perAddressPrefixRoutes` (NetworkManager puts one prefix route per address in the ENI's table,
 * differing only in `src`; apply.sh has one), the `src` of table routes is dropped and duplicates merged.
 */
function normalize(dump: string, perAddressPrefixRoutes = false): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of dump.split("\n")) {
    if (/^broadcast .* table local /.test(raw)) continue;
    let l = raw
      .replace(/ brd \S+/, "")
      .replace(/ proto \S+/g, "")
      .replace(/ metric \d+/g, "")
      .trimEnd();
    if (perAddressPrefixRoutes && / table \d+ /.test(l) && !/ table local /.test(l)) l = l.replace(/ src \S+/, "");
    if (/ table \d+ /.test(l) && seen.has(l)) continue;
    seen.add(l);
    out.push(l);
  }
  return out.join("\n");
}

/** The main table's routes in a lab.dump() (addresses, rules, routes of every table, sysctls, separated by blank lines). */
const main = (d: string) =>
  d
    .split("\n\n")[2]!
    .split("\n")
    .filter((x) => !/ table /.test(x));

type Case = { os: BootFamily; daemon: string };
const CASES: (Case & { needs: string[] })[] = [
  {
    os: "ubuntu",
    daemon: "netplan generate + systemd-networkd",
    needs: ["/usr/sbin/netplan", "/lib/systemd/systemd-networkd"],
  },
  { os: "debian", daemon: "ifupdown (ifup -a, ifup --allow=hotplug)", needs: ["/sbin/ifup"] },
  { os: "generic", daemon: "the systemd unit's ExecStart", needs: [] },
  {
    os: "alinux3",
    daemon: "NetworkManager (keyfiles, private D-Bus)",
    needs: ["/usr/sbin/NetworkManager", "/usr/bin/dbus-daemon", "/usr/bin/nmcli"],
  },
  {
    os: "rhel9",
    daemon: "NetworkManager (keyfiles, private D-Bus)",
    needs: ["/usr/sbin/NetworkManager", "/usr/bin/dbus-daemon", "/usr/bin/nmcli"],
  },
];
/** What is missing to boot a family here (Debian packages netplan.io, systemd, ifupdown), or null. */
const missingFor = (needs: string[]) => needs.filter((p) => !existsSync(p)).join(", ") || null;
// NetworkManager waits for udev to announce a device unless /sys is read-only (as in a container); the
// lab has no udev, so boot.ts starts it with /sys read-only (until then it kept the veth ENI "unmanaged").
const NETWORK_MANAGER: BootFamily[] = ["alinux3", "rhel9"];

describe.skipIf(why !== null)("network lab: the persistent files booted with the real daemon", () => {
  let lab: Lab | null = null;
  let running: Boot | null = null;

  afterEach(async () => {
    await running?.stop();
    running = null;
    lab?.down();
    lab = null;
  });

  for (const c of CASES) {
    const missing = missingFor(c.needs);
    if (missing) console.warn(`[e2e/lab boot] ${c.os} skipped: ${missing} not installed`);
    it.skipIf(missing !== null)(
      `${c.os}: ${c.daemon} brings up what apply.sh did; after rollback a boot leaves no trace`,
      async () => {
        cleanupNamespaces(/^eipb[a-z0-9]+-(?<pid>\d+)-[a-z]$/);
        lab = new Lab(c.os.replace(/[^a-z0-9]/g, ""), TOPO, "eipb");
        const l = lab;
        await l.up();
        const setMtu = () => l.sh(l.ns.inst, `ip link set ${ENI.name} mtu ${MTU}`);
        await setMtu();
        const initial = await l.dump();
        const bundle = generateBundle(spec(c.os));
        const dir = l.writeBundle(bundle);
        const disk = l.tempDir();
        const run = (script: string, ...args: string[]) =>
          l.exec(l.ns.inst, ["bash", path.join(dir, script), ...args], { ROOT: disk });

        const a = await run("apply.sh");
        expect(a.code, a.stderr).toBe(0);
        const applied = await l.dump();

        // Reboot onto the disk apply.sh wrote.
        await l.reboot();
        await setMtu();
        expect(await l.dump(), "a fresh instance namespace").toBe(initial);
        const nm = NETWORK_MANAGER.includes(c.os);
        running = await boot(l, c.os, disk, nm ? { competingNmProfileFor: ENI.name } : {});
        if (nm) {
          // A DHCP profile for the same NIC (NetworkManager's or cloud-init's) also autoconnects; ours must win.
          expect(running.output()).toContain(`active: eipilot-${ENI.name}:${ENI.name}`);
        }

        const booted = await l.dump();
        expect(normalize(booted, nm)).toBe(normalize(applied, nm));
        // The main table is exactly as before: no prefix route, no zeroconf route, no default route via the ENI.
        expect(main(booted)).toEqual(main(initial));
        expect(booted).not.toMatch(new RegExp(`^default .*dev ${ENI.name}(?!.* table )`, "m"));
        const mtu = await l.exec(l.ns.inst, ["cat", `/sys/class/net/${ENI.name}/mtu`]);
        expect(mtu.stdout.trim(), "the ENI's MTU as the cloud set it").toBe(String(MTU));

        const v = await run("verify.sh", "--echo-url", ECHO_URL);
        expect(v.code, v.stdout + v.stderr).toBe(0);
        const echoed = JSON.parse(v.stdout) as { addresses: { ip: string; egress: string }[] };
        expect(Object.fromEntries(echoed.addresses.map((x) => [x.ip, x.egress]))).toEqual(
          Object.fromEntries(PAIRS.map((p) => [p.ip, p.eip])),
        );
        expect(await Promise.all(PAIRS.map((p) => l.inbound(p.eip)))).toEqual(PAIRS.map((p) => p.ip));
        expect(await l.egress()).toBe(PRIMARY.eip);
        expect(await l.inbound(PRIMARY.eip)).toBe(PRIMARY.ip);

        // Roll back, then boot once more: nothing of EIPilot may come back.
        await running.stop();
        running = null;
        const r = await run("rollback.sh");
        expect(r.code, r.stderr).toBe(0);
        expect(listFiles(disk)).toEqual([]);
        await l.reboot();
        await setMtu();
        running = await boot(l, c.os, disk);
        const after = await l.dump();
        expect(after).not.toMatch(/lookup 1001|table 1001/);
        expect(after.split("\n").filter((x) => x.includes(ENI.ips[0]!))).toEqual([]);
        expect(after).toBe(initial);
        expect(await l.egress()).toBe(PRIMARY.eip);
      },
    );
  }

  // NetworkManager already running with a DHCP profile active on the secondary ENI (as cloud-init or
  // NetworkManager's own auto profile leave it): apply.sh, run live, must make EIPilot's profile the
  // ENI's active connection at once, not at the next reboot, and rollback.sh must take it away again.
  for (const c of CASES.filter((x) => NETWORK_MANAGER.includes(x.os))) {
    const missing = missingFor(c.needs);
    if (missing) console.warn(`[e2e/lab boot] ${c.os} with a running NetworkManager skipped: ${missing} not installed`);
    it.skipIf(missing !== null)(
      `${c.os}: a DHCP profile active on ${ENI.name} gives way to EIPilot's; the primary untouched; rollback removes ours`,
      async () => {
        cleanupNamespaces(/^eipb[a-z0-9]+-(?<pid>\d+)-[a-z]$/);
        lab = new Lab(`n${c.os}`, TOPO, "eipb");
        const l = lab;
        await l.up();
        const initial = await l.dump();
        const dir = l.writeBundle(generateBundle(spec(c.os)));
        running = await boot(l, c.os, l.tempDir(), {
          competingNmProfileFor: ENI.name,
          competingNmLease: { address: ENI.ips[0]!, gateway: VPC_GATEWAY },
          live: true,
        });
        const nm = running;
        const active = async () =>
          (await nm.exec(["nmcli", "-t", "-f", "NAME,DEVICE", "connection", "show", "--active"])).stdout.trim();
        const primaryState = async () =>
          (await nm.exec(["nmcli", "-g", "GENERAL.STATE,GENERAL.CONNECTION", "device", "show", TOPO.primary.name]))
            .stdout;
        const mainDefaultViaEni = new RegExp(`^default .*dev ${ENI.name}(?!.* table )`, "m");
        expect(await active()).toBe(`dhcp-${ENI.name}:${ENI.name}`);
        expect(await l.dump(), "the lease's default route via the secondary ENI").toMatch(mainDefaultViaEni);
        const primaryBefore = await primaryState();

        const a = await nm.exec(["bash", path.join(dir, "apply.sh")]);
        expect(a.code, a.stderr).toBe(0);
        expect(await active()).toBe(`eipilot-${ENI.name}:${ENI.name}`);
        expect(a.stderr).toContain(`EIPilot's profile is active on ${ENI.name} (instead of connection `);
        const applied = await l.dump();
        expect(applied).not.toMatch(mainDefaultViaEni);
        expect(main(applied), "the main table as before the lease").toEqual(main(initial));
        expect(await primaryState(), "the primary ENI's device and connection").toBe(primaryBefore);

        const v = await nm.exec(["bash", path.join(dir, "verify.sh"), "--echo-url", ECHO_URL]);
        expect(v.code, v.stdout + v.stderr).toBe(0);
        expect(await Promise.all(PAIRS.map((p) => l.egress(p.ip)))).toEqual(PAIRS.map((p) => p.eip));
        expect(await Promise.all(PAIRS.map((p) => l.inbound(p.eip)))).toEqual(PAIRS.map((p) => p.ip));
        expect(await l.egress()).toBe(PRIMARY.eip);
        expect(await l.inbound(PRIMARY.eip)).toBe(PRIMARY.ip);

        // Again: nothing to activate, nothing changes.
        const again = await nm.exec(["bash", path.join(dir, "apply.sh")]);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).not.toContain("NetworkManager:");
        expect(await l.dump()).toBe(applied);
        expect(await active()).toBe(`eipilot-${ENI.name}:${ENI.name}`);

        // A revision without the last address: the changed profile is reapplied on the active connection.
        const rev2 = spec(c.os);
        rev2.interfaces[0]!.secondaryIps = ENI.ips.slice(1, -1);
        delete rev2.interfaces[0]!.eips[ENI.ips.at(-1)!];
        const dir2 = l.writeBundle(generateBundle(rev2));
        const a2 = await nm.exec(["bash", path.join(dir2, "apply.sh")]);
        expect(a2.code, a2.stderr).toBe(0);
        expect(await active()).toBe(`eipilot-${ENI.name}:${ENI.name}`);
        const v2 = await nm.exec(["bash", path.join(dir2, "verify.sh"), "--echo-url", ECHO_URL]);
        expect(v2.code, v2.stdout + v2.stderr).toBe(0);
        const d2 = await l.dump();
        expect(
          d2.split("\n").filter((x) => x.includes(ENI.ips.at(-1)!)),
          a2.stderr,
        ).toEqual([]);
        // Its rollback.sh returns to the first revision (its apply.sh reapplies the first profile).
        const r2 = await nm.exec(["bash", path.join(dir2, "rollback.sh")]);
        expect(r2.code, r2.stderr).toBe(0);
        expect(await active()).toBe(`eipilot-${ENI.name}:${ENI.name}`);
        const v1 = await nm.exec(["bash", path.join(dir, "verify.sh"), "--echo-url", ECHO_URL]);
        expect(v1.code, v1.stdout + v1.stderr).toBe(0);

        const r = await nm.exec(["bash", path.join(dir, "rollback.sh")]);
        expect(r.code, r.stderr).toBe(0);
        const profiles = await nm.exec(["nmcli", "-g", "NAME", "connection", "show"]);
        expect(profiles.stdout.split("\n").filter((n) => n.startsWith("eipilot-"))).toEqual([]);
        expect(profiles.stdout).toContain(`dhcp-${ENI.name}`);
        const after = await l.dump();
        expect(after).not.toMatch(/lookup 1001|table 1001/);
        expect(await primaryState()).toBe(primaryBefore);
        expect(await l.egress()).toBe(PRIMARY.eip);
      },
    );
  }

  it.skip("centos7, alinux2: not booted — network-scripts (initscripts) has no daemon in Debian; lib/os/network-scripts.test.ts checks the files against initscripts' syntax", () => {});
});

if (!why) {
  console.warn(
    "[e2e/lab boot] centos7/alinux2 are not booted: initscripts' network service does not exist in Debian; " +
      "their ifcfg/route/rule files are checked against initscripts' syntax in lib/os/network-scripts.test.ts",
  );
}
