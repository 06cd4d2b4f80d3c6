// Runs a run's steps durably, each one: its row is written before and after its cloud call (a
// retry skips finished steps and looks before re-issuing a call that may have gone through),
// mutating calls carry a ClientToken derived from deployment + phase + plan generation + step,
// retryable errors are retried with capped backoff, asynchronous steps wait for their
// post-condition, and the lease is renewed while the run goes on. Everything the steps of one
// run share lives in one RunState object, owned by executeRun (executor.ts).
import { createHash } from "node:crypto";
import type { LimitFunction } from "p-limit";
import type { Db } from "@/lib/db/client";
import { cloudCall, type CloudContext, type WireBody } from "@/lib/cloud/call";
import { CloudError, TRANSIENT_STATE_CODES, toCloudError } from "@/lib/cloud/errors";
import { backoffMs as backoff, retryDelayMs, sleep } from "@/lib/cloud/retry";
import { describeEnis } from "@/lib/cloud/resources";
import { eniStepKey, isRef, type Cond, type Plan, type PlannedStep, type ResourcesRecord, type Val } from "./model";
import { condHolds, type ResolvedCond, type Waiter } from "./waiter";
import { runGuestRollback, type GuestRollbackOptions } from "./guest-rollback";
import { applyEffect, assignedFrom, createdSecondaries } from "./step-effects";
import { TAGGED_CREATES, type ResourceTag } from "./resource-tags";

type Phase = Plan["phase"];

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

export type StepEvent = { deploymentId: string; key: string; event: "start" | "called" | "done" | "failed" };

/** Retry and reporting settings of the steps of one run (executor options, defaults applied). */
export type StepSettings = {
  maxAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
  onStep?: (e: StepEvent) => void;
  /** Cloud Assistant polling of the teardown's guest rollback step. */
  guest?: GuestRollbackOptions;
};

export type StepRow = {
  id: string;
  key: string;
  status: string;
  attempts: number;
  requestIds: string[];
  result: unknown;
  startedAt: Date | null;
};

/** Why a run stopped before all its steps ran: a step failed, Cancel, or this process lost the lease. */
export type RunStop = { reason: "error" | "cancel" | "lease"; error?: unknown };

/** What the steps of one run share. Mutable fields change while steps run concurrently. */
export type RunState = {
  readonly db: Db;
  readonly deploymentId: string;
  /** Lease owner id of this process: writes of the record only land while it holds the lease. */
  readonly owner: string;
  readonly phase: Phase;
  /** The stored plan's generation (part of every ClientToken, so a new plan never reuses one). */
  readonly generation: number;
  readonly ctx: CloudContext;
  readonly waiter: Waiter;
  /** Parallel mutating calls of this run. */
  readonly limit: LimitFunction;
  readonly settings: StepSettings;
  /** The tags of the resources this run creates (resource-tags.ts). */
  readonly tags: readonly ResourceTag[];
  /** The new instance's login password (opened from the stored spec), for the plan's instancePassword reference. */
  readonly instancePassword?: string;
  /** The resource record, updated as steps finish (applyEffect) and saved after each. */
  readonly record: ResourcesRecord;
  /** The run's step rows by key, as last written. */
  readonly rows: Map<string, StepRow>;
  /** Cloud calls made (for the run's stats). */
  calls: number;
  stop: RunStop | null;
  leaseLost: boolean;
  /** The chain of record writes: serialized, so an older snapshot never lands after a newer one. */
  writes: Promise<unknown>;
};

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

export async function loadStepRows(db: Db, deploymentId: string, phase: Phase): Promise<Map<string, StepRow>> {
  const rows = new Map<string, StepRow>();
  for (const r of await db.deploymentStep.findMany({ where: { deploymentId, phase }, orderBy: { seq: "asc" } }))
    rows.set(r.key, r);
  return rows;
}

