// Pre-flight over the whole fleet, before anything runs: each member's own pre-flight (lib/deploy/preflight.ts:
// its instance, ENI count and IPs-per-ENI limits of its type, vSwitch room…), the account's EIP quota for the
// new EIPs of all members together (one member's check alone would pass each time and the tenth would fail),
// and instances another live deployment already manages. Every finding names the member's instance.
import pLimit from "p-limit";
import type { AuditActor } from "@/lib/audit/actor";
import { contextFor } from "@/lib/deploy/deployment.service";
import { checkPreflight, eipQuotaDelta, hasErrors, type Finding } from "@/lib/deploy/preflight";
import { deploymentSpecSchema } from "@/lib/deploy/spec.schema";
import { openSpecSecrets } from "@/lib/deploy/secrets";
import { normalizeRecord } from "@/lib/deploy/model";
import { readSnapshot } from "@/lib/deploy/state";
import { fleetRuntime, fleetSpecOf, type LoadedFleet, type LoadedMember } from "./runtime";

export type FleetFinding = Finding & { instanceId?: string };
export type FleetPreflight = {
  ok: boolean;
  findings: FleetFinding[];
  /** New EIPs of all checked members together, the account's EIPs in the region now, and the quota. */
  eips: { toAllocate: number; inUse: number; quota: number };
  checkedAt: string;
};

const LIVE_ELSEWHERE = { notIn: ["draft", "ready", "torn_down"] };

function named(instanceId: string, x: Finding): FleetFinding {
  return {
    ...x,
    instanceId,
    message: { en: `${instanceId}: ${x.message.en}`, ja: `${instanceId}: ${x.message.ja}` },
  };
}

async function memberCheck(f: LoadedFleet, m: LoadedMember, actor: AuditActor | null) {
  const { db } = fleetRuntime();
  const d = await db.deployment.findFirstOrThrow({
    where: { id: m.deploymentId, teamId: f.teamId },
    select: { id: true, cloudAccountId: true, spec: true, resources: true },
  });
  const spec = deploymentSpecSchema.parse(openSpecSecrets(d.spec));
  const record = normalizeRecord(d.resources);
  const live = await readSnapshot(await contextFor(f.teamId, d, spec, actor), spec, record);
  // The quota is checked for the fleet as a whole below.
  const findings = checkPreflight(spec, live, record).filter((x) => x.code !== "EIP_QUOTA");
  return { instanceId: m.instanceId, findings, delta: eipQuotaDelta(spec, live, record), live };
}

/** Instances of the fleet that another deployment (not a member of this fleet) manages now. */
async function managedElsewhere(f: LoadedFleet, members: LoadedMember[]): Promise<FleetFinding[]> {
  const { db } = fleetRuntime();
  const ids = members.map((m) => m.instanceId);
  const others = await db.deployment.findMany({
    where: {
      teamId: f.teamId,
      instanceId: { in: ids },
      status: LIVE_ELSEWHERE,
      OR: [{ fleetId: null }, { fleetId: { not: f.id } }],
    },
    select: { id: true, name: true, instanceId: true, status: true },
  });
  return others.map((o) => ({
    severity: "error" as const,
    code: "INSTANCE_MANAGED",
    instanceId: o.instanceId!,
    message: {
      en: `${o.instanceId}: already managed by deployment “${o.name}” (${o.id}, ${o.status}).`,
      ja: `${o.instanceId}: すでにデプロイ「${o.name}」（${o.id}、${o.status}）が管理しています。`,
    },
    fix: {
      en: "Tear that deployment down first, or leave this instance out of the fleet.",
      ja: "先にそのデプロイを削除するか、このインスタンスをフリートから外してください。",
    },
  }));
}

function quotaFinding(regionId: string, toAllocate: number, inUse: number, quota: number, members: number) {
  return {
    severity: "error" as const,
    code: "EIP_QUOTA",
    message: {
      en: `The fleet allocates ${toAllocate} EIP(s) across ${members} instance(s); with ${inUse} in use that exceeds the account quota of ${quota} in ${regionId}.`,
      ja: `フリートは ${members} 台のインスタンスで EIP を合計 ${toAllocate} 個確保します。使用中の ${inUse} 個と合わせると、${regionId} のアカウント上限 ${quota} 個を超えます。`,
    },
    fix: {
      en: "Release unused EIPs, raise the quota in Quota Center, or make the fleet smaller.",
      ja: "不要な EIP を解放するか、クォータセンターで上限を引き上げるか、フリートを小さくしてください。",
    },
  };
}

/**
 * The fleet's pre-flight for `members` (default: all), stored on the fleet. Nothing changes in the cloud.
 */
export async function fleetPreflight(
  f: LoadedFleet,
  actor: AuditActor | null,
  members: LoadedMember[] = f.members,
): Promise<FleetPreflight> {
  const { db, concurrency } = fleetRuntime();
  const spec = fleetSpecOf(f);
  const limit = pLimit(concurrency);
  const checks = await Promise.all(members.map((m) => limit(() => memberCheck(f, m, actor))));
  const findings: FleetFinding[] = [...(await managedElsewhere(f, members))];
  // Errors and warnings name their member; a notice (fees, inbound-only) is the same for all: said once.
  const notices = new Set<string>();
  for (const c of checks)
    for (const x of c.findings) {
      if (x.severity !== "notice") findings.push(named(c.instanceId, x));
      else if (!notices.has(x.code)) {
        notices.add(x.code);
        findings.push(x);
      }
    }
  const toAllocate = checks.reduce((n, c) => n + c.delta.toAllocate - c.delta.released, 0);
  const inUse = checks[0]?.live.regionEipCount ?? 0;
  if (toAllocate > 0 && inUse + toAllocate > spec.eipQuota)
    findings.unshift(quotaFinding(f.regionId, toAllocate, inUse, spec.eipQuota, members.length));
  const result: FleetPreflight = {
    ok: !hasErrors(findings),
    findings,
    eips: { toAllocate, inUse, quota: spec.eipQuota },
    checkedAt: new Date().toISOString(),
  };
  await db.fleet.updateMany({ where: { id: f.id, teamId: f.teamId }, data: { preflight: result as never } });
  return result;
}
