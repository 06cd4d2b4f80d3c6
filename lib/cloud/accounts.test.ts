import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { AUDIT_REFUSED, whileAuditRefused } from "@/lib/testing/refuse-audit";
import {
  createCloudAccount,
  deleteCloudAccount,
  ensureDemoCloudAccount,
  listCloudAccounts,
  listCloudAccountsForApi,
  loadCloudCredentials,
  testCloudAccount,
  updateCloudAccountRate,
  DEMO_ACCESS_KEY_ID,
  DEMO_ACCESS_KEY_SECRET,
  DEMO_ACCOUNT_NAME,
} from "./accounts";
import { userActor } from "@/lib/audit/actor";
import { encryptSecret } from "@/lib/server/crypto";
import type { UserFacingError } from "@/lib/server/errors";
import { cloudCall } from "./call";
import type { CloudCredentials } from "./client";
import { $Ecs, ecsClient } from "@/emulator/sdk";

vi.mock("server-only", () => ({}));

let t: TestDb;
let emu: EmulatorHandle;
const prevEndpoint = process.env.EMULATOR_ENDPOINT;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  process.env.EMULATOR_ENDPOINT = emu.endpoint;
  process.env.APP_SECRET = "test-secret-".padEnd(40, "x");
  t = await createTestDb();
  for (const id of ["team-a", "team-b", "team-c", "team-d", "team-e"])
    await t.db.organization.create({ data: { id, name: id, slug: id } });
});
afterAll(async () => {
  process.env.EMULATOR_ENDPOINT = prevEndpoint;
  await t?.close();
  await emu?.close();
});

const bigints = (_k: string, v: unknown) => (typeof v === "bigint" ? String(v) : v);
const input = {
  name: "prod",
  kind: "access_key",
  accessKeyId: "LTAI5tRealLookingKey9",
  accessKeySecret: "a-very-secret-value-123456",
  defaultRegion: "cn-hangzhou",
};