/** Keeps this process's lease alive while the run goes on; marks it lost when another took it. Returns the stop. */
export function renewLease(s: RunState, leaseMs: number): () => void {
  const timer = setInterval(
    () => {
      void s.db.deployment
        .updateMany({
          where: { id: s.deploymentId, leaseOwner: s.owner },
          data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
        })
        .then((r) => {
          if (r.count === 0) s.leaseLost = true;
        })
        .catch(() => {});
    },
    Math.max(50, leaseMs / 3),
  );
  return () => clearInterval(timer);
}

function saveRecord(s: RunState): Promise<unknown> {
  const snapshot = structuredClone(s.record);
  s.writes = s.writes.then(async () => {
    const r = await s.db.deployment.updateMany({
      where: { id: s.deploymentId, leaseOwner: s.owner },
      data: { resources: snapshot as never },
    });
    if (r.count === 0) s.leaseLost = true;
  });
  return s.writes;
}

/** The response bodies of the steps that made their call, by step key. */
function stepResults(s: RunState): Record<string, WireBody> {
  const m: Record<string, WireBody> = {};
  for (const [k, r] of s.rows) {
    const res = r.result as { body?: WireBody } | null;
    if (res?.body) m[k] = res.body;
  }
  return m;
}

/** Replaces the Refs in a step's parameters with the values earlier steps produced. */
function resolveRefs(s: RunState, v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveRefs(s, x));
  if (v && typeof v === "object" && !isRef(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(s, x)]));
  if (!isRef(v)) return v;
  const res = stepResults(s);
  const k = "eni" in v ? (v.eni ?? 0) : 0;
  const eni = s.record.enis?.find((e) => e.index === k);
  switch (v.$ref) {
    case "instanceId":
      return need(s.record.instanceId, v);
    case "eniId":
      return need(eni?.eniId, v);
    case "eniPrimaryIp":
      return need(eni?.primaryIp, v);
    case "allocationId":
      return need(res[eniStepKey(k, `eip.allocate.${v.index}`)]?.AllocationId as string | undefined, v);
    case "secondaryIp": {
      // A new ENI's addresses: those CreateNetworkInterface gave it, then those assigned once attached.
      const fresh = [
        ...(createdSecondaries(res[eniStepKey(k, "eni.create")]) ?? []),
        ...(assignedFrom(res[eniStepKey(k, "ips.assign")]) ?? []),
      ];
      return need(fresh[v.index], v);
    }
    case "instancePassword":
      return need(s.instancePassword, v);
    default: {
      const never: never = v;
      throw new Error(`unknown ref ${JSON.stringify(never)}`);
    }
  }
}

function resolveCond(s: RunState, c: Cond): ResolvedCond {
  return JSON.parse(JSON.stringify(c, (_k, val) => (isRef(val) ? resolveRefs(s, val) : val))) as ResolvedCond;
}

/** The step's post-condition, or null while it names a value not known yet (a new EIP's id). */
function doneCond(s: RunState, step: PlannedStep): ResolvedCond | null {
  try {
    return step.done ? resolveCond(s, step.done) : null;
  } catch {
    return null;
  }
}

async function cancelRequested(s: RunState): Promise<boolean> {
  return (
    (await s.db.deployment.findUnique({ where: { id: s.deploymentId }, select: { cancelRequested: true } }))
      ?.cancelRequested ?? false
  );
}

async function updateRow(s: RunState, key: string, data: Record<string, unknown>): Promise<StepRow> {
  const row = s.rows.get(key)!;
  const updated = await s.db.deploymentStep.update({ where: { id: row.id }, data: data as never });
  s.rows.set(key, updated);
  return updated;
}

/** Whether the live state shows the step's effect (already there, or its transition under way). */
async function effectVisible(s: RunState, step: PlannedStep, done: ResolvedCond): Promise<boolean> {
  const live = await s.waiter.probe(done).catch(() => undefined);
  return condHolds(done, live) || !!(live && step.busy?.includes(live.status) && busyMatches(done, live));
}

