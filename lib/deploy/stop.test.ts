// When a run stops (one step failed, or the user pressed Cancel) while other steps are
// still retrying: what each step row then says on the deployment page.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, type Harness } from "./testing/harness";
import { configureDeployEngine, createDraft, getProgress, startDeployment } from "./deployment.service";

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
    const { id } = await createDraft(h.teamId, { name: "throttled", spec: baseSpec({ privateIps: { mode: "count", count: 2 }, eips: [{}, {}, {}] }) });
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status).toBe("failed");
    const associates = (await getProgress(h.teamId, id)).steps.filter((s) => s.phase === "apply" && s.action === "AssociateEipAddress");
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
});
