// Building the world a seed describes (Engine.reset). Ids and addresses the seed leaves out are
// drawn from the engine's random generator, so the resources are built in the seed's order.
import { instanceType } from "./catalog";
import type { Engine } from "./engine";
import { parseCidr } from "./ip";
import type { EipRec, InstanceRec, VSwitchRec, World } from "./model";
import type { ParsedSeed } from "./seed";

type SeedVpc = ParsedSeed["vpcs"][number];
type SeedInstance = ParsedSeed["instances"][number];
type SeedEni = ParsedSeed["networkInterfaces"][number];
type SeedEip = ParsedSeed["eips"][number];

/** A seed that contradicts itself: the emulator does not start. */
function fail(msg: string): never {
  throw new Error(`seed: ${msg}`);
}

/** The seed's account, quotas, policies and regions, without any resource yet. */
export function emptyWorld(s: ParsedSeed): World {
  return {
    version: 1,
    ownerId: s.ownerId,
    quotas: { ...s.quotas },
    policies: { ...s.policies },
    regions: s.regions.map((r) => ({
      regionId: r.regionId,
      localName: r.localName ?? r.regionId,
      localNameEn: r.localNameEn ?? r.regionId,
      localNameJa: r.localNameJa,
      zones: r.zones.map((z) => ({
        zoneId: z.zoneId,
        localName: z.localName ?? z.zoneId,
        localNameEn: z.localNameEn ?? z.zoneId,
        localNameJa: z.localNameJa,
      })),
    })),
    vpcs: {},
    vswitches: {},
    securityGroups: {},
    instances: {},
    enis: {},
    eips: {},
    invocations: {},
    tasks: [],
    tokens: {},
    rngState: 0,
    taskSeq: 0,
  };
}

/** Adds the seed's resources to the engine's world (fresh from `emptyWorld`), all created at `created`. */
export function populateWorld(engine: Engine, s: ParsedSeed, created: string): void {
  const build = new SeedBuilder(engine, created);
  for (const v of s.vpcs) build.vpc(v);
  for (const i of s.instances) build.instance(i);
  for (const n of s.networkInterfaces) build.networkInterface(n);
  for (const e of s.eips) build.eip(e);
}

class SeedBuilder {
  private readonly w: World;

  constructor(
    private readonly engine: Engine,
    private readonly created: string,
  ) {
    this.w = engine.world;
  }

  /** A VPC with its vSwitches and security groups. */
  vpc(v: SeedVpc): void {
    const { engine, w, created } = this;
    if (!engine.region(v.regionId)) fail(`vpc region ${v.regionId} is not in regions`);
    if (!parseCidr(v.cidrBlock)) fail(`bad VPC CIDR ${v.cidrBlock}`);
    const vpcId = v.id ?? engine.newId("vpc", v.regionId);
    w.vpcs[vpcId] = {
      vpcId,
      regionId: v.regionId,
      cidrBlock: v.cidrBlock,
      vpcName: v.name ?? "",
      description: v.description ?? "",
      isDefault: false,
      vRouterId: engine.newId("vrt", v.regionId),
      routeTableId: engine.newId("vtb", v.regionId),
      creationTime: created,
    };
    for (const sw of v.vSwitches) {
      if (!engine.zoneOf(v.regionId, sw.zoneId)) fail(`zone ${sw.zoneId} not in ${v.regionId}`);
      if (!parseCidr(sw.cidrBlock)) fail(`bad vSwitch CIDR ${sw.cidrBlock}`);
      const id = sw.id ?? engine.newId("vsw", v.regionId);
      w.vswitches[id] = {
        vSwitchId: id,
        vpcId,
        regionId: v.regionId,
        zoneId: sw.zoneId,
        cidrBlock: sw.cidrBlock,
        vSwitchName: sw.name ?? "",
        description: sw.description ?? "",
        creationTime: created,
      };
    }
    for (const sg of v.securityGroups) {
      const id = sg.id ?? engine.newId("sg", v.regionId);
      w.securityGroups[id] = {
        securityGroupId: id,
        regionId: v.regionId,
        vpcId,
        securityGroupName: sg.name ?? "",
        description: sg.description ?? "",
        creationTime: created,
      };
    }
  }

  /** An instance with its primary ENI. */
  instance(i: SeedInstance): void {
    const { engine, w, created } = this;
    const vsw = this.findVsw(i.vSwitch);
    if (!instanceType(i.instanceType)) fail(`unknown instance type ${i.instanceType}`);
    const id = i.id ?? engine.newId("i", vsw.regionId);
    const eniId = i.primaryEniId ?? engine.newId("eni", vsw.regionId);
    const sgs = this.sgsFor(vsw.vpcId, i.securityGroups);
    const ip = this.takeIp(vsw.vSwitchId, i.primaryIp);
    w.enis[eniId] = engine.makeEni(eniId, vsw.vSwitchId, ip, sgs, "Primary", created);
    w.enis[eniId]!.status = "InUse";
    w.enis[eniId]!.instanceId = id;
    w.instances[id] = {
      instanceId: id,
      regionId: vsw.regionId,
      zoneId: vsw.zoneId,
      vpcId: vsw.vpcId,
      vSwitchId: vsw.vSwitchId,
      instanceType: i.instanceType,
      imageId: i.imageId,
      instanceName: i.name ?? id,
      hostName: i.hostName ?? `iZ${id.slice(2)}Z`,
      description: "",
      status: i.status,
      stoppedMode: i.status === "Stopped" ? "KeepCharging" : "Not-applicable",
      creationTime: created,
      startTime: created,
      primaryEniId: eniId,
      securityGroupIds: sgs,
      cloudAssistant: i.cloudAssistant,
      internetMaxBandwidthOut: 0,
      tags: i.tags.map((t) => ({ key: t.key, value: t.value })),
    };
  }

