// The durable executor. A run is a state machine persisted in the database:
// status moves by compare-and-set, each step row is written before and after its
// cloud call, mutating calls carry a ClientToken derived from deployment + step,
// retryable errors are retried with capped backoff, waits poll Describe (coalesced),
// and a row lease (renewed while running) lets another process resume a run whose
// server died. ResourceLock rows keep one run per instance and per ENI.
import { UserFacingError } from "@/lib/server/errors";
import { msg, statusWord, type Translatable } from "@/lib/i18n/errors";
import { createHash, randomUUID } from "node:crypto";
import os from "node:os";
import pLimit from "p-limit";
import type { Db } from "@/lib/db/client";
import type { CloudContext } from "@/lib/cloud/call";
import { cloudCall, type WireBody } from "@/lib/cloud/call";
import type { CloudCredentials } from "@/lib/cloud/client";
import { CloudError, TRANSIENT_STATE_CODES, toCloudError } from "@/lib/cloud/errors";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { isRef, type Cond, type Plan, type PlannedStep, type ResourcesRecord, type Val } from "./model";
import { Waiter, condHolds, type ResolvedCond, type WaiterStats } from "./waiter";
import { parseSpec, type DeploymentSpec } from "./spec.schema";
import { buildRouteScript } from "./route-script";
import { runGuestRollback, type GuestRollbackOptions } from "./guest-rollback";

export type Phase = "apply" | "teardown";
export type DeploymentStatus =
  "draft" | "ready" | "running" | "succeeded" | "failed" | "cancelled" | "tearing_down" | "torn_down";

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
  onStep?: (e: { deploymentId: string; key: string; event: "start" | "called" | "done" | "failed" }) => void;
  /** Cloud Assistant polling of the teardown's guest rollback step. */
  guest?: GuestRollbackOptions;
};

export const DEFAULT_OWNER = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Typical transition durations (lower bounds from the API reference, section 6) — the first poll happens then. */
const HINT_MS: Partial<Record<PlannedStep["action"], number>> = {
  RunInstances: 5000,
  StartInstance: 3000,
  StopInstance: 3000,
  AttachNetworkInterface: 2000,
  DetachNetworkInterface: 2000,
  DeleteNetworkInterface: 1000,
  AssociateEipAddress: 1000,
  UnassociateEipAddress: 1000,
  ReleaseEipAddress: 1000,
  DeleteInstance: 2000,
};

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

/**
 * Thrown inside a step when the run stopped for another reason (another step failed, Cancel, lost
 * lease): the step did not fail itself, so it is not marked failed with someone else's error —
 * finishRun makes it pending (Resume runs it) or skipped (cancelled).
 */
class RunStopped extends Error {
  constructor() {
    super("run stopped");
    this.name = "RunStopped";
  }
}

export function clientToken(deploymentId: string, phase: Phase, generation: number, key: string): string {
  return createHash("sha256").update(`${deploymentId}\n${phase}\n${generation}\n${key}`).digest("hex").slice(0, 40);
}

type StoredPlans = {
  apply?: Plan & { generation: number };
  teardown?: Plan & { generation: number };
  preview?: unknown;
};

