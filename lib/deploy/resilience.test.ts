import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, resourceState, ENI, INSTANCE, type Harness } from "./testing/harness";
import { createDraft, startDeployment, teardownDeployment, RunRefused } from "./deployment.service";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

describe("resilience", () => {
  it("finishes under a fault campaign (20% Throttling.User, 5% ServiceUnavailable on every action) with no duplicate resource", async () => {
    const before = resourceState(h.emu);
    const eipsBefore = Object.keys(before.eips).length;
    h.emu.setFaults({ seed: 7, errors: { "*": { "Throttling.User": 0.2, ServiceUnavailable: 0.05 } } });
    const { id } = await createDraft(h.teamId, {
      name: "faults",
      spec: baseSpec({ privateIps: { mode: "count", count: 2 }, eips: [{}, {}, {}] }),
    });
    let start;
    for (let i = 0; ; i++) {
      // startDeployment's own reads may be throttled too; the caller retries those.
      try {
        start = await startDeployment(h.teamId, id);
        break;
      } catch (e) {
        if (i > 20 || (e as { code?: string }).code === "LOCKED") throw e;
      }
    }
    const r = await start.done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    h.emu.setFaults({});
    const w = h.emu.state();
    expect(Object.keys(w.eips)).toHaveLength(eipsBefore + 3); // exactly 3 allocated, never twice
    expect(w.enis[ENI]!.secondaryIps).toHaveLength(2); // assigned once
    expect(Object.values(w.eips).filter((e) => e.binding?.instanceId === ENI)).toHaveLength(3);
    const failures = h.emu
      .requests()
      .filter((q) => q.code === "Throttling.User" || q.code === "ServiceUnavailable").length;
    expect(failures).toBeGreaterThan(0);
    const steps = await h.t.db.deploymentStep.findMany({ where: { deploymentId: id } });
    expect(steps.some((s) => s.requestIds.length > 1)).toBe(true);
    const td = await (await teardownDeployment(h.teamId, id)).done;
    expect(td.status, JSON.stringify(td.error)).toBe("torn_down");
    h.emu.settle();
    expect(resourceState(h.emu)).toEqual(before);
  });

  it("finishes when concurrent associations on one ENI meet TaskConflict / OperationConflict", async () => {
    const before = resourceState(h.emu);
    // Associations long enough to overlap: a conflict is drawn only while another one on the ENI is in
    // progress (with seed 1 the first such call draws one), and the retries of a refused one meet more.
    h.emu.setLatencies({ eipAssociate: 500 });
    h.emu.setFaults({ seed: 1, conflicts: { AssociateEipAddress: { TaskConflict: 0.3, OperationConflict: 0.3 } } });
    const since = h.emu.requests().at(-1)?.seq ?? 0;
    const { id } = await createDraft(h.teamId, {
      name: "conflicts",
      spec: baseSpec({ privateIps: { mode: "count", count: 2 }, eips: [{}, {}, {}] }),
    });
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    h.emu.setFaults({});
    h.emu.setLatencies({ eipAssociate: 5 });
    const w = h.emu.state();
    expect(Object.values(w.eips).filter((e) => e.binding?.instanceId === ENI && e.status === "InUse")).toHaveLength(3);
    const codes = h.emu
      .requests()
      .filter((q) => q.seq > since && q.action === "AssociateEipAddress")
      .map((q) => q.code);
    expect(codes.filter((c) => c === "TaskConflict" || c === "OperationConflict").length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === "")).toHaveLength(3); // each association accepted once
    const td = await (await teardownDeployment(h.teamId, id)).done;
    expect(td.status, JSON.stringify(td.error)).toBe("torn_down");
    h.emu.settle();
    expect(resourceState(h.emu)).toEqual(before);
  });

  it("two deployments racing for one instance: one runs, the other is refused with a clear message", async () => {
    h.emu.setLatencies({ eniAttach: 300 });
    const a = await createDraft(h.teamId, {
      name: "racer-a",
      spec: baseSpec({ privateIps: { mode: "count", count: 1 }, eips: [{}] }),
    });
    const b = await createDraft(h.teamId, {
      name: "racer-b",
      spec: baseSpec({ privateIps: { mode: "count", count: 1 }, eips: [{}] }),
    });
    const results = await Promise.allSettled([startDeployment(h.teamId, a.id), startDeployment(h.teamId, b.id)]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const err = refused[0]!.reason as RunRefused;
    expect(err).toBeInstanceOf(RunRefused);
    expect(err.code).toBe("LOCKED");
    expect(err.message).toMatch(
      new RegExp(`(instance ${INSTANCE}|eni ${ENI}) is being changed by deployment “racer-[ab]”`),
    );
    const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startDeployment>>>).value;
    const r = await winner.done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    expect(await h.t.db.resourceLock.count()).toBe(0); // released at the end of the run
    h.emu.setLatencies({ eniAttach: 5 });
    expect((await (await teardownDeployment(h.teamId, winner.deploymentId)).done).status).toBe("torn_down");
  });
});
