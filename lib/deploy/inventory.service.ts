import "server-only";
// Read helpers for the wizard's pickers (instances, ENIs, vSwitches, security groups, EIPs,
// instance-type quotas), all through cloudCall so every read is audited. Nothing here changes
// the cloud. The deployment page's reads live in deployment-view.service.ts, the dashboard's in
// dashboard.queries.ts, the bundle downloads in bundle-files.service.ts.
import { db } from "@/lib/db/client";
import { cloudCall, type CloudContext } from "@/lib/cloud/call";
import {
  describeEips,
  describeEnis,
  describeInstanceType,
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
import { STOPPED_ONLY_TYPES } from "./model";
import { readRetryPolicy } from "./deployment.service";

// ---------------------------------------------------------------- context

export async function inventoryContext(
  teamId: string,
  cloudAccountId: string,
  regionId: string,
  actorId?: string | null,
): Promise<CloudContext> {
  const creds = await loadCloudCredentials(teamId, cloudAccountId);
  return {
    db: db(),
    teamId,
    creds,
    regionId,
    actorType: actorId ? "user" : "system",
    actorId: actorId ?? null,
    readRetry: readRetryPolicy(),
  };
}

// ---------------------------------------------------------------- DTOs

export type RegionDto = { regionId: string; name: string };
export type InstanceTagDto = { key: string; value: string };
export type InstanceDto = InstanceView & {
  name: string;
  osName: string;
  primaryIp: string;
  eniCount: number;
  eipCount: number;
  /** The instance's resource tags (`Tag.N`): a fleet picks its members by them. */
  tags: InstanceTagDto[];
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
      tags: list(raw.Tags, "Tag")
        .map((t) => ({ key: str(t.TagKey), value: str(t.TagValue) }))
        .filter((t) => t.key !== ""),
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
