// Typed, normalised reads of the live state EIPilot needs (instances, instance
// types, ENIs, EIPs, vSwitches). Everything goes through cloudCall.
import { cloudCall, type CloudContext } from "./call";
import { describeAll } from "./paging";
import { arr, list, obj, str, type Obj } from "./wire";

export type InstanceView = {
  instanceId: string;
  regionId: string;
  zoneId: string;
  vpcId: string;
  vSwitchId: string;
  instanceType: string;
  status: string;
  imageId: string;
  osType: string;
};

export type InstanceTypeView = { instanceTypeId: string; eniQuantity: number; eniPrivateIpAddressQuantity: number };

export type PrivateIpView = { ip: string; primary: boolean; eipAllocationId: string | null; eipAddress: string | null };

export type EniView = {
  networkInterfaceId: string;
  status: string;
  type: string;
  instanceId: string;
  vpcId: string;
  vSwitchId: string;
  zoneId: string;
  macAddress: string;
  primaryIp: string;
  privateIps: PrivateIpView[];
  securityGroupIds: string[];
  /** The attachment's device index (0 = the primary ENI, 1 = eth1 …); absent when not attached. */
  deviceIndex?: number;
};

export type EipView = {
  allocationId: string;
  ipAddress: string;
  regionId: string;
  status: string;
  instanceType: string;
  instanceId: string;
  privateIpAddress: string;
  mode: string;
  chargeType: string;
  internetChargeType: string;
  bandwidth: string;
};

export type VSwitchView = {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
  availableIpAddressCount: number;
};

export function instanceFromWire(i: Obj): InstanceView {
  const vpc = obj(i.VpcAttributes);
  return {
    instanceId: str(i.InstanceId),
    regionId: str(i.RegionId),
    zoneId: str(i.ZoneId),
    vpcId: str(vpc.VpcId),
    vSwitchId: str(vpc.VSwitchId),
    instanceType: str(i.InstanceType),
    status: str(i.Status),
    imageId: str(i.ImageId),
    osType: str(i.OSType),
  };
}

export function eniFromWire(e: Obj): EniView {
  return {
    networkInterfaceId: str(e.NetworkInterfaceId),
    status: str(e.Status),
    type: str(e.Type),
    instanceId: str(e.InstanceId),
    vpcId: str(e.VpcId),
    vSwitchId: str(e.VSwitchId),
    zoneId: str(e.ZoneId),
    macAddress: str(e.MacAddress),
    primaryIp: str(e.PrivateIpAddress),
    privateIps: list(e.PrivateIpSets, "PrivateIpSet").map((p) => {
      const pub = obj(p.AssociatedPublicIp);
      return {
        ip: str(p.PrivateIpAddress),
        primary: p.Primary === true || p.Primary === "true",
        eipAllocationId: str(pub.AllocationId) || null,
        eipAddress: str(pub.PublicIpAddress) || null,
      };
    }),
    securityGroupIds: arr(obj(e.SecurityGroupIds).SecurityGroupId).map(str),
    ...(obj(e.Attachment).DeviceIndex !== undefined ? { deviceIndex: Number(obj(e.Attachment).DeviceIndex) } : {}),
  };
}

export function eipFromWire(e: Obj): EipView {
  return {
    allocationId: str(e.AllocationId),
    ipAddress: str(e.IpAddress),
    regionId: str(e.RegionId),
    status: str(e.Status),
    instanceType: str(e.InstanceType),
    instanceId: str(e.InstanceId),
    privateIpAddress: str(e.PrivateIpAddress),
    mode: str(e.Mode),
    chargeType: str(e.ChargeType),
    internetChargeType: str(e.InternetChargeType),
    bandwidth: str(e.Bandwidth),
  };
}

export async function describeInstances(ctx: CloudContext, ids: string[]): Promise<InstanceView[]> {
  if (!ids.length) return [];
  const body = await cloudCall(ctx, "DescribeInstances", {
    RegionId: ctx.regionId,
    InstanceIds: JSON.stringify(ids),
    MaxResults: 100,
  });
  return list(body.Instances, "Instance").map(instanceFromWire);
}

