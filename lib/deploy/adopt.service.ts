// Adopt an instance whose EIPs were set up by hand: read it (DescribeInstances, DescribeNetworkInterfaces,
// DescribeEipAddresses, DescribeVSwitches — reads only, no mutating call), preview what is taken over and
// what is left alone, then store it as a succeeded deployment with its guest-OS bundle (revision 1).
import { z } from "zod";
import { db, type Db, type Tx } from "@/lib/db/client";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import {
  describeEips,
  describeEnis,
  describeInstances,
  describeVSwitch,
  type VSwitchView,
} from "@/lib/cloud/resources";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { discoverAdoption, type AdoptedEni, type LeftAlone } from "./adopt";
import { firstEniId, type ResourcesRecord } from "./model";
import { anySpecSchema, draftNameSchema, type DeploymentSpecV2 } from "./spec.schema";
import { accountContext } from "./deployment.service";
import { buildRouteScript } from "./route-script";

export const adoptTargetSchema = z.object({
  cloudAccountId: z.string().trim().min(1).max(64),
  regionId: z.string().trim().min(1).max(64),
  instanceId: z
    .string()
    .trim()
    .max(64)
    .regex(/^i-[a-z0-9]+$/),
  os: z.enum(OS_FAMILIES).optional(),
});
export const adoptInputSchema = adoptTargetSchema.extend({ name: draftNameSchema });
export type AdoptTarget = z.input<typeof adoptTargetSchema>;
export type AdoptInput = z.input<typeof adoptInputSchema>;

export type AdoptPreview = {
  instance: { instanceId: string; status: string; instanceType: string; vpcId: string; zoneId: string };
  os: string;
  enis: AdoptedEni[];
  leftAlone: LeftAlone[];
  /** The spec v2 the deployment would store (null: nothing to adopt). */
  spec: DeploymentSpecV2 | null;
  /** Another deployment of the team already manages the instance. */
  managedBy: { id: string; name: string; status: string } | null;
  canAdopt: boolean;
  /** What a later teardown would do (the plan's calls are shown again before it runs). */
  teardown: { unassociateEips: number; unassignIps: number };
};

async function managedBy(client: Db | Tx, teamId: string, instanceId: string) {
  return client.deployment.findFirst({
    where: { teamId, instanceId, status: { notIn: ["torn_down", "draft", "ready"] } },
    select: { id: true, name: true, status: true },
  });
}

async function discover(teamId: string, actor: AuditActor | null, t: z.output<typeof adoptTargetSchema>) {
  const ctx = await accountContext(teamId, t.cloudAccountId, t.regionId, actor);
  const [instance] = await describeInstances(ctx, [t.instanceId]);
  if (!instance)
    throw new UserFacingError(msg("adopt.instanceNotFound", { instanceId: t.instanceId, regionId: t.regionId }), {
      code: "NOT_FOUND",
      field: "instanceId",
    });
  const [enis, eips] = await Promise.all([describeEnis(ctx, { instanceId: instance.instanceId }), describeEips(ctx)]);
  const vSwitches: Record<string, VSwitchView> = {};
  for (const id of new Set(enis.map((e) => e.vSwitchId).filter(Boolean))) {
    const v = await describeVSwitch(ctx, id);
    if (v) vSwitches[id] = v;
  }
  const found = discoverAdoption({
    cloudAccountId: t.cloudAccountId,
    regionId: t.regionId,
    instance,
    enis,
    eips: eips.eips,
    vSwitches,
    os: t.os,
  });
  return { instance, found, spec: found.spec ? anySpecSchema.parse(found.spec) : null };
}

/** What adopting the instance would take over and what it leaves alone (reads only; nothing is stored). */
export async function previewAdoption(
  teamId: string,
  actor: AuditActor | null,
  target: AdoptTarget,
): Promise<AdoptPreview> {
  const t = adoptTargetSchema.parse(target);
  const { instance, found, spec } = await discover(teamId, actor, t);
  const owner = await managedBy(db(), teamId, instance.instanceId);
  return {
    instance: {
      instanceId: instance.instanceId,
      status: instance.status,
      instanceType: instance.instanceType,
      vpcId: instance.vpcId,
      zoneId: instance.zoneId,
    },
    os: spec?.os ?? t.os ?? "generic",
    enis: found.enis,
    leftAlone: found.leftAlone,
    spec,
    managedBy: owner,
    canAdopt: !!spec && !owner,
    teardown: {
      unassociateEips: found.record.eips?.length ?? 0,
      unassignIps: (found.record.enis ?? []).reduce((n, e) => n + (e.assignedIps?.length ?? 0), 0),
    },
  };
}

/**
 * Adopts the instance into a new succeeded deployment: the spec v2 and record read from the cloud (zero
 * mutating calls), the guest-OS bundle as revision 1, one audit event naming what was left alone.
 */
export async function adoptDeployment(
  teamId: string,
  actor: AuditActor | null,
  input: AdoptInput,
): Promise<{
  id: string;
  status: "succeeded";
  spec: DeploymentSpecV2;
  leftAlone: LeftAlone[];
  bundleRevision: number | null;
}> {
  const v = adoptInputSchema.parse(input);
  const { instance, found, spec } = await discover(teamId, actor, v);
  if (!spec)
    throw new UserFacingError(msg("adopt.nothingToAdopt", { instanceId: instance.instanceId }), {
      code: "NOTHING_TO_ADOPT",
    });
  const record: ResourcesRecord = found.record;
  const id = await db().$transaction(async (tx) => {
    const owner = await managedBy(tx, teamId, instance.instanceId);
    if (owner)
      throw new UserFacingError(msg("adopt.alreadyManaged", { instanceId: instance.instanceId, name: owner.name }), {
        code: "ALREADY_MANAGED",
      });
    const now = new Date();
    const d = await tx.deployment.create({
      data: {
        teamId,
        name: v.name,
        status: "succeeded",
        phase: "apply",
        specVersion: 2,
        spec: spec as never,
        cloudAccountId: v.cloudAccountId,
        regionId: v.regionId,
        instanceId: instance.instanceId,
        eniId: firstEniId(record) ?? null,
        resources: record as never,
        drift: [] as never,
        driftCheckedAt: now,
        createdById: actor?.userId ?? null,
        startedAt: now,
        finishedAt: now,
      },
      select: { id: true },
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:deployment.adopt",
      deploymentId: d.id,
      targets: [d.id, instance.instanceId, ...found.enis.map((e) => e.networkInterfaceId)],
      params: {
        deploymentId: d.id,
        name: v.name,
        instanceId: instance.instanceId,
        enis: found.enis.map((e) => ({ id: e.networkInterfaceId, mode: e.mode, eips: e.eips.length })),
        leftAlone: found.leftAlone.map((l) => ({ kind: l.kind, resource: l.resource })),
      },
      outcome: "success",
    });
    return d.id;
  });
  const script = await buildRouteScript(db(), id, spec, record);
  return { id, status: "succeeded", spec, leftAlone: found.leftAlone, bundleRevision: script?.version ?? null };
}
