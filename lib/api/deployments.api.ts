import "server-only";
// The HTTP API v1's deployments, over the deploy engine's services (lib/deploy). Every function
// takes the team id and scopes by it: another team's id is answered as a missing one.
import zlib from "node:zlib";
import { db } from "@/lib/db/client";
import type { AuditActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg, verbatim } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";
import {
  createDraft,
  getProgress,
  planDeployment,
  runPreflight,
  startDeployment,
  teardownDeployment,
  setDeploymentSpec,
  apiStatus,
  RunRefused,
  type Finding,
  type DriftItem,
  type Plan,
} from "@/lib/deploy/deployment.service";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { getRouteScriptFiles } from "@/lib/deploy/bundle-files.service";
import { checkDeploymentDrift } from "@/lib/deploy/drift-check.service";
import { startRepair } from "@/lib/deploy/repair.service";
import { adoptDeployment } from "@/lib/deploy/adopt.service";
import type { OsFamily } from "@/lib/os/os-families";
import { planWithoutSecrets, specWithoutSecrets } from "@/lib/deploy/secrets";
import { anySpecSchema, deploymentSpecSchema, specInputToV2, type DeploymentSpecV2 } from "@/lib/deploy/spec.schema";
import { normalizeRecord, type EipRecord } from "@/lib/deploy/model";
import { tarArchive } from "@/lib/os/tar";
import type { ApiStatus } from "./api.schema";

// ---------------------------------------------------------------- status and shapes

/** The stored spec as v2 without secrets (an incomplete draft as it is, read as v2). */
export function specForApi(stored: unknown): Record<string, unknown> {
  const open = specWithoutSecrets(stored);
  const parsed = anySpecSchema.safeParse(open);
  return (parsed.success ? parsed.data : specInputToV2(open)) as Record<string, unknown>;
}

type PrivateIp = { address: string; primary: boolean; eip: { allocationId: string; ipAddress: string } | null };
type Resources = { instanceId: string | null; enis: { networkInterfaceId: string | null; privateIps: PrivateIp[] }[] };

/** What the deployment holds in the cloud, per ENI and private IP, from its record (any stored shape). */
export function resourcesOf(stored: unknown, instanceId: string | null): Resources {
  const record = normalizeRecord(stored);
  const eips = (record.eips ?? []) as EipRecord[];
  const enis = [...(record.enis ?? [])].filter((e) => e.index >= 0).sort((a, b) => a.index - b.index);
  return {
    instanceId: record.instanceId ?? instanceId,
    enis: enis.map((e) => {
      const mine = eips.filter((x) => x.allocationId && (x.eniId ? x.eniId === e.eniId : x.eniIndex === e.index));
      const eipOf = (ip: string) => {
        const x = mine.find((m) => m.privateIp === ip);
        return x ? { allocationId: x.allocationId, ipAddress: x.ipAddress } : null;
      };
      const privateIps: PrivateIp[] = [];
      const add = (address: string | undefined, primary: boolean) => {
        if (!address || privateIps.some((p) => p.address === address)) return;
        privateIps.push({ address, primary, eip: eipOf(address) });
      };
      // The primary ENI's own primary IP is the instance's address, not the deployment's: shown only if it carries our EIP.
      if (e.mode !== "primary" || (e.primaryIp && eipOf(e.primaryIp))) add(e.primaryIp, true);
      for (const ip of e.assignedIps ?? []) add(ip, false);
      for (const x of mine) add(x.privateIp, x.privateIp === e.primaryIp);
      return { networkInterfaceId: e.eniId ?? null, privateIps };
    }),
  };
}

/**
 * A run needs a complete spec: a draft saved half-way by the wizard is answered 422 with what is
 * missing (as pre-flight words it), not a crash in the engine.
 */
function requireCompleteSpec(stored: unknown): void {
  const parsed = deploymentSpecSchema.safeParse(specWithoutSecrets(stored));
  if (parsed.success) return;
  const findings = parsed.error.issues.map((i) => {
    const text = `${i.path.join(".") || "spec"}: ${i.message}`;
    return { severity: "error" as const, code: "SPEC_INVALID", message: { en: text, ja: text } };
  });
  throw new RunRefused(
    "PREFLIGHT_FAILED",
    msg("deploy.preflightFailed", { findings: verbatim(findings.map((f) => f.message.en).join(" ")) }),
    findings,
  );
}

/** 404 for an id the team does not have (another team's included), before anything else is looked at. */
export async function loadRow(teamId: string, id: string) {
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: { id: true, name: true, status: true, spec: true },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  return d;
}

// ---------------------------------------------------------------- reads

