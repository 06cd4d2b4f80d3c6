// What the UI calls. Every function takes the team id and scopes by it
// (`where: { id, teamId }`): another team's deployment simply does not exist.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db as defaultDb } from "@/lib/db/client";
import type { CloudContext } from "@/lib/cloud/call";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/cloud/retry";
import { appendAuditEvent, appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { msg, statusWord } from "@/lib/i18n/errors";
import { deploymentSpecSchema, draftSpecSchema, type DeploymentSpec } from "./spec.schema";
import { firstEniId, normalizeRecord, type Plan, type ResourcesRecord } from "./model";
import { alignRecord } from "./align";
import { checkPreflight, hasErrors, type Finding } from "./preflight";
import { readSnapshot } from "./state";
import { openSpecSecrets, sealSpecSecrets, specWithoutSecrets } from "./secrets";
import { planApply, planTeardown } from "./planner";
import { diffDrift, type DriftItem } from "./drift";
import {
  beginRun,
  executeRun,
  resumeInterruptedRuns as resumeRuns,
  RunRefused,
  type ExecutorOptions,
  type RunResult,
  type CredentialsResolver,
} from "./executor";

export { RunRefused };
export type { Finding, Plan, DriftItem, RunResult };

type EngineConfig = Omit<ExecutorOptions, "resolveCredentials"> & {
  resolveCredentials?: CredentialsResolver;
  db?: () => Db;
};
let config: EngineConfig = {};

/**
 * Wires the engine: how to get a team's cloud credentials (lib/cloud/accounts.ts),
 * and executor tuning. Call once at server start.
 */
export function configureDeployEngine(c: EngineConfig): void {
  config = { ...config, ...c };
}

function database(): Db {
  return config.db ? config.db() : defaultDb();
}
function executorOptions(): ExecutorOptions {
  if (!config.resolveCredentials)
    throw new Error("deploy engine not configured: call configureDeployEngine({ resolveCredentials })");
  return { ...config, resolveCredentials: config.resolveCredentials };
}

/** The runs' retry policy (as configured): pre-flight, planning and inventory reads retry under it too. */
export function readRetryPolicy(): RetryPolicy {
  return {
    maxAttempts: config.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseMs: config.retryBaseMs ?? DEFAULT_RETRY_POLICY.baseMs,
    capMs: config.retryCapMs ?? DEFAULT_RETRY_POLICY.capMs,
  };
}

async function load(teamId: string, id: string) {
  const d = await database().deployment.findFirst({ where: { id, teamId } });
  if (!d) throw new RunRefused("NOT_FOUND", msg("deploy.notFound"));
  return d;
}

export async function contextFor(
  teamId: string,
  d: { id: string; cloudAccountId: string | null },
  spec: DeploymentSpec,
  actor?: AuditActor | null,
): Promise<CloudContext> {
  const creds = await executorOptions().resolveCredentials({ teamId, cloudAccountId: d.cloudAccountId });
  return {
    db: database(),
    teamId,
    creds,
    regionId: spec.regionId,
    deploymentId: d.id,
    actor: actor ?? null,
    readRetry: readRetryPolicy(),
  };
}

/** The engine's database and executor options, for the lifecycle services (repair, adopt, scheduled checks). */
export function engineRuntime(): { db: Db; executor: ExecutorOptions } {
  return { db: database(), executor: executorOptions() };
}

/** A cloud context for one of the team's accounts, through the engine's credentials resolver (adopt). */
export async function accountContext(
  teamId: string,
  cloudAccountId: string,
  regionId: string,
  actor?: AuditActor | null,
): Promise<CloudContext> {
  const creds = await executorOptions().resolveCredentials({ teamId, cloudAccountId });
  return { db: database(), teamId, creds, regionId, actor: actor ?? null, readRetry: readRetryPolicy() };
}

// ---------------------------------------------------------------- drafts

export async function createDraft(
  teamId: string,
  input: { name: string; spec: unknown; actor?: AuditActor | null },
): Promise<{ id: string }> {
  const spec = sealSpecSecrets(draftSpecSchema.parse(input.spec));
  const cloudAccountId = typeof spec.cloudAccountId === "string" ? spec.cloudAccountId : null;
  return database().$transaction(async (tx) => {
    const d = await tx.deployment.create({
      data: {
        teamId,
        name: input.name,
        spec: spec as never,
        cloudAccountId,
        regionId: typeof spec.regionId === "string" ? spec.regionId : null,
        createdById: input.actor?.userId ?? null,
      },
      select: { id: true },
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(input.actor),
      action: "app:deployment.create",
      deploymentId: d.id,
      targets: [d.id],
      params: { deploymentId: d.id, name: input.name },
      outcome: "success",
    });
    return d;
  });
}

export async function updateDraft(
  teamId: string,
  id: string,
  input: { name?: string; spec?: unknown; actor?: AuditActor | null },
): Promise<void> {
  const spec = input.spec === undefined ? undefined : sealSpecSecrets(draftSpecSchema.parse(input.spec));
  const r = await database().deployment.updateMany({
    where: { id, teamId, status: { in: ["draft", "ready"] } },
    data: {
      ...(input.name ? { name: input.name } : {}),
      ...(spec
        ? {
            spec: spec as never,
            status: "draft",
            preflight: null as never,
            plan: null as never,
            cloudAccountId: typeof spec.cloudAccountId === "string" ? spec.cloudAccountId : null,
            regionId: typeof spec.regionId === "string" ? spec.regionId : null,
          }
        : {}),
    },
  });
  if (r.count !== 1) throw new RunRefused("BAD_STATUS", msg("deploy.onlyDraftEditable"));
}

// ---------------------------------------------------------------- pre-flight and plan

export type PreflightResult = { ok: boolean; findings: Finding[]; checkedAt: string };

export async function runPreflight(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<PreflightResult> {
  const d = await load(teamId, id);
  const parsed = deploymentSpecSchema.safeParse(openSpecSecrets(d.spec));
  let findings: Finding[];
  if (!parsed.success) {
    findings = parsed.error.issues.map((i) => ({
      severity: "error" as const,
      code: "SPEC_INVALID",
      message: { en: `${i.path.join(".") || "spec"}: ${i.message}`, ja: `${i.path.join(".") || "spec"}: ${i.message}` },
      fix: { en: "Complete the form.", ja: "フォームを完成させてください。" },
    }));
  } else {
    const record = normalizeRecord(d.resources);
    const live = await readSnapshot(await contextFor(teamId, d, parsed.data, opts.actor), parsed.data, record);
    findings = checkPreflight(parsed.data, live, record);
  }
  const result: PreflightResult = { ok: !hasErrors(findings), findings, checkedAt: new Date().toISOString() };
  await database().deployment.updateMany({ where: { id, teamId }, data: { preflight: result as never } });
  // draft ⇄ ready by compare-and-set; other statuses keep theirs.
  if (result.ok)
    await database().deployment.updateMany({ where: { id, teamId, status: "draft" }, data: { status: "ready" } });
  else await database().deployment.updateMany({ where: { id, teamId, status: "ready" }, data: { status: "draft" } });
  return result;
}

/**
 * The plan as it would run now (preview; nothing changes), with the pre-flight findings of the apply.
 * A finished deployment plans no changes; one whose spec was changed (setDeploymentSpec) plans only
 * the delta: the exact calls, each mutating one a step that is not a no-op.
 */
export async function planDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null; phase?: "apply" | "teardown"; skipGuestRollback?: boolean } = {},
): Promise<Plan & { findings: Finding[] }> {
  const d = await load(teamId, id);
  const spec = deploymentSpecSchema.parse(openSpecSecrets(d.spec));
  const record = normalizeRecord(d.resources);
  const live = await readSnapshot(await contextFor(teamId, d, spec, opts.actor), spec, record);
  if (opts.phase === "teardown")
    return { ...planTeardown(spec, live, record, { skipGuestRollback: opts.skipGuestRollback }), findings: [] };
  return { ...planApply(spec, live, record), findings: checkPreflight(spec, live, record) };
}

