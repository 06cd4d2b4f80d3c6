// The fleet rollout: orchestration only. Each member is an ordinary deployment run by the durable executor
// (lib/deploy); this loop decides which members start when — the canary (position 0) alone, then batches of
// `batchSize` — and stops at a batch boundary when the canary failed, when the failed members reach the
// threshold, or when a pause was asked. It reads every member's state from the database (its deployment's
// status), never from in-memory promises, and holds a lease on the fleet row: after a crash another server
// (or this one at start) takes the fleet over and goes on from what the rows say, so each member runs once.
import pLimit from "p-limit";
import { SYSTEM_ACTOR, type AuditActor } from "@/lib/audit/actor";
import type { Db } from "@/lib/db/client";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import {
  cancelDeployment,
  resumeDeployment,
  startDeployment,
  teardownDeployment,
} from "@/lib/deploy/deployment.service";
import { startRepair } from "@/lib/deploy/repair.service";
import type { FleetPhase, FleetStatus, MemberState } from "./fleet.schema";
import {
  auditFleet,
  fleetRuntime,
  loadFleet,
  renewFleetLease,
  sleep,
  type LoadedFleet,
  type LoadedMember,
} from "./runtime";

const IN_RUN = new Set(["running", "tearing_down"]);

/** What a member's finished deployment run means for the member, in the fleet's phase. */
export function memberOutcome(phase: FleetPhase, depStatus: string, aborting: boolean): MemberState {
  const ok = phase === "teardown" ? depStatus === "torn_down" : depStatus === "succeeded";
  if (ok) return "succeeded";
  if (depStatus === "cancelled") return aborting ? "aborted" : "failed";
  return "failed";
}

/**
 * A running member whose deployment is no longer in a run: finished (its run ended after the member
 * started — the outcome counts) or never begun (the server died between the two: it starts again).
 */
async function syncMembers(db: Db, f: LoadedFleet): Promise<void> {
  for (const m of f.members) {
    if (m.state !== "running" || IN_RUN.has(m.deployment.status)) continue;
    const ended = m.deployment.finishedAt && m.startedAt && m.deployment.finishedAt >= m.startedAt;
    const state: MemberState = ended
      ? memberOutcome(f.phase as FleetPhase, m.deployment.status, f.abortRequested)
      : "pending";
    await db.fleetMember.updateMany({
      where: { id: m.id, state: "running" },
      data: {
        state,
        retry: state === "failed" ? false : m.retry,
        error: state === "failed" ? ((m.deployment.error ?? { code: m.deployment.status }) as never) : (null as never),
        ...(state === "succeeded" && f.phase === "apply" ? { generation: f.generation } : {}),
        ...(state === "succeeded" && f.phase === "teardown" ? { generation: 0 } : {}),
      },
    });
    m.state = state;
  }
}

function errorOf(e: unknown): Record<string, unknown> {
  if (e instanceof UserFacingError)
    return { code: e.details.code ?? "REFUSED", message: { en: e.text("en"), ja: e.text("ja") } };
  return { code: "INTERNAL", message: { en: e instanceof Error ? e.message : String(e) } };
}

/** Starts one member's run for the fleet's phase; a refusal (pre-flight, lock…) fails the member. */
async function startMember(f: LoadedFleet, m: LoadedMember, actor: AuditActor): Promise<void> {
  const { db } = fleetRuntime();
  const moved = await db.fleetMember.updateMany({
    where: { id: m.id, state: "pending" },
    data: { state: "running", startedAt: new Date(), error: null as never },
  });
  if (moved.count !== 1) return;
  const done = (state: MemberState, error?: unknown) =>
    db.fleetMember.updateMany({
      where: { id: m.id, state: "running" },
      data: {
        state,
        retry: false,
        error: (error ?? null) as never,
        ...(state === "succeeded" && f.phase === "apply" ? { generation: f.generation } : {}),
      },
    });
  const dep = m.deployment;
  const opts = { actor };
  const resumable = m.retry && ["failed", "cancelled"].includes(dep.status);
  try {
    if (f.phase === "teardown") {
      if (["draft", "ready"].includes(dep.status)) await done("skipped");
      else if (dep.status === "torn_down") await done("succeeded");
      else if (resumable && dep.phase === "teardown") await resumeDeployment(f.teamId, dep.id, opts);
      else await teardownDeployment(f.teamId, dep.id, opts);
    } else if (f.phase === "repair") {
      if (resumable && dep.phase === "apply") await resumeDeployment(f.teamId, dep.id, opts);
      else if (dep.status === "drifted") await startRepair(f.teamId, actor, dep.id);
      else await done(dep.status === "succeeded" ? "succeeded" : "skipped");
    } else if (dep.status === "succeeded" && m.generation === f.generation) await done("succeeded");
    else if (resumable && dep.phase === "apply") await resumeDeployment(f.teamId, dep.id, opts);
    else await startDeployment(f.teamId, dep.id, opts);
  } catch (e) {
    await done("failed", errorOf(e));
  }
}

type PauseReason = { code: string; message: { en: string; ja: string }; failed: number };

const translated = (t: (l: "en" | "ja") => string) => ({ en: t("en"), ja: t("ja") });

