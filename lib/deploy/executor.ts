// The durable executor. A run is a state machine persisted in the database: status
// moves by compare-and-set (beginRun → executeRun → finishRun), and a row lease
// (renewed while running) lets another process resume a run whose server died.
// ResourceLock rows keep one run per instance and per ENI. How each step runs durably
// (stored results, ClientTokens, retries, waits) is step-runner.ts.
import { randomUUID } from "node:crypto";
import os from "node:os";
import pLimit from "p-limit";
import { UserFacingError } from "@/lib/server/errors";
import { msg, statusWord, type Translatable } from "@/lib/i18n/errors";
import type { Db, Tx } from "@/lib/db/client";
import type { CloudContext } from "@/lib/cloud/call";
import type { CloudCredentials } from "@/lib/cloud/client";
import { DEFAULT_RETRY_POLICY } from "@/lib/cloud/retry";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, SYSTEM_ACTOR, type AuditActor } from "@/lib/audit/actor";
import { firstEniId, normalizeRecord, type Plan, type ResourcesRecord } from "./model";
import { pruneRecord } from "./align";
import { Waiter, type WaiterStats } from "./waiter";
import { parseSpec, type DeploymentSpec } from "./spec.schema";
import { buildRouteScript } from "./route-script";
import { queueRunEndedEvent } from "./run-events";
import { openSpecSecrets } from "./secrets";
import type { GuestRollbackOptions } from "./guest-rollback";
import { errorJson, loadStepRows, renewLease, runSteps, type RunState, type StepEvent } from "./step-runner";
import { deploymentTags } from "./resource-tags";

export type Phase = "apply" | "teardown";
export type DeploymentStatus =
  "draft" | "ready" | "running" | "succeeded" | "drifted" | "failed" | "cancelled" | "tearing_down" | "torn_down";

export type CredentialsResolver = (d: { teamId: string; cloudAccountId: string | null }) => Promise<CloudCredentials>;

export type ExecutorOptions = {
  resolveCredentials: CredentialsResolver;
  /** Lease owner id of this process. */
  owner?: string;
  leaseMs?: number;
  /** Multiplies the typical-duration poll hints (tests use ~0.01 with a zero-latency emulator). */
  waitScale?: number;
  waitTimeoutMs?: number;
  pollCapMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Parallel mutating calls per run (EIP associations). */
  concurrency?: number;
  onStep?: (e: StepEvent) => void;
  /** Cloud Assistant polling of the teardown's guest rollback step. */
  guest?: GuestRollbackOptions;
};

export const DEFAULT_OWNER = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** The engine declining to act (locked, wrong status…): written for the user, so it is a UserFacingError. */
export class RunRefused extends UserFacingError {
  constructor(
    readonly code: "NOT_FOUND" | "BAD_STATUS" | "LOCKED" | "PREFLIGHT_FAILED" | "NOTHING_TO_DO",
    text: Translatable,
    readonly context?: unknown,
  ) {
    super(text, { code });
    this.name = "RunRefused";
  }
}

type StoredPlans = {
  apply?: Plan & { generation: number };
  teardown?: Plan & { generation: number };
  preview?: unknown;
};

export function lockKeys(spec: DeploymentSpec, raw: ResourcesRecord): string[] {
  const record = normalizeRecord(raw);
  const keys = new Set<string>();
  const inst = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  if (inst) keys.add(`instance:${inst}`);
  for (const e of spec.enis) if (e.eni.mode === "existing") keys.add(`eni:${e.eni.networkInterfaceId}`);
  for (const e of record.enis ?? []) if (e.eniId && e.mode !== "primary") keys.add(`eni:${e.eniId}`);
  return [...keys];
}

/**
 * Moves a deployment into a run (apply or teardown) by compare-and-set, stores the
 * plan and its step rows, takes the lease and the resource locks — all in one
 * short transaction. Refuses with a clear message when another deployment holds
 * the instance or the ENI.
 */
