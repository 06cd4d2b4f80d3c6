import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { AUDIT_REFUSED, whileAuditRefused } from "@/lib/testing/refuse-audit";
import {
  createCloudAccount,
  deleteCloudAccount,
  ensureDemoCloudAccount,
  listCloudAccounts,
  loadCloudCredentials,
  testCloudAccount,
  DEMO_ACCESS_KEY_SECRET,
} from "./accounts";
import { userActor } from "@/lib/audit/actor";

vi.mock("server-only", () => ({}));

let t: TestDb;
let emu: EmulatorHandle;
const prevEndpoint = process.env.EMULATOR_ENDPOINT;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  process.env.EMULATOR_ENDPOINT = emu.endpoint;
  process.env.APP_SECRET = "test-secret-".padEnd(40, "x");
  t = await createTestDb();
  for (const id of ["team-a", "team-b"]) await t.db.organization.create({ data: { id, name: id, slug: id } });
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

  it("sends real accounts to Alibaba Cloud, never to the emulator", async () => {
    const dto = await createCloudAccount("team-b", userActor("user-2"), { ...input, name: "real" });
    expect((await loadCloudCredentials("team-b", dto.id)).endpoint).toBeUndefined();
  });
});
