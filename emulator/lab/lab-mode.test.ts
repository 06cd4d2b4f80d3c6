// Lab mode integration tests: every emulator transition against the namespaces it wires.
// Root + Linux only (skipped with a message otherwise). Everything runs inside this run's
// own namespaces (prefix eipe<pid>x<n>); nothing is sent from the host namespace but the
// SDK's calls to 127.0.0.1.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZERO_LATENCIES } from "../engine";
import { DEMO, startTestEmulator } from "../test-helpers";
import { $Ecs, $Vpc } from "../sdk";
import { labUnavailable, listNamespaces, nsAdd, nsExec } from "./netns";
import { startEmulator, type EmulatorHandle } from "../server";

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[emulator lab mode] skipped: ${why}`);

const SLOW = { ...ZERO_LATENCIES, eniAttach: 400, eniDetach: 400, eipAssociate: 400, eipUnassociate: 400 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== null)("emulator --lab: namespaces follow the world", () => {
  let emu: EmulatorHandle;
  let ecs: Awaited<ReturnType<typeof startTestEmulator>>["ecs"];
  let vpc: Awaited<ReturnType<typeof startTestEmulator>>["vpc"];
  const T = "ap-northeast-1";
  let eni: { mac: string; ip: string };
  const nsOf = (id: string) => emu.lab!.status().instances[id]!.namespace;
  const vpcNs = () => emu.lab!.status().vpcs[DEMO.vpc]!;

  const sync = async () => {
    emu.engine.tick();
    await emu.lab!.idle();
  };
  /** Waits until the transition is complete as the API reports it, then until the lab mirrored it. */
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 50; i++) {
      if (await check()) return sync();
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const eniStatus = async (id: string) =>
    (
      await ecs.describeNetworkInterfaces(
        new $Ecs.DescribeNetworkInterfacesRequest({ regionId: T, networkInterfaceId: [id] }),
      )
    ).body!.networkInterfaceSets!.networkInterfaceSet![0]!.status;
  const eipStatus = async (id: string) =>
    (await vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: T, allocationId: id }))).body!
      .eipAddresses!.eipAddress![0]!.status;
  const links = async (ns: string) => (await nsExec(ns, ["ip", "-o", "link", "show"])).stdout;
  const portRules = async () => (await nsExec(vpcNs().namespace, ["nft", "list", "table", "bridge", "vswitch"])).stdout;
  const natRules = async () =>
    (await nsExec(vpcNs().gatewayNamespace, ["nft", "list", "table", "ip", "eipnat"])).stdout;
  const egress = async (ns: string, source?: string) => {
    const r = await nsExec(ns, [
      "curl",
      "-sS",
      "--max-time",
      "2",
      ...(source ? ["--interface", source] : []),
      emu.lab!.echoUrl,
    ]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  };
  const runCommand = async (instanceId: string, script: string) => {
    const r = await ecs.runCommand(
      new $Ecs.RunCommandRequest({
        regionId: T,
        instanceId: [instanceId],
        type: "RunShellScript",
        commandContent: Buffer.from(script).toString("base64"),
        contentEncoding: "Base64",
        timeout: 30,
      }),
    );
    const invokeId = r.body!.invokeId!;
    for (let i = 0; i < 100; i++) {
      const res = await ecs.describeInvocationResults(
        new $Ecs.DescribeInvocationResultsRequest({ regionId: T, invokeId }),
      );
      const row = res.body!.invocation!.invocationResults!.invocationResult![0]!;
      if (row.invokeRecordStatus === "Finished")
        return {
          status: row.invocationStatus,
          exitCode: row.exitCode,
          errorCode: row.errorCode,
          output: Buffer.from(row.output ?? "", "base64").toString("utf8"),
        };
      await sleep(100);
    }
    throw new Error("invocation did not finish");
  };

  beforeAll(async () => {
    ({ emu, ecs, vpc } = await startTestEmulator({ lab: true, latencies: SLOW }));
    const e = emu.engine.world.enis[DEMO.secondaryEni]!;
    eni = { mac: e.macAddress, ip: e.primaryIp };
  });
  afterAll(async () => {
    const prefix = emu?.lab?.prefix;
    await emu?.close();
    if (prefix) expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
  });

  it("an instance is a namespace whose eth0 carries the primary ENI's MAC and IP (as DHCP would); its EIP's NAT is on the gateway", async () => {
    const st = emu.lab!.status();
    expect(Object.keys(st.instances).sort()).toEqual([DEMO.web1, DEMO.web2, ...DEMO.pool].sort());
    expect(st.echoUrl).toMatch(/^http:\/\/192\.0\.2\.\d+:8080\/$/);
    const primary = emu.engine.world.enis[DEMO.primaryEni1]!;
    const ns = nsOf(DEMO.web1);
    expect(await links(ns)).toContain(`eth0@`);
    expect(await links(ns)).toContain(primary.macAddress);
    expect((await nsExec(ns, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"])).stdout).toContain(
      `${primary.primaryIp}/24`,
    );
    expect((await nsExec(ns, ["ip", "route", "show", "default"])).stdout).toContain("via 172.16.0.253 dev eth0");
    expect(await natRules()).toContain("dnat to 172.16.0.57");
    expect(await egress(ns)).toBe("203.0.113.10");
    // web2 has no EIP: the gateway lets nothing of it out.
    expect(await egress(nsOf(DEMO.web2))).toMatch(/^error/);
  });

  it("attach: the ENI's veth appears in the instance namespace (by MAC) only when the attach completes", async () => {
    await ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await sync();
    expect(await eniStatus(DEMO.secondaryEni)).toBe("Attaching");
    await emu.lab!.idle();
    expect(await links(nsOf(DEMO.web1))).not.toContain(eni.mac);
    await until("InUse", async () => (await eniStatus(DEMO.secondaryEni)) === "InUse");
    const l = await links(nsOf(DEMO.web1));
    expect(l).toMatch(new RegExp(`eth1@\\S+ .*link/ether ${eni.mac}`));
    expect(emu.lab!.status().networkInterfaces[DEMO.secondaryEni]).toMatchObject({
      instanceId: DEMO.web1,
      device: "eth1",
    });
    expect(await portRules()).toContain(`ether saddr != ${eni.mac} drop`);
  });

  it("assign: a private IP becomes a valid source on the vSwitch port only after AssignPrivateIpAddresses", async () => {
    expect(await portRules()).not.toContain("172.16.0.61");
    await ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.61"],
      }),
    );
    await sync();
    expect(await portRules()).toMatch(/ip saddr != \{ 172\.16\.0\.60, 172\.16\.0\.61 \} drop/);
  });

  it("associate: NAT appears on the gateway when the association completes, and the echo service sees each EIP", async () => {
    const [eipA, eipB] = DEMO.freeEips;
    const addrA = emu.engine.world.eips[eipA!]!.ipAddress;
    const addrB = emu.engine.world.eips[eipB!]!.ipAddress;
    for (const [id, ip] of [
      [eipA!, eni.ip],
      [eipB!, "172.16.0.61"],
    ] as const) {
      await vpc.associateEipAddress(
        new $Vpc.AssociateEipAddressRequest({
          regionId: T,
          allocationId: id,
          instanceId: DEMO.secondaryEni,
          instanceType: "NetworkInterface",
          mode: "NAT",
          privateIpAddress: ip,
        }),
      );
    }
    await sync();
    expect(await eipStatus(eipA!)).toBe("Associating");
    expect(await natRules()).not.toContain(`dnat to ${eni.ip}`);
    await until("InUse", async () => (await eipStatus(eipA!)) === "InUse" && (await eipStatus(eipB!)) === "InUse");
    expect(await natRules()).toContain(`ip daddr ${addrA} dnat to ${eni.ip}`);
    expect(await natRules()).toContain(`ip daddr ${addrB} dnat to 172.16.0.61`);
    // Configure the guest the way the bundle would (addresses + policy routing) and ask the echo service.
    const ns = nsOf(DEMO.web1);
    const r = await nsExec(ns, [
      "sh",
      "-ec",
      `ip link set eth1 up; ip addr add ${eni.ip}/24 dev eth1; ip addr add 172.16.0.61/24 dev eth1
       ip route add default via 172.16.0.253 dev eth1 table 1001
       ip rule add from ${eni.ip} lookup 1001; ip rule add from 172.16.0.61 lookup 1001`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await egress(ns, eni.ip)).toBe(addrA);
    expect(await egress(ns, "172.16.0.61")).toBe(addrB);
    expect(await egress(ns)).toBe("203.0.113.10");
  });

  it("RunCommand runs in the instance's namespaces with a sandboxed /etc", async () => {
    const marker = `eipilot-lab-test-${process.pid}`;
    const out = await runCommand(
      DEMO.web1,
      `#!/bin/bash\necho "${marker}" > /etc/${marker}\ncat /etc/${marker}\nip -o link show eth1\ngrep ^ID= /etc/os-release\npwd\nexit 3\n`,
    );
    expect(out.status).toBe("Failed");
    expect(out.exitCode).toBe(3);
    expect(out.errorCode).toBe("ExitCodeNonzero");
    expect(out.output).toContain(marker);
    expect(out.output).toContain(eni.mac);
    expect(out.output).toContain('ID="alinux"');
    expect(out.output).toContain("/root");
    expect(existsSync(`/etc/${marker}`)).toBe(false);
    const sandbox = emu.lab!.status().instances[DEMO.web1]!.sandbox;
    expect(readFileSync(`${sandbox}/etc/${marker}`, "utf8")).toBe(`${marker}\n`);
    const ok = await runCommand(DEMO.web2, "ip -o link show eth0 && test ! -e /etc/" + marker);
    expect(ok).toMatchObject({ status: "Success", exitCode: 0 });
    expect(ok.output).toContain(
      emu.engine.world.instances[DEMO.web2]!.primaryEniId
        ? emu.engine.world.enis[emu.engine.world.instances[DEMO.web2]!.primaryEniId]!.macAddress
        : "",
    );
  });

  it("unassociate / unassign / detach: NAT, source and veth go away when each completes", async () => {
    const [eipA, eipB] = DEMO.freeEips;
    const ns = nsOf(DEMO.web1);
    await vpc.unassociateEipAddress(
      new $Vpc.UnassociateEipAddressRequest({
        regionId: T,
        allocationId: eipB!,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
      }),
    );
    await sync();
    expect(await natRules()).toContain("dnat to 172.16.0.61");
    await until("Available", async () => (await eipStatus(eipB!)) === "Available");
    expect(await natRules()).not.toContain("dnat to 172.16.0.61");
    expect(await egress(ns, "172.16.0.61")).toMatch(/^error/);

    await ecs.unassignPrivateIpAddresses(
      new $Ecs.UnassignPrivateIpAddressesRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.61"],
      }),
    );
    await sync();
    expect(await portRules()).not.toContain("172.16.0.61");

    await vpc.unassociateEipAddress(
      new $Vpc.UnassociateEipAddressRequest({
        regionId: T,
        allocationId: eipA!,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
      }),
    );
    await until("Available", async () => (await eipStatus(eipA!)) === "Available");
    expect(await natRules()).not.toContain(`dnat to ${eni.ip}`);

    await ecs.detachNetworkInterface(
      new $Ecs.DetachNetworkInterfaceRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await sync();
    expect(await links(ns)).toContain(eni.mac);
    await until("Available", async () => (await eniStatus(DEMO.secondaryEni)) === "Available");
    expect(await links(ns)).not.toContain(eni.mac);
    expect(await portRules()).not.toContain(eni.mac);
  });

  it("admin GET /_emulator/lab gives the echo URL and the namespaces", async () => {
    const body = (await (await fetch(`${emu.url}/_emulator/lab`)).json()) as {
      enabled: boolean;
      echoUrl: string;
      namespaces: string[];
    };
    expect(body.enabled).toBe(true);
    expect(body.echoUrl).toBe(emu.lab!.echoUrl);
    // one per instance (the two demo ones and the pool of six), and the lab's own three
    expect(body.namespaces.length).toBe(2 + DEMO.pool.length + 3);
  });

  it("reset rebuilds the namespaces from the seed; nothing of the old world is left", async () => {
    await ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web2,
      }),
    );
    await until("InUse", async () => (await eniStatus(DEMO.secondaryEni)) === "InUse");
    expect(await links(nsOf(DEMO.web2))).toContain(eni.mac);
    const before = emu.lab!.namespaces().sort();
    const res = await fetch(`${emu.url}/_emulator/reset`, { method: "POST" });
    expect(res.status).toBe(200);
    await emu.lab!.idle();
    expect(emu.lab!.namespaces().sort()).toEqual(before);
    expect(await links(nsOf(DEMO.web2))).not.toContain(eni.mac);
    expect(emu.lab!.status().networkInterfaces[DEMO.secondaryEni]).toBeUndefined();
    expect(await egress(nsOf(DEMO.web1))).toBe("203.0.113.10");
  });
});

