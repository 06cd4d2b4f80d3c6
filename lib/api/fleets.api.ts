import "server-only";
// The HTTP API v1's fleets, over lib/fleet. Every function takes the team id and scopes by it: another team's
// fleet is answered as a missing one (404).
import type { AuditActor } from "@/lib/audit/actor";
import type { Locale } from "@/lib/i18n/locales";
import { apiStatus } from "@/lib/deploy/deployment.service";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import type { FleetCreateInput, FleetSpecInput } from "@/lib/fleet/fleet.schema";
import {
  abortFleet,
  createFleet,
  pauseFleet,
  resumeFleet,
  retryFailedFleet,
  startFleet,
} from "@/lib/fleet/fleet.service";
import { changeFleet, checkFleetDrift, planFleet, repairFleet, teardownFleet } from "@/lib/fleet/fleet-ops.service";
import { getFleetView, listFleets } from "@/lib/fleet/fleet-view";
import { findingsIn } from "@/lib/access/api-errors";

export async function listFleetsApi(teamId: string) {
  return listFleets(teamId);
}

export async function createFleetApi(teamId: string, actor: AuditActor, input: FleetCreateInput) {
  ensureDeployEngine();
  return createFleet(teamId, actor, input);
}

/** The fleet, each member (its deployment's id and status, EIP counts) and the totals. */
export async function getFleetApi(teamId: string, id: string, locale: Locale) {
  const v = await getFleetView(teamId, id);
  return {
    id: v.id,
    name: v.name,
    status: v.status,
    phase: v.phase,
    regionId: v.regionId,
    cloudAccountId: v.cloudAccountId,
    generation: v.generation,
    pendingChange: v.pendingChange,
    spec: v.spec,
    rollout: { batchSize: v.batchSize, failureThreshold: v.failureThreshold },
    pauseReason: v.pauseReason && { ...v.pauseReason, message: v.pauseReason.message[locale] },
    members: v.members.map((m) => ({
      instanceId: m.instanceId,
      position: m.position,
      state: m.state,
      generation: m.generation,
      deploymentId: m.deployment.id,
      deploymentStatus: m.deployment.apiStatus,
      eips: m.eips,
      ...(m.error ? { error: m.error } : {}),
    })),
    totals: v.totals,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

/** The fleet pre-flight and each member's calls; nothing changes in the cloud. */
export async function planFleetApi(teamId: string, id: string, actor: AuditActor, locale: Locale) {
  ensureDeployEngine();
  const p = await planFleet(teamId, actor, id);
  return {
    ok: p.ok,
    findings: p.findings.map((f) => ({
      ...findingsIn([f], locale)[0]!,
      ...(f.instanceId ? { instanceId: f.instanceId } : {}),
    })),
    eips: p.eips,
    members: p.members.map((m) => ({
      ...m,
      steps: m.steps
        .filter((s) => !s.noop)
        .map((s) => ({ action: s.action, params: s.params, description: s.description[locale] })),
    })),
  };
}

const started = (r: { id: string; status: string; members: number }) => ({
  id: r.id,
  status: r.status,
  members: r.members,
});

export async function applyFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  return started(await startFleet(teamId, id, actor));
}
export async function pauseFleetApi(teamId: string, id: string, actor: AuditActor) {
  return { id, ...(await pauseFleet(teamId, id, actor)) };
}
export async function resumeFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  return started(await resumeFleet(teamId, id, actor));
}
export async function abortFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  return { id, ...(await abortFleet(teamId, id, actor)) };
}
export async function retryFailedFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  return started(await retryFailedFleet(teamId, id, actor));
}
export async function setFleetSpecApi(teamId: string, id: string, actor: AuditActor, spec: FleetSpecInput) {
  ensureDeployEngine();
  return changeFleet(teamId, actor, id, spec);
}
export async function teardownFleetApi(teamId: string, id: string, actor: AuditActor, confirm: string) {
  ensureDeployEngine();
  return started(await teardownFleet(teamId, actor, id, confirm));
}
/** Drift check on every live member: how many drifted, how many in sync. */
export async function refreshFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  const r = await checkFleetDrift(teamId, actor, id);
  return { ...r, members: r.members.map((m) => ({ ...m, status: apiStatus({ status: m.status }) })) };
}
export async function repairFleetApi(teamId: string, id: string, actor: AuditActor) {
  ensureDeployEngine();
  return started(await repairFleet(teamId, actor, id));
}