export async function beginRun(
  db: Db,
  args: {
    teamId: string;
    deploymentId: string;
    phase: Phase;
    from: DeploymentStatus[];
    plan: Plan | null;
    /** Who started the run: its audit event names them and their client address. */
    actor?: AuditActor | null;
  },
  owner = DEFAULT_OWNER,
  leaseMs = 30_000,
): Promise<void> {
  const to: DeploymentStatus = args.phase === "apply" ? "running" : "tearing_down";
  let keys: string[] = [];
  await db
    .$transaction(async (tx) => {
      const dep = await tx.deployment.findFirst({
        where: { id: args.deploymentId, teamId: args.teamId },
        select: { id: true, status: true, spec: true, resources: true, plan: true },
      });
      if (!dep) throw new RunRefused("NOT_FOUND", msg("deploy.notFound"));
      const moved = await tx.deployment.updateMany({
        where: { id: dep.id, teamId: args.teamId, status: { in: args.from } },
        data: {
          status: to,
          phase: args.phase,
          cancelRequested: false,
          error: undefined,
          leaseOwner: owner,
          leaseExpiresAt: new Date(Date.now() + leaseMs),
          startedAt: new Date(),
          finishedAt: null,
        },
      });
      if (moved.count !== 1)
        throw new RunRefused(
          "BAD_STATUS",
          msg(args.phase === "apply" ? "deploy.cannotStartApply" : "deploy.cannotStartTeardown", {
            status: statusWord(dep.status),
          }),
        );
      await tx.deployment.update({ where: { id: dep.id }, data: { error: null as never } });
      // One run per instance / ENI, across all app servers (the key is the primary key).
      keys = lockKeys(parseSpec(openSpecSecrets(dep.spec)), (dep.resources ?? {}) as ResourcesRecord);
      await takeLocks(tx, dep.id, keys);
      if (args.plan) await storePlan(tx, dep, args.phase, args.plan);
      else await reopenSteps(tx, dep.id, args.phase);
    })
    .catch(async (e: unknown) => {
      // Another run took the lock between our look and our insert (two starts at once on
      // PostgreSQL): the primary key refused ours, and this transaction changed nothing.
      if ((e as { code?: unknown }).code !== "P2002") throw e;
      const held = await db.resourceLock.findFirst({
        where: { key: { in: keys }, deploymentId: { not: args.deploymentId } },
        include: { deployment: { select: { id: true, name: true, status: true } } },
      });
      throw held ? lockedBy(held.key, held.deployment) : e;
    });
  await appendAuditEvent(db, {
    teamId: args.teamId,
    ...actorFields(args.actor),
    action: `app:deployment.${args.phase === "apply" ? (args.plan ? "apply" : "resume") : "teardown"}`,
    deploymentId: args.deploymentId,
    targets: [args.deploymentId],
    params: { deploymentId: args.deploymentId, phase: args.phase },
    outcome: "success",
  });
}

/** Takes the run's resource locks; a lock of a deployment no longer running is taken over. */
async function takeLocks(tx: Tx, deploymentId: string, keys: string[]): Promise<void> {
  for (const key of keys) {
    const held = await tx.resourceLock.findUnique({
      where: { key },
      include: { deployment: { select: { id: true, name: true, status: true } } },
    });
    if (held && held.deploymentId !== deploymentId) {
      if (["running", "tearing_down"].includes(held.deployment.status)) throw lockedBy(key, held.deployment);
      await tx.resourceLock.delete({ where: { key } });
    }
    if (!held || held.deploymentId !== deploymentId) await tx.resourceLock.create({ data: { key, deploymentId } });
  }
}

/** Stores a new plan for the phase (its generation one above all before) and its step rows, all pending. */
async function storePlan(tx: Tx, dep: { id: string; plan: unknown }, phase: Phase, plan: Plan): Promise<void> {
  const plans = (dep.plan ?? {}) as StoredPlans;
  const generation = (plans.apply?.generation ?? 0) + (plans.teardown?.generation ?? 0) + 1;
  const stored: StoredPlans = { ...plans, [phase]: { ...plan, generation } };
  await tx.deployment.update({ where: { id: dep.id }, data: { plan: stored as never } });
  await tx.deploymentStep.deleteMany({ where: { deploymentId: dep.id, phase } });
  await tx.deploymentStep.createMany({
    data: plan.steps.map((s, seq) => ({
      deploymentId: dep.id,
      phase,
      seq,
      key: s.key,
      action: s.action,
      params: redactStepParams(s.params) as never,
      status: s.noop ? "noop" : "pending",
    })),
  });
}

/**
 * Resume: failed / interrupted steps go back to pending; finished ones stay finished. Their
 * time starts again, or a step's duration would span the pause before Resume.
 */
async function reopenSteps(tx: Tx, deploymentId: string, phase: Phase): Promise<void> {
  await tx.deploymentStep.updateMany({
    where: { deploymentId, phase, status: { in: ["failed", "skipped"] } },
    data: { status: "pending", error: null as never, startedAt: null, finishedAt: null },
  });
}