describe.skipIf(why !== null)("emulator --lab: cleanup", () => {
  it("close removes every namespace and sandbox; a later start removes a crashed run's leftovers", async () => {
    // A leftover of a run whose process is gone (pid 2^22+1 is above pid_max's default range).
    const dead = `eipe${4194305}x1-net`;
    nsAdd(dead);
    const emu = await startEmulator({ lab: true, latencies: ZERO_LATENCIES });
    try {
      expect(listNamespaces()).not.toContain(dead);
      expect(emu.lab!.namespaces().length).toBeGreaterThan(0);
    } finally {
      const prefix = emu.lab!.prefix;
      const sandbox = emu.lab!.status().instances[DEMO.web1]!.sandbox;
      await emu.close();
      expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
      expect(existsSync(sandbox)).toBe(false);
    }
  });

  it("the CLI with --lab says so, and SIGTERM leaves no namespaces", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "emulator/cli.ts", "--port", "0", "--lab", "--latencies", "zero"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 30_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("listening on")) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const m =
      /lab mode: on \(instances are network namespaces (eipe\d+x\d+)-\*; what-is-my-IP service at (http:\/\/192\.0\.2\.10:8080\/)\)/.exec(
        out,
      );
    expect(m, out).not.toBeNull();
    expect(listNamespaces().some((n) => n.startsWith(`${m![1]}-`))).toBe(true);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    expect(listNamespaces().filter((n) => n.startsWith(`${m![1]}-`))).toEqual([]);
  });
});
