// Two runs of one instance starting at the same moment (two operators, or two app servers on
// PostgreSQL): one gets the instance, the other the clear "being changed by …" refusal — not a
// database error shown as "Something went wrong".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, ENI, INSTANCE, type Harness } from "./testing/harness";
import { createDraft } from "./deployment.service";
import { beginRun, RunRefused } from "./executor";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

describe("resource locks", () => {
  it("two runs for one instance begun at once: one runs, the other is refused with LOCKED (20 rounds)", async () => {
    for (let round = 0; round < 20; round++) {
      const a = await createDraft(h.teamId, { name: `lock-a-${round}`, spec: baseSpec() });
      const b = await createDraft(h.teamId, { name: `lock-b-${round}`, spec: baseSpec() });
      const begin = (id: string) =>
        beginRun(
          h.t.db,
          { teamId: h.teamId, deploymentId: id, phase: "apply", from: ["draft"], plan: null },
          `owner-${id}`,
        );
      const results = await Promise.allSettled([begin(a.id), begin(b.id)]);
      const refused = results
        .filter((r): r is PromiseRejectedResult => r.status === "rejected")
        .map((r) => r.reason as unknown);
      expect(refused, `round ${round}`).toHaveLength(1);
      expect(refused[0], `round ${round}: ${String(refused[0])}`).toBeInstanceOf(RunRefused);
      expect((refused[0] as RunRefused).code).toBe("LOCKED");
      expect((refused[0] as RunRefused).message).toMatch(
        new RegExp(`(instance ${INSTANCE}|eni ${ENI}) is being changed by deployment “lock-[ab]-${round}”`),
      );
      // The refused one did not move: it is still a draft.
      const rows = await h.t.db.deployment.findMany({ where: { id: { in: [a.id, b.id] } }, select: { status: true } });
      expect(rows.map((r) => r.status).sort()).toEqual(["draft", "running"]);
      await h.t.db.resourceLock.deleteMany({});
      await h.t.db.deployment.updateMany({
        where: { id: { in: [a.id, b.id] } },
        data: { status: "cancelled", leaseOwner: null },
      });
    }
  });
});
