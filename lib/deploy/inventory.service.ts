import "server-only";
// Read helpers for the wizard's pickers and the deployment page (instances, ENIs,
// vSwitches, security groups, EIPs, instance-type quotas), all through cloudCall so
// every read is audited; plus the per-EIP check of a finished deployment and the
// dashboard's list query. Nothing here changes the cloud.
import { db } from "@/lib/db/client";
import { cloudCall, type CloudContext } from "@/lib/cloud/call";
import {
  describeEips,
  describeEnis,
  describeInstanceType,
  eipFromWire,
  eniFromWire,
  instanceFromWire,
  type EipView,
  type EniView,
  type InstanceView,
} from "@/lib/cloud/resources";
import { describeAll } from "@/lib/cloud/paging";
import { list, obj, str } from "@/lib/cloud/wire";
import { loadCloudCredentials } from "@/lib/cloud/accounts";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";
import { fixHint } from "@/lib/cloud/errors";
import { getProgress as getProgressFn } from "./deployment.service";
import { STOPPED_ONLY_TYPES, type ResourcesRecord } from "./model";
import { deploymentSpecSchema } from "./spec.schema";
import { specWithoutSecrets } from "./secrets";
import { eipResultRows, guestVerdict, type EipResultRow } from "./eip-results";
import type { GuestChecks } from "@/lib/guest/cloud-assistant.service";

// ---------------------------------------------------------------- context

export async function inventoryContext(
  teamId: string,
  cloudAccountId: string,
  regionId: string,
  actorId?: string | null,
): Promise<CloudContext> {
  const creds = await loadCloudCredentials(teamId, cloudAccountId);
  return { db: db(), teamId, creds, regionId, actorType: actorId ? "user" : "system", actorId: actorId ?? null };
}

// ---------------------------------------------------------------- DTOs

export type RegionDto = { regionId: string; name: string };
export type InstanceDto = InstanceView & {
  name: string;
  osName: string;
  primaryIp: string;
  eniCount: number;
  eipCount: number;
};
export type InstanceTypeDto = {
  instanceTypeId: string;
  family: string;
  cpu: number;
  memoryGiB: number;
  eniQuantity: number;
  eniPrivateIpAddressQuantity: number;
  stoppedOnly: boolean;
};
export type VSwitchDto = {
  vSwitchId: string;
  name: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
  availableIpAddressCount: number;
};
export type SecurityGroupDto = { securityGroupId: string; name: string; vpcId: string };
export type Inventory = {
  regionId: string;
  regions: RegionDto[];
  instances: InstanceDto[];
  /** Secondary ENIs of the region (Available ones, and the ones attached to the chosen instance). */
  enis: EniView[];
  vSwitches: VSwitchDto[];
  securityGroups: SecurityGroupDto[];
  eips: EipView[];
  eipTotal: number;
  instanceTypes: InstanceTypeDto[];
  /** The chosen instance, its type's quotas and ENIs. */
  instance: { instance: InstanceDto; type: InstanceTypeDto | null; enis: EniView[] } | null;
  readAt: string;
};

/** Region names in the page's language: without AcceptLanguage the API answers in Chinese ("日本（东京）"). */
async function regions(ctx: CloudContext, locale: Locale = "en"): Promise<RegionDto[]> {
  const body = await cloudCall(ctx, "DescribeRegions", { AcceptLanguage: locale === "ja" ? "ja" : "en-US" });
  return list(body.Regions, "Region").map((r) => ({ regionId: str(r.RegionId), name: str(r.LocalName) }));
}

