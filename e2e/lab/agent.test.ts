import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { ZERO_LATENCIES } from "@/emulator/engine";
import { runInGuest } from "@/emulator/lab/guest";
import { labUnavailable, listNamespaces, nsExec } from "@/emulator/lab/netns";
import { $Ecs, $Vpc } from "@/emulator/sdk";
import { DEMO, startTestEmulator, type TestEmulator } from "@/emulator/test-helpers";

// The guest agent eipilot-netd (issue 18) against the emulator's lab mode: the instance is a network
// namespace, its metadata service (100.100.100.200) answers from the emulator's world, and every change is
// made through the cloud API. The agent is run on demand (as its timer and udev rule would run it) in the
// instance's sandbox, like a RunCommand script: the bundle's apply.sh installs it there first.

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[e2e/lab agent] skipped: ${why}`);

const T = "ap-northeast-1";
const SLOW = { ...ZERO_LATENCIES, eniAttach: 300, eniDetach: 300, eipAssociate: 300, eipUnassociate: 300 };
const AGENT = "/usr/local/sbin/eipilot-netd";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== null)("network lab: the guest agent follows the instance metadata", () => {
  let t: TestEmulator;
  let runs = 0;
  const ns = () => t.emu.lab!.status().instances[DEMO.web1]!.namespace;
  const eni1 = { mac: "", ip: "" };
  let eni2 = "";
  let eni3 = "";

  /** Runs a script as root in web1 (its namespace and sandboxed disk), like Cloud Assistant. */
  const guest = async (script: string) => {
    await t.emu.lab!.idle();
    const st = t.emu.lab!.status().instances[DEMO.web1]!;
    return runInGuest({
      ns: st.namespace,
      sandbox: st.sandbox,
      script,
      workingDir: "/root",
      timeoutSeconds: 60,
      name: `agent-test-${++runs}`,
    });
  };
  const agent = (...args: string[]) => guest(`#!/bin/bash\n${AGENT} ${args.join(" ")}\n`);
  const live = async () =>
    (await nsExec(ns(), ["sh", "-c", "ip -4 -o addr show; echo; ip -4 rule show; echo; ip -4 route show table all"]))
      .stdout;
  const rules = async () => (await nsExec(ns(), ["ip", "-4", "rule", "show"])).stdout;
  const addrs = async (dev: string) => (await nsExec(ns(), ["ip", "-4", "-o", "addr", "show", "dev", dev])).stdout;
  const egress = async (source: string) => {
    const r = await nsExec(ns(), ["curl", "-sS", "--max-time", "3", "--interface", source, t.emu.lab!.echoUrl]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  };

  const settle = async (what: string, done: () => boolean) => {
    for (let i = 0; i < 100; i++) {
      t.emu.engine.tick();
      if (done()) return t.emu.lab!.idle();
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const attach = async (eniId: string) => {
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({ regionId: T, networkInterfaceId: eniId, instanceId: DEMO.web1 }),
    );
    await settle(`${eniId} InUse`, () => t.emu.engine.world.enis[eniId]!.status === "InUse");
  };
  const createEni = async () =>
    (
      await t.ecs.createNetworkInterface(
        new $Ecs.CreateNetworkInterfaceRequest({ regionId: T, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg }),
      )
    ).body!.networkInterfaceId!;
  const assign = (eniId: string, ips: string[]) =>
    t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({ regionId: T, networkInterfaceId: eniId, privateIpAddress: ips }),
    );
  const eipOf = (allocationId: string) => t.emu.engine.world.eips[allocationId]!.ipAddress;
  const associate = async (allocationId: string, eniId: string, ip: string) => {
    await t.vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: T,
        allocationId,
        instanceId: eniId,
        instanceType: "NetworkInterface",
        mode: "NAT",
        privateIpAddress: ip,
      }),
    );
    await settle(`${allocationId} InUse`, () => t.emu.engine.world.eips[allocationId]!.status === "InUse");
  };

  /** The bundle applied on web1: its first secondary ENI, and the agent, which leaves eth3 alone. */
  const bundleSpec = () => ({
    os: "generic",
    interfaces: [
      {
        device: "eth1",
        mac: eni1.mac,
        primaryIp: eni1.ip,
        prefixLength: 24,
        gateway: "172.16.0.253",
        routeTable: 1001,
        eips: { [eni1.ip]: eipOf(DEMO.freeEips[0]!) },
      },
    ],
    agent: { leaveAlone: ["eth3"] },
  });

  beforeAll(async () => {
    t = await startTestEmulator({ lab: true, latencies: SLOW });
    // Room for the ENIs this lab attaches (the demo's ecs.g7.large takes 3 with the primary; this type 4).
    t.emu.engine.world.instances[DEMO.web1]!.instanceType = "ecs.g7.xlarge";
    const e = t.emu.engine.world.enis[DEMO.secondaryEni]!;
    Object.assign(eni1, { mac: e.macAddress, ip: e.primaryIp });
    await attach(DEMO.secondaryEni);
    await associate(DEMO.freeEips[0]!, DEMO.secondaryEni, eni1.ip);
  });
  afterAll(async () => {
    const prefix = t?.emu.lab?.prefix;
    await t?.emu.close();
    if (prefix) expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
  });

  it("apply.sh installs the agent with its unit, its 30 s timer (enabled) and its udev rule", async () => {
    const bundle = generateBundle(bundleSpec());
    const apply = bundle.files.find((f) => f.path === "apply.sh")!.content;
    const a = await guest(apply);
    expect(a.exitCode, a.output).toBe(0);
    const units = await guest(
      "#!/bin/bash\nset -e\nreadlink /etc/systemd/system/timers.target.wants/eipilot-netd.timer\n" +
        "cat /etc/systemd/system/eipilot-netd.timer /etc/systemd/system/eipilot-netd.service /etc/udev/rules.d/90-eipilot-netd.rules\n" +
        `test -x ${AGENT}\n`,
    );
    expect(units.exitCode, units.output).toBe(0);
    expect(units.output).toContain("/etc/systemd/system/eipilot-netd.timer\n");
    expect(units.output).toContain("OnUnitActiveSec=30s");
    expect(units.output).toContain(`ExecStart=${AGENT}`);
    expect(units.output).toMatch(/ACTION=="add", SUBSYSTEM=="net".*systemctl --no-block start eipilot-netd\.service/);
    expect(await egress(eni1.ip)).toBe(eipOf(DEMO.freeEips[0]!));
    // In sync with the metadata right after apply: nothing to do.
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toContain("in sync with the instance metadata (1 secondary ENI(s))");
  });

  it("two addresses assigned in the cloud: --dry-run prints the changes and makes none; a run makes them; each egresses as its EIP", async () => {
    await assign(DEMO.secondaryEni, ["172.16.0.61", "172.16.0.62"]);
    await associate(DEMO.freeEips[1]!, DEMO.secondaryEni, "172.16.0.61");
    await associate(DEMO.freeEips[2]!, DEMO.secondaryEni, "172.16.0.62");
    const before = await live();
    const dry = await agent("--dry-run");
    expect(dry.exitCode, dry.output).toBe(0);
    expect(dry.output).toContain("would run: ip -4 addr add 172.16.0.61/24 dev eth1 noprefixroute");
    expect(dry.output).toContain("would run: ip -4 rule add from 172.16.0.62 lookup 1001 priority 30002");
    expect(dry.output).toContain("dry run: 4 change(s) would be made");
    expect(await live()).toBe(before);

    const run = await agent();
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain("eipilot: ip -4 addr add 172.16.0.61/24 dev eth1 noprefixroute");
    expect(await addrs("eth1")).toContain("172.16.0.62/24");
    expect(await rules()).toMatch(/^30001:\s+from 172\.16\.0\.61 lookup 1001/m);
    expect(await egress("172.16.0.61")).toBe(eipOf(DEMO.freeEips[1]!));
    expect(await egress("172.16.0.62")).toBe(eipOf(DEMO.freeEips[2]!));
    expect(await egress(eni1.ip)).toBe(eipOf(DEMO.freeEips[0]!));

    // Idempotent: a second run changes nothing.
    const applied = await live();
    const again = await agent();
    expect(again.output).toContain("in sync");
    expect(await live()).toBe(applied);
  });

  it("one address unassigned in the cloud: the agent removes it and its rule; the others keep egressing", async () => {
    await t.vpc.unassociateEipAddress(
      new $Vpc.UnassociateEipAddressRequest({
        regionId: T,
        allocationId: DEMO.freeEips[2]!,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
      }),
    );
    await settle("unassociated", () => t.emu.engine.world.eips[DEMO.freeEips[2]!]!.status === "Available");
    await t.ecs.unassignPrivateIpAddresses(
      new $Ecs.UnassignPrivateIpAddressesRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.62"],
      }),
    );
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toContain("ip -4 addr del 172.16.0.62/24 dev eth1");
    expect(await addrs("eth1")).not.toContain("172.16.0.62");
    expect(await rules()).not.toContain("172.16.0.62");
    expect(await egress("172.16.0.61")).toBe(eipOf(DEMO.freeEips[1]!));
  });

  it("hotplug: an ENI attached in the cloud appears as eth2; the agent gives it table 1002 and its rule; it egresses as its EIP", async () => {
    eni2 = await createEni();
    await attach(eni2);
    const e2 = t.emu.engine.world.enis[eni2]!;
    expect((await nsExec(ns(), ["ip", "-o", "link", "show", "eth2"])).stdout).toContain(e2.macAddress);
    await associate(DEMO.freeEips[2]!, eni2, e2.primaryIp);
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(await addrs("eth2")).toContain(`${e2.primaryIp}/24`);
    expect(await rules()).toMatch(new RegExp(`^30100:\\s+from ${e2.primaryIp.replace(/\./g, "\\.")} lookup 1002`, "m"));
    expect((await nsExec(ns(), ["ip", "-4", "route", "show", "table", "1002"])).stdout).toContain(
      "default via 172.16.0.253 dev eth2",
    );
    expect(await egress(e2.primaryIp)).toBe(eipOf(DEMO.freeEips[2]!));
  });

  it("an interface the spec leaves alone (eth3) is not touched, and the agent says so", async () => {
    eni3 = await createEni();
    await attach(eni3);
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/leaving eth3 \(\S+, ENI eni-\S+\) alone/);
    expect(await addrs("eth3")).toBe("");
    expect(await rules()).not.toContain("lookup 1003");
  });

  it("metadata service down: the agent changes nothing and says why (exit 1); back up, it catches up", async () => {
    await assign(DEMO.secondaryEni, ["172.16.0.93"]);
    await t.emu.lab!.setMetadataService(DEMO.web1, false);
    try {
      const before = await live();
      const r = await agent();
      expect(r.exitCode).toBe(1);
      expect(r.output).toMatch(
        /the instance metadata service \(100\.100\.100\.200\) did not answer: \(7\) Failed to connect.*; nothing changed\n/,
      );
      expect(await live()).toBe(before);
    } finally {
      await t.emu.lab!.setMetadataService(DEMO.web1, true);
    }
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(await addrs("eth1")).toContain("172.16.0.93/24");
  });

  it("HttpTokens=required: the agent reads in security hardening mode and works; metadata access disabled: nothing changes", async () => {
    const modify = (httpEndpoint: string, httpTokens: string) =>
      t.ecs.modifyInstanceMetadataOptions(
        new $Ecs.ModifyInstanceMetadataOptionsRequest({ regionId: T, instanceId: DEMO.web1, httpEndpoint, httpTokens }),
      );
    await modify("enabled", "required");
    const tokenless = await guest(
      "#!/bin/bash\ncurl -s -o /dev/null -w '%{http_code}' http://100.100.100.200/latest/meta-data/mac\n",
    );
    expect(tokenless.output).toBe("403");
    await t.ecs.unassignPrivateIpAddresses(
      new $Ecs.UnassignPrivateIpAddressesRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.93"],
      }),
    );
    const r = await agent();
    expect(r.exitCode, r.output).toBe(0);
    expect(await addrs("eth1")).not.toContain("172.16.0.93");

    await modify("disabled", "required");
    await assign(DEMO.secondaryEni, ["172.16.0.94"]);
    const before = await live();
    const off = await agent();
    expect(off.exitCode).toBe(1);
    expect(off.output).toContain(
      "the metadata service gave no token (HTTP 403) and this bundle reads it in security hardening mode only; nothing changed",
    );
    expect(await live()).toBe(before);
    await modify("enabled", "optional");
  });

  it("rollback.sh undoes what the agent added too: no table, rule or address of EIPilot is left", async () => {
    const r = await guest("#!/bin/bash\nset -e\nls /var/lib/eipilot/revisions/*.apply.sh >/dev/null\nexit 0\n");
    expect(r.exitCode, r.output).toBe(0);
    const bundleRollback = generateBundle(bundleSpec()).files.find((f) => f.path === "rollback.sh")!.content;
    const rb = await guest(bundleRollback);
    expect(rb.exitCode, rb.output).toBe(0);
    const state = await live();
    expect(state).not.toMatch(/lookup 100[12]|table 100[12]/);
    expect(state).not.toMatch(/172\.16\.0\.(6[0-2]|9[34])/);
    expect(state).not.toContain(`${t.emu.engine.world.enis[eni2]!.primaryIp}/`);
    const gone = await guest(`#!/bin/bash\ntest ! -e ${AGENT} && test ! -e /etc/systemd/system/eipilot-netd.timer\n`);
    expect(gone.exitCode, gone.output).toBe(0);
  });
});