/** The statuses of contract 5 (DESIGN.md), from the stored row (the database keeps its own words). */
export type ApiStatus = "draft" | "applying" | "succeeded" | "failed" | "drifted" | "tearing_down" | "torn_down";

/**
 * Maps a deployment row to its contract-5 status: ready → draft, running → applying, cancelled →
 * failed (a run that stopped before it finished; apply again to continue), and a succeeded one whose
 * last refresh found drift (`drift`: the stored findings, when the caller keeps them) → drifted.
 */
export function apiStatus(row: { status: string; drift?: unknown[] | null }): ApiStatus {
  switch (row.status) {
    case "draft":
    case "ready":
      return "draft";
    case "running":
      return "applying";
    case "succeeded":
      return row.drift?.length ? "drifted" : "succeeded";
    case "failed":
    case "cancelled":
      return "failed";
    case "drifted":
    case "tearing_down":
    case "torn_down":
      return row.status;
    default:
      return "failed";
  }
}

/**
 * Sets the desired spec (v1 or v2 accepted, stored as given, sealed). A draft: updates the draft. A
 * succeeded, failed or cancelled deployment: records the spec for a change and returns the delta plan
 * (apply it with startDeployment; the previous good spec stays in `lastAppliedSpec` for rollback).
 * Refused while a run is in progress or after teardown. Invalid specs are refused with every problem.
 */
