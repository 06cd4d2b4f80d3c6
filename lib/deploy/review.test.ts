// The wizard's review (pre-flight + plan, as reviewAction runs them) under injected faults: its
// reads retry transient errors under the runs' policy, and fail at once on a lasting one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, type Harness } from "./testing/harness";
import { configureDeployEngine, createDraft, planDeployment, runPreflight } from "./deployment.service";
import { ACTIONS, isReadAction, type CloudAction } from "@/lib/cloud/call";
import { CloudError } from "@/lib/cloud/errors";

let h: Harness;
beforeAll(async () => {
  h = await harness();
  // The harness's small backoff (5 ms base, 50 ms cap). 16 attempts: at 44 % failures per call a
  // read exhausts them with p ≈ 2e-6, so 20 reviews (~250 reads) fail with p < 1e-3 whatever order
  // the parallel reads draw their faults in (at the default 10 it would be ~7 %: a flaky test).
  configureDeployEngine({ maxAttempts: 16 });
});
afterAll(async () => h?.close());

const reads = (Object.keys(ACTIONS) as CloudAction[]).filter(isReadAction);
const faultsOnReads = (table: Record<string, number>) => Object.fromEntries(reads.map((a) => [a, table]));

/** What reviewAction does: pre-flight, then the plan. */
async function review(id: string) {
  const preflight = await runPreflight(h.teamId, id);
  const plan = await planDeployment(h.teamId, id);
  return { preflight, plan };
}

describe("review under transient errors", () => {
  it("succeeds 20 times in a row with 30 % Throttling and 20 % 5xx on every Describe* call", async () => {
    const { id } = await createDraft(h.teamId, { name: "review-faults", spec: baseSpec() });
    const since = h.emu.requests().at(-1)?.seq ?? 0;
    // Each Throttling answer holds the whole account for its retry hint (lib/cloud/rate-limit.ts); the
    // shortest hint keeps ~75 of them within the test's time. What is under test is the retrying.
    h.emu.setFaults({
      seed: 11,
      throttleRetryAfterMs: 100,
      errors: faultsOnReads({ "Throttling.User": 0.3, InternalError: 0.2 }),
    });
    try {
      for (let i = 0; i < 20; i++) {
        const r = await review(id);
        expect(r.preflight.ok, JSON.stringify(r.preflight.findings)).toBe(true);
        expect(r.plan.steps.length).toBeGreaterThan(0);
      }
    } finally {
      h.emu.setFaults({});
    }
    const log = h.emu.requests().filter((q) => q.seq > since);
    // Faults were really met (and retried), on both kinds.
    expect(log.filter((q) => q.code === "Throttling.User").length).toBeGreaterThan(10);
    expect(log.filter((q) => q.code === "InternalError").length).toBeGreaterThan(5);
  });

  it("fails at once, without retries, on a non-retryable error", async () => {
    const { id } = await createDraft(h.teamId, { name: "review-notfound", spec: baseSpec() });
    const since = h.emu.requests().at(-1)?.seq ?? 0;
    h.emu.setFaults({ errors: { DescribeInstances: { "InvalidInstanceId.NotFound": 1 } } });
    try {
      const e = await runPreflight(h.teamId, id).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CloudError);
      expect((e as CloudError).code).toBe("InvalidInstanceId.NotFound");
    } finally {
      h.emu.setFaults({});
    }
    const calls = h.emu.requests().filter((q) => q.seq > since && q.action === "DescribeInstances");
    expect(calls).toHaveLength(1);
  });
});