  /** A secondary ENI, attached (InUse) when the seed names an instance. */
  networkInterface(n: SeedEni): void {
    const { engine, w } = this;
    const vsw = this.findVsw(n.vSwitch);
    const id = n.id ?? engine.newId("eni", vsw.regionId);
    const ip = this.takeIp(vsw.vSwitchId, n.primaryIp);
    const eni = engine.makeEni(
      id,
      vsw.vSwitchId,
      ip,
      this.sgsFor(vsw.vpcId, n.securityGroups),
      "Secondary",
      this.created,
    );
    eni.networkInterfaceName = n.name ?? "";
    eni.description = n.description ?? "";
    w.enis[id] = eni;
    for (const sip of n.secondaryIps) eni.secondaryIps.push(this.takeIp(vsw.vSwitchId, sip));
    if (n.instance) {
      const inst = this.findInstance(n.instance);
      eni.instanceId = inst.instanceId;
      eni.status = "InUse";
      eni.deviceIndex = engine.nextDeviceIndex(inst.instanceId);
    }
  }

  /** An EIP, bound when the seed says to what. */
  eip(e: SeedEip): void {
    const { engine, w } = this;
    if (!engine.region(e.regionId)) fail(`eip region ${e.regionId} is not in regions`);
    const id = e.id ?? engine.newId("eip", e.regionId);
    const ip = e.ipAddress ?? engine.allocPublicIp();
    if (Object.values(w.eips).some((x) => x.ipAddress === ip)) fail(`EIP address ${ip} used twice`);
    const rec: EipRec = {
      allocationId: id,
      regionId: e.regionId,
      ipAddress: ip,
      status: "Available",
      bandwidth: e.bandwidth,
      internetChargeType: e.internetChargeType,
      chargeType: "PostPaid",
      isp: "BGP",
      name: e.name ?? "",
      description: "",
      allocationTime: this.created,
      binding: null,
    };
    w.eips[id] = rec;
    if (e.associate) this.bind(rec, e.associate);
  }

  private bind(rec: EipRec, to: NonNullable<SeedEip["associate"]>): void {
    const w = this.w;
    if (to.instance) {
      const inst = this.findInstance(to.instance);
      rec.binding = {
        instanceType: "EcsInstance",
        instanceId: inst.instanceId,
        privateIpAddress: w.enis[inst.primaryEniId]!.primaryIp,
        mode: "NAT",
      };
      rec.status = "InUse";
    } else if (to.networkInterface) {
      const ref = to.networkInterface;
      const eni =
        w.enis[ref] ?? Object.values(w.enis).find((x) => x.networkInterfaceName === ref) ?? fail(`unknown ENI ${ref}`);
      const pip = to.privateIpAddress ?? eni.primaryIp;
      if (pip !== eni.primaryIp && !eni.secondaryIps.includes(pip)) fail(`${pip} is not on ${eni.networkInterfaceId}`);
      rec.binding = {
        instanceType: "NetworkInterface",
        instanceId: eni.networkInterfaceId,
        privateIpAddress: pip,
        mode: "NAT",
      };
      rec.status = "InUse";
    }
  }

  // ---------- references by id or name ----------
  private findVsw(ref: string): VSwitchRec {
    const w = this.w;
    return (
      w.vswitches[ref] ??
      Object.values(w.vswitches).find((x) => x.vSwitchName === ref) ??
      fail(`unknown vSwitch ${ref}`)
    );
  }

  private findInstance(ref: string): InstanceRec {
    const w = this.w;
    return (
      w.instances[ref] ??
      Object.values(w.instances).find((x) => x.instanceName === ref) ??
      fail(`unknown instance ${ref}`)
    );
  }

  /** The named security groups, or else the VPC's first one. */
  private sgsFor(vpcId: string, refs?: string[]): string[] {
    const w = this.w;
    if (refs?.length)
      return refs.map(
        (r) =>
          (
            w.securityGroups[r] ??
            Object.values(w.securityGroups).find((g) => g.securityGroupName === r && g.vpcId === vpcId) ??
            fail(`unknown security group ${r}`)
          ).securityGroupId,
      );
    const first = Object.values(w.securityGroups).find((g) => g.vpcId === vpcId);
    return first ? [first.securityGroupId] : [];
  }

  /** The given private IP (checked), or a free one. */
  private takeIp(vswId: string, ip?: string): string {
    if (ip) {
      const problem = this.engine.checkIp(vswId, ip);
      if (problem) fail(`${ip}: ${problem.message}`);
      return ip;
    }
    return this.engine.allocIps(vswId, 1)[0]!;
  }
}