async function instances(ctx: CloudContext): Promise<InstanceDto[]> {
  const { items } = await describeAll(
    ctx,
    "DescribeInstances",
    { RegionId: ctx.regionId },
    { by: "NextToken", MaxResults: 100 },
    (body) => list(body.Instances, "Instance"),
  );
  return items.map((raw) => {
    const v = instanceFromWire(raw);
    const enis = list(raw.NetworkInterfaces, "NetworkInterface");
    const ips = obj(obj(raw.VpcAttributes).PrivateIpAddress).IpAddress;
    const primaryIp = Array.isArray(ips) ? str(ips[0]) : "";
    const eip = obj(raw.EipAddress);
    return {
      ...v,
      name: str(raw.InstanceName),
      osName: str(raw.OSNameEn) || str(raw.OSName),
      primaryIp,
      eniCount: enis.length || 1,
      eipCount: str(eip.AllocationId) ? 1 : 0,
    };
  });
}

async function instanceTypes(ctx: CloudContext): Promise<InstanceTypeDto[]> {
  const { items } = await describeAll(ctx, "DescribeInstanceTypes", {}, { by: "NextToken", MaxResults: 100 }, (body) =>
    list(body.InstanceTypes, "InstanceType"),
  );
  return items.map((t) => {
    const id = str(t.InstanceTypeId);
    return {
      instanceTypeId: id,
      family: str(t.InstanceTypeFamily),
      cpu: Number(t.CpuCoreCount ?? 0),
      memoryGiB: Number(t.MemorySize ?? 0),
      eniQuantity: Number(t.EniQuantity ?? 0),
      eniPrivateIpAddressQuantity: Number(t.EniPrivateIpAddressQuantity ?? 0),
      stoppedOnly: STOPPED_ONLY_TYPES.has(id),
    };
  });
}

async function vSwitches(ctx: CloudContext): Promise<VSwitchDto[]> {
  const { items } = await describeAll(
    ctx,
    "DescribeVSwitches",
    { RegionId: ctx.regionId },
    { by: "PageNumber", PageSize: 50 },
    (body) =>
      list(body.VSwitches, "VSwitch").map((v) => ({
        vSwitchId: str(v.VSwitchId),
        name: str(v.VSwitchName),
        vpcId: str(v.VpcId),
        zoneId: str(v.ZoneId),
        cidrBlock: str(v.CidrBlock),
        availableIpAddressCount: Number(v.AvailableIpAddressCount ?? 0),
      })),
  );
  return items;
}

async function securityGroups(ctx: CloudContext): Promise<SecurityGroupDto[]> {
  const { items } = await describeAll(
    ctx,
    "DescribeSecurityGroups",
    { RegionId: ctx.regionId },
    { by: "NextToken", MaxResults: 100 },
    (body) =>
      list(body.SecurityGroups, "SecurityGroup").map((g) => ({
        securityGroupId: str(g.SecurityGroupId),
        name: str(g.SecurityGroupName),
        vpcId: str(g.VpcId),
      })),
  );
  return items;
}

async function secondaryEnis(ctx: CloudContext): Promise<EniView[]> {
  const { items } = await describeAll(
    ctx,
    "DescribeNetworkInterfaces",
    { RegionId: ctx.regionId, Type: "Secondary" },
    { by: "NextToken", MaxResults: 500 },
    (body) => list(body.NetworkInterfaceSets, "NetworkInterfaceSet").map(eniFromWire),
  );
  return items;
}