export function lockKeys(spec: DeploymentSpec, record: ResourcesRecord): string[] {
  const keys = new Set<string>();
  const inst = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  const eni = spec.eni.mode === "existing" ? spec.eni.networkInterfaceId : record.eniId;
  if (inst) keys.add(`instance:${inst}`);
  if (eni) keys.add(`eni:${eni}`);
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
      const spec = parseSpec(dep.spec);
      const record = (dep.resources ?? {}) as ResourcesRecord;
      // One run per instance / ENI, across all app servers (the key is the primary key).
      keys = lockKeys(spec, record);
      for (const key of keys) {
        const held = await tx.resourceLock.findUnique({
          where: { key },
          include: { deployment: { select: { id: true, name: true, status: true } } },
        });
        if (held && held.deploymentId !== dep.id) {
          if (["running", "tearing_down"].includes(held.deployment.status)) throw lockedBy(key, held.deployment);
          await tx.resourceLock.delete({ where: { key } });
        }
        if (!held || held.deploymentId !== dep.id)
          await tx.resourceLock.create({ data: { key, deploymentId: dep.id } });
      }
      if (args.plan) {
        const plans = (dep.plan ?? {}) as StoredPlans;
        const generation = (plans.apply?.generation ?? 0) + (plans.teardown?.generation ?? 0) + 1;
        const stored: StoredPlans = { ...plans, [args.phase]: { ...args.plan, generation } };
        await tx.deployment.update({ where: { id: dep.id }, data: { plan: stored as never } });
        await tx.deploymentStep.deleteMany({ where: { deploymentId: dep.id, phase: args.phase } });
        await tx.deploymentStep.createMany({
          data: args.plan.steps.map((s, seq) => ({
            deploymentId: dep.id,
            phase: args.phase,
            seq,
            key: s.key,
            action: s.action,
            params: redactStepParams(s.params) as never,
            status: s.noop ? "noop" : "pending",
          })),
        });
      } else {
        // Resume: failed / interrupted steps go back to pending; finished ones stay finished. Their
        // time starts again, or a step's duration would span the pause before Resume.
        await tx.deploymentStep.updateMany({
          where: { deploymentId: dep.id, phase: args.phase, status: { in: ["failed", "skipped"] } },
          data: { status: "pending", error: null as never, startedAt: null, finishedAt: null },
        });
      }
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

export type RunResult = { status: DeploymentStatus; error?: unknown; stats: WaiterStats & { calls: number } };

type StepRow = {
  id: string;
  key: string;
  status: string;
  attempts: number;
  requestIds: string[];
  result: unknown;
  startedAt: Date | null;
};

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
  const spec = parseSpec(dep.spec);
  const plans = (dep.plan ?? {}) as StoredPlans;
  const plan = plans[phase];
  if (!plan) throw new Error(`deployment ${deploymentId} has no ${phase} plan`);
  const creds = await opts.resolveCredentials({ teamId: dep.teamId, cloudAccountId: dep.cloudAccountId });
  const ctx: CloudContext = {
    db,
    teamId: dep.teamId,
    creds,
    regionId: spec.regionId,
    deploymentId,
    actorType: "system",
  };
  const waiter = new Waiter(ctx, {
    scale: opts.waitScale ?? 1,
    capMs: opts.pollCapMs ?? 5000,
    timeoutMs: opts.waitTimeoutMs ?? 5 * 60_000,
  });
  const limit = pLimit(opts.concurrency ?? 4);
  const record: ResourcesRecord = structuredClone((dep.resources ?? {}) as ResourcesRecord);
  let calls = 0;
  let stop: { reason: "error" | "cancel" | "lease"; error?: unknown } | null = null;

  const rows = new Map<string, StepRow>();
  for (const r of await db.deploymentStep.findMany({ where: { deploymentId, phase }, orderBy: { seq: "asc" } }))
    rows.set(r.key, r);

  // ---- lease renewal ----
  let leaseLost = false;
  const renew = setInterval(
    () => {
      void db.deployment
        .updateMany({
          where: { id: deploymentId, leaseOwner: owner },
          data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
        })
        .then((r) => {
          if (r.count === 0) leaseLost = true;
        })
        .catch(() => {});
    },
    Math.max(50, leaseMs / 3),
  );

  // ---- serialized writes of the resource record ----
  let writes: Promise<unknown> = Promise.resolve();
  const saveRecord = () => {
    const snapshot = structuredClone(record);
    writes = writes.then(async () => {
      const r = await db.deployment.updateMany({
        where: { id: deploymentId, leaseOwner: owner },
        data: { resources: snapshot as never },
      });
      if (r.count === 0) leaseLost = true;
    });
    return writes;
  };

  const results = () => {
    const m: Record<string, WireBody> = {};
    for (const [k, r] of rows) {
      const res = r.result as { body?: WireBody } | null;
      if (res?.body) m[k] = res.body;
    }
    return m;
  };
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === "object" && !isRef(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    if (!isRef(v)) return v;
    const res = results();
    switch (v.$ref) {
      case "instanceId":
        return need(record.instanceId, v);
      case "eniId":
        return need(record.eniId, v);
      case "eniPrimaryIp":
        return need(record.eniPrimaryIp, v);
      case "allocationId":
        return need(res[`eip.allocate.${v.index}`]?.AllocationId as string | undefined, v);
      case "secondaryIp": {
        const fresh = assignedFrom(res["ips.assign"]) ?? createdSecondaries(res["eni.create"]);
        return need(fresh?.[v.index], v);
      }
      default: {
        const never: never = v;
        throw new Error(`unknown ref ${JSON.stringify(never)}`);
      }
    }
  };
  const resolveCond = (c: Cond): ResolvedCond =>
    JSON.parse(JSON.stringify(c, (_k, val) => (isRef(val) ? resolve(val) : val))) as ResolvedCond;

  const cancelRequested = async () =>
    (await db.deployment.findUnique({ where: { id: deploymentId }, select: { cancelRequested: true } }))
      ?.cancelRequested ?? false;

  const updateRow = async (key: string, data: Record<string, unknown>) => {
    const row = rows.get(key)!;
    const updated = await db.deploymentStep.update({ where: { id: row.id }, data: data as never });
    rows.set(key, updated);
    return updated;
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const maxAttempts = opts.maxAttempts ?? 10;
  const base = opts.retryBaseMs ?? 200;
  const cap = opts.retryCapMs ?? 5000;

  async function callWithRetry(
    step: PlannedStep,
    params: Record<string, unknown>,
    done: ResolvedCond | null,
  ): Promise<{ body: WireBody | null; reconciled: boolean }> {
    let stateRetries = 0;
    for (let attempt = 1; ; attempt++) {
      // Cancel also stops a step that keeps being retried (throttling can last long).
      if (!stop && attempt > 1 && (await cancelRequested())) stop = { reason: "cancel" };
      if (stop) throw new RunStopped();
      try {
        calls++;
        const body = await limit(() => cloudCall(ctx, step.action, params));
        await updateRow(step.key, { requestIds: { push: body.RequestId ?? "" } });
        return { body, reconciled: false };
      } catch (e) {
        const err = toCloudError(e, step.action);
        if (err.requestId) await updateRow(step.key, { requestIds: { push: err.requestId } });
        if (TRANSIENT_STATE_CODES.has(err.code) && done) {
          // The effect may already be there (a lost response) or a transition is still finishing.
          const live = await waiter.probe(done).catch(() => undefined);
          if (condHolds(done, live) || (live && step.busy?.includes(live.status) && busyMatches(done, live)))
            return { body: null, reconciled: true };
          if (stateRetries++ < 3 && attempt < maxAttempts) {
            await sleep(backoff(attempt, base * 2, cap));
            continue;
          }
        }
        if (!err.retryable || attempt >= maxAttempts) throw err;
        // Honour the server's Retry-After, but never beyond our own cap.
        await sleep(Math.max(Math.min(err.retryAfterMs ?? 0, cap), backoff(attempt, base, cap)));
        await updateRow(step.key, { attempts: { increment: 1 } });
      }
    }
  }

  async function runStep(step: PlannedStep): Promise<void> {
    const row = rows.get(step.key)!;
    if (["succeeded", "noop", "skipped"].includes(row.status)) return;
    if (stop) return;
    if (await cancelRequested()) {
      stop ??= { reason: "cancel" };
      return;
    }
    opts.onStep?.({ deploymentId, key: step.key, event: "start" });
    const params = resolve(step.params) as Record<string, unknown>;
    for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
    if (step.idempotent) params.ClientToken = clientToken(deploymentId, phase, plan!.generation, step.key);
    // The post-condition may name a value the call itself produces (a new EIP's id): resolve it lazily.
    const doneNow = (): ResolvedCond | null => {
      try {
        return step.done ? resolveCond(step.done) : null;
      } catch {
        return null;
      }
    };
    let done = doneNow();
    const prior = row.result as { called?: boolean } | null;
    let called = !!prior?.called;
    await updateRow(step.key, {
      status: "running",
      attempts: { increment: 1 },
      startedAt: row.startedAt ?? new Date(),
      error: null,
    });
    if (step.kind === "guest.rollback") {
      // A script on the instance, not one cloud call: rollback.sh is idempotent, so a retry simply runs it again.
      calls++;
      const body = await runGuestRollback(db, ctx, deploymentId, params, opts.guest);
      await updateRow(step.key, { result: { called: true, body } as never });
      applyEffect(record, step, params, body);
      await saveRecord();
      await updateRow(step.key, { status: "succeeded", finishedAt: new Date() });
      opts.onStep?.({ deploymentId, key: step.key, event: "done" });
      return;
    }
    if (!called && row.attempts > 0 && !step.idempotent && done) {
      // A previous attempt may have gone through before the process died: look before re-issuing.
      const live = await waiter.probe(done).catch(() => undefined);
      if (condHolds(done, live) || (live && step.busy?.includes(live.status) && busyMatches(done, live))) called = true;
    }
    if (!called) {
      const { body } = await callWithRetry(step, params, done);
      await updateRow(step.key, { result: { called: true, body } as never });
      applyEffect(record, step, params, body);
      await saveRecord();
      opts.onStep?.({ deploymentId, key: step.key, event: "called" });
    } else if (!prior?.called) {
      await updateRow(step.key, { result: { called: true, body: null, reconciled: true } as never });
      applyEffect(record, step, params, null);
      await saveRecord();
    }
    done ??= doneNow();
    if (step.async && done) await waiter.wait(done, HINT_MS[step.action] ?? 1000);
    await updateRow(step.key, { status: "succeeded", finishedAt: new Date() });
    opts.onStep?.({ deploymentId, key: step.key, event: "done" });
  }

  // ---- DAG: each step starts when its dependencies are done; independent steps and waits overlap ----
  const byKey = new Map(plan.steps.map((s) => [s.key, s]));
  const memo = new Map<string, Promise<void>>();
  const run = (key: string): Promise<void> => {
    let p = memo.get(key);
    if (!p) {
      const step = byKey.get(key)!;
      p = (async () => {
        await Promise.all(step.dependsOn.filter((k) => byKey.has(k)).map(run));
        if (stop) return;
        if (leaseLost) {
          stop ??= { reason: "lease" };
          return;
        }
        try {
          await runStep(step);
        } catch (e) {
          if (e instanceof RunStopped) return;
          const err = e instanceof CloudError ? e : toCloudError(e, step.action);
          if (!stop) stop = { reason: "error", error: err };
          await updateRow(step.key, { status: "failed", finishedAt: new Date(), error: errorJson(err) as never }).catch(
            () => {},
          );
          opts.onStep?.({ deploymentId, key: step.key, event: "failed" });
          throw err;
        }
      })();
      memo.set(key, p);
    }
    return p;
  };
  await Promise.allSettled(plan.steps.map((s) => run(s.key)));
  clearInterval(renew);
  waiter.close();
  await writes.catch(() => {});

  const stats = { ...waiter.stats, calls };
  const stopped = stop as { reason: "error" | "cancel" | "lease"; error?: unknown } | null;
  if (leaseLost || stopped?.reason === "lease")
    return { status: phase === "apply" ? "running" : "tearing_down", stats };

  let status: DeploymentStatus;
  let error: unknown = null;
  if (stopped?.reason === "error") {
    status = "failed";
    error = errorJson(stopped.error);
  } else if (stopped?.reason === "cancel") {
    status = "cancelled";
  } else {
    status = phase === "apply" ? "succeeded" : "torn_down";
  }
  if (status === "succeeded") {
    await buildRouteScript(db, deploymentId, spec, record).catch((e: unknown) => {
      // The bundle is a convenience: a generator problem must not turn a finished cloud change into a failure.
      error = { code: "ROUTE_SCRIPT_FAILED", message: e instanceof Error ? e.message : String(e) };
    });
  }
  await finishRun(db, dep.teamId, deploymentId, owner, status, error, record);
  return { status, error: error ?? undefined, stats };
}

function busyMatches(done: ResolvedCond, live: unknown): boolean {
  if (done.entity === "eni" && done.instanceId !== undefined)
    return (live as { instanceId?: string }).instanceId === done.instanceId;
  if (done.entity === "eip" && done.boundTo)
    return (live as { privateIpAddress?: string }).privateIpAddress === done.boundTo.privateIp;
  return true;
}

async function finishRun(
  db: Db,
  teamId: string,
  deploymentId: string,
  owner: string,
  status: DeploymentStatus,
  error: unknown,
  record: ResourcesRecord,
) {
  await db.$transaction(async (tx) => {
    const r = await tx.deployment.updateMany({
      where: { id: deploymentId, leaseOwner: owner },
      data: {
        status,
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
  });
  const e = error as { code?: string; message?: string; requestId?: string } | null;
  await appendAuditEvent(db, {
    teamId,
    actorType: "system",
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

function errorJson(e: unknown) {
  if (e instanceof CloudError) return e.toJSON();
  return {
    code: "INTERNAL",
    message: e instanceof Error ? e.message : String(e),
    requestId: null,
    action: "executor",
    retryable: false,
  };
}

function backoff(attempt: number, base: number, cap: number): number {
  // Capped exponential backoff with full jitter.
  return Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
}

function need<T>(v: T | undefined, ref: Val): T {
  if (v === undefined || v === null || v === "") throw new Error(`value for ${JSON.stringify(ref)} is not known yet`);
  return v;
}

function assignedFrom(body: WireBody | undefined): string[] | undefined {
  const set = (body?.AssignedPrivateIpAddressesSet as { PrivateIpSet?: { PrivateIpAddress?: string[] } } | undefined)
    ?.PrivateIpSet?.PrivateIpAddress;
  return Array.isArray(set) ? set : undefined;
}
function createdSecondaries(body: WireBody | undefined): string[] | undefined {
  const list = (
    body?.PrivateIpSets as { PrivateIpSet?: Array<{ PrivateIpAddress: string; Primary: boolean }> } | undefined
  )?.PrivateIpSet;
  return Array.isArray(list) ? list.filter((p) => !p.Primary).map((p) => p.PrivateIpAddress) : undefined;
}

/** What a finished step means for the deployment's resource record. */
export function applyEffect(
  record: ResourcesRecord,
  step: PlannedStep,
  params: Record<string, unknown>,
  body: WireBody | null,
): void {
  const eipEntry = (index: number) => {
    record.eips ??= [];
    let e = record.eips.find((x) => x.specIndex === index);
    if (!e) {
      e = {
        specIndex: index,
        allocationId: "",
        ipAddress: "",
        privateIp: "",
        allocatedByUs: false,
        associatedByUs: false,
      };
      record.eips.push(e);
      // Steps of different EIPs finish in any order (they run concurrently): the
      // record lists them in the spec's order, whatever order they finished in.
      record.eips.sort((a, b) => a.specIndex - b.specIndex);
    }
    return e;
  };
  switch (step.kind) {
    case "instance.create": {
      const ids = (body?.InstanceIdSets as { InstanceIdSet?: string[] } | undefined)?.InstanceIdSet;
      if (ids?.[0]) record.instanceId = ids[0];
      record.instanceCreated = true;
      return;
    }
    case "instance.stop":
      if (step.key === "instance.stop") record.stoppedByUs = true;
      return;
    case "instance.start":
    case "instance.delete":
    case "eni.delete":
    case "eip.release":
      return;
    case "eni.create": {
      if (body) {
        record.eniId = String(body.NetworkInterfaceId);
        record.eniPrimaryIp = String(body.PrivateIpAddress ?? "");
        record.macAddress = String(body.MacAddress ?? "");
        record.assignedIps = createdSecondaries(body) ?? [];
      }
      record.eniCreated = true;
      return;
    }
    case "eni.attach":
      record.eniAttachedByUs = true;
      return;
    case "eni.detach":
      record.eniAttachedByUs = false;
      return;
    case "ips.assign": {
      const added = Array.isArray(params.PrivateIpAddress)
        ? (params.PrivateIpAddress as string[])
        : (assignedFrom(body ?? undefined) ?? []);
      record.assignedIps = [...new Set([...(record.assignedIps ?? []), ...added])];
      return;
    }
    case "ips.unassign": {
      const removed = new Set((params.PrivateIpAddress as string[] | undefined) ?? []);
      record.assignedIps = (record.assignedIps ?? []).filter((ip) => !removed.has(ip));
      return;
    }
    case "eip.allocate": {
      const i = Number(step.key.split(".").pop());
      const e = eipEntry(i);
      if (body) {
        e.allocationId = String(body.AllocationId);
        e.ipAddress = String(body.EipAddress ?? "");
      }
      e.allocatedByUs = true;
      return;
    }
    case "eip.associate": {
      const i = Number(step.key.split(".").pop());
      const e = eipEntry(i);
      e.allocationId = String(params.AllocationId);
      e.privateIp = String(params.PrivateIpAddress);
      if (!e.ipAddress && step.known?.eipAddress) e.ipAddress = step.known.eipAddress;
      e.associatedByUs = true;
      return;
    }
    case "eip.unassociate": {
      const e = record.eips?.find((x) => x.allocationId === params.AllocationId);
      if (e) e.associatedByUs = false;
      return;
    }
    case "guest.rollback":
      delete record.guestApplied;
      return;
    default: {
      const never: never = step.kind;
      throw new Error(`unknown step kind ${String(never)}`);
    }
  }
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
