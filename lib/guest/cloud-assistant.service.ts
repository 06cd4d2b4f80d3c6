// "Apply through Cloud Assistant": runs the deployment's guest-OS bundle (apply.sh, verify.sh,
// rollback.sh of the latest RouteScript) on the instance without SSH, and records what
// verify.sh observed per EIP on the deployment (Deployment.checks.guest, and the `guest`
// verdict of each cloud-side check row when those exist). Team-scoped: every query is
// `where: { id, teamId }`. Every cloud call goes through cloudCall (audited); each run is
// also an audit event of its own (guest.apply / guest.verify / guest.rollback).
import { db as defaultDb, type Db } from "@/lib/db/client";
import { cloudCall, type CloudContext } from "@/lib/cloud/call";
import type { CloudCredentials } from "@/lib/cloud/client";
import { CloudError } from "@/lib/cloud/errors";
import { loadCloudCredentials } from "@/lib/cloud/accounts";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg, statusWord } from "@/lib/i18n/errors";
import type { ResourcesRecord } from "@/lib/deploy/model";
import {
  agentStatus,
  outputTail,
  packScript,
  parseVerifyOutput,
  ranCleanly,
  runShellScript,
  type AgentStatus,
  type InvocationResult,
} from "./cloud-assistant";

export type GuestAction = "apply" | "verify" | "rollback";

export type GuestEipResult = {
  privateIp: string;
  expectedEip: string | null;
  /** The address the what-is-my-IP service saw for traffic from privateIp (null: not measured or no answer). */
  observed: string | null;
  ok: boolean;
  detail: string;
};

export type GuestRun = {
  action: GuestAction;
  invokeId: string;
  status: string;
  exitCode: number | null;
  errorCode: string;
  /** Output tail (at most 16 KB). */
  output: string;
  scriptVersion: number;
  startedAt: string;
  finishedAt: string;
};

export type GuestChecks = {
  checkedAt: string;
  /** verify.sh verdict: every address configured, routed, and (with an echo URL) egressing as its EIP. */
  ok: boolean;
  echoUrl: string | null;
  results: GuestEipResult[];
  /** Most recent first, at most 10. */
  runs: GuestRun[];
  /** True after a rollback: the guest configuration is removed, results are from before. */
  rolledBack: boolean;
};

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