/** Everything the wizard's pickers need for one account + region (+ the chosen instance), in one round trip. */
export async function loadInventory(
  teamId: string,
  q: { cloudAccountId: string; regionId: string; instanceId?: string | null; actorId?: string | null; locale?: Locale },
): Promise<Inventory> {
  const ctx = await inventoryContext(teamId, q.cloudAccountId, q.regionId, q.actorId);
  const [regionList, inst, enis, vsw, sgs, eips, types] = await Promise.all([
    regions(ctx, q.locale),
    instances(ctx),
    secondaryEnis(ctx),
    vSwitches(ctx),
    securityGroups(ctx),
    describeEips(ctx),
    instanceTypes(ctx),
  ]);
  if (!regionList.some((r) => r.regionId === q.regionId))
    throw new UserFacingError(msg("deploy.regionUnknown", { regionId: q.regionId }), {
      code: "REGION_UNKNOWN",
      field: "regionId",
    });
  let chosen: Inventory["instance"] = null;
  const found = q.instanceId ? inst.find((i) => i.instanceId === q.instanceId) : undefined;
  if (found) {
    const [attached, type] = await Promise.all([
      describeEnis(ctx, { instanceId: found.instanceId }),
      types.find((t) => t.instanceTypeId === found.instanceType)
        ? Promise.resolve(null)
        : describeInstanceType(ctx, found.instanceType),
    ]);
    const t =
      types.find((x) => x.instanceTypeId === found.instanceType) ??
      (type
        ? { ...type, family: "", cpu: 0, memoryGiB: 0, stoppedOnly: STOPPED_ONLY_TYPES.has(type.instanceTypeId) }
        : null);
    chosen = { instance: { ...found, eniCount: attached.length || found.eniCount }, type: t, enis: attached };
  }
  return {
    regionId: q.regionId,
    regions: regionList,
    instances: inst,
    enis: enis.filter((e) => e.status === "Available" || (found && e.instanceId === found.instanceId)),
    vSwitches: vsw,
    securityGroups: sgs,
    eips: eips.eips,
    eipTotal: eips.totalCount,
    instanceTypes: types,
    instance: chosen,
    readAt: new Date().toISOString(),
  };
}

/** Finds an EIP by allocation id across the account's regions (to explain "that EIP is in another region"). */
export async function locateEip(
  teamId: string,
  q: { cloudAccountId: string; regionId: string; allocationId: string; actorId?: string | null },
): Promise<EipView | null> {
  const ctx = await inventoryContext(teamId, q.cloudAccountId, q.regionId, q.actorId);
  const here = await describeEips(ctx, [q.allocationId]);
  if (here.eips[0]) return here.eips[0];
  for (const r of await regions(ctx)) {
    if (r.regionId === q.regionId) continue;
    const there = await describeEips({ ...ctx, regionId: r.regionId }, [q.allocationId]).catch(() => ({
      eips: [] as EipView[],
    }));
    if (there.eips[0]) return { ...there.eips[0], regionId: there.eips[0].regionId || r.regionId };
  }
  return null;
}

// ---------------------------------------------------------------- per-EIP check

export type EipCheck = {
  specIndex: number;
  allocationId: string;
  ipAddress: string;
  privateIp: string;
  /** Cloud side: the EIP is InUse, in NAT mode, bound to this ENI and private IP, and the ENI is on the instance. */
  cloud: "pass" | "fail";
  status: string;
  mode: string;
  boundTo: string;
  detail: string;
  /** Guest side: needs Cloud Assistant (verify.sh run on the instance). */
  guest: "pass" | "fail" | "not_run";
};
/** `guest`: the latest guest verification (lib/guest, verify.sh through Cloud Assistant), kept across cloud checks. */
export type Checks = { checkedAt: string; eniOnInstance: boolean; results: EipCheck[]; guest?: GuestChecks };