async function callWithRetry(
  s: RunState,
  step: PlannedStep,
  params: Record<string, unknown>,
  done: ResolvedCond | null,
): Promise<{ body: WireBody | null; reconciled: boolean }> {
  const { maxAttempts, retryBaseMs: base, retryCapMs: cap } = s.settings;
  let stateRetries = 0;
  for (let attempt = 1; ; attempt++) {
    // Cancel also stops a step that keeps being retried (throttling can last long).
    if (!s.stop && attempt > 1 && (await cancelRequested(s))) s.stop = { reason: "cancel" };
    if (s.stop) throw new RunStopped();
    try {
      s.calls++;
      const body = await s.limit(() => cloudCall(s.ctx, step.action, params));
      await updateRow(s, step.key, { requestIds: { push: body.RequestId ?? "" } });
      return { body, reconciled: false };
    } catch (e) {
      const err = toCloudError(e, step.action);
      if (err.requestId) await updateRow(s, step.key, { requestIds: { push: err.requestId } });
      if (TRANSIENT_STATE_CODES.has(err.code) && done) {
        // The effect may already be there (a lost response) or a transition is still finishing.
        if (await effectVisible(s, step, done)) return { body: null, reconciled: true };
        if (stateRetries++ < 3 && attempt < maxAttempts) {
          await sleep(backoff(attempt, base * 2, cap));
          continue;
        }
      }
      if (!err.retryable || attempt >= maxAttempts) throw err;
      // Honour the server's Retry-After, but never beyond our own cap.
      await sleep(retryDelayMs(err.retryAfterMs, attempt, { maxAttempts, baseMs: base, capMs: cap }));
      await updateRow(s, step.key, { attempts: { increment: 1 } });
    }
  }
}

/** The step's wire parameters: Refs resolved, unknowns dropped, and its ClientToken when the action takes one. */
function callParams(s: RunState, step: PlannedStep): Record<string, unknown> {
  const params = resolveRefs(s, step.params) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
  if (step.idempotent) params.ClientToken = clientToken(s.deploymentId, s.phase, s.generation, step.key);
  if (TAGGED_CREATES.has(step.action) && params.Tag === undefined && s.tags.length) params.Tag = [...s.tags];
  return params;
}

/** Records a step's call (or that its effect was found already there) and what it means for the record. */
async function recordCall(
  s: RunState,
  step: PlannedStep,
  params: Record<string, unknown>,
  result: { body: WireBody | null; reconciled?: boolean },
): Promise<void> {
  await updateRow(s, step.key, { result: { called: true, ...result } as never });
  applyEffect(s.record, step, params, result.body);
  await saveRecord(s);
}

async function finishStep(s: RunState, step: PlannedStep): Promise<void> {
  await updateRow(s, step.key, { status: "succeeded", finishedAt: new Date() });
  s.settings.onStep?.({ deploymentId: s.deploymentId, key: step.key, event: "done" });
}

/**
 * The primary ENI of an instance this run created is known only once the instance exists: read it
 * (its id, addresses, MAC) before the first step that may name it.
 */
async function fillPrimaryEni(s: RunState): Promise<void> {
  const rec = s.record.enis?.find((e) => e.mode === "primary" && !e.eniId);
  if (!rec || !s.record.instanceId) return;
  const found = (await describeEnis(s.ctx, { instanceId: s.record.instanceId })).find((e) => e.type === "Primary");
  if (!found) return;
  rec.eniId = found.networkInterfaceId;
  rec.primaryIp = found.primaryIp;
  rec.macAddress = found.macAddress;
  await saveRecord(s);
}