export async function listDeploymentsApi(teamId: string) {
  const rows = await db().deployment.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    take: 1000,
    select: { id: true, name: true, status: true, regionId: true, instanceId: true, createdAt: true, updatedAt: true },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: apiStatus(r),
    regionId: r.regionId,
    instanceId: r.instanceId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getDeploymentApi(teamId: string, id: string, locale: Locale) {
  const p = await getProgress(teamId, id);
  const row = await db().deployment.findFirstOrThrow({
    where: { id, teamId },
    select: { spec: true, createdAt: true, drift: true, driftCheckedAt: true },
  });
  // What the last drift check found (refresh, the schedule, repair), in the request's language.
  const drift = ((row.drift ?? []) as DriftItem[]).map((d) => ({ ...d, message: d.message[locale] }));
  return {
    id: p.id,
    name: p.name,
    status: apiStatus({ status: p.status, drift }),
    regionId: p.regionId,
    instanceId: p.instanceId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: p.updatedAt,
    spec: specForApi(row.spec),
    resources: resourcesOf(p.resources, p.instanceId),
    drift,
    driftCheckedAt: row.driftCheckedAt?.toISOString() ?? null,
    error: p.error ?? null,
    steps: p.steps
      .filter((s) => s.phase === p.phase)
      .map((s) => ({ key: s.key, action: s.action, status: s.status, attempts: s.attempts, error: s.error })),
  };
}

// ---------------------------------------------------------------- writes

export async function createDeploymentApi(
  teamId: string,
  actor: AuditActor,
  input: { name: string; spec: DeploymentSpecV2 },
): Promise<{ id: string; status: ApiStatus }> {
  const { id } = await createDraft(teamId, { name: input.name, spec: input.spec, actor });
  return { id, status: "draft" };
}

/**
 * The desired state. A draft's spec is replaced; on a succeeded (or failed) deployment it is a change:
 * the answer carries its delta plan (findings and the exact calls), applied with POST …/apply.
 * While a run is in progress or after teardown → 409.
 */
export async function setSpecApi(
  teamId: string,
  id: string,
  actor: AuditActor,
  spec: DeploymentSpecV2,
  locale: Locale,
) {
  ensureDeployEngine();
  const r = await setDeploymentSpec(teamId, actor, id, spec);
  const row = await loadRow(teamId, id);
  return {
    id,
    status: apiStatus(row),
    ...(r.plan ? { findings: findingsOf(r.plan.findings, locale), steps: stepsOf(r.plan, locale) } : {}),
  };
}

/** Pre-flight findings in the request's language. */
function findingsOf(findings: Finding[], locale: Locale) {
  return findings.map((f) => ({
    severity: f.severity,
    code: f.code,
    message: f.message[locale],
    ...(f.fix ? { fix: f.fix[locale] } : {}),
  }));
}

/** Steps as the API shows them: the calls that will be made (no-ops left out), secrets redacted. */
export function stepsOf(plan: Plan, locale: Locale) {
  return planWithoutSecrets(plan)
    .steps.filter((s) => !s.noop)
    .map((s) => ({ action: s.action, params: s.params, description: s.description[locale] }));
}

/** Pre-flight and the exact calls; nothing changes in the cloud. */
export async function planApi(teamId: string, id: string, actor: AuditActor, locale: Locale) {
  ensureDeployEngine();
  await loadRow(teamId, id);
  const preflight = await runPreflight(teamId, id, { actor });
  const findings = findingsOf(preflight.findings, locale);
  // With errors the planner may not be able to plan at all: the findings say why.
  const plan = preflight.ok
    ? await planDeployment(teamId, id, { actor })
    : await planDeployment(teamId, id, { actor }).catch(() => null);
  return { findings, steps: plan ? stepsOf(plan, locale) : [] };
}

export async function applyApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  requireCompleteSpec((await loadRow(teamId, id)).spec);
  await startDeployment(teamId, id, { actor });
  return { id, status: "applying" as ApiStatus };
}

/** Compares the record with the live cloud and records the result: a difference marks the deployment drifted. */
export async function refreshApi(teamId: string, id: string, actor: AuditActor, locale: Locale) {
  ensureDeployEngine();
  requireCompleteSpec((await loadRow(teamId, id)).spec);
  const r = await checkDeploymentDrift(teamId, id, { actor, source: "refresh" });
  return {
    inSync: r.inSync,
    drift: r.drift.map((d) => ({ ...d, message: d.message[locale] })),
    checkedAt: r.checkedAt,
    status: apiStatus({ status: r.status }),
  };
}

/**
 * Repair of a drifted deployment: the calls that put back what changed (re-checked now), run by the
 * durable executor. In sync → 409; what no call can put back (a deleted ENI…) → 422 with the findings.
 */
export async function repairApi(teamId: string, id: string, actor: AuditActor, locale: Locale) {
  ensureDeployEngine();
  requireCompleteSpec((await loadRow(teamId, id)).spec);
  const r = await startRepair(teamId, actor, id);
  return { id, status: "applying" as ApiStatus, steps: stepsOf(r.plan, locale) };
}

export async function teardownApi(teamId: string, id: string, actor: AuditActor, confirm: string) {
  ensureDeployEngine();
  const d = await loadRow(teamId, id);
  if (confirm.trim() !== d.name)
    throw new UserFacingError(msg("api.confirmMismatch"), { code: "CONFIRMATION_MISMATCH", field: "confirm" });
  requireCompleteSpec(d.spec);
  await teardownDeployment(teamId, id, { actor });
  return { id, status: "tearing_down" as ApiStatus };
}

/** The stored guest-OS bundle (the latest revision, or `revision`) as a .tar.gz. */
export async function bundleApi(teamId: string, id: string, revision: number | undefined) {
  await loadRow(teamId, id);
  const bundle = await getRouteScriptFiles(teamId, id, revision);
  if (bundle === "no-deployment" || bundle === "no-bundle")
    throw new UserFacingError(msg("api.noBundle"), { code: "NOT_FOUND" });
  const base = `eipilot-${id}-v${bundle.version}`;
  const tar = tarArchive(bundle.files.map((f) => ({ path: `${base}/${f.path}`, content: f.content, mode: f.mode })));
  return { filename: `${base}.tar.gz`, revision: bundle.version, sha256: bundle.sha256, body: zlib.gzipSync(tar) };
}

/** Adopts an instance set up by hand into a succeeded deployment: reads only, no mutating cloud call. */
export async function adoptApi(
  teamId: string,
  actor: AuditActor,
  input: { name: string; cloudAccountId: string; regionId: string; instanceId: string; os?: OsFamily },
) {
  ensureDeployEngine();
  const a = await adoptDeployment(teamId, actor, input);
  return {
    id: a.id,
    status: "succeeded" as ApiStatus,
    spec: a.spec,
    leftAlone: a.leftAlone,
    bundleRevision: a.bundleRevision,
  };
}
