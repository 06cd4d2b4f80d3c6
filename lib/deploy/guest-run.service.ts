// "Apply through Cloud Assistant" for a deployment: loads it, runs its guest-OS bundle (apply.sh,
// verify.sh, rollback.sh of the latest RouteScript) on its instance without SSH (lib/guest does the
// running), and records what verify.sh observed per EIP on the deployment (Deployment.checks.guest,
// and the `guest` verdict of each cloud-side check row when those exist). Team-scoped: every query
// is `where: { id, teamId }`. Every cloud call goes through cloudCall (audited); each run is also
// an audit event of its own (guest.apply / guest.verify / guest.rollback).
import { db as defaultDb, type Db } from "@/lib/db/client";
import type { CloudContext } from "@/lib/cloud/call";
import type { CloudCredentials } from "@/lib/cloud/client";
import { loadCloudCredentials } from "@/lib/cloud/accounts";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg, statusWord } from "@/lib/i18n/errors";
import { agentStatus, ranCleanly, type AgentStatus } from "@/lib/guest/cloud-assistant";
import { guestOf, type GuestAction, type GuestChecks, type GuestRun } from "@/lib/guest/guest-checks";
import { runBundleScript, verifyOnGuest, type ScriptTarget } from "@/lib/guest/guest-scripts.service";
import type { ResourcesRecord } from "./model";

export type GuestState = {
  instanceId: string | null;
  agent: AgentStatus | null;
  /** "cloud-assistant" when the agent is online, else "manual" (copy/download the bundle). */
  mode: "cloud-assistant" | "manual";
  script: { version: number; os: string; sha256: string } | null;
  echoUrl: string | null;
  guest: GuestChecks | null;
  busy: boolean;
};

type Config = {
  db?: () => Db;
  resolveCredentials?: (a: { teamId: string; cloudAccountId: string }) => Promise<CloudCredentials>;
  /** The what-is-my-IP URL verify.sh asks (demo: the emulator lab's; real cloud: EIPILOT_ECHO_URL). */
  echoUrl?: () => string | null;
  timeoutSeconds?: number;
  pollMs?: number;
  pollCapMs?: number;
};
let config: Config = {};

/** Tests and special setups: database, credentials, echo URL, polling. */
export function configureGuest(c: Config): void {
  config = { ...config, ...c };
}

const database = () => (config.db ? config.db() : defaultDb());
const echoUrl = () =>
  (config.echoUrl ? config.echoUrl() : (process.env.EMULATOR_ECHO_URL ?? process.env.EIPILOT_ECHO_URL ?? null)) || null;
const timing = () => ({ timeoutSeconds: config.timeoutSeconds, pollMs: config.pollMs, pollCapMs: config.pollCapMs });

type Row = {
  id: string;
  status: string;
  cloudAccountId: string | null;
  regionId: string | null;
  instanceId: string | null;
  spec: unknown;
  resources: unknown;
  checks: unknown;
  scripts: Array<{ version: number; os: string; sha256: string; files: unknown }>;
};