function guestOf(checks: unknown): GuestChecks | null {
  const g = (checks as { guest?: GuestChecks } | null)?.guest;
  return g && Array.isArray(g.results) ? g : null;
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

function scriptFile(d: Row, name: string): string {
  const s = d.scripts[0];
  if (!s) throw new UserFacingError(msg("guest.noBundle"), { code: "NO_SCRIPT" });
  const f = (s.files as Array<{ path: string; content: string }>).find((x) => x.path === name);
  if (!f) throw new UserFacingError(msg("guest.noFile", { file: name }), { code: "NO_SCRIPT" });
  return f.content;
}

async function invoke(
  ctx: CloudContext,
  d: Row,
  instanceId: string,
  action: GuestAction,
  args: string[] = [],
): Promise<{ run: GuestRun; result: InvocationResult }> {
  const file = `${action}.sh`;
  const content = packScript(scriptFile(d, file), args);
  let result: InvocationResult;
  try {
    result = await runShellScript(ctx, instanceId, content, {
      name: `eipilot-${action}-v${d.scripts[0]!.version}`,
      description: `EIPilot deployment ${d.id}: ${file}${args.length ? ` ${args.join(" ")}` : ""}`,
      timeoutSeconds: config.timeoutSeconds ?? 120,
      pollMs: config.pollMs,
      pollCapMs: config.pollCapMs,
    });
  } catch (e) {
    if (e instanceof CloudError && e.code === "InvalidInstance.NotMatch")
      throw new UserFacingError(msg("guest.agentOffline", { instanceId, cloudMessage: e.message }), {
        code: "AGENT_OFFLINE",
        requestId: e.requestId ?? undefined,
      });
    throw e;
  }
  const run: GuestRun = {
    action,
    invokeId: result.invokeId,
    status: result.status,
    exitCode: result.exitCode,
    errorCode: result.errorCode,
    output: outputTail(result.output),
    scriptVersion: d.scripts[0]!.version,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
  return { run, result };
}

/**
 * Private IP → EIP address this deployment expects. The record may lack the address of an EIP
 * it did not allocate: then the cloud says (DescribeEipAddresses, audited).
 */
async function expectedEips(ctx: CloudContext, d: Row): Promise<Map<string, string>> {
  const rec = (d.resources ?? {}) as { eips?: Array<{ allocationId?: string; privateIp: string; ipAddress?: string }> };
  const eips = (rec.eips ?? []).filter((e) => e.privateIp);
  const out = new Map(eips.filter((e) => e.ipAddress).map((e) => [e.privateIp, e.ipAddress!]));
  const missing = eips.filter((e) => !e.ipAddress && e.allocationId);
  if (missing.length) {
    const body = await cloudCall(ctx, "DescribeEipAddresses", {
      RegionId: ctx.regionId,
      AllocationId: missing.map((e) => e.allocationId).join(","),
      PageSize: 50,
    });
    const rows =
      (body.EipAddresses as { EipAddress?: Array<{ AllocationId?: string; IpAddress?: string }> } | undefined)
        ?.EipAddress ?? [];
    for (const e of missing) {
      const ip = rows.find((r) => r.AllocationId === e.allocationId)?.IpAddress;
      if (ip) out.set(e.privateIp, ip);
    }
  }
  return out;
}

/** Per-EIP verdicts from verify.sh's summary, against the EIPs the deployment expects. */
function eipResults(
  expected: Map<string, string>,
  output: string,
): { ok: boolean; echo: string | null; results: GuestEipResult[] } {
  const summary = parseVerifyOutput(output);
  if (!summary) {
    return {
      ok: false,
      echo: null,
      results: [...expected].map(([privateIp, eip]) => ({
        privateIp,
        expectedEip: eip,
        observed: null,
        ok: false,
        detail: "verify.sh printed no summary (see the output)",
      })),
    };
  }
  const results = summary.addresses.map((a) => {
    const want = a.expectedEip || expected.get(a.ip) || null;
    const problems = summary.problems.filter((p) => p.includes(a.ip));
    const detail = a.ok
      ? a.egress
        ? `egresses as ${a.egress}`
        : "configured and routed"
      : problems.join("; ") ||
        (a.egress && want && a.egress !== want ? `egresses as ${a.egress}, expected ${want}` : "failed");
    return {
      privateIp: a.ip,
      expectedEip: want,
      observed: a.egress,
      ok: a.ok && (!summary.echoUrl || (!!a.egress && (!want || a.egress === want))),
      detail,
    };
  });
  return { ok: summary.ok, echo: summary.echoUrl, results };
}

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
  // The cloud-side check rows (lib/deploy verifyDeployment) carry a guest verdict per EIP: fill it in.
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
  const { run } = await invoke(ctx, d, instanceId, "verify", url ? ["--echo-url", url] : []);
  const parsed = eipResults(await expectedEips(ctx, d), run.output);
  const ok = run.exitCode === 0 && parsed.ok && parsed.results.every((r) => r.ok);
  const guest = await record(teamId, d, (g) => ({
    checkedAt: new Date().toISOString(),
    ok,
    echoUrl: parsed.echo ?? url,
    results: parsed.results,
    runs: [run, ...g.runs].slice(0, 10),
    rolledBack: false,
  }));
  return { run, guest, ok };
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
  const d = await load(teamId, id);
  const instanceId = instanceOf(d);
  if (!instanceId) throw new UserFacingError(msg("guest.noInstance"), { code: "NO_INSTANCE" });
  if (d.status !== "succeeded")
    throw new UserFacingError(msg("guest.applyNotYet", { status: statusWord(d.status) }), { code: "BAD_STATUS" });
  return exclusive(id, async () => {
    const ctx = await contextFor(teamId, d, actor);
    const { run } = await invoke(ctx, d, instanceId, "apply");
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
  const d = await load(teamId, id);
  const instanceId = instanceOf(d);
  if (!instanceId) throw new UserFacingError(msg("guest.noInstance"), { code: "NO_INSTANCE" });
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
  const d = await load(teamId, id);
  const instanceId = instanceOf(d);
  if (!instanceId) throw new UserFacingError(msg("guest.noInstance"), { code: "NO_INSTANCE" });
  refuseRollbackDuringRun(d);
  return exclusive(id, async () => {
    const ctx = await contextFor(teamId, d, actor);
    const { run } = await invoke(ctx, d, instanceId, "rollback");
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
