// ECS (2014-05-26) actions.
import { IMAGES, INSTANCE_TYPES, image, instanceType } from "./catalog";
import { err, invalid, missing } from "./errors";
import { creationFilter, localNameFor, pageByNumber, pageByToken } from "./describe";
import { Engine, isoNow, type Body } from "./engine";
import type { EniRec, InstanceRec, InvocationRec, MetadataOptions, TagRec } from "./model";
import type { Params } from "./params";
import { tagFilter, tagsParam } from "./tags";
import { wrap, type Handler } from "./wire";

// ---------- lookups with the real not-found codes ----------
function eniById(e: Engine, id: string, regionId?: string): EniRec {
  const eni = e.world.enis[id];
  if (!eni || (regionId && eni.regionId !== regionId))
    throw err(404, "InvalidEniId.NotFound", `The specified ENI "${id}" does not exist.`);
  return eni;
}
function instanceById(e: Engine, id: string, code = "InvalidInstanceId.NotFound", regionId?: string): InstanceRec {
  const i = e.world.instances[id];
  if (!i || (regionId && i.regionId !== regionId))
    throw err(404, code, `The specified instance "${id}" does not exist.`);
  return i;
}
function checkRepeated(ips: string[]) {
  const seen = new Set<string>();
  for (const ip of ips) {
    if (seen.has(ip)) throw err(403, "InvalidIp.IpRepeated", `The IP address ${ip} is repeated in the request.`);
    seen.add(ip);
  }
}
const ipCount = (eni: EniRec) => 1 + eni.secondaryIps.length;
function ipLimitFor(e: Engine, eni: EniRec): number {
  if (eni.instanceId) {
    const inst = e.world.instances[eni.instanceId];
    const spec = inst && instanceType(inst.instanceType);
    if (spec) return spec.eniPrivateIpAddressQuantity;
  }
  return e.world.quotas.ipsPerAvailableEni;
}

// ---------- views ----------
const ecsTags = (tags: TagRec[] | undefined) =>
  wrap(
    "Tag",
    (tags ?? []).map((t) => ({ TagKey: t.key, TagValue: t.value })),
  );
function publicIpOf(e: Engine, eni: EniRec, ip: string) {
  const eip = e.eipsOnEni(eni).find((x) => x.binding!.privateIpAddress === ip);
  return eip ? { PublicIpAddress: eip.ipAddress, AllocationId: eip.allocationId } : {};
}
export function eniView(e: Engine, eni: EniRec): Body {
  const ips = [eni.primaryIp, ...eni.secondaryIps];
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    NetworkInterfaceName: eni.networkInterfaceName,
    Description: eni.description,
    Status: eni.status,
    Type: eni.type,
    VpcId: eni.vpcId,
    VSwitchId: eni.vSwitchId,
    ZoneId: eni.zoneId,
    InstanceId: eni.instanceId,
    MacAddress: eni.macAddress,
    PrivateIpAddress: eni.primaryIp,
    CreationTime: eni.creationTime,
    OwnerId: e.world.ownerId,
    ResourceGroupId: "",
    ServiceID: 0,
    ServiceManaged: false,
    DeleteOnRelease: eni.deleteOnRelease,
    SourceDestCheck: false,
    NetworkInterfaceTrafficMode: "Standard",
    QueueNumber: 2,
    AssociatedPublicIp: publicIpOf(e, eni, eni.primaryIp),
    PrivateIpSets: wrap(
      "PrivateIpSet",
      ips.map((ip, i) => ({
        PrivateIpAddress: ip,
        Primary: i === 0,
        PrivateDnsName: "",
        AssociatedPublicIp: publicIpOf(e, eni, ip),
      })),
    ),
    SecurityGroupIds: wrap("SecurityGroupId", [...eni.securityGroupIds]),
    Ipv6Sets: wrap("Ipv6Set", []),
    Ipv4PrefixSets: wrap("Ipv4PrefixSet", []),
    Ipv6PrefixSets: wrap("Ipv6PrefixSet", []),
    Attachment: eni.instanceId ? { InstanceId: eni.instanceId, DeviceIndex: eni.deviceIndex, NetworkCardIndex: 0 } : {},
    Tags: ecsTags(eni.tags),
  };
}

function instanceView(e: Engine, i: InstanceRec): Body {
  const spec = instanceType(i.instanceType)!;
  const img = image(i.imageId);
  const primary = e.world.enis[i.primaryEniId];
  const eip = Object.values(e.world.eips).find(
    (x) => x.binding?.instanceType === "EcsInstance" && x.binding.instanceId === i.instanceId,
  );
  const enis = Object.values(e.world.enis)
    .filter((x) => x.instanceId === i.instanceId && (x.status === "InUse" || x.type === "Primary"))
    .sort((a, b) => a.deviceIndex - b.deviceIndex);
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    Description: i.description,
    HostName: i.hostName,
    RegionId: i.regionId,
    ZoneId: i.zoneId,
    InstanceType: i.instanceType,
    InstanceTypeFamily: spec.family,
    Cpu: spec.cpu,
    Memory: spec.memoryGiB * 1024,
    Status: i.status,
    StoppedMode: i.stoppedMode,
    CreationTime: i.creationTime.replace(/:\d\dZ$/, "Z"),
    StartTime: i.startTime.replace(/:\d\dZ$/, "Z"),
    ExpiredTime: "2099-12-31T15:59Z",
    ImageId: i.imageId,
    OSName: img?.osName ?? "",
    OSNameEn: img?.osNameEn ?? "",
    OSType: "linux",
    InstanceChargeType: "PostPaid",
    InternetChargeType: "PayByTraffic",
    InternetMaxBandwidthIn: 100,
    InternetMaxBandwidthOut: i.internetMaxBandwidthOut,
    InstanceNetworkType: "vpc",
    IoOptimized: true,
    SerialNumber: `${i.instanceId.slice(2, 10)}-0000-4000-8000-${i.instanceId.slice(-12).padStart(12, "0")}`,
    DeletionProtection: false,
    Recyclable: false,
    GPUAmount: 0,
    GPUSpec: "",
    DeviceAvailable: true,
    ResourceGroupId: "",
    KeyPairName: "",
    VpcAttributes: {
      VpcId: i.vpcId,
      VSwitchId: i.vSwitchId,
      NatIpAddress: "",
      PrivateIpAddress: { IpAddress: primary ? [primary.primaryIp] : [] },
    },
    PublicIpAddress: { IpAddress: [] },
    InnerIpAddress: { IpAddress: [] },
    RdmaIpAddress: { IpAddress: [] },
    EipAddress: eip
      ? {
          AllocationId: eip.allocationId,
          IpAddress: eip.ipAddress,
          Bandwidth: Number(eip.bandwidth),
          InternetChargeType: eip.internetChargeType,
          IsSupportUnassociate: true,
        }
      : { AllocationId: "", IpAddress: "", Bandwidth: 0, InternetChargeType: "", IsSupportUnassociate: false },
    SecurityGroupIds: wrap("SecurityGroupId", [...i.securityGroupIds]),
    NetworkInterfaces: wrap(
      "NetworkInterface",
      enis.map((n) => ({
        NetworkInterfaceId: n.networkInterfaceId,
        Type: n.type,
        MacAddress: n.macAddress,
        PrimaryIpAddress: n.primaryIp,
        PrivateIpSets: wrap(
          "PrivateIpSet",
          [n.primaryIp, ...n.secondaryIps].map((ip, k) => ({
            PrivateIpAddress: ip,
            Primary: k === 0,
            PrivateDnsName: "",
          })),
        ),
        Ipv6Sets: wrap("Ipv6Set", []),
        Ipv4PrefixSets: wrap("Ipv4PrefixSet", []),
        Ipv6PrefixSets: wrap("Ipv6PrefixSet", []),
      })),
    ),
    OperationLocks: wrap("LockReason", []),
    Tags: ecsTags(i.tags),
    MetadataOptions: {
      HttpEndpoint: i.metadataOptions?.httpEndpoint ?? "enabled",
      HttpTokens: i.metadataOptions?.httpTokens ?? "optional",
      HttpPutResponseHopLimit: 1,
    },
    CpuOptions: { CoreCount: Math.max(1, spec.cpu / 2), ThreadsPerCore: spec.cpu > 1 ? 2 : 1, Numa: "" },
  };
}