async function load(teamId: string, id: string): Promise<Row> {
  const d = await database().deployment.findFirst({
    where: { id, teamId },
    select: {
      id: true,
      status: true,
      cloudAccountId: true,
      regionId: true,
      instanceId: true,
      spec: true,
      resources: true,
      checks: true,
      scripts: {
        orderBy: { version: "desc" },
        take: 1,
        select: { version: true, os: true, sha256: true, files: true },
      },
    },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  return d;
}

function instanceOf(d: Row): string | null {
  const rec = (d.resources ?? {}) as { instanceId?: string };
  const spec = (d.spec ?? {}) as { instance?: { instanceId?: string } };
  return d.instanceId ?? rec.instanceId ?? spec.instance?.instanceId ?? null;
}

/** What lib/guest needs to run one of the deployment's scripts on its instance. */
function targetOf(d: Row, instanceId: string): ScriptTarget {
  return { deploymentId: d.id, instanceId, script: d.scripts[0] ?? null };
}

/** The EIPs the deployment expects on the guest (private IP → EIP), from its resource record. */
function expectedOf(d: Row) {
  return ((d.resources ?? {}) as ResourcesRecord).eips ?? [];
}

async function contextFor(teamId: string, d: Row, actor: AuditActor | null): Promise<CloudContext> {
  const regionId = d.regionId ?? ((d.spec ?? {}) as { regionId?: string }).regionId;
  if (!d.cloudAccountId || !regionId) throw new UserFacingError(msg("guest.noAccountOrRegion"), { code: "NO_ACCOUNT" });
  const creds = await (config.resolveCredentials ?? ((a) => loadCloudCredentials(a.teamId, a.cloudAccountId)))({
    teamId,
    cloudAccountId: d.cloudAccountId,
  });
  return {
    db: database(),
    teamId,
    creds,
    regionId,
    deploymentId: d.id,
    actor,
  };
}

/** What the Guest configuration panel shows: agent status (one audited DescribeCloudAssistantStatus), script, last results. */
export async function getGuestState(teamId: string, id: string, actor: AuditActor | null = null): Promise<GuestState> {
  const d = await load(teamId, id);
  const instanceId = instanceOf(d);
  const script = d.scripts[0]
    ? { version: d.scripts[0].version, os: d.scripts[0].os, sha256: d.scripts[0].sha256 }
    : null;
  let agent: AgentStatus | null = null;
  if (instanceId && d.cloudAccountId) agent = await agentStatus(await contextFor(teamId, d, actor), instanceId);
  return {
    instanceId,
    agent,
    mode: agent?.online ? "cloud-assistant" : "manual",
    script,
    echoUrl: echoUrl(),
    guest: guestOf(d.checks),
    busy: running.has(id),
  };
}

const running = new Set<string>();

async function record(teamId: string, d: Row, patch: (g: GuestChecks) => GuestChecks): Promise<GuestChecks> {
  // Re-read: another writer (the cloud-side per-EIP check) may have replaced `checks` meanwhile.
  const fresh = await database().deployment.findFirst({ where: { id: d.id, teamId }, select: { checks: true } });
  const checks =
    ((fresh?.checks ?? null) as
      ({ results?: Array<{ privateIp?: string; guest?: string }> } & Record<string, unknown>) | null) ?? {};
  const prev = guestOf(checks) ?? {
    checkedAt: new Date().toISOString(),
    ok: false,
    echoUrl: null,
    results: [],
    runs: [],
    rolledBack: false,
  };
  const guest = patch(prev);
  // The cloud-side check rows (verifyDeployment) carry a guest verdict per EIP: fill it in.
  const rows = Array.isArray(checks.results)
    ? checks.results.map((r) => {
        const g = guest.results.find((x) => x.privateIp === r.privateIp);
        return { ...r, guest: guest.rolledBack || !g ? "not_run" : g.ok ? "pass" : "fail" };
      })
    : undefined;
  const next = { ...checks, ...(rows ? { results: rows } : {}), guest };
  await database().deployment.updateMany({ where: { id: d.id, teamId }, data: { checks: next as never } });
  return guest;
}

export type GuestRunResult = { ok: boolean; runs: GuestRun[]; guest: GuestChecks };

async function exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
  if (running.has(id)) throw new UserFacingError(msg("guest.busy"), { code: "BUSY" });
  running.add(id);
  try {
    return await fn();
  } finally {
    running.delete(id);
  }
}

async function audit(
  teamId: string,
  d: Row,
  actor: AuditActor | null,
  action: GuestAction,
  instanceId: string,
  runs: GuestRun[],
  ok: boolean,
) {
  await appendAuditEvent(database(), {
    teamId,
    ...actorFields(actor),
    action: `guest.${action}`,
    deploymentId: d.id,
    targets: [d.id, instanceId],
    params: {
      deploymentId: d.id,
      instanceId,
      scriptVersion: d.scripts[0]?.version ?? null,
      invocations: runs.map((r) => ({
        action: r.action,
        invokeId: r.invokeId,
        status: r.status,
        exitCode: r.exitCode,
      })),
    },
    outcome: ok ? "success" : "failure",
  });
}

async function doVerify(
  teamId: string,
  d: Row,
  ctx: CloudContext,
  instanceId: string,
): Promise<{ run: GuestRun; guest: GuestChecks; ok: boolean }> {
  const url = echoUrl();
  const v = await verifyOnGuest(ctx, targetOf(d, instanceId), expectedOf(d), url, timing());
  const guest = await record(teamId, d, (g) => ({
    checkedAt: new Date().toISOString(),
    ok: v.ok,
    echoUrl: v.echo ?? url,
    results: v.results,
    runs: [v.run, ...g.runs].slice(0, 10),
    rolledBack: false,
  }));
  return { run: v.run, guest, ok: v.ok };
}

/**
 * Whether the guest carries this deployment's configuration because EIPilot put it there: the
 * deployment's resource record says so (teardown then runs rollback.sh first). Not while a run
 * owns the record.
 */
async function markGuestApplied(teamId: string, id: string, applied: ResourcesRecord["guestApplied"] | null) {
  const fresh = await database().deployment.findFirst({ where: { id, teamId }, select: { resources: true } });
  const rec = { ...((fresh?.resources ?? {}) as ResourcesRecord) };
  if (applied) rec.guestApplied = applied;
  else delete rec.guestApplied;
  await database().deployment.updateMany({
    where: { id, teamId, status: { notIn: ["running", "tearing_down"] } },
    data: { resources: rec as never },
  });
}

/** The deployment and its instance, for a run on the guest: one without an instance has no guest to run on. */
async function loadWithInstance(teamId: string, id: string): Promise<{ d: Row; instanceId: string }> {
  const d = await load(teamId, id);
  const instanceId = instanceOf(d);
  if (!instanceId) throw new UserFacingError(msg("guest.noInstance"), { code: "NO_INSTANCE" });
  return { d, instanceId };
}

function refuseRollbackDuringRun(d: Row) {
  if (d.status === "running" || d.status === "tearing_down")
    throw new UserFacingError(msg("guest.rollbackDuringRun", { status: statusWord(d.status) }), { code: "BAD_STATUS" });
}

/** apply.sh, then verify.sh --echo-url …, through Cloud Assistant; records per-EIP results. */
export async function applyThroughCloudAssistant(
  teamId: string,
  id: string,
  actor: AuditActor | null = null,
): Promise<GuestRunResult> {
  const { d, instanceId } = await loadWithInstance(teamId, id);
  if (d.status !== "succeeded")
    throw new UserFacingError(msg("guest.applyNotYet", { status: statusWord(d.status) }), { code: "BAD_STATUS" });
  return exclusive(id, async () => {
    const ctx = await contextFor(teamId, d, actor);
    const { run } = await runBundleScript(ctx, targetOf(d, instanceId), "apply", [], timing());
    // Even a failed apply.sh may have changed part of the guest: teardown rolls back either way.
    await markGuestApplied(teamId, id, {
      scriptVersion: run.scriptVersion,
      appliedAt: run.finishedAt || new Date().toISOString(),
    });
    if (!ranCleanly(run)) {
      const guest = await record(teamId, d, (g) => ({ ...g, runs: [run, ...g.runs].slice(0, 10) }));
      await audit(teamId, d, actor, "apply", instanceId, [run], false);
      return { ok: false, runs: [run], guest };
    }
    const v = await doVerify(teamId, d, ctx, instanceId);
    await audit(teamId, d, actor, "apply", instanceId, [run, v.run], v.ok);
    return { ok: v.ok, runs: [run, v.run], guest: v.guest };
  });
}

/** verify.sh --echo-url … through Cloud Assistant; records per-EIP results. */
export async function verifyThroughCloudAssistant(
  teamId: string,
  id: string,
  actor: AuditActor | null = null,
): Promise<GuestRunResult> {
  const { d, instanceId } = await loadWithInstance(teamId, id);
  return exclusive(id, async () => {
    const v = await doVerify(teamId, d, await contextFor(teamId, d, actor), instanceId);
    await audit(teamId, d, actor, "verify", instanceId, [v.run], v.ok);
    return { ok: v.ok, runs: [v.run], guest: v.guest };
  });
}

/** rollback.sh through Cloud Assistant: the guest returns to its state before apply. */
export async function rollbackThroughCloudAssistant(
  teamId: string,
  id: string,
  actor: AuditActor | null = null,
): Promise<GuestRunResult> {
  const { d, instanceId } = await loadWithInstance(teamId, id);
  refuseRollbackDuringRun(d);
  return exclusive(id, async () => {
    const ctx = await contextFor(teamId, d, actor);
    const { run } = await runBundleScript(ctx, targetOf(d, instanceId), "rollback", [], timing());
    const ok = ranCleanly(run);
    if (ok) await markGuestApplied(teamId, id, null);
    const guest = await record(teamId, d, (g) => ({
      ...g,
      checkedAt: new Date().toISOString(),
      ok: false,
      rolledBack: ok ? true : g.rolledBack,
      runs: [run, ...g.runs].slice(0, 10),
    }));
    await audit(teamId, d, actor, "rollback", instanceId, [run], ok);
    return { ok, runs: [run], guest };
  });
}
