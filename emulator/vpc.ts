// VPC (2016-04-28) actions: VPCs, vSwitches and EIPs.
import { err, invalid, missing } from "./errors";
import { creationFilter, localNameFor, pageByNumber } from "./describe";
import { Engine, bindingVpcId, isoNow, type Body } from "./engine";
import { cidrOverlaps, cidrWithin, gatewayOf, parseCidr } from "./ip";
import type { EipRec } from "./model";
import { tagFilter, tagsParam } from "./tags";
import { wrap, type Handler } from "./wire";

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

function eipById(e: Engine, id: string, regionId?: string): EipRec {
  const eip = e.world.eips[id];
  if (!eip || (regionId && eip.regionId !== regionId))
    throw err(404, "InvalidAllocationId.NotFound", `The specified AllocationId "${id}" does not exist.`);
  return eip;
}

function eipView(e: Engine, x: EipRec): Body {
  const b = x.binding;
  const vpcId = b ? (bindingVpcId(e.world, b) ?? "") : "";
  return {
    AllocationId: x.allocationId,
    IpAddress: x.ipAddress,
    Name: x.name,
    Description: x.description,
    RegionId: x.regionId,
    Status: x.status,
    AllocationTime: x.allocationTime,
    InstanceId: b?.instanceId ?? "",
    InstanceType: b?.instanceType ?? "",
    InstanceRegionId: b ? x.regionId : "",
    PrivateIpAddress: b?.privateIpAddress ?? "",
    Mode: b?.mode ?? "",
    VpcId: vpcId,
    Bandwidth: x.bandwidth,
    EipBandwidth: x.bandwidth,
    InternetChargeType: x.internetChargeType,
    ChargeType: x.chargeType,
    ExpiredTime: "",
    ISP: x.isp,
    Netmode: "public",
    BandwidthPackageId: "",
    BandwidthPackageBandwidth: "",
    BandwidthPackageType: "",
    BizType: "",
    BusinessStatus: "Normal",
    DeletionProtection: false,
    HDMonitorStatus: "OFF",
    HasReservationData: "false",
    ResourceGroupId: "rg-acfmdemo0000000",
    SecondLimited: false,
    SegmentInstanceId: "",
    PublicIpAddressPoolId: "",
    ServiceManaged: 0,
    Zone: "",
    SecurityProtectionTypes: wrap("SecurityProtectionType", []),
    OperationLocks: wrap("LockReason", []),
    Tags: wrap(
      "Tag",
      (x.tags ?? []).map((t) => ({ Key: t.key, Value: t.value })),
    ),
  };
}

/** Only queries are allowed while an EIP is in a transitional status. */
function requireSettled(x: EipRec, wanted: EipRec["status"], action: string) {
  if (x.status === "Associating" || x.status === "Unassociating" || x.status === "Releasing")
    throw err(
      400,
      "TaskConflict",
      `The EIP ${x.allocationId} is ${x.status}; ${action} is not allowed until the current operation completes.`,
    );
  if (x.status !== wanted)
    throw err(
      400,
      "IncorrectEipStatus",
      `The EIP ${x.allocationId} is ${x.status}; ${action} requires status ${wanted}.`,
    );
}