export async function setDeploymentSpec(
  teamId: string,
  actor: AuditActor | null,
  id: string,
  input: unknown,
): Promise<{ status: string; plan: (Plan & { findings: Finding[] }) | null }> {
  const d = await load(teamId, id);
  if (d.status === "draft" || d.status === "ready") {
    await updateDraft(teamId, id, { spec: input, actor });
    return { status: "draft", plan: null };
  }
  if (!["succeeded", "failed", "cancelled"].includes(d.status))
    throw new RunRefused("BAD_STATUS", msg("deploy.cannotChange", { status: statusWord(d.status) }));
  const parsed = deploymentSpecSchema.parse(input);
  const current = deploymentSpecSchema.parse(specWithoutSecrets(d.spec));
  const instanceOf = (i: DeploymentSpec["instance"]) =>
    i.mode === "existing" ? i.instanceId : `create:${i.zoneId}:${i.instanceType}`;
  const recorded = normalizeRecord(d.resources).instanceId;
  const same =
    instanceOf(parsed.instance) === instanceOf(current.instance) ||
    (parsed.instance.mode === "existing" && parsed.instance.instanceId === recorded);
  if (!same) throw new RunRefused("BAD_STATUS", msg("deploy.changeInstance"));
  const sealed = sealSpecSecrets(input as Record<string, unknown>);
  await database().$transaction(async (tx) => {
    const r = await tx.deployment.updateMany({
      where: { id, teamId, status: d.status },
      data: {
        spec: sealed as never,
        specVersion: parsed.specVersion,
        // A deployment applied before lastAppliedSpec existed: its current spec is the last good one.
        ...(d.lastAppliedSpec == null && d.status === "succeeded" ? { lastAppliedSpec: d.spec as never } : {}),
      },
    });
    if (r.count !== 1) throw new RunRefused("BAD_STATUS", msg("deploy.cannotChange", { status: statusWord(d.status) }));
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:deployment.spec",
      deploymentId: id,
      targets: [id],
      params: { deploymentId: id, specVersion: parsed.specVersion },
      outcome: "success",
    });
  });
  return { status: d.status, plan: await planDeployment(teamId, id, { actor }) };
}

/**
 * Rolls a failed change back: the spec becomes the last one that applied successfully and the apply
 * starts (its plan is the delta back to that state). Refused when there is no such spec.
 */
export async function rollbackDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<StartResult> {
  const d = await load(teamId, id);
  if (!["failed", "cancelled", "succeeded"].includes(d.status) || d.lastAppliedSpec == null)
    throw new RunRefused("NOTHING_TO_DO", msg("deploy.nothingToRollBack"));
  await database().deployment.updateMany({
    where: { id, teamId, status: d.status },
    data: { spec: d.lastAppliedSpec as never },
  });
  return startDeployment(teamId, id, opts);
}

// ---------------------------------------------------------------- runs

export type StartResult = {
  deploymentId: string;
  status: string;
  plan: Plan;
  findings: Finding[];
  done: Promise<RunResult>;
};

/**
 * Pre-flight, plan and start applying. Returns once the run is recorded; the run
 * itself continues in the background (`done` settles when it ends — server actions ignore it).
 */