/** At a batch boundary (no member running): why the rollout stops here, or null to go on. */
export function boundary(f: LoadedFleet): PauseReason | null {
  const pending = f.members.filter((m) => m.state === "pending").length;
  if (!pending) return null;
  const failed = f.members.filter((m) => m.state === "failed").length;
  const canary = f.members[0];
  const othersUntouched = f.members.slice(1).every((m) => m.state === "pending" || m.state === "skipped");
  if (canary?.state === "failed" && f.failureBase === 0 && othersUntouched)
    return {
      code: "CANARY_FAILED",
      message: translated(msg("fleet.pause.canary", { instanceId: canary.instanceId })),
      failed,
    };
  if (failed - f.failureBase >= f.failureThreshold)
    return {
      code: "THRESHOLD",
      message: translated(msg("fleet.pause.threshold", { failed, threshold: f.failureThreshold })),
      failed,
    };
  if (f.pauseRequested) return { code: "REQUESTED", message: translated(msg("fleet.pause.requested")), failed };
  return null;
}

/** The members to start now: the canary alone while it is pending, else the next `batchSize` pending ones. */
export function nextBatch(f: LoadedFleet): LoadedMember[] {
  const pending = f.members.filter((m) => m.state === "pending");
  if (pending[0] && pending[0].position === 0) return [pending[0]];
  return pending.slice(0, f.batchSize);
}

async function stop(
  db: Db,
  f: LoadedFleet,
  owner: string,
  to: FleetStatus,
  reason: PauseReason | null,
  actor: AuditActor,
): Promise<void> {
  const r = await db.fleet.updateMany({
    where: { id: f.id, leaseOwner: owner },
    data: {
      status: to,
      pauseRequested: false,
      abortRequested: false,
      pauseReason: (reason ?? null) as never,
      leaseOwner: null,
      leaseExpiresAt: null,
      ...(to === "paused" ? {} : { finishedAt: new Date() }),
    },
  });
  if (r.count !== 1) return;
  await auditFleet(db, {
    teamId: f.teamId,
    fleetId: f.id,
    action: to,
    actor,
    params: {
      phase: f.phase,
      generation: f.generation,
      members: f.members.length,
      failed: f.members.filter((m) => m.state === "failed").length,
      ...(reason ? { reason: reason.code } : {}),
    },
    outcome: to === "failed" ? "failure" : "success",
  });
}

/** Abort: cancel the members' runs in flight (once), and no pending member will start. */
async function abortMembers(db: Db, f: LoadedFleet, actor: AuditActor): Promise<void> {
  for (const m of f.members) {
    if (m.state === "pending") {
      await db.fleetMember.updateMany({ where: { id: m.id, state: "pending" }, data: { state: "aborted" } });
      m.state = "aborted";
    } else if (m.state === "running" && IN_RUN.has(m.deployment.status) && !m.deployment.cancelRequested) {
      await cancelDeployment(f.teamId, m.deployment.id, { actor }).catch(() => {});
    }
  }
}

function finalStatus(f: LoadedFleet): FleetStatus {
  const failed = f.members.some((m) => m.state === "failed");
  if (failed) return "failed";
  return f.phase === "teardown" ? "torn_down" : "succeeded";
}

/**
 * Runs (or continues) the rollout of a fleet whose lease this process holds, until it pauses, finishes,
 * is aborted or the lease is lost. `actor`: who started it (the members' runs are made for them).
 */
export async function runFleet(teamId: string, fleetId: string, actor: AuditActor = SYSTEM_ACTOR): Promise<string> {
  const { db, owner, leaseMs, pollMs } = fleetRuntime();
  for (;;) {
    if (!(await renewFleetLease(db, fleetId, owner, leaseMs))) return "lease_lost";
    const f = await loadFleet(db, teamId, fleetId);
    await syncMembers(db, f);
    const running = f.members.some((m) => m.state === "running");
    if (f.abortRequested) {
      await abortMembers(db, f, actor);
      if (!running) {
        await stop(db, f, owner, "aborted", null, actor);
        return "aborted";
      }
    }
    if (running) {
      await sleep(pollMs);
      continue;
    }
    const reason = boundary(f);
    if (reason) {
      await stop(db, f, owner, "paused", reason, actor);
      return "paused";
    }
    const batch = nextBatch(f);
    if (!batch.length) {
      const to = finalStatus(f);
      await stop(db, f, owner, to, null, actor);
      return to;
    }
    const limit = pLimit(4);
    await Promise.all(
      batch.map((m) =>
        limit(async () => {
          await startMember(f, m, actor);
          await renewFleetLease(db, fleetId, owner, leaseMs);
        }),
      ),
    );
  }
}

/** Starts the rollout loop in the background (its promise settles when it stops). */
export function launchRollout(teamId: string, fleetId: string, actor: AuditActor | null): Promise<string> {
  const done = runFleet(teamId, fleetId, actor ?? SYSTEM_ACTOR);
  done.catch(() => {});
  return done;
}

/**
 * Server start (and a periodic sweep): takes over fleets whose rollout's server died (lease expired) —
 * after the members' own runs were resumed (resumeInterruptedRuns) — and goes on with them. With several
 * servers, `FOR UPDATE SKIP LOCKED` gives each such fleet to exactly one.
 */
export async function resumeInterruptedFleets(batch = 20): Promise<Array<{ id: string; done: Promise<string> }>> {
  const { db, owner, leaseMs } = fleetRuntime();
  const taken = await db.$queryRaw<Array<{ id: string; teamId: string }>>`
    UPDATE "fleet" SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(Date.now() + leaseMs)}
    WHERE "id" IN (
      SELECT "id" FROM "fleet"
      WHERE "status" IN ('rolling_out', 'tearing_down') AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${new Date()})
      ORDER BY "updatedAt" LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id", "teamId"`;
  return taken.map((t) => ({ id: t.id, done: launchRollout(t.teamId, t.id, SYSTEM_ACTOR) }));
}
