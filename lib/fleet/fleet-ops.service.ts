// Fleet lifecycle beyond the first rollout: change the spec (the delta rolled out like the first time), tear
// the fleet down, check its drift and repair the drifted members, run the guest-OS bundle through Cloud
// Assistant on every member (or the failed ones), and the plan of an apply. Team-scoped like fleet.service.ts.
import pLimit from "p-limit";
import type { AuditActor } from "@/lib/audit/actor";
import { msg, statusWord } from "@/lib/i18n/errors";
import { UserFacingError } from "@/lib/server/errors";
import { planDeployment, RunRefused, setDeploymentSpec } from "@/lib/deploy/deployment.service";
import { checkDeploymentDrift } from "@/lib/deploy/drift-check.service";
import { applyThroughCloudAssistant, verifyThroughCloudAssistant } from "@/lib/deploy/guest-run.service";
import { guestOf } from "@/lib/guest/guest-checks";
import { planWithoutSecrets } from "@/lib/deploy/secrets";
import { fleetSpecSchema, memberSpec, type FleetSpecInput } from "./fleet.schema";
import { fleetPreflight, type FleetFinding } from "./fleet-preflight";
import { launchRollout } from "./rollout";
import { auditFleet, fleetRuntime, loadFleet, selectorOf, type LoadedFleet } from "./runtime";
import { beginRollout, type RolloutStarted } from "./fleet.service";

const STOPPED = ["draft", "succeeded", "failed", "paused", "aborted"];
const CHANGEABLE_MEMBER = ["draft", "ready", "succeeded", "failed", "cancelled"];

function refuseWhileRunning(f: LoadedFleet, key: "fleet.cannotChange" | "fleet.cannotRepair" | "fleet.busy") {
  if (!STOPPED.includes(f.status)) throw new RunRefused("BAD_STATUS", msg(key, { status: statusWord(f.status) }));
}

/**
 * A fleet change: every member's deployment gets the new spec (setDeploymentSpec: a change of a deployment
 * that ran, the draft's spec otherwise) and the fleet's generation goes up. Nothing runs: apply (startFleet)
 * rolls the delta out with the same canary, batches and threshold. Answers each member's delta (calls).
 */
export async function changeFleet(
  teamId: string,
  actor: AuditActor | null,
  id: string,
  input: FleetSpecInput,
): Promise<{
  generation: number;
  members: Array<{ instanceId: string; deploymentId: string; changes: number | null }>;
}> {
  const { db, concurrency } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  refuseWhileRunning(f, "fleet.cannotChange");
  const spec = fleetSpecSchema.parse(input);
  const stuck = f.members.find((m) => !CHANGEABLE_MEMBER.includes(m.deployment.status));
  if (stuck)
    throw new RunRefused(
      "BAD_STATUS",
      msg("fleet.memberNotChangeable", {
        instanceId: stuck.instanceId,
        reason: msg("deploy.cannotChange", { status: statusWord(stuck.deployment.status) }),
      }),
    );
  const { placements } = selectorOf(f);
  const limit = pLimit(concurrency);
  const members = await Promise.all(
    f.members.map((m) =>
      limit(async () => {
        const at = placements[m.instanceId] ?? { vSwitchId: "", securityGroupId: "" };
        const s = memberSpec(spec, {
          cloudAccountId: f.cloudAccountId,
          regionId: f.regionId,
          instanceId: m.instanceId,
          ...at,
        });
        const r = await setDeploymentSpec(teamId, actor, m.deploymentId, s);
        return { instanceId: m.instanceId, deploymentId: m.deploymentId, changes: r.plan?.changes ?? null };
      }),
    ),
  );
  const generation = f.generation + 1;
  await db.fleet.updateMany({
    where: { id, teamId, status: f.status },
    // The status stays what the last rollout left; members below this generation show the change is not applied yet.
    data: { spec: spec as never, generation, phase: "apply" },
  });
  await auditFleet(db, { teamId, fleetId: id, action: "change", actor, params: { generation } });
  return { generation, members };
}

/** Tears every member down (confirm = the fleet's name), canary and batches as a rollout. */
export async function teardownFleet(
  teamId: string,
  actor: AuditActor | null,
  id: string,
  confirm: string,
): Promise<RolloutStarted> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  if (confirm.trim() !== f.name)
    throw new UserFacingError(msg("fleet.typeName"), { code: "CONFIRMATION_MISMATCH", field: "confirm" });
  if (!["succeeded", "failed", "paused", "aborted", "draft"].includes(f.status))
    throw new RunRefused("BAD_STATUS", msg("fleet.cannotTeardown", { status: statusWord(f.status) }));
  await beginRollout(f, [f.status], { status: "tearing_down", phase: "teardown" }, "fleet.cannotTeardown");
  await db.fleetMember.updateMany({
    where: { fleetId: id },
    data: { state: "pending", retry: false, error: null as never },
  });
  await auditFleet(db, { teamId, fleetId: id, action: "teardown", actor, params: { members: f.members.length } });
  return { id, status: "tearing_down", members: f.members.length, done: launchRollout(teamId, id, actor) };
}

export type FleetDrift = {
  checkedAt: string;
  drifted: number;
  inSync: number;
  /** Members not live (draft, failed, torn down…): nothing to compare. */
  notChecked: number;
  members: Array<{ instanceId: string; deploymentId: string; status: string; drift: number | null }>;
};