describe("cloud accounts", () => {
  it("stores the secret encrypted and never returns it", async () => {
    const dto = await createCloudAccount("team-a", userActor("user-1"), input);
    expect(JSON.stringify(dto)).not.toContain(input.accessKeySecret);
    expect(dto.accessKeyIdMasked).toBe("LTAI••••Key9");
    const raw = await t.db.cloudAccount.findFirstOrThrow({ where: { id: dto.id }, select: { secretCiphertext: true } });
    expect(raw.secretCiphertext).not.toContain(input.accessKeySecret);
    expect((await loadCloudCredentials("team-a", dto.id)).accessKeySecret).toBe(input.accessKeySecret);
    // the default Prisma client omits the secret column altogether
    expect(await t.db.cloudAccount.findFirstOrThrow({ where: { id: dto.id } })).not.toHaveProperty("secretCiphertext");
    const audit = await t.db.auditEvent.findMany({ where: { teamId: "team-a" } });
    expect(JSON.stringify(audit, bigints)).not.toContain(input.accessKeySecret);
  });

  it("rejects bad input with the field and changes nothing", async () => {
    const before = await t.db.cloudAccount.count();
    await expect(
      createCloudAccount("team-a", userActor("user-1"), { ...input, name: "x", accessKeyId: "!" }),
    ).rejects.toMatchObject({ details: { field: "accessKeyId" } });
    await expect(createCloudAccount("team-a", userActor("user-1"), { ...input })).rejects.toThrow(/already exists/);
    expect(await t.db.cloudAccount.count()).toBe(before);
  });

  it("the account's rate: optional on create, changed later (audited), refused outside (0, 1000] in the reader's language", async () => {
    const actor = userActor("user-1");
    // The form's blank field: no rate of its own, the server's default applies.
    const plain = await createCloudAccount("team-e", actor, { ...input, name: "no-rate", maxRequestsPerSecond: "" });
    expect(plain.maxRequestsPerSecond).toBeNull();
    const paced = await createCloudAccount("team-e", actor, { ...input, name: "paced", maxRequestsPerSecond: "2.5" });
    expect(paced.maxRequestsPerSecond).toBe(2.5);
    expect((await loadCloudCredentials("team-e", paced.id)).rateLimit?.maxRequestsPerSecond).toBe(2.5);

    for (const [bad, en, ja] of [
      ["0", "greater than 0", "0 より大きい"],
      [-3, "greater than 0", "0 より大きい"],
      ["1001", "at most 1000", "1000 以下"],
      ["ten", "a number", "数値"],
    ] as const) {
      const refused = updateCloudAccountRate("team-e", actor, paced.id, { maxRequestsPerSecond: bad });
      await expect(refused).rejects.toMatchObject({
        details: { field: "maxRequestsPerSecond", code: "INVALID_INPUT" },
      });
      const e = (await refused.catch((x: unknown) => x)) as UserFacingError;
      expect(e.text("en")).toContain(en);
      expect(e.text("ja")).toContain(ja);
      await expect(
        createCloudAccount("team-e", actor, { ...input, name: `bad-${String(bad)}`, maxRequestsPerSecond: bad }),
      ).rejects.toMatchObject({ details: { field: "maxRequestsPerSecond" } });
    }
    // Nothing changed by the refusals.
    expect((await listCloudAccounts("team-e")).map((a) => [a.name, a.maxRequestsPerSecond])).toEqual(
      expect.arrayContaining([
        ["no-rate", null],
        ["paced", 2.5],
      ]),
    );

    const raised = await updateCloudAccountRate("team-e", actor, paced.id, { maxRequestsPerSecond: 20 });
    expect(raised.maxRequestsPerSecond).toBe(20);
    expect((await loadCloudCredentials("team-e", paced.id)).rateLimit?.maxRequestsPerSecond).toBe(20);
    // Cleared: back to EIPILOT_CLOUD_MAX_RPS.
    const prevRps = process.env.EIPILOT_CLOUD_MAX_RPS;
    process.env.EIPILOT_CLOUD_MAX_RPS = "7";
    try {
      const cleared = await updateCloudAccountRate("team-e", actor, paced.id, { maxRequestsPerSecond: "" });
      expect(cleared).toMatchObject({ maxRequestsPerSecond: null, defaultMaxRequestsPerSecond: 7 });
      expect((await loadCloudCredentials("team-e", paced.id)).rateLimit?.maxRequestsPerSecond).toBe(7);
    } finally {
      if (prevRps === undefined) delete process.env.EIPILOT_CLOUD_MAX_RPS;
      else process.env.EIPILOT_CLOUD_MAX_RPS = prevRps;
    }
    const events = await t.db.auditEvent.findMany({
      where: { teamId: "team-e", action: "app:cloudAccount.update" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.actorId, e.targets, e.params])).toEqual([
      ["user-1", [paced.id], { maxRequestsPerSecond: 20, previousMaxRequestsPerSecond: 2.5 }],
      ["user-1", [paced.id], { maxRequestsPerSecond: null, previousMaxRequestsPerSecond: 20 }],
    ]);
    // Another team's account is not found, and not changed.
    await expect(updateCloudAccountRate("team-a", actor, paced.id, { maxRequestsPerSecond: 1 })).rejects.toThrow(
      /No such cloud account/,
    );
  });

  it("an account whose audit event cannot be written is neither added nor deleted", async () => {
    const kept = await createCloudAccount("team-a", userActor("user-1"), { ...input, name: "kept" });
    const before = await t.db.cloudAccount.count({ where: { teamId: "team-a" } });
    await whileAuditRefused(t.db, `NEW.action LIKE 'app:cloudAccount.%'`, async () => {
      await expect(createCloudAccount("team-a", userActor("user-1"), { ...input, name: "never" })).rejects.toThrow(
        AUDIT_REFUSED,
      );
      await expect(deleteCloudAccount("team-a", userActor("user-1"), kept.id)).rejects.toThrow(AUDIT_REFUSED);
    });
    expect(await t.db.cloudAccount.count({ where: { teamId: "team-a" } })).toBe(before);
    expect((await listCloudAccounts("team-a")).map((a) => a.name)).toContain("kept");
  });

  it("keeps teams apart: team B neither sees nor uses team A's account", async () => {
    const a = (await listCloudAccounts("team-a")).find((x) => x.name === "prod");
    expect(a).toBeDefined();
    // team B has only its own demo account (demo mode), never team A's
    expect((await listCloudAccounts("team-b")).map((x) => x.kind)).toEqual(["demo"]);
    await expect(loadCloudCredentials("team-b", a!.id)).rejects.toThrow(/No such cloud account/);
    await expect(testCloudAccount("team-b", userActor("user-2"), a!.id)).rejects.toThrow(/No such cloud account/);
  });

  it("tests the demo account's connection with DescribeRegions against the emulator", async () => {
    const demo = await ensureDemoCloudAccount("team-b");
    const result = await testCloudAccount("team-b", userActor("user-2"), demo!.id);
    expect(result.regionIds).toEqual(expect.arrayContaining(["ap-northeast-1", "cn-hangzhou"]));
    const event = await t.db.auditEvent.findFirstOrThrow({
      where: { teamId: "team-b", action: "cloud:ECS.DescribeRegions" },
    });
    expect(event.requestId).toBeTruthy();
    expect(JSON.stringify(event, bigints)).not.toContain(DEMO_ACCESS_KEY_SECRET);
  });

  it("the wizard lists regions in the page's language (DescribeRegions AcceptLanguage)", async () => {
    const { loadInventory } = await import("@/lib/deploy/inventory.service");
    const demo = await ensureDemoCloudAccount("team-b");
    const names = async (locale?: "en" | "ja") =>
      (await loadInventory("team-b", { cloudAccountId: demo!.id, regionId: "ap-northeast-1", locale })).regions.map(
        (r) => r.name,
      );
    expect(await names("ja")).toEqual(["日本 (東京)", "中国 (杭州)"]);
    expect(await names("en")).toEqual(["Japan (Tokyo)", "China (Hangzhou)"]);
    expect(await names()).toEqual(["Japan (Tokyo)", "China (Hangzhou)"]); // never the API's default, Chinese
  });

  it("the inventory shows each instance's tags: the demo world's pool for fleets is tagged pool=web / pool=batch", async () => {
    const { loadInventory } = await import("@/lib/deploy/inventory.service");
    const demo = await ensureDemoCloudAccount("team-b");
    const inv = await loadInventory("team-b", { cloudAccountId: demo!.id, regionId: "ap-northeast-1" });
    const tagged = (key: string, value: string) =>
      inv.instances
        .filter((i) => i.tags.some((t) => t.key === key && t.value === value))
        .map((i) => i.name)
        .sort();
    expect(tagged("pool", "web")).toEqual(["pool-web-1", "pool-web-2", "pool-web-3", "pool-web-4", "pool-web-5"]);
    expect(tagged("env", "staging")).toEqual(["pool-web-1", "pool-web-2"]);
    expect(tagged("pool", "batch")).toEqual(["pool-batch-1"]);
    expect(inv.instances.find((i) => i.name === "demo-web-1")!.tags).toEqual([]);
  });

  it("sends real accounts to Alibaba Cloud, never to the emulator", async () => {
    const dto = await createCloudAccount("team-b", userActor("user-2"), { ...input, name: "real" });
    expect((await loadCloudCredentials("team-b", dto.id)).endpoint).toBeUndefined();
  });
});

