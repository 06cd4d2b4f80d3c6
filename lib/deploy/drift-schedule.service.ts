// Scheduled drift checks: per team, every 15 minutes by default, can be turned off (settings → team, admins).
//
// A team's schedule is one `drift_schedule` row (no row = the default: on, every 15 minutes). A loop started
// at server start (instrumentation.ts) claims due rows by compare-and-set with a lease (`FOR UPDATE SKIP
// LOCKED`), so with several app replicas each due check runs on exactly one of them; a replica that dies
// mid-check leaves a lease that expires, and the check runs again elsewhere. Each check and what it found is
// an audit event (`app:drift.check`), each deployment's finding too (lib/deploy/drift-check.service.ts).
import crypto from "node:crypto";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/server/logger";
import { appendAuditEvent, appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { checkDeploymentDrift } from "./drift-check.service";
import {
  DRIFT_DEFAULT_INTERVAL_MINUTES,
  driftScheduleInputSchema,
  type DriftScheduleInput,
} from "./drift-schedule.schema";

export type DriftSchedule = {
  enabled: boolean;
  intervalMinutes: number;
  lastRunAt: Date | null;
  nextRunAt: Date | null;
};

/** The scheduled checks' actor in the audit trail. */
export const DRIFT_SCHEDULE_ACTOR: AuditActor = {
  userId: null,
  email: null,
  label: "scheduled drift check",
  clientIp: null,
  userAgent: null,
};

const OWNER = `drift:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

export async function getDriftSchedule(teamId: string): Promise<DriftSchedule> {
  const row = await db().driftSchedule.findUnique({ where: { teamId } });
  return row
    ? { enabled: row.enabled, intervalMinutes: row.intervalMinutes, lastRunAt: row.lastRunAt, nextRunAt: row.nextRunAt }
    : { enabled: true, intervalMinutes: DRIFT_DEFAULT_INTERVAL_MINUTES, lastRunAt: null, nextRunAt: null };
}

/** Turns the team's scheduled checks on or off and sets their interval (admin; audited). */
export async function setDriftSchedule(
  teamId: string,
  actor: AuditActor,
  input: DriftScheduleInput,
): Promise<DriftSchedule> {
  const v = driftScheduleInputSchema.parse(input);
  const nextRunAt = new Date(Date.now() + v.intervalMinutes * 60_000);
  await db().$transaction(async (tx) => {
    await tx.driftSchedule.upsert({
      where: { teamId },
      create: { teamId, enabled: v.enabled, intervalMinutes: v.intervalMinutes, nextRunAt },
      update: { enabled: v.enabled, intervalMinutes: v.intervalMinutes, nextRunAt },
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:drift.schedule",
      targets: [teamId],
      params: { enabled: v.enabled, intervalMinutes: v.intervalMinutes },
      outcome: "success",
    });
  });
  return getDriftSchedule(teamId);
}

/** Gives every team with a live deployment its default schedule row (due now), once. */
async function ensureDefaultRows(): Promise<void> {
  await db().$executeRaw`
    INSERT INTO "drift_schedule" ("teamId", "enabled", "intervalMinutes", "nextRunAt", "updatedAt")
    SELECT DISTINCT "teamId", true, ${DRIFT_DEFAULT_INTERVAL_MINUTES}::int, now(), now() FROM "deployment"
    WHERE "status" IN ('succeeded', 'drifted')
    ON CONFLICT ("teamId") DO NOTHING`;
}

async function claimDue(now: Date, owner: string, leaseMs: number, batch: number): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ teamId: string }>>`
    UPDATE "drift_schedule" SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)}
    WHERE "teamId" IN (
      SELECT "teamId" FROM "drift_schedule"
      WHERE "enabled" AND "nextRunAt" <= ${now} AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
      ORDER BY "nextRunAt" LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "teamId"`;
  return rows.map((r) => r.teamId);
}

export type TeamCheck = { teamId: string; checked: number; drifted: number; inSync: number; errors: number };

/** One team's check: every live deployment refreshed, the summary audited, the next run scheduled. */
async function checkTeam(teamId: string, owner: string): Promise<TeamCheck> {
  const deployments = await db().deployment.findMany({
    where: { teamId, status: { in: ["succeeded", "drifted"] } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  const out: TeamCheck = { teamId, checked: 0, drifted: 0, inSync: 0, errors: 0 };
  const failures: Array<{ deploymentId: string; error: string }> = [];
  for (const d of deployments) {
    try {
      const r = await checkDeploymentDrift(teamId, d.id, { actor: DRIFT_SCHEDULE_ACTOR, source: "schedule" });
      out.checked += 1;
      if (r.inSync) out.inSync += 1;
      else out.drifted += 1;
    } catch (err) {
      out.errors += 1;
      failures.push({ deploymentId: d.id, error: err instanceof Error ? err.message : String(err) });
      logger.warn({ err, teamId, deploymentId: d.id }, "scheduled drift check of a deployment failed");
    }
  }
  await appendAuditEvent(db(), {
    teamId,
    ...actorFields(DRIFT_SCHEDULE_ACTOR),
    action: "app:drift.check",
    targets: deployments.map((d) => d.id),
    params: { checked: out.checked, drifted: out.drifted, inSync: out.inSync, errors: out.errors, failures },
    outcome: out.errors ? "failure" : "success",
  });
  const row = await db().driftSchedule.findUnique({ where: { teamId }, select: { intervalMinutes: true } });
  const minutes = row?.intervalMinutes ?? DRIFT_DEFAULT_INTERVAL_MINUTES;
  await db().driftSchedule.updateMany({
    where: { teamId, leaseOwner: owner },
    data: {
      lastRunAt: new Date(),
      nextRunAt: new Date(Date.now() + minutes * 60_000),
      leaseOwner: null,
      leaseExpiresAt: null,
    },
  });
  return out;
}

/** One pass: every team whose check is due is checked (by this replica only when it won the lease). */
export async function runDueDriftChecks(
  opts: { now?: Date; owner?: string; leaseMs?: number; batch?: number } = {},
): Promise<TeamCheck[]> {
  await ensureDefaultRows();
  const owner = opts.owner ?? OWNER;
  const teams = await claimDue(opts.now ?? new Date(), owner, opts.leaseMs ?? 10 * 60_000, opts.batch ?? 10);
  const out: TeamCheck[] = [];
  for (const teamId of teams) out.push(await checkTeam(teamId, owner));
  return out;
}

let timer: NodeJS.Timeout | null = null;
/** Server start: look for due checks every half minute. */
export function startDriftSchedule(everyMs = 30_000): void {
  if (timer) return;
  let busy = false;
  timer = setInterval(() => {
    if (busy) return;
    busy = true;
    runDueDriftChecks()
      .catch((err) => logger.error({ err }, "scheduled drift checks failed"))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
}
