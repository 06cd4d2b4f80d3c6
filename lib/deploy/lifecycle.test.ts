// Drift made directly in the emulator (behind the app's back) → refresh marks the deployment drifted at
// once → the repair plan names exactly the calls that put it back → repair runs → in sync, succeeded.
// Scheduled checks: one replica per due check, audited, off when the team turns them off; a drift webhook.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, ENI, type Harness } from "./testing/harness";
import { createDraft, getProgress, startDeployment, teardownDeployment } from "./deployment.service";
import { checkDeploymentDrift } from "./drift-check.service";
import { planRepair, startRepair } from "./repair.service";
import { getDriftSchedule, runDueDriftChecks, setDriftSchedule } from "./drift-schedule.service";
import { userActor } from "@/lib/audit/actor";
import { verifyAuditChain } from "@/lib/audit/chain";
import { configureWebhooks, createWebhook } from "@/lib/notify/webhooks.service";

let h: Harness;
const actor = userActor(null, "op@example.com");
beforeAll(async () => {
  h = await harness();
  configureWebhooks({ allowLoopback: true });
});
afterAll(async () => h?.close());

// Explicit addresses: a repair puts back the very addresses the record names.
async function deploy(name: string) {
  const spec = baseSpec({ privateIps: { mode: "explicit", addresses: ["172.16.0.80", "172.16.0.81"] } });
  const { id } = await createDraft(h.teamId, { name, spec });
  const r = await (await startDeployment(h.teamId, id)).done;
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  return id;
}

const mutating = (since: number) =>
  h.emu
    .requests()
    .slice(since)
    .map((r) => r.action)
    .filter((a) => !/^Describe/.test(a));