function typeView(t: (typeof INSTANCE_TYPES)[number]): Body {
  return {
    InstanceTypeId: t.id,
    InstanceTypeFamily: t.family,
    InstanceCategory: t.level === "CreditEntryLevel" ? "Shared" : "General-purpose",
    InstanceFamilyLevel: t.level,
    CpuArchitecture: "X86",
    CpuCoreCount: t.cpu,
    MemorySize: t.memoryGiB,
    GPUAmount: 0,
    GPUSpec: "",
    GPUMemorySize: 0,
    EniQuantity: t.eniQuantity,
    EniTotalQuantity: t.eniQuantity,
    EniPrivateIpAddressQuantity: t.eniPrivateIpAddressQuantity,
    EniIpv6AddressQuantity: t.eniIpv6AddressQuantity,
    EniTrunkSupported: !t.attachRequiresStopped,
    InstanceBandwidthRx: t.bandwidthKbps,
    InstanceBandwidthTx: t.bandwidthKbps,
    InstancePpsRx: t.ppsK * 1000,
    InstancePpsTx: t.ppsK * 1000,
    PrimaryEniQueueNumber: Math.min(t.cpu, 8),
    SecondaryEniQueueNumber: Math.min(t.cpu, 8),
    MaximumQueueNumberPerEni: Math.min(t.cpu, 8),
    TotalEniQueueQuantity: Math.min(t.cpu, 8) * t.eniQuantity,
    DiskQuantity: 17,
    LocalStorageCategory: "",
    NvmeSupport: "unsupported",
    NetworkCardQuantity: 1,
    NetworkCards: wrap("NetworkCardInfo", [{ NetworkCardIndex: 0 }]),
    SupportedBootModes: wrap("SupportedBootMode", ["BIOS"]),
    EnhancedNetwork: { SriovSupport: false, VfQueueNumberPerEni: 0 },
    ...(t.level === "CreditEntryLevel" ? { BaselineCredit: 10, InitialCredit: 60 } : {}),
  };
}

function invocationView(e: Engine, inv: InvocationRec, base64: boolean, includeOutput: boolean): Body {
  const enc = (s: string) => (base64 ? Buffer.from(s).toString("base64") : s);
  const status = Engine.aggregateStatus(inv);
  return {
    InvokeId: inv.invokeId,
    CommandId: inv.commandId,
    CommandName: inv.commandName,
    CommandType: inv.commandType,
    CommandDescription: inv.commandDescription,
    CommandContent: enc(inv.commandContent),
    Parameters: inv.parameters,
    RepeatMode: "Once",
    Frequency: "",
    Timed: false,
    Timeout: inv.timeout,
    Username: inv.username,
    WorkingDir: inv.workingDir,
    CreationTime: inv.creationTime,
    InvocationStatus: status,
    InvokeStatus: status === "Success" || status === "Failed" || status === "PartialFailed" ? "Finished" : status,
    Tags: wrap("Tag", []),
    InvokeInstances: wrap(
      "InvokeInstance",
      inv.instances.map((ii) => ({
        InstanceId: ii.instanceId,
        InvocationStatus: ii.status,
        InstanceInvokeStatus: ii.status === "Success" || ii.status === "Failed" ? "Finished" : ii.status,
        ExitCode: ii.exitCode ?? 0,
        Output: includeOutput ? enc(ii.output) : "",
        Dropped: 0,
        ErrorCode: ii.errorCode,
        ErrorInfo: ii.errorInfo,
        Repeats: ii.status === "Pending" ? 0 : 1,
        CreationTime: ii.creationTime,
        StartTime: ii.startTime,
        UpdateTime: ii.finishTime || ii.startTime || ii.creationTime,
        FinishTime: ii.finishTime,
        StopTime: "",
        Timed: false,
      })),
    ),
  };
}

/** The CreateNetworkInterface response: a shorter shape than DescribeNetworkInterfaces'. `ips`: primary first. */
function createdEniBody(e: Engine, eni: EniRec, ips: string[]): Body {
  const v = eniView(e, eni);
  return {
    NetworkInterfaceId: eni.networkInterfaceId,
    Status: eni.status,
    Type: eni.type,
    VpcId: eni.vpcId,
    VSwitchId: eni.vSwitchId,
    ZoneId: eni.zoneId,
    PrivateIpAddress: eni.primaryIp,
    MacAddress: eni.macAddress,
    NetworkInterfaceName: eni.networkInterfaceName,
    Description: eni.description,
    OwnerId: e.world.ownerId,
    ResourceGroupId: "",
    ServiceID: 0,
    ServiceManaged: false,
    SourceDestCheck: false,
    SecurityGroupIds: v.SecurityGroupIds,
    PrivateIpSets: wrap(
      "PrivateIpSet",
      ips.map((ip, k) => ({ PrivateIpAddress: ip, Primary: k === 0 })),
    ),
    Ipv6Sets: wrap("Ipv6Set", []),
    Ipv4PrefixSets: wrap("Ipv4PrefixSet", []),
    Ipv6PrefixSets: wrap("Ipv6PrefixSet", []),
    Tags: v.Tags,
  };
}

/** HttpEndpoint / HttpTokens (each optional: `current` fills in what is not given). */
function metadataOptionsParam(p: Params, current: MetadataOptions): MetadataOptions {
  const endpoint = p.str("HttpEndpoint") ?? current.httpEndpoint;
  const tokens = p.str("HttpTokens") ?? current.httpTokens;
  if (endpoint !== "enabled" && endpoint !== "disabled")
    throw invalid("HttpEndpoint", `The specified HttpEndpoint "${endpoint}" is not valid (enabled or disabled).`);
  if (tokens !== "optional" && tokens !== "required")
    throw invalid("HttpTokens", `The specified HttpTokens "${tokens}" is not valid (optional or required).`);
  return { httpEndpoint: endpoint, httpTokens: tokens };
}