function lockedBy(key: string, holder: { id: string; name: string; status: string }): RunRefused {
  const [kind, resourceId] = key.split(":") as [string, string];
  const resource = msg(kind === "instance" ? "deploy.lockedInstance" : "deploy.lockedEni", { id: resourceId });
  return new RunRefused(
    "LOCKED",
    msg("deploy.locked", { resource, name: holder.name, id: holder.id, status: statusWord(holder.status) }),
    { key, holder: holder.id },
  );
}

function redactStepParams(p: Record<string, unknown>) {
  const { Password: _pw, ...rest } = p;
  return _pw ? { ...rest, Password: "[redacted]" } : rest;
}

/**
 * Who a run's cloud calls are made for: the user whose Apply / Resume / Tear down started this run
 * (the latest such event of the deployment), labelled "aki@example.com via run 3" so the trail tells
 * a call the engine made for them from one they made themselves. None recorded (an older run): the system.
 */
export async function runActor(db: Db, teamId: string, deploymentId: string, generation: number): Promise<AuditActor> {
  const started = await db.auditEvent.findFirst({
    where: {
      teamId,
      deploymentId,
      action: { in: ["app:deployment.apply", "app:deployment.resume", "app:deployment.teardown"] },
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: { actorId: true, actorLabel: true },
  });
  if (!started?.actorId && !started?.actorLabel) return SYSTEM_ACTOR;
  const who = started.actorLabel ?? started.actorId;
  return {
    userId: started.actorId,
    email: null,
    label: `${who} via run ${generation}`,
    clientIp: null,
    userAgent: null,
  };
}

export type RunResult = { status: DeploymentStatus; error?: unknown; stats: WaiterStats & { calls: number } };

/**
 * Executes (or continues) the current run of a deployment this process holds the
 * lease on. Returns when the run reaches a terminal status or the lease is lost.
 */
export async function executeRun(db: Db, deploymentId: string, opts: ExecutorOptions): Promise<RunResult> {
  const owner = opts.owner ?? DEFAULT_OWNER;
  const leaseMs = opts.leaseMs ?? 30_000;
  const dep = await db.deployment.findFirst({ where: { id: deploymentId, leaseOwner: owner } });
  if (!dep) throw new RunRefused("NOT_FOUND", msg("deploy.noLease"));
  const phase = (dep.status === "tearing_down" ? "teardown" : "apply") as Phase;
  const spec = parseSpec(openSpecSecrets(dep.spec));
  const plan = ((dep.plan ?? {}) as StoredPlans)[phase];
  if (!plan) throw new Error(`deployment ${deploymentId} has no ${phase} plan`);
  const creds = await opts.resolveCredentials({ teamId: dep.teamId, cloudAccountId: dep.cloudAccountId });
  const ctx: CloudContext = {
    db,
    teamId: dep.teamId,
    creds,
    regionId: spec.regionId,
    deploymentId,
    actor: await runActor(db, dep.teamId, deploymentId, plan.generation),
  };
  const waiter = new Waiter(ctx, {
    scale: opts.waitScale ?? 1,
    capMs: opts.pollCapMs ?? 5000,
    timeoutMs: opts.waitTimeoutMs ?? 5 * 60_000,
  });
  const state: RunState = {
    db,
    deploymentId,
    owner,
    phase,
    generation: plan.generation,
    ctx,
    instancePassword: spec.instance.mode === "create" ? spec.instance.password : undefined,
    tags: deploymentTags(deploymentId, dep.name),
    waiter,
    limit: pLimit(opts.concurrency ?? 4),
    settings: {
      maxAttempts: opts.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      retryBaseMs: opts.retryBaseMs ?? DEFAULT_RETRY_POLICY.baseMs,
      retryCapMs: opts.retryCapMs ?? DEFAULT_RETRY_POLICY.capMs,
      onStep: opts.onStep,
      guest: opts.guest,
    },
    record: structuredClone(normalizeRecord(dep.resources)),
    rows: await loadStepRows(db, deploymentId, phase),
    calls: 0,
    stop: null,
    leaseLost: false,
    writes: Promise.resolve(),
  };

  const stopRenewing = renewLease(state, leaseMs);
  await runSteps(state, plan.steps);
  stopRenewing();
  waiter.close();
  await state.writes.catch(() => {});

  const stats = { ...waiter.stats, calls: state.calls };
  // Another process took the run over: it finishes it, this one only reports where it was.
  if (state.leaseLost || state.stop?.reason === "lease")
    return { status: phase === "apply" ? "running" : "tearing_down", stats };
  const { status, error } = await outcome(state, spec);
  // A change that succeeded is the new "last good" spec a later failed change can roll back to.
  const applied = status === "succeeded" && phase === "apply" ? dep.spec : undefined;
  await finishRun(
    db,
    { teamId: dep.teamId, deploymentId, owner, status, error, record: state.record },
    {
      appliedSpec: applied,
      actor: ctx.actor ?? null,
    },
  );
  return { status, error: error ?? undefined, stats };
}

/** The run's final status (and error) from why it stopped; a finished apply also builds the OS bundle. */
async function outcome(s: RunState, spec: DeploymentSpec): Promise<{ status: DeploymentStatus; error: unknown }> {
  let status: DeploymentStatus;
  let error: unknown = null;
  if (s.stop?.reason === "error") {
    status = "failed";
    error = errorJson(s.stop.error);
  } else if (s.stop?.reason === "cancel") {
    status = "cancelled";
  } else {
    status = s.phase === "apply" ? "succeeded" : "torn_down";
  }
  if (status === "succeeded" && s.phase === "apply") {
    // What the spec no longer lists is gone (or, kept EIPs, no longer ours): the record forgets it.
    const pruned = pruneRecord(s.record);
    s.record.enis = pruned.enis;
    s.record.eips = pruned.eips;
  }
  if (status === "succeeded") {
    await buildRouteScript(s.db, s.deploymentId, spec, s.record).catch((e: unknown) => {
      // The bundle is a convenience: a generator problem must not turn a finished cloud change into a failure.
      error = { code: "ROUTE_SCRIPT_FAILED", message: e instanceof Error ? e.message : String(e) };
    });
  }
  return { status, error };
}

async function finishRun(
  db: Db,
  run: {
    teamId: string;
    deploymentId: string;
    owner: string;
    status: DeploymentStatus;
    error: unknown;
    record: ResourcesRecord;
  },
  after: { appliedSpec?: unknown; actor: AuditActor | null },
) {
  const { teamId, deploymentId, owner, status, error, record } = run;
  const { appliedSpec, actor } = after;
  await db.$transaction(async (tx) => {
    const r = await tx.deployment.updateMany({
      where: { id: deploymentId, leaseOwner: owner },
      data: {
        status,
        ...(appliedSpec !== undefined ? { lastAppliedSpec: appliedSpec as never } : {}),
        instanceId: record.instanceId ?? undefined,
        eniId: firstEniId(record) ?? null,
        error: (error ?? null) as never,
        resources: record as never,
        leaseOwner: null,
        leaseExpiresAt: null,
        finishedAt: new Date(),
      },
    });
    if (r.count !== 1) return;
    await tx.deploymentStep.updateMany({
      where: { deploymentId, status: { in: ["pending", "running"] } },
      data: { status: status === "cancelled" ? "skipped" : "pending" },
    });
    await tx.resourceLock.deleteMany({ where: { deploymentId } });
    await queueRunEndedEvent(tx, teamId, deploymentId, status, error);
  });
  const e = error as { code?: string; message?: string; requestId?: string } | null;
  await appendAuditEvent(db, {
    teamId,
    ...actorFields(actor),
    action: `app:deployment.${status}`,
    deploymentId,
    targets: [deploymentId],
    params: { deploymentId, status },
    outcome: status === "failed" ? "failure" : "success",
    errorCode: e?.code ?? null,
    errorMessage: e?.message ?? null,
    requestId: e?.requestId ?? null,
  });
}

/**
 * Takes over runs whose lease expired (their server died) and finishes them. With
 * several servers, `FOR UPDATE SKIP LOCKED` makes each interrupted run go to
 * exactly one of them. Call at server start (and periodically).
 */
export async function resumeInterruptedRuns(db: Db, opts: ExecutorOptions & { batch?: number }): Promise<RunResult[]> {
  const owner = opts.owner ?? DEFAULT_OWNER;
  const leaseMs = opts.leaseMs ?? 30_000;
  const taken = await db.$queryRaw<Array<{ id: string }>>`
    UPDATE "deployment" SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(Date.now() + leaseMs)}
    WHERE "id" IN (
      SELECT "id" FROM "deployment"
      WHERE "status" IN ('running', 'tearing_down') AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${new Date()})
      ORDER BY "updatedAt" LIMIT ${opts.batch ?? 20}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id"`;
  return Promise.all(taken.map((t) => executeRun(db, t.id, { ...opts, owner })));
}