const TOKYO = "ap-northeast-1";
const call = (teamId: string, creds: CloudCredentials, action: Parameters<typeof cloudCall>[1], params = {}) =>
  cloudCall({ db: t.db, teamId, creds, regionId: TOKYO, actor: userActor("user-1") }, action, {
    RegionId: TOKYO,
    ...params,
  });
const eniIds = async (teamId: string, creds: CloudCredentials) =>
  (
    (
      (await call(teamId, creds, "DescribeNetworkInterfaces", { PageSize: 100 })).NetworkInterfaceSets as {
        NetworkInterfaceSet: { NetworkInterfaceId: string }[];
      }
    ).NetworkInterfaceSet ?? []
  ).map((n) => n.NetworkInterfaceId);
const newEni = async (teamId: string, creds: CloudCredentials) =>
  String(
    (
      await call(teamId, creds, "CreateNetworkInterface", {
        VSwitchId: "vsw-6we1x9demotokyoa01",
        SecurityGroupId: "sg-6we1x9demotokyo00001",
      })
    ).NetworkInterfaceId,
  );

describe("demo accounts: one world per team", () => {
  it("two teams' demo accounts have their own pairs and see different worlds", async () => {
    const a = await ensureDemoCloudAccount("team-c");
    const b = await ensureDemoCloudAccount("team-d");
    const ca = await loadCloudCredentials("team-c", a!.id);
    const cb = await loadCloudCredentials("team-d", b!.id);
    expect(ca.accessKeyId).toMatch(/^LTAI5t[A-Za-z0-9]{18}$/);
    expect(ca.accessKeyId).not.toBe(cb.accessKeyId);
    expect([ca.accessKeyId, cb.accessKeyId]).not.toContain(DEMO_ACCESS_KEY_ID);
    expect(ca.endpoint).toBe(emu.endpoint);

    // Team C attaches the demo ENI and creates one: team D's world still has its ENI Available and no new one.
    const eni = await newEni("team-c", ca);
    await call("team-c", ca, "AttachNetworkInterface", {
      NetworkInterfaceId: "eni-6we1x9demosecond001",
      InstanceId: "i-6we1x9demoweb000001",
    });
    emu.settle();
    expect(await eniIds("team-c", ca)).toContain(eni);
    expect(await eniIds("team-d", cb)).not.toContain(eni);
    const status = async (teamId: string, creds: CloudCredentials) =>
      (
        (
          await call(teamId, creds, "DescribeNetworkInterfaces", {
            NetworkInterfaceId: ["eni-6we1x9demosecond001"],
          })
        ).NetworkInterfaceSets as { NetworkInterfaceSet: { Status: string }[] }
      ).NetworkInterfaceSet[0]!.Status;
    expect(await status("team-c", ca)).toBe("InUse");
    expect(await status("team-d", cb)).toBe("Available");
    // Acting on team C's ENI with team D's account: the cloud's own NotFound, nothing changes.
    await expect(call("team-d", cb, "DeleteNetworkInterface", { NetworkInterfaceId: eni })).rejects.toMatchObject({
      code: "InvalidEniId.NotFound",
    });
    expect(await eniIds("team-c", ca)).toContain(eni);
    // The built-in demo pair's world saw none of it.
    expect(Object.keys(emu.state().enis)).not.toContain(eni);
    expect(emu.state().enis["eni-6we1x9demosecond001"]!.status).toBe("Available");
  });

  it("lists the demo pair for the API and the page; the official SDK works with it as given", async () => {
    await createCloudAccount("team-e", userActor("user-5"), { ...input, name: "real-e" });
    const items = await listCloudAccountsForApi("team-e");
    const demo = items.find((i) => i.kind === "demo")!;
    expect(demo).toMatchObject({
      name: DEMO_ACCOUNT_NAME,
      emulator: { endpoint: emu.endpoint, protocol: "http", shared: false },
    });
    expect(Object.keys(demo).sort()).toEqual(["defaultRegion", "emulator", "id", "kind", "name"]);
    const real = items.find((i) => i.kind === "access_key")!;
    expect(real).not.toHaveProperty("emulator");
    expect(JSON.stringify(items)).not.toContain(input.accessKeySecret);
    expect(JSON.stringify(items)).not.toContain(input.accessKeyId);
    // The page shows the same pair.
    const page = (await listCloudAccounts("team-e")).find((a) => a.kind === "demo")!;
    expect(page.emulator).toEqual(demo.emulator);

    // A script: the SDK configured with exactly these values sees this team's world (and a new ENI of it).
    const creds = await loadCloudCredentials("team-e", demo.id);
    const eni = await newEni("team-e", creds);
    const sdk = ecsClient({
      endpoint: demo.emulator!.endpoint,
      accessKeyId: demo.emulator!.accessKeyId,
      accessKeySecret: demo.emulator!.accessKeySecret,
    });
    const got = await sdk.describeNetworkInterfaces(
      new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO, networkInterfaceId: [eni] }),
    );
    expect(got.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => n.networkInterfaceId)).toEqual([eni]);
  });

  it("a team on the old shared pair moves to its own world unless deployments live in the shared one", async () => {
    const old = (teamId: string) =>
      t.db.cloudAccount.create({
        data: {
          teamId,
          name: DEMO_ACCOUNT_NAME,
          kind: "demo",
          accessKeyId: DEMO_ACCESS_KEY_ID,
          secretCiphertext: encryptSecret(JSON.stringify({ accessKeySecret: DEMO_ACCESS_KEY_SECRET })),
        },
        select: { id: true },
      });
    for (const id of ["team-old-idle", "team-old-live"])
      await t.db.organization.create({ data: { id, name: id, slug: id } });
    const idle = await old("team-old-idle");
    await t.db.deployment.create({
      data: { teamId: "team-old-idle", cloudAccountId: idle.id, name: "gone", status: "torn_down", spec: {} },
    });
    const live = await old("team-old-live");
    await t.db.deployment.create({
      data: { teamId: "team-old-live", cloudAccountId: live.id, name: "up", status: "succeeded", spec: {} },
    });

    const moved = (await listCloudAccounts("team-old-idle")).find((a) => a.kind === "demo")!;
    expect(moved.id).toBe(idle.id); // the same account (its deployments keep pointing at it)
    expect(moved.emulator).toMatchObject({ shared: false });
    expect(moved.emulator!.accessKeyId).not.toBe(DEMO_ACCESS_KEY_ID);
    const creds = await loadCloudCredentials("team-old-idle", idle.id);
    const eni = await newEni("team-old-idle", creds);
    expect(Object.keys(emu.state().enis)).not.toContain(eni);

    const kept = (await listCloudAccounts("team-old-live")).find((a) => a.kind === "demo")!;
    expect(kept.emulator).toMatchObject({ accessKeyId: DEMO_ACCESS_KEY_ID, shared: true });
  });

  it("after the emulator restarts without its state, the team's world comes back on next use", async () => {
    const a = await ensureDemoCloudAccount("team-c");
    const before = await loadCloudCredentials("team-c", a!.id);
    const port = emu.port;
    await emu.close();
    emu = await startEmulator({ port });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5 * 60_000 });
    try {
      const creds = await loadCloudCredentials("team-c", a!.id);
      expect(creds.accessKeyId).toBe(before.accessKeyId);
      // A fresh world (the old one was not saved), reachable with the same pair.
      expect(await eniIds("team-c", creds)).toContain("eni-6we1x9demosecond001");
    } finally {
      vi.useRealTimers();
    }
  });
});