const ALL_STATUSES = ["Pending", "Running", "Starting", "Stopping", "Stopped"] as const;

// ---------- handlers ----------
export const ecsActions: Record<string, Handler> = {
  DescribeRegions(e, p) {
    return {
      Regions: wrap(
        "Region",
        e.world.regions.map((r) => ({
          RegionId: r.regionId,
          LocalName: localNameFor(p, r),
          RegionEndpoint: `ecs.${r.regionId}.aliyuncs.com`,
          Status: "available",
        })),
      ),
    };
  },

  DescribeZones(e, p) {
    const regionId = e.regionParam(p)!;
    const types = INSTANCE_TYPES.map((t) => t.id);
    return {
      Zones: wrap(
        "Zone",
        e.region(regionId)!.zones.map((z) => ({
          ZoneId: z.zoneId,
          LocalName: localNameFor(p, z),
          ZoneType: "AvailabilityZone",
          AvailableResourceCreation: { ResourceTypes: ["VSwitch", "IoOptimized", "Instance", "Disk", "DedicatedHost"] },
          AvailableInstanceTypes: { InstanceTypes: types },
          AvailableDiskCategories: { DiskCategories: ["cloud_essd", "cloud_efficiency", "cloud_ssd"] },
          AvailableVolumeCategories: { VolumeCategories: ["cloud_essd"] },
          AvailableDedicatedHostTypes: { DedicatedHostType: [] },
          DedicatedHostGenerations: { DedicatedHostGeneration: [] },
          AvailableResources: {
            ResourcesInfo: [
              {
                IoOptimized: true,
                InstanceTypes: { supportedInstanceType: types },
                InstanceTypeFamilies: {
                  supportedInstanceTypeFamily: [...new Set(INSTANCE_TYPES.map((t) => t.family))],
                },
                InstanceGenerations: { supportedInstanceGeneration: ["ecs-5", "ecs-6"] },
                NetworkTypes: { supportedNetworkCategory: ["vpc"] },
                SystemDiskCategories: { supportedSystemDiskCategory: ["cloud_essd", "cloud_efficiency"] },
                DataDiskCategories: { supportedDataDiskCategory: ["cloud_essd", "cloud_efficiency"] },
              },
            ],
          },
        })),
      ),
    };
  },

  DescribeInstanceTypes(_e, p) {
    const ids = p.list("InstanceTypes");
    const families = [
      ...p.list("InstanceTypeFamilies"),
      ...(p.str("InstanceTypeFamily") ? [p.str("InstanceTypeFamily")!] : []),
    ];
    const minEni = p.int("MinimumEniQuantity") ?? 0;
    const minIps = p.int("MinimumEniPrivateIpAddressQuantity") ?? 0;
    const level = p.str("InstanceFamilyLevel");
    const pager = pageByToken(p, { max: 100, floor: 1 });
    const list = INSTANCE_TYPES.filter(
      (t) =>
        (!ids.length || ids.includes(t.id)) &&
        (!families.length || families.includes(t.family)) &&
        t.eniQuantity >= minEni &&
        t.eniPrivateIpAddressQuantity >= minIps &&
        (!level || t.level === level),
    );
    const page = pager(list);
    const maxGiven = p.has("MaxResults") || p.has("NextToken");
    const items = maxGiven ? page.items : list.slice(0, 100);
    return {
      NextToken: maxGiven ? page.extra.NextToken : "",
      InstanceTypes: wrap("InstanceType", items.map(typeView)),
    };
  },

  DescribeInstances(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p.jsonList("InstanceIds");
    if (ids && ids.length > 100) throw invalid("InstanceIds", "At most 100 ids.");
    const privateIps = p.jsonList("PrivateIpAddresses");
    const eipIps = p.jsonList("EipAddresses");
    const status = p.oneOf("Status", ALL_STATUSES);
    const name = p.str("InstanceName");
    const nameRe = name
      ? new RegExp(
          "^" +
            name
              .split("*")
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
              .join(".*") +
            "$",
        )
      : null;
    const tagged = tagFilter(p);
    const created = creationFilter(p);
    const pager = pageByToken(p, { max: 100, floor: 10, pageSizeMax: 100, capAtMax: true });
    const dryRun = p.bool("DryRun");
    const f = (k: string) => p.str(k);
    let list = Object.values(e.world.instances).filter(
      (i) =>
        i.regionId === regionId &&
        (!ids || ids.includes(i.instanceId)) &&
        (!f("VpcId") || i.vpcId === f("VpcId")) &&
        (!f("VSwitchId") || i.vSwitchId === f("VSwitchId")) &&
        (!f("ZoneId") || i.zoneId === f("ZoneId")) &&
        (!f("InstanceType") || i.instanceType === f("InstanceType")) &&
        (!f("ImageId") || i.imageId === f("ImageId")) &&
        (!f("SecurityGroupId") || i.securityGroupIds.includes(f("SecurityGroupId")!)) &&
        (!status || i.status === status) &&
        (!nameRe || nameRe.test(i.instanceName)) &&
        created(i.creationTime) &&
        tagged(i.tags),
    );
    if (privateIps) list = list.filter((i) => privateIps.includes(e.world.enis[i.primaryEniId]?.primaryIp ?? ""));
    if (eipIps)
      list = list.filter((i) =>
        Object.values(e.world.eips).some((x) => eipIps.includes(x.ipAddress) && x.binding?.instanceId === i.instanceId),
      );
    list.sort((a, b) =>
      a.creationTime < b.creationTime ? 1 : a.creationTime > b.creationTime ? -1 : a.instanceId < b.instanceId ? -1 : 1,
    );
    const page = pager(list);
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    return {
      ...page.extra,
      Instances: wrap(
        "Instance",
        page.items.map((i) => instanceView(e, i)),
      ),
    };
  },

  DescribeInstanceStatus(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p.list("InstanceId");
    const zone = p.str("ZoneId");
    const pager = pageByNumber(p, 50);
    const list = Object.values(e.world.instances).filter(
      (i) => i.regionId === regionId && (!ids.length || ids.includes(i.instanceId)) && (!zone || i.zoneId === zone),
    );
    const page = pager(list);
    return {
      ...page.extra,
      InstanceStatuses: wrap(
        "InstanceStatus",
        page.items.map((i) => ({ InstanceId: i.instanceId, Status: i.status })),
      ),
    };
  },

  RunInstances(e, p) {
    const regionId = e.regionParam(p)!;
    const imageId = p.req("ImageId");
    const typeId = p.req("InstanceType");
    const vswId = p.req("VSwitchId");
    const amount = p.int("Amount", { min: 1, max: 100 }) ?? 1;
    const sgIds = p.str("SecurityGroupId") ? [p.str("SecurityGroupId")!] : p.list("SecurityGroupIds");
    if (!sgIds.length) throw missing("SecurityGroupId");
    const ip = p.str("PrivateIpAddress");
    if (ip && amount > 1) throw invalid("PrivateIpAddress", "PrivateIpAddress can only be set when Amount is 1.");
    const tags = tagsParam(p);
    const metadataOptions = metadataOptionsParam(p, { httpEndpoint: "enabled", httpTokens: "optional" });
    const dryRun = p.bool("DryRun");
    const stored = e.tokenLookup("ecs", "RunInstances", p);
    if (stored) return stored;
    const spec = instanceType(typeId);
    if (!spec)
      throw err(
        400,
        "InvalidInstanceType.ValueNotSupported",
        `The specified InstanceType "${typeId}" does not exist or is not sold in this zone.`,
      );
    if (!image(imageId))
      throw err(404, "InvalidImageId.NotFound", `The specified ImageId "${imageId}" does not exist.`);
    const vsw = e.world.vswitches[vswId];
    if (!vsw || vsw.regionId !== regionId)
      throw err(404, "InvalidVSwitchId.NotFound", `The specified VSwitchId "${vswId}" does not exist.`);
    const zone = p.str("ZoneId");
    if (zone && zone !== vsw.zoneId)
      throw err(403, "InvalidVSwitchId.ZoneMismatch", "The specified vSwitch is not in the specified zone.");
    for (const id of sgIds) {
      const sg = e.world.securityGroups[id];
      if (!sg || sg.regionId !== regionId)
        throw err(404, "InvalidSecurityGroupId.NotFound", `The specified SecurityGroupId "${id}" does not exist.`);
      if (sg.vpcId !== vsw.vpcId)
        throw err(
          403,
          "InvalidSecurityGroup.NotInSameVpc",
          "The security group and the vSwitch are not in the same VPC.",
        );
    }
    if (ip) {
      const problem = e.checkIp(vswId, ip, { status: 400, code: "InvalidPrivateIpAddress.Duplicated" });
      if (problem) throw problem;
    }
    if (e.availableIpCount(vswId) < amount)
      throw err(403, "InvalidVSwitchId.IpNotEnough", "The vSwitch does not have enough idle private IP addresses.");
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    const now = isoNow(e.now());
    const name = p.str("InstanceName");
    const ids: string[] = [];
    for (let k = 0; k < amount; k++) {
      const id = e.newId("i", regionId);
      const eniId = e.newId("eni", regionId);
      const addr = ip ?? e.allocIps(vswId, 1)[0]!;
      const eni = e.makeEni(eniId, vswId, addr, sgIds, "Primary", now);
      eni.status = "InUse";
      eni.instanceId = id;
      e.world.enis[eniId] = eni;
      e.world.instances[id] = {
        instanceId: id,
        regionId,
        zoneId: vsw.zoneId,
        vpcId: vsw.vpcId,
        vSwitchId: vswId,
        instanceType: typeId,
        imageId,
        instanceName: name ? (amount > 1 ? `${name}${String(k + 1).padStart(3, "0")}` : name) : id,
        hostName: p.str("HostName") ?? `iZ${id.slice(2)}Z`,
        description: p.str("Description") ?? "",
        status: "Pending",
        stoppedMode: "Not-applicable",
        creationTime: now,
        startTime: now,
        primaryEniId: eniId,
        securityGroupIds: [...sgIds],
        cloudAssistant: true,
        internetMaxBandwidthOut: 0,
        tags,
        metadataOptions,
      };
      e.schedule("instance.created", id, e.latencies.instanceCreate);
      ids.push(id);
    }
    const body = { InstanceIdSets: wrap("InstanceIdSet", ids), OrderId: "", TradePrice: 0 };
    e.tokenStore("ecs", "RunInstances", p, body);
    return body;
  },

  ModifyInstanceMetadataOptions(e, p) {
    const instanceId = p.req("InstanceId"); // a missing parameter is reported before an unknown RegionId
    const regionId = e.regionParam(p)!;
    const i = instanceById(e, instanceId, "InvalidInstanceId.NotFound", regionId);
    i.metadataOptions = metadataOptionsParam(
      p,
      i.metadataOptions ?? { httpEndpoint: "enabled", httpTokens: "optional" },
    );
    e.emit({ type: "world", reason: "metadata-options" });
    return {};
  },

  StartInstance(e, p) {
    const id = p.req("InstanceId");
    const dryRun = p.bool("DryRun");
    const i = instanceById(e, id);
    if (i.status !== "Stopped")
      throw err(
        403,
        "IncorrectInstanceStatus",
        `The current status of the resource does not support this operation (instance is ${i.status}).`,
      );
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    i.status = "Starting";
    e.schedule("instance.started", i.instanceId, e.latencies.instanceStart);
    return {};
  },

  StopInstance(e, p) {
    const id = p.req("InstanceId");
    const mode = p.oneOf("StoppedMode", ["KeepCharging", "StopCharging"] as const, "KeepCharging")!;
    const force = p.bool("ForceStop") ?? false;
    const dryRun = p.bool("DryRun");
    const i = instanceById(e, id);
    if (i.status !== "Running")
      throw err(
        403,
        "IncorrectInstanceStatus",
        `The current status of the resource does not support this operation (instance is ${i.status}).`,
      );
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    i.status = "Stopping";
    i.stoppedMode = mode;
    e.schedule("instance.stopped", i.instanceId, force ? e.latencies.instanceStop / 2 : e.latencies.instanceStop);
    return {};
  },

  // Reported as Starting until the guest is back (the short Stopping phase is not shown).
  RebootInstance(e, p) {
    const id = p.req("InstanceId");
    p.bool("ForceStop"); // checked for a true/false value; a forced reboot takes as long here
    const dryRun = p.bool("DryRun");
    const i = instanceById(e, id);
    if (i.status !== "Running")
      throw err(
        403,
        "IncorrectInstanceStatus",
        `The current status of the resource does not support this operation (instance is ${i.status}).`,
      );
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    i.status = "Starting";
    e.schedule("instance.started", i.instanceId, e.latencies.instanceStart);
    return {};
  },

  DeleteInstance(e, p) {
    const id = p.req("InstanceId");
    const force = p.bool("Force") ?? false;
    const dryRun = p.bool("DryRun");
    const i = instanceById(e, id);
    if (i.status === "Pending" || i.status === "Starting" || i.status === "Stopping")
      throw err(
        403,
        "IncorrectInstanceStatus.Initializing",
        `The instance is ${i.status}; wait until it is Running or Stopped.`,
      );
    if (i.status === "Running" && !force)
      throw err(
        403,
        "IncorrectInstanceStatus",
        "The instance must be Stopped before it is released (or set Force=true).",
      );
    if (dryRun) throw err(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    const w = e.world;
    for (const eip of Object.values(w.eips))
      if (eip.binding?.instanceType === "EcsInstance" && eip.binding.instanceId === i.instanceId) e.unbind(eip);
    for (const eni of Object.values(w.enis)) {
      if (eni.instanceId !== i.instanceId) continue;
      e.cancelTasks(eni.networkInterfaceId);
      if (eni.type === "Primary" || eni.deleteOnRelease) {
        for (const eip of e.eipsOnEni(eni)) e.unbind(eip);
        delete w.enis[eni.networkInterfaceId];
      } else {
        Object.assign(eni, { status: "Available", instanceId: "", deviceIndex: 0 });
      }
    }
    e.cancelTasks(i.instanceId);
    delete w.instances[i.instanceId];
    e.emit({ type: "action", action: "DeleteInstance", target: i.instanceId });
    return {};
  },

  DescribeSecurityGroups(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p.jsonList("SecurityGroupIds");
    const pager = pageByToken(p, { max: 100, floor: 1, pageSizeMax: 50 });
    const f = (k: string) => p.str(k);
    const list = Object.values(e.world.securityGroups).filter(
      (g) =>
        g.regionId === regionId &&
        (!ids || ids.includes(g.securityGroupId)) &&
        (!f("SecurityGroupId") || g.securityGroupId === f("SecurityGroupId")) &&
        (!f("VpcId") || g.vpcId === f("VpcId")) &&
        (!f("SecurityGroupName") || g.securityGroupName === f("SecurityGroupName")),
    );
    const page = pager(list);
    return {
      RegionId: regionId,
      ...page.extra,
      SecurityGroups: wrap(
        "SecurityGroup",
        page.items.map((g) => ({
          SecurityGroupId: g.securityGroupId,
          SecurityGroupName: g.securityGroupName,
          Description: g.description,
          VpcId: g.vpcId,
          CreationTime: g.creationTime,
          SecurityGroupType: "normal",
          ResourceGroupId: "",
          ServiceManaged: false,
          EcsCount: Object.values(e.world.instances).filter((i) => i.securityGroupIds.includes(g.securityGroupId))
            .length,
          AvailableInstanceAmount: 2000,
          Tags: wrap("Tag", []),
        })),
      ),
    };
  },

  CreateSecurityGroup(e, p) {
    const regionId = e.regionParam(p)!;
    const vpcId = p.req("VpcId");
    p.oneOf("SecurityGroupType", ["normal", "enterprise"] as const);
    const name = p.str("SecurityGroupName");
    if (name !== undefined && (name.length < 2 || name.length > 128 || /^https?:\/\//.test(name)))
      throw err(
        400,
        "InvalidSecurityGroupName.Malformed",
        "The security group name must be 2 to 128 characters and must not start with http:// or https://.",
      );
    const vpc = e.world.vpcs[vpcId];
    if (!vpc || vpc.regionId !== regionId)
      throw err(404, "InvalidVpcId.NotFound", `The specified VpcId "${vpcId}" does not exist.`);
    const stored = e.tokenLookup("ecs", "CreateSecurityGroup", p);
    if (stored) return stored;
    const id = e.newId("sg", regionId);
    e.world.securityGroups[id] = {
      securityGroupId: id,
      regionId,
      vpcId,
      securityGroupName: name ?? "",
      description: p.str("Description") ?? "",
      creationTime: isoNow(e.now()),
    };
    const body = { SecurityGroupId: id };
    e.tokenStore("ecs", "CreateSecurityGroup", p, body);
    return body;
  },

  CreateNetworkInterface(e, p) {
    const regionId = e.regionParam(p)!;
    const vswId = p.req("VSwitchId");
    const single = p.str("SecurityGroupId");
    const multi = p.list("SecurityGroupIds");
    if (single && multi.length)
      throw err(400, "InvalidParameter.Conflict", "SecurityGroupId and SecurityGroupIds.N are mutually exclusive.");
    const sgIds = single ? [single] : multi;
    if (!sgIds.length) throw missing("SecurityGroupId");
    if (sgIds.length > 5) throw invalid("SecurityGroupIds", "At most 5 security groups.");
    const list = p.list("PrivateIpAddress");
    const count = p.int("SecondaryPrivateIpAddressCount", { min: 1, max: 49 });
    if (list.length && count !== undefined)
      throw err(
        400,
        "InvalidParameter.Conflict",
        "PrivateIpAddress.N and SecondaryPrivateIpAddressCount are mutually exclusive.",
      );
    const name = p.str("NetworkInterfaceName");
    if (
      name !== undefined &&
      (name.length < 2 || name.length > 128 || !/^[\p{L}]/u.test(name) || /^https?:\/\//.test(name))
    )
      throw invalid("NetworkInterfaceName", "2 to 128 characters, starting with a letter.");
    const tags = tagsParam(p);
    const deleteOnRelease = p.bool("DeleteOnRelease") ?? false;
    // A retry with the same token returns the first result before anything it created
    // (its IPs, for one) could make the checks below fail.
    const stored = e.tokenLookup("ecs", "CreateNetworkInterface", p);
    if (stored) return stored;
    const vsw = e.world.vswitches[vswId];
    if (!vsw || vsw.regionId !== regionId)
      throw err(404, "InvalidVSwitchId.NotFound", `The specified VSwitchId "${vswId}" does not exist.`);
    for (const id of sgIds) {
      const sg = e.world.securityGroups[id];
      if (!sg || sg.regionId !== regionId)
        throw err(404, "InvalidSecurityGroupId.NotFound", `The specified SecurityGroupId "${id}" does not exist.`);
      if (sg.vpcId !== vsw.vpcId)
        throw err(403, "InvalidOperation.VpcMismatch", "The security group and the vSwitch are not in the same VPC.");
    }
    const primary = p.str("PrimaryIpAddress");
    const requested = [...(primary ? [primary] : []), ...list];
    checkRepeated(requested);
    for (const ip of requested) {
      const problem = e.checkIp(vswId, ip, { status: 400, code: "InvalidPrivateIpAddress.Duplicated" });
      if (problem) throw problem;
    }
    const total = 1 + (list.length || count || 0);
    if (total > e.world.quotas.ipsPerAvailableEni)
      throw err(
        403,
        "InvalidOperation.Ipv4CountExceeded",
        `An ENI that is not attached can have at most ${e.world.quotas.ipsPerAvailableEni} private IPv4 addresses.`,
      );
    const inRegion = Object.values(e.world.enis).filter((x) => x.regionId === regionId).length;
    if (inRegion >= e.world.quotas.eniPerRegion)
      throw err(403, "MaxEniCountExceeded", "The maximum number of ENIs in this region has been reached.");
    const primaryIp = primary ?? e.allocIps(vswId, 1, new Set(list))[0]!;
    const secondary = list.length ? list : count ? e.allocIps(vswId, count, new Set([primaryIp])) : [];
    const id = e.newId("eni", regionId);
    const eni = e.makeEni(id, vswId, primaryIp, sgIds, "Secondary", isoNow(e.now()));
    eni.secondaryIps = secondary;
    eni.networkInterfaceName = name ?? "";
    eni.description = p.str("Description") ?? "";
    eni.deleteOnRelease = deleteOnRelease;
    eni.tags = tags;
    e.world.enis[id] = eni;
    const body = createdEniBody(e, eni, [primaryIp, ...secondary]);
    e.tokenStore("ecs", "CreateNetworkInterface", p, body);
    return body;
  },

  DeleteNetworkInterface(e, p) {
    const regionId = e.regionParam(p)!;
    const eni = eniById(e, p.req("NetworkInterfaceId"), regionId);
    if (eni.type === "Primary") throw err(403, "InvalidOperation.InvalidEniType", "A primary ENI cannot be deleted.");
    if (eni.status !== "Available")
      throw err(
        400,
        "InvalidOperation.InvalidEniState",
        `The ENI is ${eni.status}; only an Available ENI can be deleted.`,
      );
    const eips = e.eipsOnEni(eni);
    if (eips.length && e.world.policies.deleteEniWithEip === "reject")
      throw err(
        400,
        "InvalidOperation.InvalidEniState",
        `The ENI still has EIPs associated (${eips.map((x) => x.allocationId).join(", ")}); unassociate them first.`,
      );
    eni.status = "Deleting";
    e.schedule("eni.deleted", eni.networkInterfaceId, e.latencies.eniDelete);
    return {};
  },

  DescribeNetworkInterfaces(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p.list("NetworkInterfaceId");
    if (ids.length > 100) throw invalid("NetworkInterfaceId", "At most 100 ids.");
    const ips = p.list("PrivateIpAddress");
    const type = p.oneOf("Type", ["Primary", "Secondary", "Trunk", "Member"] as const);
    const status = p.oneOf("Status", ["Available", "Attaching", "InUse", "Detaching", "Deleting"] as const);
    const f = (k: string) => p.str(k);
    const tagged = tagFilter(p);
    const pager = pageByToken(p, { max: 500, floor: 10, pageSizeMax: 100, capAtMax: true });
    if (f("VSwitchId") && !e.world.vswitches[f("VSwitchId")!])
      throw err(404, "InvalidVSwitchId.NotFound", `The specified VSwitchId "${f("VSwitchId")}" does not exist.`);
    if (f("SecurityGroupId") && !e.world.securityGroups[f("SecurityGroupId")!])
      throw err(
        404,
        "InvalidSecurityGroupId.NotFound",
        `The specified SecurityGroupId "${f("SecurityGroupId")}" does not exist.`,
      );
    const list = Object.values(e.world.enis).filter(
      (n) =>
        n.regionId === regionId &&
        (!ids.length || ids.includes(n.networkInterfaceId)) &&
        (!f("InstanceId") || n.instanceId === f("InstanceId")) &&
        (!f("VpcId") || n.vpcId === f("VpcId")) &&
        (!f("VSwitchId") || n.vSwitchId === f("VSwitchId")) &&
        (!f("SecurityGroupId") || n.securityGroupIds.includes(f("SecurityGroupId")!)) &&
        (!f("NetworkInterfaceName") || n.networkInterfaceName === f("NetworkInterfaceName")) &&
        (!f("PrimaryIpAddress") || n.primaryIp === f("PrimaryIpAddress")) &&
        (!ips.length || ips.some((ip) => ip === n.primaryIp || n.secondaryIps.includes(ip))) &&
        (!type || n.type === type) &&
        (!status || n.status === status) &&
        tagged(n.tags),
    );
    list.sort((a, b) =>
      a.creationTime < b.creationTime
        ? -1
        : a.creationTime > b.creationTime
          ? 1
          : a.networkInterfaceId < b.networkInterfaceId
            ? -1
            : 1,
    );
    const page = pager(list);
    return {
      ...page.extra,
      NetworkInterfaceSets: wrap(
        "NetworkInterfaceSet",
        page.items.map((n) => eniView(e, n)),
      ),
    };
  },

  DescribeNetworkInterfaceAttribute(e, p) {
    const regionId = e.regionParam(p)!;
    const eni = eniById(e, p.req("NetworkInterfaceId"), regionId);
    return {
      ...eniView(e, eni),
      ConnectionTrackingConfiguration: { TcpEstablishedTimeout: 910, TcpClosedAndTimeWaitTimeout: 3, UdpTimeout: 30 },
      QoSConfig: {},
      TcpOptionAddressEnabled: "",
    };
  },

  AttachNetworkInterface(e, p) {
    const regionId = e.regionParam(p)!;
    const eniId = p.req("NetworkInterfaceId");
    const instId = p.req("InstanceId");
    const eni = eniById(e, eniId, regionId);
    const inst = instanceById(e, instId, "InvalidEcsId.NotFound", regionId);
    if (eni.type === "Primary") throw err(403, "InvalidOperation.InvalidEniType", "A primary ENI cannot be attached.");
    if (eni.status !== "Available")
      throw err(
        400,
        "InvalidOperation.InvalidEniState",
        `The ENI is ${eni.status}; only an Available ENI can be attached.`,
      );
    const spec = instanceType(inst.instanceType)!;
    if (inst.status !== "Running" && inst.status !== "Stopped")
      throw err(
        400,
        "InvalidOperation.InvalidEcsState",
        `The instance is ${inst.status}; it must be Running or Stopped.`,
      );
    if (spec.attachRequiresStopped && inst.status !== "Stopped")
      throw err(
        400,
        "InvalidOperation.InvalidEcsState",
        `Instance type ${spec.id} supports attaching ENIs only while the instance is Stopped.`,
      );
    if (eni.vpcId !== inst.vpcId)
      throw err(403, "InvalidOperation.VpcMismatch", "The ENI and the instance are not in the same VPC.");
    if (eni.zoneId !== inst.zoneId)
      throw err(403, "InvalidOperation.AvailabilityZoneMismatch", "The ENI and the instance are not in the same zone.");
    const attached = Object.values(e.world.enis).filter((x) => x.instanceId === inst.instanceId).length;
    if (attached >= spec.eniQuantity)
      throw err(
        403,
        "EniPerInstanceLimitExceeded",
        `Instance type ${spec.id} supports at most ${spec.eniQuantity} ENIs (including the primary ENI).`,
      );
    if (ipCount(eni) > spec.eniPrivateIpAddressQuantity)
      throw err(
        403,
        "InvalidOperation.Ipv4CountExceeded",
        `The ENI has ${ipCount(eni)} private IPv4 addresses; ${spec.id} allows ${spec.eniPrivateIpAddressQuantity} per ENI.`,
      );
    eni.instanceId = inst.instanceId;
    eni.deviceIndex = e.nextDeviceIndex(inst.instanceId);
    eni.status = "Attaching";
    e.schedule("eni.attached", eni.networkInterfaceId, e.latencies.eniAttach);
    return {};
  },

  DetachNetworkInterface(e, p) {
    const regionId = e.regionParam(p)!;
    const eniId = p.req("NetworkInterfaceId");
    const instId = p.req("InstanceId");
    const eni = eniById(e, eniId, regionId);
    const inst = instanceById(e, instId, "InvalidEcsId.NotFound", regionId);
    if (eni.type === "Primary")
      throw err(
        400,
        "InvalidOperation.DetachPrimaryEniNotAllowed",
        "The primary ENI of an instance cannot be detached.",
      );
    if (eni.instanceId !== inst.instanceId)
      throw err(400, "InvalidOperation.InvalidEniState", "The ENI is not attached to the specified instance.");
    if (eni.status === "Detaching") return {};
    if (eni.status !== "InUse")
      throw err(
        400,
        "InvalidOperation.InvalidEniState",
        `The ENI is ${eni.status}; only an InUse ENI can be detached.`,
      );
    const spec = instanceType(inst.instanceType)!;
    if (inst.status !== "Running" && inst.status !== "Stopped")
      throw err(
        400,
        "InvalidOperation.InvalidEcsState",
        `The instance is ${inst.status}; it must be Running or Stopped.`,
      );
    if (spec.attachRequiresStopped && inst.status !== "Stopped")
      throw err(
        400,
        "InvalidOperation.InvalidEcsState",
        `Instance type ${spec.id} supports detaching ENIs only while the instance is Stopped.`,
      );
    eni.status = "Detaching";
    e.schedule("eni.detached", eni.networkInterfaceId, e.latencies.eniDetach);
    return {};
  },

  AssignPrivateIpAddresses(e, p) {
    const regionId = e.regionParam(p)!;
    const eniId = p.req("NetworkInterfaceId");
    const list = p.list("PrivateIpAddress");
    const count = p.int("SecondaryPrivateIpAddressCount", { min: 1, max: 49 });
    if (list.length && count !== undefined)
      throw err(
        400,
        "InvalidParameter.Conflict",
        "PrivateIpAddress.N and SecondaryPrivateIpAddressCount are mutually exclusive.",
      );
    if (!list.length && count === undefined) throw missing("SecondaryPrivateIpAddressCount");
    if (list.length > 32) throw invalid("PrivateIpAddress", "At most 32 addresses.");
    // A retry returns the first result, whatever became of the ENI since.
    const stored = e.tokenLookup("ecs", "AssignPrivateIpAddresses", p);
    if (stored) return stored;
    const eni = eniById(e, eniId, regionId);
    if (eni.status !== "Available" && eni.status !== "InUse")
      throw err(400, "InvalidOperation.InvalidEniState", `The ENI is ${eni.status}; it must be Available or InUse.`);
    if (eni.type === "Primary") {
      const inst = e.world.instances[eni.instanceId];
      if (!inst || (inst.status !== "Running" && inst.status !== "Stopped"))
        throw err(
          400,
          "InvalidOperation.InvalidEcsState",
          "The instance of this primary ENI must be Running or Stopped.",
        );
    }
    checkRepeated(list);
    for (const ip of list) {
      const problem = e.checkIp(eni.vSwitchId, ip);
      if (problem) throw problem;
    }
    const n = list.length || count!;
    const limit = ipLimitFor(e, eni);
    if (ipCount(eni) + n > limit)
      throw err(
        403,
        "InvalidOperation.Ipv4CountExceeded",
        `The ENI would have ${ipCount(eni) + n} private IPv4 addresses; the limit is ${limit}.`,
      );
    const ips = list.length ? list : e.allocIps(eni.vSwitchId, n);
    eni.secondaryIps.push(...ips);
    e.emit({ type: "action", action: "AssignPrivateIpAddresses", target: eni.networkInterfaceId, ips });
    const body = {
      AssignedPrivateIpAddressesSet: {
        NetworkInterfaceId: eni.networkInterfaceId,
        PrivateIpSet: { PrivateIpAddress: ips },
        Ipv4PrefixSet: { Ipv4Prefixes: [] },
      },
    };
    e.tokenStore("ecs", "AssignPrivateIpAddresses", p, body);
    return body;
  },

  UnassignPrivateIpAddresses(e, p) {
    const regionId = e.regionParam(p)!;
    const eniId = p.req("NetworkInterfaceId");
    const list = p.list("PrivateIpAddress");
    if (!list.length) throw missing("PrivateIpAddress.1");
    const eni = eniById(e, eniId, regionId);
    if (eni.status !== "Available" && eni.status !== "InUse")
      throw err(400, "InvalidOperation.InvalidEniState", `The ENI is ${eni.status}; it must be Available or InUse.`);
    if (eni.type === "Primary") {
      const inst = e.world.instances[eni.instanceId];
      if (!inst || (inst.status !== "Running" && inst.status !== "Stopped"))
        throw err(
          400,
          "InvalidOperation.InvalidEcsState",
          "The instance of this primary ENI must be Running or Stopped.",
        );
    }
    checkRepeated(list);
    for (const ip of list) {
      if (!eni.secondaryIps.includes(ip))
        throw err(
          403,
          "InvalidIp.IpUnassigned",
          `The IP address ${ip} is not a secondary private IP address of this ENI.`,
        );
    }
    const bound = list
      .map((ip) => e.eipsOnEni(eni).find((x) => x.binding!.privateIpAddress === ip))
      .filter((x) => x !== undefined);
    if (bound.length) {
      if (e.world.policies.unassignIpWithEip === "reject")
        throw err(
          400,
          "InvalidOperation.InvalidEniState",
          `The private IP address ${bound[0]!.binding!.privateIpAddress} is associated with EIP ${bound[0]!.allocationId}; unassociate the EIP first.`,
        );
      for (const eip of bound) {
        e.cancelTasks(eip.allocationId);
        e.unbind(eip);
      }
    }
    eni.secondaryIps = eni.secondaryIps.filter((ip) => !list.includes(ip));
    e.emit({ type: "action", action: "UnassignPrivateIpAddresses", target: eni.networkInterfaceId, ips: list });
    return {};
  },

  DescribeAccountAttributes(e, p) {
    const regionId = e.regionParam(p)!;
    const names = p.list("AttributeName");
    const values: Record<string, unknown[]> = {
      "max-elastic-network-interfaces": [{ Value: String(e.world.quotas.eniPerRegion), Count: 1 }],
      "used-elastic-network-interfaces": [
        { Value: String(Object.values(e.world.enis).filter((x) => x.regionId === regionId).length), Count: 1 },
      ],
      "max-security-groups": [{ Value: "100", Count: 1 }],
      "instance-network-type": [{ Value: "vpc", Count: 1 }],
      "max-postpaid-instance-vcpu-count": [{ Value: "500", Count: 1 }],
      "supported-postpay-instance-types": INSTANCE_TYPES.map((t) => ({ Value: t.id, Count: 1 })),
    };
    const pick = names.length ? names : Object.keys(values);
    return {
      AccountAttributeItems: wrap(
        "AccountAttributeItem",
        pick.filter((n) => values[n]).map((n) => ({ AttributeName: n, AttributeValues: { ValueItem: values[n] } })),
      ),
    };
  },

  DescribeCloudAssistantStatus(e, p) {
    const regionId = e.regionParam(p)!;
    const ids = p.list("InstanceId");
    const pager = pageByToken(p, { max: 50, floor: 1 });
    const list = Object.values(e.world.instances).filter(
      (i) => i.regionId === regionId && (!ids.length || ids.includes(i.instanceId)),
    );
    const page = pager(list);
    const online = (i: InstanceRec) => !!e.runner && i.cloudAssistant && i.status === "Running";
    return {
      ...page.extra,
      InstanceCloudAssistantStatusSet: wrap(
        "InstanceCloudAssistantStatus",
        page.items.map((i) => {
          const invs = Object.values(e.world.invocations).filter((v) =>
            v.instances.some((x) => x.instanceId === i.instanceId),
          );
          return {
            InstanceId: i.instanceId,
            CloudAssistantStatus: String(online(i)),
            CloudAssistantVersion: online(i) ? "2.2.3.857" : "",
            OSType: "Linux",
            LastHeartbeatTime: online(i) ? isoNow(e.now()) : "",
            LastInvokedTime: invs.at(-1)?.creationTime ?? "",
            InvocationCount: invs.length,
            ActiveTaskCount: invs.filter(
              (v) => Engine.aggregateStatus(v) === "Running" || Engine.aggregateStatus(v) === "Pending",
            ).length,
            SupportSessionManager: false,
          };
        }),
      ),
    };
  },

  RunCommand(e, p) {
    const regionId = e.regionParam(p)!;
    const type = p.req("Type");
    const content = p.req("CommandContent");
    if (!["RunShellScript", "RunBatScript", "RunPowerShellScript"].includes(type))
      throw err(403, "InvalidCmdType.NotFound", `The command type "${type}" does not exist.`);
    const encoding = (p.str("ContentEncoding") ?? "PlainText").toLowerCase() === "base64" ? "Base64" : "PlainText";
    const script = encoding === "Base64" ? Buffer.from(content, "base64").toString("utf8") : content;
    if (Buffer.byteLength(encoding === "Base64" ? content : Buffer.from(content).toString("base64")) > 24 * 1024)
      throw err(403, "CmdContent.ExceedLimit", "The command content exceeds 24 KB after Base64 encoding.");
    const ids = p.list("InstanceId");
    if (!ids.length) throw missing("InstanceId");
    if (ids.length > 100) throw err(403, "InstanceIds.ExceedLimit", "At most 100 instances per invocation.");
    const name = p.str("Name") ?? "";
    if (name.length > 128) throw err(403, "CmdName.ExceedLimit", "The command name exceeds 128 characters.");
    const desc = p.str("Description") ?? "";
    if (desc.length > 512) throw err(403, "CmdDesc.ExceedLimit", "The command description exceeds 512 characters.");
    const timeout = p.int("Timeout", { min: 10, max: 86400 }) ?? 60;
    // A retry returns the first invocation, whatever became of the instances since.
    const stored = e.tokenLookup("ecs", "RunCommand", p);
    if (stored) return stored;
    for (const id of ids) {
      const inst = e.world.instances[id];
      if (!inst || inst.regionId !== regionId)
        throw err(404, "InvalidInstance.NotFound", `The specified instance "${id}" does not exist.`);
      if (inst.status !== "Running")
        throw err(403, "InvalidInstance.NotMatch", `The instance ${id} is not Running (it is ${inst.status}).`);
      if (!e.runner || !inst.cloudAssistant)
        throw err(
          403,
          "InvalidInstance.NotMatch",
          `The Cloud Assistant agent on instance ${id} is not running or not installed (DescribeCloudAssistantStatus reports CloudAssistantStatus=false).`,
        );
    }
    const now = isoNow(e.now());
    const invokeId = `t-${regionId.startsWith("cn-") ? "hz" : "tk"}${e.hex(18)}`;
    const commandId = `c-${regionId.startsWith("cn-") ? "hz" : "tk"}${e.hex(18)}`;
    e.world.invocations[invokeId] = {
      invokeId,
      commandId,
      regionId,
      commandName: name,
      commandType: type,
      commandDescription: desc,
      commandContent: script,
      timeout,
      username: p.str("Username") ?? "root",
      workingDir: p.str("WorkingDir") ?? "/root",
      parameters: p.str("Parameters") ?? "{}",
      creationTime: now,
      instances: ids.map((id) => ({
        instanceId: id,
        status: "Pending",
        exitCode: null,
        output: "",
        errorCode: "",
        errorInfo: "",
        creationTime: now,
        startTime: "",
        finishTime: "",
      })),
    };
    e.schedule("invocation.delivered", invokeId, e.latencies.commandDelivery);
    const body = { CommandId: commandId, InvokeId: invokeId };
    e.tokenStore("ecs", "RunCommand", p, body);
    return body;
  },

  DescribeInvocations(e, p) {
    const regionId = e.regionParam(p)!;
    const base64 = (p.str("ContentEncoding") ?? "Base64").toLowerCase() !== "plaintext";
    const includeOutput = p.bool("IncludeOutput") ?? false;
    const pager = pageByToken(p, { max: 50, floor: 1, pageSizeMax: 50 });
    const f = (k: string) => p.str(k);
    const list = Object.values(e.world.invocations)
      .filter(
        (v) =>
          v.regionId === regionId &&
          (!f("InvokeId") || v.invokeId === f("InvokeId")) &&
          (!f("CommandId") || v.commandId === f("CommandId")) &&
          (!f("CommandType") || v.commandType === f("CommandType")) &&
          (!f("CommandName") || v.commandName === f("CommandName")) &&
          (!f("InstanceId") || v.instances.some((x) => x.instanceId === f("InstanceId"))) &&
          (!f("InvokeStatus") || Engine.aggregateStatus(v) === f("InvokeStatus")),
      )
      .reverse();
    const page = pager(list);
    return {
      ...page.extra,
      Invocations: wrap(
        "Invocation",
        page.items.map((v) => invocationView(e, v, base64, includeOutput)),
      ),
    };
  },

  DescribeInvocationResults(e, p) {
    const regionId = e.regionParam(p)!;
    const base64 = (p.str("ContentEncoding") ?? "Base64").toLowerCase() !== "plaintext";
    const enc = (s: string) => (base64 ? Buffer.from(s).toString("base64") : s);
    const pager = pageByToken(p, { max: 50, floor: 1, pageSizeMax: 50 });
    const f = (k: string) => p.str(k);
    const rows = Object.values(e.world.invocations)
      .filter(
        (v) =>
          v.regionId === regionId &&
          (!f("InvokeId") || v.invokeId === f("InvokeId")) &&
          (!f("CommandId") || v.commandId === f("CommandId")),
      )
      .flatMap((v) =>
        v.instances.filter((x) => !f("InstanceId") || x.instanceId === f("InstanceId")).map((x) => ({ v, x })),
      );
    const rs = f("InvokeRecordStatus");
    const filtered = rs
      ? rows.filter(({ x }) =>
          rs === "Finished"
            ? ["Success", "Failed", "Invalid", "Aborted", "Error", "Timeout"].includes(x.status)
            : x.status === rs,
        )
      : rows;
    const page = pager(filtered);
    return {
      Invocation: {
        ...page.extra,
        InvocationResults: wrap(
          "InvocationResult",
          page.items.map(({ v, x }) => ({
            InvokeId: v.invokeId,
            CommandId: v.commandId,
            InstanceId: x.instanceId,
            InvocationStatus: x.status,
            InvokeRecordStatus: ["Pending", "Running"].includes(x.status) ? "Running" : "Finished",
            ExitCode: x.exitCode ?? 0,
            Output: enc(x.output),
            Dropped: 0,
            ErrorCode: x.errorCode,
            ErrorInfo: x.errorInfo,
            Repeats: x.status === "Pending" ? 0 : 1,
            StartTime: x.startTime,
            StopTime: "",
            FinishedTime: x.finishTime,
            Username: v.username,
            Tags: wrap("Tag", []),
          })),
        ),
      },
    };
  },
};

export const ECS_IMAGES = IMAGES;
