// Account worlds: one world per AccessKey pair, as separate Alibaba Cloud accounts are.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labUnavailable, listNamespaces } from "./lab/netns";
import { $Ecs, $Vpc, ecsClient, vpcClient } from "./sdk";
import { DEMO, TOKYO, expectApiError, startTestEmulator, type TestEmulator } from "./test-helpers";

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t?.emu.close());

const admin = async (p: string, method = "GET", body?: unknown) => {
  const r = await fetch(`${t.emu.url}/_emulator/${p}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- admin responses vary by endpoint; each test asserts the fields it reads
  return { status: r.status, json: (await r.json()) as any };
};

/** A new account world through the admin API, and SDK clients signed with its pair. */
async function account(body?: unknown) {
  const r = await admin("worlds", "POST", body);
  expect(r.status).toBe(201);
  const { accessKeyId, accessKeySecret } = r.json as { accessKeyId: string; accessKeySecret: string };
  const o = { endpoint: t.emu.endpoint, accessKeyId, accessKeySecret };
  return { accessKeyId, accessKeySecret, ownerId: r.json.ownerId as string, ecs: ecsClient(o), vpc: vpcClient(o) };
}

const eniIds = async (ecs: ReturnType<typeof ecsClient>) =>
  (
    await ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO }))
  ).body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.networkInterfaceId!);

const createEni = async (ecs: ReturnType<typeof ecsClient>) =>
  (
    await ecs.createNetworkInterface(
      new $Ecs.CreateNetworkInterfaceRequest({ regionId: TOKYO, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg }),
    )
  ).body!.networkInterfaceId!;

describe("account worlds", () => {
  it("two pairs act on two worlds: Describe* of one never shows the other's resources", async () => {
    const a = await account();
    const b = await account();
    expect(a.accessKeyId).toMatch(/^LTAI5t[A-Za-z0-9]{18}$/);
    expect(a.accessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.ownerId).toMatch(/^[1-9]\d{15}$/);
    expect(a.ownerId).not.toBe(b.ownerId);

    // Both start from the demo world.
    expect(await eniIds(a.ecs)).toContain(DEMO.secondaryEni);
    expect(await eniIds(b.ecs)).toContain(DEMO.secondaryEni);

    // A's new ENI and EIP exist in A only.
    const eni = await createEni(a.ecs);
    const eip = (await a.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO }))).body!
      .allocationId!;
    expect(await eniIds(a.ecs)).toContain(eni);
    expect(await eniIds(b.ecs)).not.toContain(eni);
    expect(await eniIds(t.ecs)).not.toContain(eni); // nor in the built-in (demo pair) world
    const eipsOf = async (vpc: ReturnType<typeof vpcClient>) =>
      (
        await vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: TOKYO, pageSize: 100 }))
      ).body!.eipAddresses!.eipAddress!.map((e) => e.allocationId);
    expect(await eipsOf(a.vpc)).toContain(eip);
    expect(await eipsOf(b.vpc)).not.toContain(eip);
    // Ids drawn at run time differ between accounts.
    expect(await createEni(b.ecs)).not.toBe(eni);

    // The same seeded ENI is two resources: attaching it in A leaves B's Available.
    await a.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: TOKYO,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    const status = async (ecs: ReturnType<typeof ecsClient>) =>
      (
        await ecs.describeNetworkInterfaces(
          new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO, networkInterfaceId: [DEMO.secondaryEni] }),
        )
      ).body!.networkInterfaceSets!.networkInterfaceSet![0]!.status;
    t.emu.settle();
    expect(await status(a.ecs)).toBe("InUse");
    expect(await status(b.ecs)).toBe("Available");
  });

  it("acting on another account's ENI or EIP answers the real NotFound codes and changes nothing", async () => {
    const a = await account();
    const b = await account();
    const eni = await createEni(a.ecs);
    const eip = (await a.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: TOKYO }))).body!
      .allocationId!;
    await expectApiError(
      b.ecs.attachNetworkInterface(
        new $Ecs.AttachNetworkInterfaceRequest({ regionId: TOKYO, networkInterfaceId: eni, instanceId: DEMO.web1 }),
      ),
      "InvalidEniId.NotFound",
      404,
    );
    await expectApiError(
      b.ecs.deleteNetworkInterface(
        new $Ecs.DeleteNetworkInterfaceRequest({ regionId: TOKYO, networkInterfaceId: eni }),
      ),
      "InvalidEniId.NotFound",
      404,
    );
    await expectApiError(
      b.vpc.associateEipAddress(
        new $Vpc.AssociateEipAddressRequest({
          regionId: TOKYO,
          allocationId: DEMO.freeEips[0],
          instanceId: eni,
          instanceType: "NetworkInterface",
        }),
      ),
      "InvalidInstanId.NotFound",
      404,
    );
    await expectApiError(
      b.vpc.releaseEipAddress(new $Vpc.ReleaseEipAddressRequest({ regionId: TOKYO, allocationId: eip })),
      "InvalidAllocationId.NotFound",
    );
    expect(await eniIds(a.ecs)).toContain(eni); // still there, untouched
    const byId = await b.ecs.describeNetworkInterfaces(
      new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO, networkInterfaceId: [eni] }),
    );
    expect(byId.body!.networkInterfaceSets!.networkInterfaceSet).toEqual([]);
  });

  it("registering a pair is idempotent; a clashing or malformed pair is refused and changes nothing", async () => {
    const pair = { accessKeyId: "LTAI5tAppChosenKey000001", accessKeySecret: "app-chosen-secret-0123456789" };
    const first = await admin("worlds", "POST", pair);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ ...pair, created: true });
    const again = await admin("worlds", "POST", pair);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ ...first.json, created: false });
    const before = (await admin("worlds")).json.length;
    expect((await admin("worlds", "POST", { ...pair, accessKeySecret: "another-secret-0123456789" })).status).toBe(409);
    expect(
      (await admin("worlds", "POST", { accessKeyId: "LTAI5tEIPilotDemoKey01", accessKeySecret: "x".repeat(20) }))
        .status,
    ).toBe(409);
    expect(
      (await admin("worlds", "POST", { accessKeyId: "short", accessKeySecret: "x".repeat(20) })).json,
    ).toMatchObject({ code: "InvalidParameter" });
    expect((await admin("worlds", "POST", { accessKeyId: "LTAI5tOnlyTheIdGiven01" })).status).toBe(400);
    expect((await admin("worlds")).json.length).toBe(before);
    // The list names pairs, never secrets.
    expect(JSON.stringify((await admin("worlds")).json)).not.toContain(pair.accessKeySecret);
    // An unknown pair is still refused by the API itself.
    const stranger = ecsClient({
      endpoint: t.emu.endpoint,
      accessKeyId: "LTAI5tNobodyKnowsMe001",
      accessKeySecret: "nobody-knows-this-secret",
    });
    await expectApiError(stranger.describeRegions(new $Ecs.DescribeRegionsRequest({})), "InvalidAccessKeyId.NotFound");
  });

  it("admin routes take ?world=<AccessKeyId>; without it reads are the built-in world's and writes go to all", async () => {
    const a = await account();
    const eni = await createEni(a.ecs);
    expect(Object.keys((await admin(`state?world=${a.accessKeyId}`)).json.enis)).toContain(eni);
    expect(Object.keys((await admin("state")).json.enis)).not.toContain(eni);
    expect((await admin("state?world=LTAI5tNoSuchWorld00001")).status).toBe(404);

    // Faults for one world only.
    await admin(`faults?world=${a.accessKeyId}`, "PUT", { errors: { DescribeRegions: { InternalError: 1 } } });
    await expectApiError(a.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({})), "InternalError", 500);
    await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    // Without ?world=: every world.
    await admin("faults", "PUT", {});
    await a.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect((await admin("reset", "POST")).status).toBe(200);
    expect(Object.keys((await admin(`state?world=${a.accessKeyId}`)).json.enis)).not.toContain(eni);
    // The request log, per world.
    const log = (await admin(`requests?world=${a.accessKeyId}`)).json as Array<{ accessKeyId: string }>;
    expect(log.length).toBeGreaterThan(0);
    expect(new Set(log.map((e) => e.accessKeyId))).toEqual(new Set([a.accessKeyId]));
  });

  it("--state keeps every world and its pair across restarts", async () => {
    const statePath = path.join(mkdtempSync(path.join(tmpdir(), "emu-worlds-")), "state.json");
    const first = await startTestEmulator({ statePath });
    const created = first.emu.worlds.create();
    const o = { endpoint: first.emu.endpoint, ...created };
    const eni = await createEni(ecsClient(o));
    await first.emu.close();
    expect(JSON.parse(readFileSync(statePath, "utf8"))).toMatchObject({ format: "eipilot-emulator-state/2" });

    const second = await startTestEmulator({ statePath });
    try {
      const again = ecsClient({ ...o, endpoint: second.emu.endpoint });
      expect(await eniIds(again)).toContain(eni);
      expect(await eniIds(second.ecs)).not.toContain(eni);
      // Registering the saved pair again (the app does on connect) finds the same world.
      expect(second.emu.worlds.create(created)).toMatchObject({ created: false, ownerId: created.ownerId });
    } finally {
      await second.emu.close();
    }
  });
});

const noLab = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (noLab) console.warn(`[account worlds in lab mode] skipped: ${noLab}`);

describe.skipIf(noLab !== null)("account worlds in lab mode", () => {
  it("an account world gets namespaces of its own when first needed, wired like its world", async () => {
    const lab = await startTestEmulator({ lab: true });
    try {
      const created = lab.emu.worlds.create();
      const w = lab.emu.worlds.find(created.accessKeyId);
      const ecs = ecsClient({ endpoint: lab.emu.endpoint, ...created });
      // Agents count as online before any namespace exists; none exists yet.
      const online = await ecs.describeCloudAssistantStatus(
        new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: TOKYO, instanceId: [DEMO.web1] }),
      );
      expect(online.body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus).toBe(
        "true",
      );
      expect(w.lab).toBeNull();
      await ecs.attachNetworkInterface(
        new $Ecs.AttachNetworkInterfaceRequest({
          regionId: TOKYO,
          networkInterfaceId: DEMO.secondaryEni,
          instanceId: DEMO.web1,
        }),
      );
      lab.emu.settle();
      const status = (await (await fetch(`${lab.emu.url}/_emulator/lab?world=${created.accessKeyId}`)).json()) as {
        prefix: string;
        instances: Record<string, { namespace: string }>;
      };
      expect(status.prefix).not.toBe(lab.emu.lab!.prefix);
      const links = (ns: string) => execFileSync("ip", ["netns", "exec", ns, "ip", "-o", "link"], { encoding: "utf8" });
      // The account's web-1 has the ENI it attached; the built-in world's web-1 does not.
      expect(links(status.instances[DEMO.web1]!.namespace)).toContain("eth1");
      await lab.emu.lab!.idle();
      expect(links(lab.emu.lab!.status().instances[DEMO.web1]!.namespace)).not.toContain("eth1");
    } finally {
      await lab.emu.close();
    }
    expect(listNamespaces().filter((n) => n.startsWith(`eipe${process.pid}x`))).toEqual([]);
  });
});