/** Runs one step unless it already finished (or the run stopped); throws when it failed. */
async function runStep(s: RunState, step: PlannedStep): Promise<void> {
  const row = s.rows.get(step.key)!;
  if (["succeeded", "noop", "skipped"].includes(row.status)) return;
  if (s.stop) return;
  if (await cancelRequested(s)) {
    s.stop ??= { reason: "cancel" };
    return;
  }
  s.settings.onStep?.({ deploymentId: s.deploymentId, key: step.key, event: "start" });
  await fillPrimaryEni(s);
  const params = callParams(s, step);
  // The post-condition may name a value the call itself produces (a new EIP's id): resolve it lazily.
  let done = doneCond(s, step);
  const prior = row.result as { called?: boolean } | null;
  let called = !!prior?.called;
  await updateRow(s, step.key, {
    status: "running",
    attempts: { increment: 1 },
    startedAt: row.startedAt ?? new Date(),
    error: null,
  });
  if (step.kind === "guest.rollback") {
    // A script on the instance, not one cloud call: rollback.sh is idempotent, so a retry simply runs it again.
    s.calls++;
    const body = await runGuestRollback(s.db, s.ctx, s.deploymentId, params, s.settings.guest);
    await recordCall(s, step, params, { body });
    await finishStep(s, step);
    return;
  }
  // A previous attempt may have gone through before the process died: look before re-issuing.
  if (!called && row.attempts > 0 && !step.idempotent && done && (await effectVisible(s, step, done))) called = true;
  if (!called) {
    const { body } = await callWithRetry(s, step, params, done);
    await recordCall(s, step, params, { body });
    s.settings.onStep?.({ deploymentId: s.deploymentId, key: step.key, event: "called" });
  } else if (!prior?.called) {
    await recordCall(s, step, params, { body: null, reconciled: true });
  }
  done ??= doneCond(s, step);
  if (step.async && done) await s.waiter.wait(done, HINT_MS[step.action] ?? 1000);
  await finishStep(s, step);
}

/**
 * Runs the plan's steps as a DAG: each step starts when its dependencies are done; independent
 * steps and their waits overlap. A failed step stops the run (steps in flight finish; no new
 * ones start) and is marked failed with its own error. Settles when every step settled.
 */
export async function runSteps(s: RunState, steps: PlannedStep[]): Promise<void> {
  const byKey = new Map(steps.map((st) => [st.key, st]));
  const memo = new Map<string, Promise<void>>();
  const run = (key: string): Promise<void> => {
    let p = memo.get(key);
    if (!p) {
      const step = byKey.get(key)!;
      p = (async () => {
        await Promise.all(step.dependsOn.filter((k) => byKey.has(k)).map(run));
        if (s.stop) return;
        if (s.leaseLost) {
          s.stop ??= { reason: "lease" };
          return;
        }
        try {
          await runStep(s, step);
        } catch (e) {
          if (e instanceof RunStopped) return;
          await failStep(s, step, e);
        }
      })();
      memo.set(key, p);
    }
    return p;
  };
  await Promise.allSettled(steps.map((st) => run(st.key)));
}

/** Marks a step failed with its own error, stops the run, and rethrows (its dependants then never start). */
async function failStep(s: RunState, step: PlannedStep, e: unknown): Promise<never> {
  const err = e instanceof CloudError ? e : toCloudError(e, step.action);
  if (!s.stop) s.stop = { reason: "error", error: err };
  await updateRow(s, step.key, { status: "failed", finishedAt: new Date(), error: errorJson(err) as never }).catch(
    () => {},
  );
  s.settings.onStep?.({ deploymentId: s.deploymentId, key: step.key, event: "failed" });
  throw err;
}

function busyMatches(done: ResolvedCond, live: unknown): boolean {
  if (done.entity === "eni" && done.instanceId !== undefined)
    return (live as { instanceId?: string }).instanceId === done.instanceId;
  if (done.entity === "eip" && done.boundTo)
    return (live as { privateIpAddress?: string }).privateIpAddress === done.boundTo.privateIp;
  return true;
}

/** A run's or a step's error as stored (a CloudError's fields, or an INTERNAL one). */
export function errorJson(e: unknown) {
  if (e instanceof CloudError) return e.toJSON();
  return {
    code: "INTERNAL",
    message: e instanceof Error ? e.message : String(e),
    requestId: null,
    action: "executor",
    retryable: false,
  };
}

function need<T>(v: T | undefined, ref: Val): T {
  if (v === undefined || v === null || v === "") throw new Error(`value for ${JSON.stringify(ref)} is not known yet`);
  return v;
}