describe("drift and repair", () => {
  it("refresh marks drift at once; repair plans and makes exactly the calls that restore the record", async () => {
    await createWebhook(h.teamId, actor, { url: "http://127.0.0.1:9/unused", events: ["drift", "run.finished"] });
    const id = await deploy("drift-repair");
    // The run's end queued a run.finished delivery (in finishRun's transaction).
    const finished = await h.t.db.webhookDelivery.findMany({ where: { teamId: h.teamId, event: "run.finished" } });
    expect(finished.map((f) => JSON.parse(f.body).data)).toEqual([
      expect.objectContaining({ deployment: { id, name: "drift-repair" }, status: "succeeded", phase: "apply" }),
    ]);
    const record = (await getProgress(h.teamId, id)).resources;
    const eip = record.eips![0]!;
    const ip = record.enis![0]!.assignedIps![1]!;

    // A colleague unassociates one EIP and removes a secondary IP in the console.
    h.emu.drift({ op: "unassociateEip", allocationId: eip.allocationId });
    const other = record.eips!.find((e) => e.privateIp === ip)!;
    h.emu.drift({ op: "unassignPrivateIp", networkInterfaceId: ENI, privateIpAddress: ip });

    const check = await checkDeploymentDrift(h.teamId, id, { actor });
    expect(check.inSync).toBe(false);
    expect(check.status).toBe("drifted");
    const row = await h.t.db.deployment.findFirstOrThrow({ where: { id } });
    expect(row.status).toBe("drifted");
    expect(row.drift).toEqual(check.drift);
    expect(check.drift.map((d) => d.resource)).toEqual(expect.arrayContaining([eip.allocationId, ENI]));
    const audit = await h.t.db.auditEvent.findMany({ where: { deploymentId: id, action: "app:deployment.drifted" } });
    expect(audit).toHaveLength(1);
    expect(await h.t.db.webhookDelivery.count({ where: { teamId: h.teamId, event: "drift" } })).toBe(1);
    // The same finding again: no second event, no second webhook.
    await checkDeploymentDrift(h.teamId, id, { actor });
    expect(await h.t.db.webhookDelivery.count({ where: { teamId: h.teamId, event: "drift" } })).toBe(1);

    // Preview: nothing runs, and the plan names the re-assign and the two re-associations only.
    const before = h.emu.requests().length;
    const preview = await planRepair(h.teamId, id, { actor });
    expect(mutating(before)).toEqual([]);
    expect(preview.canRun).toBe(true);
    const calls = preview.plan.steps.filter((s) => !s.noop);
    expect(calls.map((s) => s.action).sort()).toEqual([
      "AssignPrivateIpAddresses",
      "AssociateEipAddress",
      "AssociateEipAddress",
    ]);
    expect(
      calls
        .filter((s) => s.action === "AssociateEipAddress")
        .map((s) => s.params.AllocationId)
        .sort(),
    ).toEqual([eip.allocationId, other.allocationId].sort());

    const repair = await startRepair(h.teamId, actor, id);
    const done = await repair.done;
    expect(done.status).toBe("succeeded");
    expect(done.inSync).toBe(true);
    expect(mutating(before).sort()).toEqual(["AssignPrivateIpAddresses", "AssociateEipAddress", "AssociateEipAddress"]);
    const after = await h.t.db.deployment.findFirstOrThrow({ where: { id } });
    expect(after.status).toBe("succeeded");
    expect(after.drift).toEqual([]);
    const w = h.emu.state();
    expect(w.enis[ENI]!.secondaryIps).toContain(ip);
    expect(w.eips[eip.allocationId]!.binding?.instanceId).toBe(ENI);
    expect(w.eips[other.allocationId]!.binding?.privateIpAddress).toBe(ip);
    const actions = (await h.t.db.auditEvent.findMany({ where: { deploymentId: id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["app:deployment.repair", "app:deployment.succeeded"]));

    // In sync: a repair is refused, and a drifted deployment can be torn down.
    await expect(startRepair(h.teamId, actor, id)).rejects.toThrow(/nothing to repair/);
    h.emu.drift({ op: "unassociateEip", allocationId: eip.allocationId });
    expect((await checkDeploymentDrift(h.teamId, id)).status).toBe("drifted");
    expect((await (await teardownDeployment(h.teamId, id)).done).status).toBe("torn_down");
    expect((await verifyAuditChain(h.t.db, h.teamId)).ok).toBe(true);
  });

  describe("scheduled drift checks, and a repair that cannot run", () => {
    it("runs each due check on one replica only, audits it, and stays off when turned off", async () => {
      const id = await deploy("scheduled");
      const record = (await getProgress(h.teamId, id)).resources;
      expect(await getDriftSchedule(h.teamId)).toMatchObject({ enabled: true, intervalMinutes: 15 });
      h.emu.drift({ op: "unassociateEip", allocationId: record.eips![2]!.allocationId });

      // Two replicas race for the same due check: exactly one runs it.
      const [a, b] = await Promise.all([
        runDueDriftChecks({ owner: "replica-a" }),
        runDueDriftChecks({ owner: "replica-b" }),
      ]);
      const runs = [...a, ...b].filter((r) => r.teamId === h.teamId);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.drifted).toBeGreaterThanOrEqual(1);
      expect((await h.t.db.deployment.findFirstOrThrow({ where: { id } })).status).toBe("drifted");
      const checks = await h.t.db.auditEvent.findMany({ where: { teamId: h.teamId, action: "app:drift.check" } });
      expect(checks).toHaveLength(1);
      expect(checks[0]!.actorLabel).toBe("scheduled drift check");
      // Not due again until the interval has passed.
      expect((await runDueDriftChecks()).filter((r) => r.teamId === h.teamId)).toEqual([]);
      const soon = new Date(Date.now() + 16 * 60_000);
      expect((await runDueDriftChecks({ now: soon })).filter((r) => r.teamId === h.teamId)).toHaveLength(1);

      // Turned off: no check however late it is.
      await setDriftSchedule(h.teamId, actor, { enabled: false, intervalMinutes: 30 });
      expect(await getDriftSchedule(h.teamId)).toMatchObject({ enabled: false, intervalMinutes: 30 });
      const late = new Date(Date.now() + 24 * 3_600_000);
      expect((await runDueDriftChecks({ now: late })).filter((r) => r.teamId === h.teamId)).toEqual([]);
      await expect(setDriftSchedule(h.teamId, actor, { enabled: true, intervalMinutes: 1 })).rejects.toThrow();
      expect((await (await teardownDeployment(h.teamId, id)).done).status).toBe("torn_down");
    });

    it("a repair that cannot put things back says so before anything runs", async () => {
      const id = await deploy("eni-deleted");
      const record = (await getProgress(h.teamId, id)).resources;
      expect(record.eips).toHaveLength(3);
      // The existing ENI itself is deleted: nothing can bring it back.
      h.emu.drift({ op: "deleteEni", networkInterfaceId: ENI });
      expect((await checkDeploymentDrift(h.teamId, id)).status).toBe("drifted");
      const preview = await planRepair(h.teamId, id);
      expect(preview.canRun).toBe(false);
      expect(preview.findings.some((f) => f.severity === "error")).toBe(true);
      const before = h.emu.requests().length;
      await expect(startRepair(h.teamId, actor, id)).rejects.toThrow(/cannot put everything back/);
      expect(mutating(before)).toEqual([]);
      expect((await h.t.db.deployment.findFirstOrThrow({ where: { id } })).status).toBe("drifted");
    });
  });
});