export async function startDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<StartResult> {
  const d = await load(teamId, id);
  const spec = deploymentSpecSchema.parse(openSpecSecrets(d.spec));
  const prev = normalizeRecord(d.resources);
  const ctx = await contextFor(teamId, d, spec, opts.actor);
  const live = await readSnapshot(ctx, spec, prev);
  const findings = checkPreflight(spec, live, prev);
  await database().deployment.updateMany({
    where: { id, teamId },
    data: { preflight: { ok: !hasErrors(findings), findings, checkedAt: new Date().toISOString() } as never },
  });
  if (hasErrors(findings))
    throw new RunRefused(
      "PREFLIGHT_FAILED",
      msg("deploy.preflightFailed", {
        findings: (l) =>
          findings
            .filter((f) => f.severity === "error")
            .map((f) => f.message[l])
            .join(" "),
      }),
      findings,
    );
  // The record aligned to the spec: an entry per ENI with what is known before the first call (ids
  // of existing resources, addressing for the OS bundle), what the spec no longer lists marked -1.
  const record: ResourcesRecord = alignRecord(spec, prev, live).record;
  if (!record.instanceId && live.instance) record.instanceId = live.instance.instanceId;
  // Planned from the stored record (the plan aligns it the same way; a replaced EIP keeps its address).
  const plan = planApply(spec, live, prev);
  await database().deployment.updateMany({
    where: { id, teamId },
    data: { resources: record as never, instanceId: record.instanceId ?? null, eniId: firstEniId(record) ?? null },
  });
  const opt = executorOptions();
  await beginRun(
    database(),
    {
      teamId,
      deploymentId: id,
      phase: "apply",
      from: ["draft", "ready", "failed", "cancelled", "succeeded"],
      plan,
      actor: opts.actor,
    },
    opt.owner,
    opt.leaseMs,
  );
  const done = executeRun(database(), id, opt);
  done.catch(() => {});
  return { deploymentId: id, status: "running", plan, findings, done };
}

/** Continue a failed or cancelled run from its last finished step (no re-planning). */
export async function resumeDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<{ status: string; done: Promise<RunResult> }> {
  const d = await load(teamId, id);
  const opt = executorOptions();
  const phase = d.phase === "teardown" ? "teardown" : "apply";
  await beginRun(
    database(),
    { teamId, deploymentId: id, phase, from: ["failed", "cancelled"], plan: null, actor: opts.actor },
    opt.owner,
    opt.leaseMs,
  );
  const done = executeRun(database(), id, opt);
  done.catch(() => {});
  return { status: phase === "apply" ? "running" : "tearing_down", done };
}

/** Asks the running executor to stop after the steps in flight; status becomes "cancelled". */
export async function cancelDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<{ status: string }> {
  await database().$transaction(async (tx) => {
    const r = await tx.deployment.updateMany({
      where: { id, teamId, status: { in: ["running", "tearing_down"] } },
      data: { cancelRequested: true },
    });
    if (r.count !== 1) {
      // Not running: a draft/ready deployment is simply marked cancelled.
      const c = await tx.deployment.updateMany({
        where: { id, teamId, status: { in: ["draft", "ready"] } },
        data: { status: "cancelled" },
      });
      if (c.count !== 1) throw new RunRefused("BAD_STATUS", msg("deploy.onlyRunningCancellable"));
    }
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(opts.actor),
      action: "app:deployment.cancel",
      deploymentId: id,
      targets: [id],
      params: { deploymentId: id },
      outcome: "success",
    });
  });
  return { status: "cancel_requested" };
}

/**
 * Reverse plan: removes only what this deployment created or changed — the guest configuration
 * first when it was applied through Cloud Assistant, unless the operator chose to skip that
 * (`skipGuestRollback`: they run rollback.sh by hand; recorded in the audit trail).
 */