/** Reads the live state of a deployment's EIPs and records one result per EIP (deployment.checks). */
export async function verifyDeployment(teamId: string, id: string, actorId?: string | null): Promise<Checks> {
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: { id: true, spec: true, resources: true, cloudAccountId: true, status: true },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  const spec = deploymentSpecSchema.parse(d.spec);
  const guestOf = async () =>
    ((await db().deployment.findFirst({ where: { id, teamId }, select: { checks: true } }))?.checks as Checks | null)
      ?.guest;
  const record = (d.resources ?? {}) as ResourcesRecord;
  if (!d.cloudAccountId) throw new UserFacingError(msg("deploy.noAccount"), { code: "NO_ACCOUNT" });
  const ctx = { ...(await inventoryContext(teamId, d.cloudAccountId, spec.regionId, actorId)), deploymentId: id };
  const ours = (record.eips ?? []).filter((e) => e.allocationId);
  const [eips, enis] = await Promise.all([
    describeEips(
      ctx,
      ours.map((e) => e.allocationId),
    ),
    record.eniId ? describeEnis(ctx, { ids: [record.eniId] }) : Promise.resolve([] as EniView[]),
  ]);
  const eni = enis[0];
  const eniOnInstance = !!eni && !!record.instanceId && eni.instanceId === record.instanceId && eni.status === "InUse";
  const results: EipCheck[] = ours.map((e) => {
    const l = eips.eips.find((x) => x.allocationId === e.allocationId);
    const boundTo = l?.instanceId ? `${l.instanceId}/${l.privateIpAddress}` : "";
    const ok =
      !!l &&
      l.status === "InUse" &&
      l.mode === "NAT" &&
      l.instanceId === record.eniId &&
      l.privateIpAddress === e.privateIp &&
      eniOnInstance;
    const detail = !l
      ? "EIP not found"
      : ok
        ? "InUse · NAT"
        : l.status !== "InUse"
          ? `status ${l.status}`
          : l.instanceId !== record.eniId || l.privateIpAddress !== e.privateIp
            ? `bound to ${boundTo || "nothing"}`
            : !eniOnInstance
              ? "ENI not attached to the instance"
              : `mode ${l.mode || "?"}`;
    return {
      specIndex: e.specIndex,
      allocationId: e.allocationId,
      ipAddress: l?.ipAddress ?? e.ipAddress,
      privateIp: e.privateIp,
      cloud: ok ? "pass" : "fail",
      status: l?.status ?? "absent",
      mode: l?.mode ?? "",
      boundTo,
      detail,
      guest: "not_run",
    };
  });
  // The guest verification is not this check's to forget: keep the latest one (read after the
  // cloud calls, so a verify.sh that finished meanwhile is not lost) and show its verdict per EIP.
  const guest = await guestOf();
  for (const r of results) {
    const g = guestVerdict(guest, r.privateIp).verdict;
    r.guest = g === "pass" || g === "fail" ? g : "not_run";
  }
  const checks: Checks = { checkedAt: new Date().toISOString(), eniOnInstance, results, ...(guest ? { guest } : {}) };
  await db().deployment.updateMany({ where: { id, teamId }, data: { checks: checks as never } });
  return checks;
}

// ---------------------------------------------------------------- dashboard

export type DashboardRow = {
  id: string;
  name: string;
  status: string;
  phase: string;
  regionId: string | null;
  instanceId: string | null;
  eniId: string | null;
  eips: string[];
  eipCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
};