export async function describeInstanceType(ctx: CloudContext, type: string): Promise<InstanceTypeView | null> {
  const body = await cloudCall(ctx, "DescribeInstanceTypes", { InstanceTypes: [type] });
  const t = list(body.InstanceTypes, "InstanceType").find((x) => x.InstanceTypeId === type);
  return t
    ? {
        instanceTypeId: type,
        eniQuantity: Number(t.EniQuantity ?? 0),
        eniPrivateIpAddressQuantity: Number(t.EniPrivateIpAddressQuantity ?? 0),
      }
    : null;
}

/** ENIs by id (≤100) or attached to an instance. Follows NextToken. */
export async function describeEnis(
  ctx: CloudContext,
  q: { ids?: string[]; instanceId?: string; privateIps?: string[]; vpcId?: string },
): Promise<EniView[]> {
  if (q.ids && !q.ids.length) return [];
  const { items } = await describeAll(
    ctx,
    "DescribeNetworkInterfaces",
    {
      RegionId: ctx.regionId,
      NetworkInterfaceId: q.ids,
      InstanceId: q.instanceId,
      PrivateIpAddress: q.privateIps,
      VpcId: q.vpcId,
    },
    { by: "NextToken", MaxResults: 500 },
    (body) => list(body.NetworkInterfaceSets, "NetworkInterfaceSet").map(eniFromWire),
  );
  return items;
}

/**
 * Every ENI of a VPC (the region's listing with a VpcId filter, 500 per page, in the cloud's order), or
 * null when it takes more than `maxPages` pages (the caller reads otherwise: the listing would cost more).
 */
export async function describeVpcEnis(ctx: CloudContext, vpcId: string, maxPages: number): Promise<EniView[] | null> {
  const out: EniView[] = [];
  let next: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const body = await cloudCall(ctx, "DescribeNetworkInterfaces", {
      RegionId: ctx.regionId,
      VpcId: vpcId,
      MaxResults: 500,
      NextToken: next,
    });
    out.push(...list(body.NetworkInterfaceSets, "NetworkInterfaceSet").map(eniFromWire));
    next = str(body.NextToken) || undefined;
    if (!next) return out;
  }
  return null;
}

/** EIPs by allocation id (comma-joined, ≤50 per call), or every EIP of the region. */
export async function describeEips(
  ctx: CloudContext,
  ids?: string[],
): Promise<{ eips: EipView[]; totalCount: number }> {
  if (ids && !ids.length) return { eips: [], totalCount: 0 };
  if (ids) {
    const eips: EipView[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const body = await cloudCall(ctx, "DescribeEipAddresses", {
        RegionId: ctx.regionId,
        AllocationId: ids.slice(i, i + 50).join(","),
        PageSize: 50,
      });
      eips.push(...list(body.EipAddresses, "EipAddress").map(eipFromWire));
    }
    return { eips, totalCount: eips.length };
  }
  const { items, totalCount } = await describeAll(
    ctx,
    "DescribeEipAddresses",
    { RegionId: ctx.regionId },
    { by: "PageNumber", PageSize: 100 },
    (body) => list(body.EipAddresses, "EipAddress").map(eipFromWire),
  );
  return { eips: items, totalCount };
}

export async function describeVSwitch(ctx: CloudContext, vSwitchId: string): Promise<VSwitchView | null> {
  const body = await cloudCall(ctx, "DescribeVSwitches", { RegionId: ctx.regionId, VSwitchId: vSwitchId });
  const v = list(body.VSwitches, "VSwitch").find((x) => x.VSwitchId === vSwitchId);
  return v
    ? {
        vSwitchId,
        vpcId: str(v.VpcId),
        zoneId: str(v.ZoneId),
        cidrBlock: str(v.CidrBlock),
        availableIpAddressCount: Number(v.AvailableIpAddressCount ?? 0),
      }
    : null;
}