export async function teardownDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null; skipGuestRollback?: boolean } = {},
): Promise<{ status: string; plan: Plan; done: Promise<RunResult> }> {
  const d = await load(teamId, id);
  const spec = deploymentSpecSchema.parse(openSpecSecrets(d.spec));
  const record = normalizeRecord(d.resources);
  const live = await readSnapshot(await contextFor(teamId, d, spec, opts.actor), spec, record);
  const plan = planTeardown(spec, live, record, { skipGuestRollback: opts.skipGuestRollback });
  const opt = executorOptions();
  await beginRun(
    database(),
    {
      teamId,
      deploymentId: id,
      phase: "teardown",
      from: ["succeeded", "drifted", "failed", "cancelled"],
      plan,
      actor: opts.actor,
    },
    opt.owner,
    opt.leaseMs,
  );
  if (opts.skipGuestRollback && record.guestApplied) {
    await appendAuditEvent(database(), {
      teamId,
      ...actorFields(opts.actor),
      action: "guest.rollback.skipped",
      deploymentId: id,
      targets: [id],
      params: { deploymentId: id, scriptVersion: record.guestApplied.scriptVersion },
      outcome: "success",
    });
  }
  const done = executeRun(database(), id, opt);
  done.catch(() => {});
  return { status: "tearing_down", plan, done };
}

/** Drift: compare the record with live state; every difference is listed. */
export async function refreshDeployment(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<{ drift: DriftItem[]; checkedAt: string; inSync: boolean }> {
  const d = await load(teamId, id);
  const spec = deploymentSpecSchema.parse(openSpecSecrets(d.spec));
  const record = normalizeRecord(d.resources);
  const live = await readSnapshot(await contextFor(teamId, d, spec, opts.actor), spec, record);
  const drift =
    d.status === "torn_down" || d.status === "draft" || d.status === "ready" ? [] : diffDrift(spec, live, record);
  await appendAuditEvent(database(), {
    teamId,
    ...actorFields(opts.actor),
    action: "app:deployment.refresh",
    deploymentId: id,
    targets: [id],
    params: { deploymentId: id, count: drift.length },
    outcome: "success",
  });
  return { drift, checkedAt: new Date().toISOString(), inSync: drift.length === 0 };
}

// ---------------------------------------------------------------- progress

export const progressSelect = {
  id: true,
  name: true,
  status: true,
  phase: true,
  regionId: true,
  instanceId: true,
  eniId: true,
  resources: true,
  preflight: true,
  error: true,
  cancelRequested: true,
  startedAt: true,
  finishedAt: true,
  updatedAt: true,
  steps: {
    orderBy: [{ phase: "asc" as const }, { seq: "asc" as const }],
    select: {
      phase: true,
      seq: true,
      key: true,
      action: true,
      params: true,
      status: true,
      attempts: true,
      requestIds: true,
      error: true,
      startedAt: true,
      finishedAt: true,
    },
  },
} satisfies Prisma.DeploymentSelect;

export type ProgressStep = {
  phase: string;
  seq: number;
  key: string;
  action: string;
  params: unknown;
  status: string;
  attempts: number;
  requestIds: string[];
  error: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};
export type Progress = {
  id: string;
  name: string;
  status: string;
  phase: string;
  terminal: boolean;
  cancelRequested: boolean;
  regionId: string | null;
  instanceId: string | null;
  eniId: string | null;
  resources: ResourcesRecord;
  error: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  counts: Record<string, number>;
  steps: ProgressStep[];
};

const TERMINAL = new Set(["draft", "ready", "succeeded", "drifted", "failed", "cancelled", "torn_down"]);

/** Everything the deployment page polls (stop polling when `terminal`). */
export async function getProgress(teamId: string, id: string): Promise<Progress> {
  const d = await database().deployment.findFirst({ where: { id, teamId }, select: progressSelect });
  if (!d) throw new RunRefused("NOT_FOUND", msg("deploy.notFound"));
  const steps = d.steps.map((s) => ({
    ...s,
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
    durationMs: s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null,
  }));
  const counts: Record<string, number> = {};
  for (const s of steps) if (s.phase === d.phase) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    phase: d.phase,
    terminal: TERMINAL.has(d.status),
    cancelRequested: d.cancelRequested,
    regionId: d.regionId,
    instanceId: d.instanceId,
    eniId: d.eniId,
    resources: normalizeRecord(d.resources),
    error: d.error,
    startedAt: d.startedAt?.toISOString() ?? null,
    finishedAt: d.finishedAt?.toISOString() ?? null,
    updatedAt: d.updatedAt.toISOString(),
    counts,
    steps,
  };
}

/** Server start: finish runs whose server died (lease expired). */
export async function resumeInterruptedRuns(): Promise<RunResult[]> {
  return resumeRuns(database(), executorOptions());
}