/** The team's deployments, newest first, with who created them and their EIPs. */
export async function listDeploymentsForDashboard(teamId: string, take = 2000): Promise<DashboardRow[]> {
  const rows = await db().deployment.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      name: true,
      status: true,
      phase: true,
      regionId: true,
      instanceId: true,
      eniId: true,
      resources: true,
      spec: true,
      createdById: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  const userIds = [...new Set(rows.map((r) => r.createdById).filter((x): x is string => !!x))];
  const users = userIds.length
    ? await db().user.findMany({
        where: { id: { in: userIds }, members: { some: { organizationId: teamId } } },
        select: { id: true, name: true, email: true },
      })
    : [];
  const who = new Map(users.map((u) => [u.id, u.name || u.email]));
  return rows.map((r) => {
    const rec = (r.resources ?? {}) as ResourcesRecord;
    const spec = (r.spec ?? {}) as { eips?: unknown[]; instance?: { instanceId?: string } };
    const eips = (rec.eips ?? []).map((e) => e.ipAddress).filter(Boolean);
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      phase: r.phase,
      regionId: r.regionId,
      instanceId: r.instanceId ?? spec.instance?.instanceId ?? null,
      eniId: r.eniId,
      eips,
      eipCount: eips.length || (Array.isArray(spec.eips) ? spec.eips.length : 0),
      createdBy: r.createdById ? (who.get(r.createdById) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}

export { eipFromWire };

// ---------------------------------------------------------------- deployment page

export type ScriptMeta = {
  version: number;
  os: string;
  sha256: string;
  createdAt: string;
  files: Array<{ path: string; sha256: string; mode: string; size: number }>;
};
export type DeploymentView = Awaited<ReturnType<typeof getProgressFn>> & {
  descriptions: Record<string, { en: string; ja: string }>;
  checks: Checks | null;
  /** What "Results per EIP" shows (association, cloud check, guest check), current for the deployment's state. */
  eipResults: EipResultRow[];
  scripts: ScriptMeta[];
  spec: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
  preflight: unknown;
};

function plannedEips(spec: unknown): Array<{ allocationId?: string; privateIp?: string }> {
  const eips = (spec as { eips?: unknown } | null)?.eips;
  return Array.isArray(eips)
    ? eips.map((e) => ({
        allocationId: typeof e?.allocationId === "string" ? e.allocationId : undefined,
        privateIp: typeof e?.privateIp === "string" ? e.privateIp : undefined,
      }))
    : [];
}

/** Progress plus what the page shows around it (plan descriptions, checks, script versions). Team-scoped. */
export async function getDeploymentView(teamId: string, id: string): Promise<DeploymentView> {
  const progress = await getProgressFn(teamId, id);
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: {
      plan: true,
      checks: true,
      spec: true,
      createdById: true,
      createdAt: true,
      preflight: true,
      scripts: {
        orderBy: { version: "desc" },
        select: { version: true, os: true, sha256: true, createdAt: true, files: true },
      },
    },
  });
  if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
  const descriptions: DeploymentView["descriptions"] = {};
  const plans = (d.plan ?? {}) as Record<
    string,
    { steps?: Array<{ key: string; description?: { en: string; ja: string } }> } | undefined
  >;
  for (const phase of ["apply", "teardown"])
    for (const s of plans[phase]?.steps ?? []) if (s.description) descriptions[`${phase}:${s.key}`] = s.description;
  const user = d.createdById
    ? await db().user.findFirst({ where: { id: d.createdById }, select: { name: true, email: true } })
    : null;
  // The cloud's code → our fix hint (en/ja), for the deployment error and each failed step.
  const withHint = (e: unknown) =>
    e && typeof e === "object" && "code" in e
      ? { ...(e as object), hint: fixHint(String((e as { code: unknown }).code)) }
      : e;
  return {
    ...progress,
    error: withHint(progress.error),
    steps: progress.steps.map((st) => ({ ...st, error: withHint(st.error) })),
    descriptions,
    checks: (d.checks ?? null) as Checks | null,
    eipResults: eipResultRows({
      status: progress.status,
      phase: progress.phase,
      resources: progress.resources,
      steps: progress.steps,
      checks: d.checks,
      planned: plannedEips(d.spec),
    }),
    scripts: d.scripts.map((s) => ({
      version: s.version,
      os: s.os,
      sha256: s.sha256,
      createdAt: s.createdAt.toISOString(),
      files: ((s.files ?? []) as Array<{ path: string; sha256: string; mode: string; content: string }>).map((f) => ({
        path: f.path,
        sha256: f.sha256,
        mode: f.mode,
        size: f.content.length,
      })),
    })),
    spec: specWithoutSecrets((d.spec ?? {}) as Record<string, unknown>),
    createdBy: user ? user.name || user.email : null,
    createdAt: d.createdAt.toISOString(),
    preflight: d.preflight ?? null,
  };
}

/** One stored bundle version's files (for the per-file view and the downloads). */
export async function getRouteScriptFiles(teamId: string, id: string, version?: number) {
  const d = await db().deployment.findFirst({ where: { id, teamId }, select: { id: true, name: true } });
  if (!d) return null;
  const s = await db().routeScript.findFirst({
    where: { deploymentId: d.id, ...(version ? { version } : {}) },
    orderBy: { version: "desc" },
    select: { version: true, os: true, sha256: true, files: true },
  });
  if (!s) return null;
  return {
    name: d.name,
    version: s.version,
    os: s.os,
    sha256: s.sha256,
    files: (s.files ?? []) as Array<{ path: string; content: string; mode: string; sha256: string }>,
  };
}
