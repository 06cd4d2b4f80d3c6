// Adding and removing a cloud account through the server actions a signed-in
// admin calls: the audit trail names the admin by email, so it still says who
// did it after they have left the team.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
beforeAll(async () => {
  t = await actionTestDb("cloud-account-actions-secret-");
});
afterAll(async () => {
  await t?.close();
});

describe("cloud account actions", () => {
  it("adding and removing an account are recorded with the actor's email", async () => {
    const owner = await signUp(t.db, "owner");
    const { email } = await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } });
    const { createCloudAccountAction, deleteCloudAccountAction, updateCloudAccountRateAction } =
      await import("./cloud-accounts.actions");
    actAs(owner.cookie);
    const created = await createCloudAccountAction({
      teamId: owner.teamId,
      account: {
        name: "prod",
        kind: "access_key",
        accessKeyId: "LTAI5tRealLookingKey9",
        accessKeySecret: "a-very-secret-value-123456",
        defaultRegion: "ap-northeast-1",
      },
    });
    if (!created.ok) throw new Error(created.error);
    const id = created.data.id;
    // A rate out of bounds names the field, as the form shows it.
    expect(
      await updateCloudAccountRateAction({ teamId: owner.teamId, id, rate: { maxRequestsPerSecond: "0" } }),
    ).toMatchObject({ ok: false, fieldErrors: { maxRequestsPerSecond: expect.stringMatching(/greater than 0/) } });
    expect(
      await updateCloudAccountRateAction({ teamId: owner.teamId, id, rate: { maxRequestsPerSecond: "12" } }),
    ).toMatchObject({ ok: true, data: { id, maxRequestsPerSecond: 12 } });
    expect(await deleteCloudAccountAction({ teamId: owner.teamId, id: created.data.id })).toMatchObject({ ok: true });
    const events = await t.db.auditEvent.findMany({
      where: { teamId: owner.teamId, action: { startsWith: "app:cloudAccount." } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.action, e.actorId, e.actorLabel])).toEqual([
      ["app:cloudAccount.create", owner.userId, email],
      ["app:cloudAccount.update", owner.userId, email],
      ["app:cloudAccount.delete", owner.userId, email],
    ]);
  });
});
