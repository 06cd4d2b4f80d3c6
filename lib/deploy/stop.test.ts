// When a run stops (one step failed, or the user pressed Cancel) while other steps are
// still retrying: what each step row then says on the deployment page.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { harness, baseSpec, type Harness } from "./testing/harness";
vi.mock("server-only", () => ({}));
import {
  cancelDeployment,
  configureDeployEngine,
  createDraft,
  getProgress,
  resumeDeployment,
  startDeployment,
  teardownDeployment,
} from "./deployment.service";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterEach(() => {
  h.emu.setFaults({});
  configureDeployEngine({ maxAttempts: 10, retryBaseMs: 5, retryCapMs: 50 });
});
afterAll(async () => h?.close());

describe("a run that stops while steps are retrying", () => {
  it("shows each failed step with its own error and RequestId, never another step's", async () => {
    h.emu.setFaults({ errors: { AssociateEipAddress: { "Throttling.User": 1 } } });
    const { id } = await createDraft(h.teamId, {
      name: "throttled",
      spec: baseSpec({ privateIps: { mode: "count", count: 2 }, eips: [{}, {}, {}] }),
    });
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status).toBe("failed");
    const associates = (await getProgress(h.teamId, id)).steps.filter(
      (s) => s.phase === "apply" && s.action === "AssociateEipAddress",
    );
    expect(associates).toHaveLength(3);
    const failed = associates.filter((s) => s.status === "failed");
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) {
      const e = s.error as { code: string; requestId: string | null; action: string };
      expect(e.code).toBe("Throttling.User");
      expect(e.action).toBe("AssociateEipAddress");
      // The RequestId shown with the step's error is one this step received.
      expect(s.requestIds, `${s.key} shows RequestId ${e.requestId}`).toContain(e.requestId);
    }
    // A step the run stopped before it gave up is not reported as failed: Resume runs it again.
    for (const s of associates.filter((x) => x.status !== "failed")) expect(s.status).toBe("pending");
  });

  it("after Resume, a step's duration is that of its new attempts, not the time since it first failed", async () => {
    configureDeployEngine({ maxAttempts: 2, retryBaseMs: 5, retryCapMs: 10 });
    h.emu.setFaults({ errors: { AssociateEipAddress: { "Throttling.User": 1 } } });
    const { id } = await createDraft(h.teamId, {
      name: "resumed-later",
      spec: baseSpec({ privateIps: { mode: "count", count: 1 }, eips: [{}] }),
    });
    expect((await (await startDeployment(h.teamId, id)).done).status).toBe("failed");
    // The operator comes back later: make the failed step look as if it had started an hour ago.
    const hourAgo = new Date(Date.now() - 3_600_000);
    await h.t.db.deploymentStep.updateMany({
      where: { deploymentId: id, phase: "apply", status: "failed" },
      data: { startedAt: hourAgo },
    });
    h.emu.setFaults({});
    expect((await (await resumeDeployment(h.teamId, id)).done).status).toBe("succeeded");
    const associate = (await getProgress(h.teamId, id)).steps.find(
      (s) => s.phase === "apply" && s.action === "AssociateEipAddress",
    )!;
    expect(associate.status).toBe("succeeded");
    expect(associate.durationMs).toBeLessThan(60_000);
    expect(associate.attempts).toBeGreaterThan(2); // the attempts before Resume still count
    expect((await (await teardownDeployment(h.teamId, id, { skipGuestRollback: true })).done).status).toBe("torn_down"); // the ENI is free for the next test
  });

  it("Results per EIP list every EIP of the spec after a failed run, not only those on the record", async () => {
    configureDeployEngine({ maxAttempts: 2, retryBaseMs: 5, retryCapMs: 10 });
    h.emu.setFaults({ errors: { AssociateEipAddress: { "Throttling.User": 1 } } });
    const spec = baseSpec({
      privateIps: { mode: "explicit", addresses: ["172.16.0.111"] },
      eips: [{ allocationId: "eip-6we1x9demofree00001" }, { privateIp: "172.16.0.111" }],
    });
    const { id } = await createDraft(h.teamId, { name: "results-after-failure", spec });
    expect((await (await startDeployment(h.teamId, id)).done).status).toBe("failed");
    const { getDeploymentView } = await import("./deployment-view.service");
    const rows = (await getDeploymentView(h.teamId, id)).eipResults;
    expect(
      rows.map((r) => [r.specIndex, r.allocationId || "(new)", r.privateIp, r.association]),
      JSON.stringify(rows),
    ).toEqual([
      [0, "eip-6we1x9demofree00001", "", expect.stringMatching(/^(failed|pending)$/)],
      // Failed, or pending when the run stopped before this step gave up (Resume runs it).
      [1, expect.stringMatching(/^eip-/), "172.16.0.111", expect.stringMatching(/^(failed|pending)$/)],
    ]);
    expect(rows[1]!.allocatedByUs).toBe(true);
  });

  it("Cancel stops a run whose steps are retrying (throttled) instead of waiting for their retries to run out", async () => {
    // Enough retries that, without Cancel, the run would go on for a while and then fail.
    configureDeployEngine({ maxAttempts: 60, retryBaseMs: 20, retryCapMs: 50 });
    h.emu.setFaults({ errors: { AssociateEipAddress: { "Throttling.User": 1 } } });
    const { id } = await createDraft(h.teamId, {
      name: "cancel-throttled",
      spec: baseSpec({ privateIps: { mode: "count", count: 1 }, eips: [{}, {}] }),
    });
    const start = await startDeployment(h.teamId, id);
    for (let i = 0; ; i++) {
      const p = await getProgress(h.teamId, id);
      if (p.steps.some((s) => s.action === "AssociateEipAddress" && s.attempts >= 2)) break;
      if (i > 400) throw new Error("the associations never started retrying");
      await new Promise((r) => setTimeout(r, 10));
    }
    await cancelDeployment(h.teamId, id);
    const r = await start.done;
    expect(r.status).toBe("cancelled");
    const associates = (await getProgress(h.teamId, id)).steps.filter((s) => s.action === "AssociateEipAddress");
    expect(associates.map((s) => s.status)).toEqual(["skipped", "skipped"]);
    expect(Math.max(...associates.map((s) => s.attempts))).toBeLessThan(60);
  });
});