/** Drift check on every live member (lib/deploy/drift-check.service.ts): how many drifted, how many in sync. */
export async function checkFleetDrift(teamId: string, actor: AuditActor | null, id: string): Promise<FleetDrift> {
  const { db, concurrency } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  const limit = pLimit(concurrency);
  const members = await Promise.all(
    f.members.map((m) =>
      limit(async () => {
        const base = { instanceId: m.instanceId, deploymentId: m.deploymentId };
        if (!["succeeded", "drifted"].includes(m.deployment.status))
          return { ...base, status: m.deployment.status, drift: null };
        const c = await checkDeploymentDrift(teamId, m.deploymentId, { actor, source: "refresh" });
        return { ...base, status: c.status, drift: c.drift.length };
      }),
    ),
  );
  const drifted = members.filter((m) => m.status === "drifted").length;
  const notChecked = members.filter((m) => m.drift === null).length;
  const result = {
    checkedAt: new Date().toISOString(),
    drifted,
    inSync: members.length - drifted - notChecked,
    notChecked,
    members,
  };
  await auditFleet(db, { teamId, fleetId: id, action: "refresh", actor, params: { drifted, inSync: result.inSync } });
  return result;
}

/** Repairs the drifted members (startRepair each) as a rollout: canary, batches, threshold. */
export async function repairFleet(teamId: string, actor: AuditActor | null, id: string): Promise<RolloutStarted> {
  const { db } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  refuseWhileRunning(f, "fleet.cannotRepair");
  const drifted = f.members.filter((m) => m.deployment.status === "drifted");
  if (!drifted.length) throw new RunRefused("NOTHING_TO_DO", msg("fleet.nothingToRepair"));
  await beginRollout(f, [f.status], { status: "rolling_out", phase: "repair" }, "fleet.cannotRepair");
  await db.fleetMember.updateMany({
    where: { id: { in: drifted.map((m) => m.id) } },
    data: { state: "pending", retry: false, error: null as never },
  });
  await auditFleet(db, { teamId, fleetId: id, action: "repair", actor, params: { members: drifted.length } });
  return { id, status: "rolling_out", members: drifted.length, done: launchRollout(teamId, id, actor) };
}

export type FleetGuestResult = {
  action: "apply" | "verify";
  ran: number;
  ok: number;
  failed: number;
  members: Array<{ instanceId: string; deploymentId: string; ok: boolean; error?: { en: string; ja: string } }>;
};

/**
 * The guest-OS bundle through Cloud Assistant on the members whose cloud side succeeded — all of them, or
 * `onlyFailed`: those whose last guest verification did not pass (or never ran).
 */
export async function runFleetGuest(
  teamId: string,
  actor: AuditActor | null,
  id: string,
  input: { action: "apply" | "verify"; onlyFailed?: boolean },
): Promise<FleetGuestResult> {
  const { db, concurrency } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  refuseWhileRunning(f, "fleet.busy");
  const rows = await db.deployment.findMany({
    where: { teamId, fleetId: id, status: { in: ["succeeded", "drifted"] } },
    select: { id: true, checks: true },
  });
  const checks = new Map(rows.map((r) => [r.id, guestOf(r.checks)]));
  const targets = f.members.filter(
    (m) => checks.has(m.deploymentId) && (!input.onlyFailed || checks.get(m.deploymentId)?.ok !== true),
  );
  const run = input.action === "apply" ? applyThroughCloudAssistant : verifyThroughCloudAssistant;
  const limit = pLimit(concurrency);
  const members = await Promise.all(
    targets.map((m) =>
      limit(async () => {
        const base = { instanceId: m.instanceId, deploymentId: m.deploymentId };
        try {
          return { ...base, ok: (await run(teamId, m.deploymentId, actor)).ok };
        } catch (e) {
          const text = e instanceof UserFacingError ? e.text : () => (e instanceof Error ? e.message : String(e));
          return { ...base, ok: false, error: { en: text("en"), ja: text("ja") } };
        }
      }),
    ),
  );
  const ok = members.filter((m) => m.ok).length;
  await auditFleet(db, {
    teamId,
    fleetId: id,
    action: `guest.${input.action}`,
    actor,
    params: { onlyFailed: !!input.onlyFailed, ran: members.length, ok },
    outcome: ok === members.length ? "success" : "failure",
  });
  return { action: input.action, ran: members.length, ok, failed: members.length - ok, members };
}

export type FleetPlan = {
  ok: boolean;
  findings: FleetFinding[];
  eips: { toAllocate: number; inUse: number; quota: number };
  /** Calls (steps that are not no-ops) per member, and the steps themselves. */
  members: Array<{
    instanceId: string;
    deploymentId: string;
    changes: number;
    steps: Array<{
      key: string;
      action: string;
      noop: boolean;
      params: Record<string, unknown>;
      description: { en: string; ja: string };
    }>;
  }>;
};

/** What an apply would do now (a preview; nothing changes): the fleet pre-flight and each member's plan. */
export async function planFleet(teamId: string, actor: AuditActor | null, id: string): Promise<FleetPlan> {
  const { db, concurrency } = fleetRuntime();
  const f = await loadFleet(db, teamId, id);
  const todo = f.members.filter((m) => !["torn_down"].includes(m.deployment.status));
  const pre = await fleetPreflight(f, actor, todo);
  const limit = pLimit(concurrency);
  const members = await Promise.all(
    todo.map((m) =>
      limit(async () => {
        const p = planWithoutSecrets(await planDeployment(teamId, m.deploymentId, { actor }));
        return {
          instanceId: m.instanceId,
          deploymentId: m.deploymentId,
          changes: p.changes,
          steps: p.steps.map((s) => ({
            key: s.key,
            action: s.action,
            noop: !!s.noop,
            params: s.params as Record<string, unknown>,
            description: s.description,
          })),
        };
      }),
    ),
  );
  return { ok: pre.ok, findings: pre.findings, eips: pre.eips, members };
}