export const vpcActions: Record<string, Handler> = {
  DescribeRegions(e, p) {
    return {
      Regions: wrap(
        "Region",
        e.world.regions.map((r) => ({
          RegionId: r.regionId,
          LocalName: localNameFor(p, r),
          RegionEndpoint: `vpc.${r.regionId}.aliyuncs.com`,
        })),
      ),
    };
  },

  DescribeZones(e, p) {
    const regionId = e.regionParam(p)!;
    return {
      Zones: wrap(
        "Zone",
        e
          .region(regionId)!
          .zones.map((z) => ({ ZoneId: z.zoneId, LocalName: localNameFor(p, z), ZoneType: "AvailabilityZone" })),
      ),
    };
  },

  CreateVpc(e, p) {
    const regionId = e.regionParam(p)!;
    const cidrText = p.str("CidrBlock") ?? "172.16.0.0/12";
    const c = parseCidr(cidrText);
    if (!c || !PRIVATE_RANGES.some((r) => cidrWithin(c, r)) || c.prefix < 8 || c.prefix > 28)
      throw err(
        400,
        "InvalidCidrBlock.Malformed",
        `The specified CidrBlock "${cidrText}" is not valid: use 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or a subnet of them (mask 8 to 28).`,
      );
    const dryRun = p.bool("DryRun");
    const stored = e.tokenLookup("vpc", "CreateVpc", p);
    if (stored) return stored;
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    const id = e.newId("vpc", regionId);
    const vrt = e.newId("vrt", regionId);
    const vtb = e.newId("vtb", regionId);
    e.world.vpcs[id] = {
      vpcId: id,
      regionId,
      cidrBlock: cidrText,
      vpcName: p.str("VpcName") ?? "",
      description: p.str("Description") ?? "",
      isDefault: false,
      vRouterId: vrt,
      routeTableId: vtb,
      creationTime: isoNow(e.now()),
    };
    const body = { VpcId: id, VRouterId: vrt, RouteTableId: vtb, ResourceGroupId: "rg-acfmdemo0000000" };
    e.tokenStore("vpc", "CreateVpc", p, body);
    return body;
  },

  DescribeVpcs(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p
      .str("VpcId")
      ?.split(",")
      .map((s) => s.trim());
    if (ids && ids.length > 20) throw invalid("VpcId", "At most 20 ids.");
    const name = p.str("VpcName");
    const pager = pageByNumber(p, 50);
    const list = Object.values(e.world.vpcs).filter(
      (v) => v.regionId === regionId && (!ids || ids.includes(v.vpcId)) && (!name || v.vpcName === name),
    );
    const page = pager(list);
    return {
      ...page.extra,
      Vpcs: wrap(
        "Vpc",
        page.items.map((v) => ({
          VpcId: v.vpcId,
          VpcName: v.vpcName,
          RegionId: v.regionId,
          Status: "Available",
          CidrBlock: v.cidrBlock,
          SecondaryCidrBlocks: wrap("SecondaryCidrBlock", []),
          UserCidrs: wrap("UserCidr", []),
          Ipv6CidrBlock: "",
          Ipv6CidrBlocks: wrap("Ipv6CidrBlock", []),
          EnabledIpv6: false,
          VRouterId: v.vRouterId,
          RouterTableIds: wrap("RouterTableIds", [v.routeTableId]),
          VSwitchIds: wrap(
            "VSwitchId",
            Object.values(e.world.vswitches)
              .filter((s) => s.vpcId === v.vpcId)
              .map((s) => s.vSwitchId),
          ),
          NatGatewayIds: wrap("NatGatewayIds", []),
          IsDefault: v.isDefault,
          Description: v.description,
          CreationTime: v.creationTime,
          OwnerId: Number(e.world.ownerId),
          ResourceGroupId: "rg-acfmdemo0000000",
          CenStatus: "",
          DhcpOptionsSetId: "",
          DhcpOptionsSetStatus: "",
          DnsHostnameStatus: "DISABLED",
          Tags: wrap("Tag", []),
        })),
      ),
    };
  },

  CreateVSwitch(e, p) {
    const regionId = e.regionParam(p)!;
    const zoneId = p.req("ZoneId");
    const cidrText = p.req("CidrBlock");
    const vpcId = p.req("VpcId");
    const c = parseCidr(cidrText);
    if (!c || c.prefix < 16 || c.prefix > 29)
      throw err(
        400,
        "InvalidCidrBlock.Malformed",
        `The specified CidrBlock "${cidrText}" is not valid (mask 16 to 29).`,
      );
    const vpc = e.world.vpcs[vpcId];
    if (!vpc || vpc.regionId !== regionId)
      throw err(404, "InvalidVpcId.NotFound", `The specified VpcId "${vpcId}" does not exist.`);
    if (!e.zoneOf(regionId, zoneId))
      throw err(400, "InvalidZoneId.NotFound", `The specified ZoneId "${zoneId}" does not exist in ${regionId}.`);
    if (!cidrWithin(c, parseCidr(vpc.cidrBlock)!))
      throw err(
        400,
        "InvalidCidrBlock.Malformed",
        `The CIDR block ${cidrText} is not inside the VPC CIDR block ${vpc.cidrBlock}.`,
      );
    const stored = e.tokenLookup("vpc", "CreateVSwitch", p);
    if (stored) return stored;
    for (const s of Object.values(e.world.vswitches))
      if (s.vpcId === vpcId && cidrOverlaps(c, parseCidr(s.cidrBlock)!))
        throw err(
          400,
          "InvalidCidrBlock.Overlapped",
          `The CIDR block ${cidrText} overlaps the CIDR block of ${s.vSwitchId}.`,
        );
    const id = e.newId("vsw", regionId);
    e.world.vswitches[id] = {
      vSwitchId: id,
      vpcId,
      regionId,
      zoneId,
      cidrBlock: cidrText,
      vSwitchName: p.str("VSwitchName") ?? "",
      description: p.str("Description") ?? "",
      creationTime: isoNow(e.now()),
    };
    const body = { VSwitchId: id };
    e.tokenStore("vpc", "CreateVSwitch", p, body);
    return body;
  },

  DescribeVSwitches(e, p) {
    const regionId = e.regionParam(p, false);
    const vpcId = p.str("VpcId");
    if (!regionId && !vpcId) throw missing("RegionId");
    const ids = p
      .str("VSwitchId")
      ?.split(",")
      .map((s) => s.trim());
    const zone = p.str("ZoneId");
    const name = p.str("VSwitchName");
    const pager = pageByNumber(p, 50);
    const list = Object.values(e.world.vswitches).filter(
      (s) =>
        (!regionId || s.regionId === regionId) &&
        (!vpcId || s.vpcId === vpcId) &&
        (!ids || ids.includes(s.vSwitchId)) &&
        (!zone || s.zoneId === zone) &&
        (!name || s.vSwitchName === name),
    );
    const page = pager(list);
    return {
      ...page.extra,
      VSwitches: wrap(
        "VSwitch",
        page.items.map((s) => ({
          VSwitchId: s.vSwitchId,
          VSwitchName: s.vSwitchName,
          VpcId: s.vpcId,
          ZoneId: s.zoneId,
          CidrBlock: s.cidrBlock,
          Ipv6CidrBlock: "",
          EnabledIpv6: false,
          AvailableIpAddressCount: e.availableIpCount(s.vSwitchId),
          Status: "Available",
          IsDefault: false,
          Description: s.description,
          CreationTime: s.creationTime,
          OwnerId: Number(e.world.ownerId),
          ResourceGroupId: "rg-acfmdemo0000000",
          NetworkAclId: "",
          ShareType: "",
          RouteTable: { RouteTableId: e.world.vpcs[s.vpcId]?.routeTableId ?? "", RouteTableType: "System" },
          Tags: wrap("Tag", []),
          // not in the real response; handy for guests: the gateway is the third-from-last address
          GatewayIp: gatewayOf(parseCidr(s.cidrBlock)!),
        })),
      ),
    };
  },

  AllocateEipAddress(e, p) {
    const regionId = e.regionParam(p)!;
    const charge = p.oneOf("InternetChargeType", ["PayByBandwidth", "PayByTraffic"] as const, "PayByBandwidth")!;
    const instCharge = p.oneOf("InstanceChargeType", ["PostPaid", "PrePaid"] as const, "PostPaid")!;
    if (instCharge === "PrePaid")
      throw err(400, "InvalidParameter", "The emulator only supports pay-as-you-go (PostPaid) EIPs.");
    const bwText = p.str("Bandwidth") ?? "5";
    const bw = Number(bwText);
    const max = charge === "PayByTraffic" ? 200 : 500;
    if (!/^\d+$/.test(bwText) || bw < 1 || bw > max)
      throw err(
        400,
        "InvalidBandwidth.Malformed",
        `The specified Bandwidth "${bwText}" is not valid (1 to ${max} Mbit/s for ${charge}).`,
      );
    const name = p.str("Name") ?? "";
    if (name.length > 128) throw invalid("Name", "At most 128 characters.");
    const tags = tagsParam(p);
    const stored = e.tokenLookup("vpc", "AllocateEipAddress", p);
    if (stored) return stored;
    const used = Object.values(e.world.eips).filter((x) => x.regionId === regionId).length;
    if (used >= e.world.quotas.eipPerRegion)
      throw err(
        400,
        "QuotaExceeded.Eip",
        `The maximum number of EIPs (${e.world.quotas.eipPerRegion}) has been reached.`,
      );
    const ip = e.allocPublicIp(p.str("IpAddress"));
    const id = e.newId("eip", regionId);
    e.world.eips[id] = {
      allocationId: id,
      regionId,
      ipAddress: ip,
      status: "Available",
      bandwidth: String(bw),
      internetChargeType: charge,
      chargeType: "PostPaid",
      isp: p.str("ISP") ?? "BGP",
      name,
      description: p.str("Description") ?? "",
      allocationTime: isoNow(e.now()),
      binding: null,
      tags,
    };
    // OrderId (a number) comes only with subscription (PrePaid) EIPs.
    const body = { AllocationId: id, EipAddress: ip, ResourceGroupId: "rg-acfmdemo0000000" };
    e.tokenStore("vpc", "AllocateEipAddress", p, body);
    return body;
  },

  ReleaseEipAddress(e, p) {
    const regionId = e.regionParam(p, false);
    const eip = eipById(e, p.req("AllocationId"), regionId);
    requireSettled(eip, "Available", "ReleaseEipAddress");
    eip.status = "Releasing";
    e.schedule("eip.released", eip.allocationId, e.latencies.eipRelease);
    return {};
  },

  DescribeEipAddresses(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p
      .str("AllocationId")
      ?.split(",")
      .map((s) => s.trim());
    const ips = p
      .str("EipAddress")
      ?.split(",")
      .map((s) => s.trim());
    if ((ids && ids.length > 50) || (ips && ips.length > 50)) throw invalid("AllocationId", "At most 50 values.");
    const status = p.oneOf("Status", ["Associating", "Unassociating", "InUse", "Available", "Releasing"] as const);
    const atype = p.str("AssociatedInstanceType");
    if (atype && !["EcsInstance", "SlbInstance", "Nat", "HaVip", "NetworkInterface", "IpAddress"].includes(atype))
      throw err(
        400,
        "InvalidIAssociatedInstanceType.ValueNotSupported",
        `The specified AssociatedInstanceType "${atype}" is not supported.`,
      );
    const aid = p.str("AssociatedInstanceId");
    const name = p.str("EipName");
    const chargeType = p.str("ChargeType");
    if (chargeType && chargeType !== "PostPaid" && chargeType !== "PrePaid")
      throw err(
        400,
        "InvalidChargeType.ValueNotSupported",
        `The specified ChargeType "${chargeType}" is not supported (PostPaid or PrePaid).`,
      );
    const isp = p.str("ISP");
    const created = creationFilter(p);
    const tagged = tagFilter(p);
    const pager = pageByNumber(p, 100);
    const list = Object.values(e.world.eips).filter(
      (x) =>
        x.regionId === regionId &&
        (!ids || ids.includes(x.allocationId)) &&
        (!ips || ips.includes(x.ipAddress)) &&
        (!status || x.status === status) &&
        (!atype || x.binding?.instanceType === atype) &&
        (!aid || x.binding?.instanceId === aid) &&
        (!name || x.name === name) &&
        (!chargeType || x.chargeType === chargeType) &&
        (!isp || x.isp === isp) &&
        created(x.allocationTime) &&
        tagged(x.tags),
    );
    const page = pager(list);
    return {
      ...page.extra,
      EipAddresses: wrap(
        "EipAddress",
        page.items.map((x) => eipView(e, x)),
      ),
    };
  },

  AssociateEipAddress(e, p) {
    const regionId = e.regionParam(p, false);
    const allocationId = p.req("AllocationId");
    const targetId = p.req("InstanceId");
    const type = p.str("InstanceType") ?? "EcsInstance";
    if (!["EcsInstance", "NetworkInterface", "SlbInstance", "Nat", "HaVip", "IpAddress"].includes(type))
      throw err(400, "InvalidInstanceType.ValueNotSupported", `The specified InstanceType "${type}" is not supported.`);
    if (type !== "EcsInstance" && type !== "NetworkInterface")
      throw err(400, "InstanceType.NotSupport", `The emulator supports EcsInstance and NetworkInterface targets only.`);
    const mode = p.str("Mode") ?? "NAT";
    if (!["NAT", "MULTI_BINDED", "BINDED"].includes(mode))
      throw err(400, "IllegalParam.Mode", `The specified Mode "${mode}" is not valid.`);
    // A retry returns the first result, whatever became of the EIP since.
    const stored = e.tokenLookup("vpc", "AssociateEipAddress", p);
    if (stored) return stored;
    const eip = eipById(e, allocationId, regionId);
    requireSettled(eip, "Available", "AssociateEipAddress");
    let privateIp: string;
    let vpcId: string;
    if (type === "EcsInstance") {
      const inst = e.world.instances[targetId];
      if (!inst) throw err(404, "InvalidInstanId.NotFound", `The specified instance "${targetId}" does not exist.`);
      if (inst.regionId !== eip.regionId)
        throw err(400, "InvalidParameter.Mismatch", "The EIP and the instance are not in the same region.");
      if (inst.status !== "Running" && inst.status !== "Stopped")
        throw err(400, "IncorrectInstanceStatus", `The instance is ${inst.status}; it must be Running or Stopped.`);
      const primary = e.world.enis[inst.primaryEniId]!;
      privateIp = primary.primaryIp;
      vpcId = inst.vpcId;
      if (mode !== "NAT") throw err(400, "Mode.NotSupport", "Only NAT mode is supported for ECS instances.");
      const pip = p.str("PrivateIpAddress");
      if (pip && pip !== privateIp)
        throw err(400, "InvalidParameter", `The private IP ${pip} is not the primary private IP of the instance.`);
      if (
        Object.values(e.world.eips).some(
          (x) => x.binding?.instanceType === "EcsInstance" && x.binding.instanceId === inst.instanceId,
        ) ||
        e.eipOnIp(privateIp, vpcId)
      )
        throw err(400, "InvalidAssociation.Duplicated", `The instance ${inst.instanceId} already has an EIP.`);
      eip.binding = {
        instanceType: "EcsInstance",
        instanceId: inst.instanceId,
        privateIpAddress: privateIp,
        mode: "NAT",
      };
    } else {
      const eni = e.world.enis[targetId];
      if (!eni) throw err(404, "InvalidInstanId.NotFound", `The specified ENI "${targetId}" does not exist.`);
      if (eni.regionId !== eip.regionId)
        throw err(400, "InvalidParameter.Mismatch", "The EIP and the ENI are not in the same region.");
      if (eni.status !== "Available" && eni.status !== "InUse")
        throw err(
          400,
          "InvalidStatus.EniStatusNotSupport",
          `The ENI is ${eni.status}; wait until it is Available or InUse.`,
        );
      if (mode !== "NAT") throw err(400, "Mode.NotSupport", "The emulator supports NAT mode for ENIs only.");
      privateIp = p.str("PrivateIpAddress") ?? eni.primaryIp;
      vpcId = eni.vpcId;
      if (privateIp !== eni.primaryIp && !eni.secondaryIps.includes(privateIp))
        throw err(
          400,
          "InvalidParameter",
          `The private IP ${privateIp} does not belong to ENI ${eni.networkInterfaceId}.`,
        );
      // Any private IP of a primary ENI too, secondary ones included (Alibaba's "multiple EIPs in NAT
      // mode" guide); its primary IP is refused below when the instance already has an EIP.
      const existing = e.eipOnIp(privateIp, vpcId);
      if (existing)
        throw err(
          400,
          "InvalidAssociation.Duplicated",
          `The private IP ${privateIp} is already associated with EIP ${existing.allocationId}.`,
        );
      eip.binding = {
        instanceType: "NetworkInterface",
        instanceId: eni.networkInterfaceId,
        privateIpAddress: privateIp,
        mode: "NAT",
      };
    }
    eip.status = "Associating";
    e.schedule("eip.associated", eip.allocationId, e.latencies.eipAssociate);
    e.tokenStore("vpc", "AssociateEipAddress", p, {});
    return {};
  },

  UnassociateEipAddress(e, p) {
    const regionId = e.regionParam(p, false);
    const allocationId = p.req("AllocationId");
    const type = p.str("InstanceType");
    if (type && !["EcsInstance", "NetworkInterface", "SlbInstance", "Nat", "HaVip", "IpAddress"].includes(type))
      throw err(400, "InvalidInstanceType.ValueNotSupported", `The specified InstanceType "${type}" is not supported.`);
    const stored = e.tokenLookup("vpc", "UnassociateEipAddress", p);
    if (stored) return stored;
    const eip = eipById(e, allocationId, regionId);
    requireSettled(eip, "InUse", "UnassociateEipAddress");
    const b = eip.binding!;
    const id = p.str("InstanceId");
    const pip = p.str("PrivateIpAddress");
    if ((id && id !== b.instanceId) || (type && type !== b.instanceType) || (pip && pip !== b.privateIpAddress))
      throw err(
        400,
        "InvalidBindingStatus",
        `The EIP ${eip.allocationId} is not associated with the specified target.`,
      );
    eip.status = "Unassociating";
    e.schedule("eip.unassociated", eip.allocationId, e.latencies.eipUnassociate);
    e.tokenStore("vpc", "UnassociateEipAddress", p, {});
    return {};
  },
};
