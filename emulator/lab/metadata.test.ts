// Lab mode's instance metadata service (100.100.100.200 inside each instance namespace), against the world
// the API changes. Root + Linux only (skipped with a message otherwise).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZERO_LATENCIES } from "../engine";
import { $Ecs } from "../sdk";
import { startEmulator, type EmulatorHandle } from "../server";
import { DEMO, startTestEmulator } from "../test-helpers";
import { instanceMetadata } from "./metadata";
import { labUnavailable, listNamespaces, nsExec } from "./netns";

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[emulator lab metadata] skipped: ${why}`);

const MD = "http://100.100.100.200/latest";
const T = "ap-northeast-1";

describe("instanceMetadata (pure)", () => {
  it("names the items as Alibaba Cloud does, per MAC, with private-ipv4s as a JSON list", async () => {
    const emu: EmulatorHandle = await startEmulator({ latencies: ZERO_LATENCIES });
    try {
      const w = emu.engine.world;
      const md = instanceMetadata(w, DEMO.web1)!;
      const primary = w.enis[DEMO.primaryEni1]!;
      expect(md).toMatchObject({ httpEndpoint: "enabled", httpTokens: "optional" });
      expect(md.items["instance-id"]).toBe(DEMO.web1);
      expect(md.items.mac).toBe(primary.macAddress);
      const at = `network/interfaces/macs/${primary.macAddress}`;
      expect(md.items[`${at}/network-interface-id`]).toBe(DEMO.primaryEni1);
      expect(md.items[`${at}/primary-ip-address`]).toBe(primary.primaryIp);
      expect(md.items[`${at}/private-ipv4s`]).toBe(JSON.stringify([primary.primaryIp, ...primary.secondaryIps]));
      expect(md.items[`${at}/netmask`]).toBe("255.255.255.0");
      expect(md.items[`${at}/gateway`]).toBe("172.16.0.253");
      expect(md.items[`${at}/vswitch-cidr-block`]).toBe("172.16.0.0/24");
      // The secondary ENI is not attached: not in web1's metadata.
      const second = w.enis[DEMO.secondaryEni]!;
      expect(Object.keys(md.items).some((k) => k.includes(second.macAddress))).toBe(false);
      expect(instanceMetadata(w, "i-none")).toBeNull();
    } finally {
      await emu.close();
    }
  });
});

describe.skipIf(why !== null)("emulator --lab: the metadata service inside each instance", () => {
  let t: Awaited<ReturnType<typeof startTestEmulator>>;
  const ns = () => t.emu.lab!.status().instances[DEMO.web1]!.namespace;
  const curl = async (args: string[]) => {
    const r = await nsExec(ns(), ["curl", "-sS", "--max-time", "3", "-w", "\\n%{http_code}", ...args]);
    const lines = r.stdout.split("\n");
    return { code: r.code, status: lines.pop(), body: lines.join("\n"), stderr: r.stderr };
  };
  const token = async (ttl = "60") =>
    (await curl(["-X", "PUT", "-H", `X-aliyun-ecs-metadata-token-ttl-seconds: ${ttl}`, `${MD}/api/token`])).body;

  beforeAll(async () => {
    t = await startTestEmulator({ lab: true });
  });
  afterAll(async () => {
    const prefix = t?.emu.lab?.prefix;
    await t?.emu.close();
    if (prefix) expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`))).toEqual([]);
  });

  it("normal mode and security hardening mode both answer by default (HttpTokens=optional)", async () => {
    const w = t.emu.engine.world;
    const mac = w.enis[DEMO.primaryEni1]!.macAddress;
    expect(await curl([`${MD}/meta-data/instance-id`])).toMatchObject({ status: "200", body: DEMO.web1 });
    expect((await curl([`${MD}/meta-data/network/interfaces/macs/`])).body).toBe(`${mac}/`);
    const tok = await token();
    expect(tok).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const withToken = await curl(["-H", `X-aliyun-ecs-metadata-token: ${tok}`, `${MD}/meta-data/mac`]);
    expect(withToken).toMatchObject({ status: "200", body: mac });
    expect(await curl(["-H", "X-aliyun-ecs-metadata-token: forged", `${MD}/meta-data/mac`])).toMatchObject({
      status: "401",
    });
    expect(
      (await curl(["-X", "PUT", "-H", "X-aliyun-ecs-metadata-token-ttl-seconds: 0", `${MD}/api/token`])).status,
    ).toBe("400");
  });

  it("HttpTokens=required (ModifyInstanceMetadataOptions): a read without a token is refused (403), a token still works", async () => {
    await t.ecs.modifyInstanceMetadataOptions(
      new $Ecs.ModifyInstanceMetadataOptionsRequest({
        regionId: T,
        instanceId: DEMO.web1,
        httpEndpoint: "enabled",
        httpTokens: "required",
      }),
    );
    await t.emu.lab!.idle();
    const d = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: T, instanceIds: JSON.stringify([DEMO.web1]) }),
    );
    expect(d.body!.instances!.instance![0]!.metadataOptions!.httpTokens).toBe("required");
    const refused = await curl([`${MD}/meta-data/instance-id`]);
    expect(refused.status).toBe("403");
    expect(refused.body).toContain("HttpTokens=required");
    const tok = await token();
    expect(await curl(["-H", `X-aliyun-ecs-metadata-token: ${tok}`, `${MD}/meta-data/instance-id`])).toMatchObject({
      status: "200",
      body: DEMO.web1,
    });
  });

  it("follows the world: an attached ENI's MAC and its assigned addresses appear", async () => {
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: T,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.61"],
      }),
    );
    t.emu.engine.tick();
    await t.emu.lab!.idle();
    const e = t.emu.engine.world.enis[DEMO.secondaryEni]!;
    const tok = await token();
    const get = (item: string) =>
      curl([
        "-H",
        `X-aliyun-ecs-metadata-token: ${tok}`,
        `${MD}/meta-data/network/interfaces/macs/${e.macAddress}/${item}`,
      ]);
    expect((await get("network-interface-id")).body).toBe(DEMO.secondaryEni);
    expect(JSON.parse((await get("private-ipv4s")).body)).toEqual([e.primaryIp, "172.16.0.61"]);
  });

  it("a metadata service that is down refuses connections; started again, it answers", async () => {
    await t.emu.lab!.setMetadataService(DEMO.web1, false);
    const down = await curl([`${MD}/meta-data/instance-id`]);
    expect(down.code).not.toBe(0);
    await t.emu.lab!.setMetadataService(DEMO.web1, true);
    expect(
      (await curl(["-X", "PUT", "-H", "X-aliyun-ecs-metadata-token-ttl-seconds: 5", `${MD}/api/token`])).status,
    ).toBe("200");
  });
});
