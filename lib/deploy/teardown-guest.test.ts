// Teardown and the guest configuration, and what "Results per EIP" says afterwards — against the
// emulator without the lab (no Cloud Assistant agent): the guest rollback step fails there, which
// is exactly the case where teardown must stop before changing anything in the cloud.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CloudCredentials } from "@/lib/cloud/client";
import { harness, baseSpec, ENI, INSTANCE, type Harness } from "./testing/harness";
import { createDraft, planDeployment, runPreflight, startDeployment, teardownDeployment } from "./deployment.service";
import { getDeploymentView, verifyDeployment } from "./deployment-view.service";
import type { ResourcesRecord } from "./model";

const accounts = vi.hoisted(() => ({ creds: null as CloudCredentials | null }));
vi.mock("server-only", () => ({}));
vi.mock("@/lib/cloud/accounts", () => ({ loadCloudCredentials: async () => accounts.creds }));

let h: Harness;
beforeAll(async () => {
  h = await harness();
  accounts.creds = h.creds;
});
afterAll(async () => h?.close());

async function deployed(name: string) {
  const { id } = await createDraft(h.teamId, { name, spec: baseSpec() });
  expect((await runPreflight(h.teamId, id)).ok).toBe(true);
  const r = await (await startDeployment(h.teamId, id)).done;
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  // What the deployment page does by itself once the apply succeeded.
  await verifyDeployment(h.teamId, id);
  return id;
}

const boundToEni = () => Object.values(h.emu.state().eips).filter((e) => e.binding?.instanceId === ENI).length;

describe("teardown and the guest configuration", () => {
  it("after teardown, Results per EIP say released and not applicable, not Succeeded / Pass", async () => {
    const id = await deployed("results-after-teardown");
    const before = await getDeploymentView(h.teamId, id);
    expect(before.eipResults.map((e) => [e.association, e.cloud.verdict, e.guest.verdict])).toEqual(
      Array(3).fill(["succeeded", "pass", "not_run"]),
    );

    const r = await (await teardownDeployment(h.teamId, id)).done;
    expect(r.status, JSON.stringify(r.error)).toBe("torn_down");
    const after = await getDeploymentView(h.teamId, id);
    expect(after.eipResults).toHaveLength(3);
    for (const e of after.eipResults) {
      expect(e.association).toBe("released");
      expect(e.cloud.verdict).toBe("not_applicable");
      expect(e.guest.verdict).toBe("not_applicable");
    }
  });

  it("applied through Cloud Assistant but the agent is offline: teardown stops at the guest rollback and changes nothing in the cloud; skipping it is recorded", async () => {
    const id = await deployed("guest-rollback-fails");
    // As "Apply through Cloud Assistant" records it (the agent is offline here, so set it directly).
    const row = await h.t.db.deployment.findFirstOrThrow({
      where: { id, teamId: h.teamId },
      select: { resources: true },
    });
    const resources: ResourcesRecord = {
      ...(row.resources as ResourcesRecord),
      guestApplied: { scriptVersion: 1, appliedAt: new Date().toISOString() },
    };
    await h.t.db.deployment.update({ where: { id }, data: { resources: resources as never } });

    const plan = await planDeployment(h.teamId, id, { phase: "teardown" });
    expect(plan.steps[0]).toMatchObject({
      key: "guest.rollback",
      action: "RunCommand",
      noop: false,
      params: { InstanceId: INSTANCE, Script: "rollback.sh", ScriptVersion: 1 },
    });
    for (const s of plan.steps.slice(1).filter((x) => !x.noop)) expect(s.dependsOn).toContain("guest.rollback");
    expect(
      (await planDeployment(h.teamId, id, { phase: "teardown", skipGuestRollback: true })).steps.map((s) => s.key),
    ).not.toContain("guest.rollback");

    expect(boundToEni()).toBe(3);
    const r = await (await teardownDeployment(h.teamId, id, { actor: null })).done;
    expect(r.status).toBe("failed");
    expect(r.error).toMatchObject({ code: "GuestRollbackFailed", action: "RunCommand" });
    expect((r.error as { message: string }).message).toMatch(/rollback\.sh.*stopped before changing anything else/);
    const view = await getDeploymentView(h.teamId, id);
    const steps = view.steps.filter((s) => s.phase === "teardown");
    expect(steps[0]).toMatchObject({ key: "guest.rollback", status: "failed" });
    expect(steps.slice(1).every((s) => s.status === "pending" || s.status === "noop")).toBe(true);
    expect(view.error).toMatchObject({ code: "GuestRollbackFailed", hint: { en: expect.stringMatching(/Resume/) } });
    // Nothing else changed: the ENI is on the instance, every EIP still bound, the results say so.
    h.emu.settle();
    expect(h.emu.state().enis[ENI]!.instanceId).toBe(INSTANCE);
    expect(boundToEni()).toBe(3);
    expect(view.eipResults.map((e) => e.association)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(view.resources.guestApplied).toBeTruthy();
    const audit = await h.t.db.auditEvent.findMany({
      where: { teamId: h.teamId, deploymentId: id },
      select: { action: true, outcome: true },
    });
    expect(audit).toContainEqual({ action: "guest.rollback", outcome: "failure" });
    // Cloud Assistant never started the script: no run on the record, the reason in the error fields.
    const rollback = await h.t.db.auditEvent.findFirst({
      where: { teamId: h.teamId, deploymentId: id, action: "guest.rollback" },
      select: { params: true, errorCode: true, errorMessage: true },
    });
    expect(rollback).toMatchObject({
      params: { invocations: [] },
      errorCode: expect.any(String),
      errorMessage: expect.stringMatching(/.+/),
    });
    expect(JSON.stringify(rollback!.params)).not.toContain("[redacted]");
    expect(audit).toContainEqual({ action: "cloud:ECS.RunCommand", outcome: "failure" });

    // The operator's way out: tear down the cloud side only (they run rollback.sh by hand).
    const skipped = await (await teardownDeployment(h.teamId, id, { actor: null, skipGuestRollback: true })).done;
    expect(skipped.status, JSON.stringify(skipped.error)).toBe("torn_down");
    expect(boundToEni()).toBe(0);
    const final = await getDeploymentView(h.teamId, id);
    expect(final.steps.filter((s) => s.phase === "teardown").map((s) => s.key)).not.toContain("guest.rollback");
    const actions = (
      await h.t.db.auditEvent.findMany({ where: { teamId: h.teamId, deploymentId: id }, select: { action: true } })
    ).map((a) => a.action);
    expect(actions).toContain("guest.rollback.skipped");
  });
});
