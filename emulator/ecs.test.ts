// ECS contract tests — only the official SDK client talks to the emulator.
import { describe, expect, it } from "vitest";
import { $Ecs } from "./sdk";
import { DEMO, TOKYO, expectApiError, startTestEmulator, setupTestEmulator, waitFor } from "./test-helpers";

const t = setupTestEmulator({ resetEachTest: true });

const R = TOKYO;
const enis = async (req: Partial<$Ecs.DescribeNetworkInterfacesRequest> = {}) =>
  (await t.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, ...req }))).body!;
const eni = async (id: string) =>
  (await enis({ networkInterfaceId: [id] })).networkInterfaceSets!.networkInterfaceSet![0];
const instance = async (id: string) =>
  (await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify([id]) })))
    .body!.instances!.instance![0];
const createEni = (req: Partial<$Ecs.CreateNetworkInterfaceRequest> = {}) =>
  t.ecs.createNetworkInterface(
    new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg, ...req }),
  );
const attach = (networkInterfaceId: string, instanceId: string) =>
  t.ecs.attachNetworkInterface(new $Ecs.AttachNetworkInterfaceRequest({ regionId: R, networkInterfaceId, instanceId }));
const detach = (networkInterfaceId: string, instanceId: string) =>
  t.ecs.detachNetworkInterface(new $Ecs.DetachNetworkInterfaceRequest({ regionId: R, networkInterfaceId, instanceId }));
const assign = (req: Partial<$Ecs.AssignPrivateIpAddressesRequest>) =>
  t.ecs.assignPrivateIpAddresses(new $Ecs.AssignPrivateIpAddressesRequest({ regionId: R, ...req }));
const unassign = (networkInterfaceId: string, privateIpAddress: string[]) =>
  t.ecs.unassignPrivateIpAddresses(
    new $Ecs.UnassignPrivateIpAddressesRequest({ regionId: R, networkInterfaceId, privateIpAddress }),
  );
const stop = (instanceId: string) => t.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId }));
const start = (instanceId: string) => t.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId }));

describe("regions, zones, instance types", () => {
  it("DescribeRegions lists the seeded regions in the requested language", async () => {
    const r = await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({ acceptLanguage: "en-US" }));
    expect(r.body!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(r.body!.regions!.region!.map((x) => [x.regionId, x.localName])).toEqual([
      ["ap-northeast-1", "Japan (Tokyo)"],
      ["cn-hangzhou", "China (Hangzhou)"],
    ]);
    const ja = await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({ acceptLanguage: "ja" }));
    expect(ja.body!.regions!.region!.map((x) => x.localName)).toEqual(["日本 (東京)", "中国 (杭州)"]);
    const byDefault = await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(byDefault.body!.regions!.region!.map((x) => x.localName)).toEqual(["日本（东京）", "华东1（杭州）"]);
    const zonesJa = await t.ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: R, acceptLanguage: "ja" }));
    expect(zonesJa.body!.zones!.zone!.map((z) => z.localName)).toEqual(["東京 ゾーン A", "東京 ゾーン B"]);
  });

  it("DescribeZones returns two zones with purchasable types; unknown region → 404", async () => {
    const r = await t.ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: R }));
    const zones = r.body!.zones!.zone!;
    expect(zones.map((z) => z.zoneId)).toEqual(["ap-northeast-1a", "ap-northeast-1b"]);
    expect(zones[0]!.availableInstanceTypes!.instanceTypes).toContain("ecs.g7.large");
    expect(zones[0]!.availableResources!.resourcesInfo![0]!.instanceTypes!.supportedInstanceType).toContain(
      "ecs.g7.large",
    );
    await expectApiError(
      t.ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: "mars-1" })),
      "InvalidRegionId.NotFound",
      404,
    );
  });

  it("DescribeInstanceTypes reports published ENI and IP quotas, filters and pages", async () => {
    const r = await t.ecs.describeInstanceTypes(
      new $Ecs.DescribeInstanceTypesRequest({ instanceTypes: ["ecs.g7.large", "ecs.g6.xlarge"] }),
    );
    const byId = Object.fromEntries(r.body!.instanceTypes!.instanceType!.map((t) => [t.instanceTypeId, t]));
    expect(byId["ecs.g7.large"]).toMatchObject({
      cpuCoreCount: 2,
      memorySize: 8,
      eniQuantity: 3,
      eniPrivateIpAddressQuantity: 6,
    });
    expect(byId["ecs.g6.xlarge"]).toMatchObject({ eniQuantity: 3, eniPrivateIpAddressQuantity: 10 });
    const all = await t.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({}));
    expect(all.body!.instanceTypes!.instanceType!.length).toBeGreaterThanOrEqual(10);
    const p1 = await t.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ maxResults: 5 }));
    expect(p1.body!.instanceTypes!.instanceType).toHaveLength(5);
    expect(p1.body!.nextToken).toBeTruthy();
    const p2 = await t.ecs.describeInstanceTypes(
      new $Ecs.DescribeInstanceTypesRequest({ maxResults: 5, nextToken: p1.body!.nextToken }),
    );
    expect(p2.body!.instanceTypes!.instanceType![0]!.instanceTypeId).not.toBe(
      p1.body!.instanceTypes!.instanceType![0]!.instanceTypeId,
    );
    const big = await t.ecs.describeInstanceTypes(
      new $Ecs.DescribeInstanceTypesRequest({ minimumEniPrivateIpAddressQuantity: 15 }),
    );
    expect(big.body!.instanceTypes!.instanceType!.every((t) => t.eniPrivateIpAddressQuantity! >= 15)).toBe(true);
  });
});

describe("instances", () => {
  it("DescribeInstances shows the demo instance with its EIP, ENIs and VPC attributes", async () => {
    const i = await instance(DEMO.web1);
    expect(i).toMatchObject({
      instanceId: DEMO.web1,
      status: "Running",
      instanceType: "ecs.g7.large",
      zoneId: "ap-northeast-1a",
      instanceNetworkType: "vpc",
    });
    expect(i!.OSNameEn).toContain("Alibaba Cloud Linux");
    expect(i!.eipAddress).toMatchObject({ allocationId: DEMO.eipOnWeb1, ipAddress: "203.0.113.10" });
    expect(i!.vpcAttributes!.privateIpAddress!.ipAddress).toEqual(["172.16.0.57"]);
    expect(i!.networkInterfaces!.networkInterface!.map((n) => n.type)).toEqual(["Primary"]);
    expect(i!.securityGroupIds!.securityGroupId).toEqual([DEMO.sg]);
  });

  it("DescribeInstances filters and pages with NextToken; unknown ids are just absent; bad JSON is InvalidParameter", async () => {
    const none = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify(["i-nothere"]) }),
    );
    expect(none.body!.instances!.instance).toEqual([]);
    const hz = await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: "cn-hangzhou" }));
    expect(hz.body!.totalCount).toBe(0);
    await t.ecs.runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: R,
        imageId: "aliyun_3_x64_20G_alibase_20240528.vhd",
        instanceType: "ecs.c6.large",
        vSwitchId: DEMO.vswB,
        securityGroupId: DEMO.sg,
        amount: 6,
        instanceName: "batch",
      }),
    );
    const p1 = await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 10 }));
    expect(p1.body!.instances!.instance).toHaveLength(10);
    const p2 = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 10, nextToken: p1.body!.nextToken }),
    );
    expect(p2.body!.instances!.instance).toHaveLength(4);
    expect(p2.body!.nextToken ?? "").toBe("");
    const ids = new Set([...p1.body!.instances!.instance!, ...p2.body!.instances!.instance!].map((x) => x.instanceId));
    expect(ids.size).toBe(14);
    const byName = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: R, instanceName: "demo-web-*" }),
    );
    expect(byName.body!.instances!.instance!.map((x) => x.instanceName).sort()).toEqual(["demo-web-1", "demo-web-2"]);
    const old = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: R, pageNumber: 2, pageSize: 5 }),
    );
    expect([old.body!.pageNumber, old.body!.instances!.instance!.length, old.body!.totalCount]).toEqual([2, 5, 14]);
    await expectApiError(
      t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: "[i-1" })),
      "InvalidParameter",
      400,
    );
    await expectApiError(
      t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, nextToken: "garbage" })),
      "InvalidParameter",
      400,
    );
  });

  it("RunInstances: Pending → Running, primary ENI from the vSwitch, ClientToken idempotent", async () => {
    t.emu.setLatencies({ instanceCreate: 150 });
    const req = {
      regionId: R,
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      instanceType: "ecs.g7.xlarge",
      vSwitchId: DEMO.vswA,
      securityGroupId: DEMO.sg,
      instanceName: "new-one",
      clientToken: "run-1",
    };
    const r = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(req));
    const id = r.body!.instanceIdSets!.instanceIdSet![0]!;
    expect(id).toMatch(/^i-6we[a-z0-9]{17}$/);
    expect((await instance(id))!.status).toBe("Pending");
    const again = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(req));
    expect(again.body!.instanceIdSets!.instanceIdSet).toEqual([id]);
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...req, instanceType: "ecs.g7.large" })),
      "IdempotentParameterMismatch",
      400,
    );
    const running = await waitFor(
      () => instance(id),
      (i) => i!.status === "Running",
    );
    expect(running!.status).toBe("Running");
    const ip = running!.vpcAttributes!.privateIpAddress!.ipAddress![0]!;
    expect(ip).toMatch(/^172\.16\.0\.\d+$/);
    expect(["172.16.0.0", "172.16.0.253", "172.16.0.254", "172.16.0.255"]).not.toContain(ip);
  });

  it("DescribeInstances filters by Tag.N (RunInstances keeps its tags) and Filter.N CreationStartTime", async () => {
    const tag = (key: string, value?: string) => ({ key, value });
    const run = await t.ecs.runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: R,
        imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
        instanceType: "ecs.g7.large",
        vSwitchId: DEMO.vswA,
        securityGroupId: DEMO.sg,
        tag: [new $Ecs.RunInstancesRequestTag(tag("env", "prod")), new $Ecs.RunInstancesRequestTag(tag("team", "net"))],
      }),
    );
    const id = run.body!.instanceIdSets!.instanceIdSet![0]!;
    const ids = async (req: Partial<$Ecs.DescribeInstancesRequest>) =>
      (
        await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, ...req }))
      ).body!.instances!.instance!.map((i) => i.instanceId);
    const byTag = (...tags: Array<{ key: string; value?: string }>) =>
      ids({ tag: tags.map((x) => new $Ecs.DescribeInstancesRequestTag(x)) });
    expect(await byTag(tag("env", "prod"))).toEqual([id]);
    expect(await byTag(tag("env", "prod"), tag("team"))).toEqual([id]);
    expect(await byTag(tag("env", "dev"))).toEqual([]);
    // the demo world's pool for fleets
    expect((await byTag(tag("pool", "web"))).sort()).toEqual(DEMO.pool.slice(0, 5));
    expect((await byTag(tag("pool", "web"), tag("env", "staging"))).sort()).toEqual(DEMO.pool.slice(0, 2));
    expect(await byTag(tag("pool", "batch"))).toEqual([DEMO.pool[5]]);
    expect((await instance(id))!.tags!.tag!.map((x) => [x.tagKey, x.tagValue])).toEqual([
      ["env", "prod"],
      ["team", "net"],
    ]);
    // the demo instances were created 30 days ago, the new one now
    const since = (ms: number) => [
      new $Ecs.DescribeInstancesRequestFilter({
        key: "CreationStartTime",
        value: new Date(ms).toISOString().slice(0, 16) + "Z",
      }),
    ];
    expect(await ids({ filter: since(Date.now() - 3_600_000) })).toEqual([id]);
    // the demo world's two instances and its pool of six for fleets, and the new one
    expect(await ids({ filter: since(Date.now() - 40 * 86_400_000) })).toHaveLength(9);
    await expectApiError(
      t.ecs.describeInstances(
        new $Ecs.DescribeInstancesRequest({
          regionId: R,
          filter: [new $Ecs.DescribeInstancesRequestFilter({ key: "CreationStartTime", value: "soon" })],
        }),
      ),
      "InvalidParameter",
      400,
    );
  });

  it("RunInstances errors: unknown type, image, vSwitch, security group, used IP", async () => {
    const base = {
      regionId: R,
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      instanceType: "ecs.g7.large",
      vSwitchId: DEMO.vswA,
      securityGroupId: DEMO.sg,
    };
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, instanceType: "ecs.nope.large" })),
      "InvalidInstanceType.ValueNotSupported",
      400,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, imageId: "m-nothere" })),
      "InvalidImageId.NotFound",
      404,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, vSwitchId: "vsw-nothere" })),
      "InvalidVSwitchId.NotFound",
      404,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, securityGroupId: "sg-nothere" })),
      "InvalidSecurityGroupId.NotFound",
      404,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, privateIpAddress: "172.16.0.57" })),
      "InvalidPrivateIpAddress.Duplicated",
      400,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, dryRun: true })),
      "DryRunOperation",
      400,
    );
    await expectApiError(
      t.ecs.runInstances(new $Ecs.RunInstancesRequest({ ...base, imageId: undefined })),
      "MissingParameter",
      400,
    );
  });

  it("Stop/Start go through Stopping/Starting; wrong state is IncorrectInstanceStatus", async () => {
    t.emu.setLatencies({ instanceStop: 150, instanceStart: 150 });
    await stop(DEMO.web2);
    expect((await instance(DEMO.web2))!.status).toBe("Stopping");
    await expectApiError(stop(DEMO.web2), "IncorrectInstanceStatus", 403);
    await expectApiError(start(DEMO.web2), "IncorrectInstanceStatus", 403);
    const stopped = await waitFor(
      () => instance(DEMO.web2),
      (i) => i!.status === "Stopped",
    );
    expect(stopped!.status).toBe("Stopped");
    expect(stopped!.stoppedMode).toBe("KeepCharging");
    await start(DEMO.web2);
    expect((await instance(DEMO.web2))!.status).toBe("Starting");
    expect(
      (await waitFor(
        () => instance(DEMO.web2),
        (i) => i!.status === "Running",
      ))!.status,
    ).toBe("Running");
    await expectApiError(start("i-nothere"), "InvalidInstanceId.NotFound", 404);
    const st = await t.ecs.describeInstanceStatus(
      new $Ecs.DescribeInstanceStatusRequest({ regionId: R, instanceId: [DEMO.web1, DEMO.web2] }),
    );
    expect(st.body!.instanceStatuses!.instanceStatus!.map((s) => s.status)).toEqual(["Running", "Running"]);
  });

  it("DeleteInstance needs Stopped (or Force); releases the EIP and keeps non-DeleteOnRelease ENIs", async () => {
    await attach(DEMO.secondaryEni, DEMO.web1);
    await expectApiError(
      t.ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: DEMO.web1 })),
      "IncorrectInstanceStatus",
      403,
    );
    await t.ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: DEMO.web1, force: true }));
    expect(await instance(DEMO.web1)).toBeUndefined();
    const left = await eni(DEMO.secondaryEni);
    expect([left!.status, left!.instanceId]).toEqual(["Available", ""]);
    expect(await eni(DEMO.primaryEni1)).toBeUndefined();
    await expectApiError(
      t.ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: DEMO.web1 })),
      "InvalidInstanceId.NotFound",
      404,
    );
  });
});

describe("security groups", () => {
  it("CreateSecurityGroup + DescribeSecurityGroups; unknown VPC is 404", async () => {
    const c = await t.ecs.createSecurityGroup(
      new $Ecs.CreateSecurityGroupRequest({
        regionId: R,
        vpcId: DEMO.vpc,
        securityGroupName: "web-sg",
        clientToken: "sg-1",
      }),
    );
    const id = c.body!.securityGroupId!;
    expect(id).toMatch(/^sg-6we/);
    const again = await t.ecs.createSecurityGroup(
      new $Ecs.CreateSecurityGroupRequest({
        regionId: R,
        vpcId: DEMO.vpc,
        securityGroupName: "web-sg",
        clientToken: "sg-1",
      }),
    );
    expect(again.body!.securityGroupId).toBe(id);
    const d = await t.ecs.describeSecurityGroups(
      new $Ecs.DescribeSecurityGroupsRequest({ regionId: R, vpcId: DEMO.vpc }),
    );
    expect(d.body!.securityGroups!.securityGroup!.map((g) => g.securityGroupId).sort()).toEqual([DEMO.sg, id].sort());
    expect(d.body!.totalCount).toBe(2);
    await expectApiError(
      t.ecs.createSecurityGroup(new $Ecs.CreateSecurityGroupRequest({ regionId: R, vpcId: "vpc-nothere" })),
      "InvalidVpcId.NotFound",
      404,
    );
  });
});

describe("ENIs", () => {
  it("CreateNetworkInterface returns an Available ENI with IPs from the vSwitch; idempotent with ClientToken", async () => {
    const r = await createEni({
      secondaryPrivateIpAddressCount: 2,
      networkInterfaceName: "extra",
      clientToken: "eni-tok",
    });
    const b = r.body!;
    expect(b.networkInterfaceId).toMatch(/^eni-6we[a-z0-9]{17}$/);
    expect([b.status, b.type, b.vpcId, b.zoneId]).toEqual(["Available", "Secondary", DEMO.vpc, "ap-northeast-1a"]);
    expect(b.macAddress).toMatch(/^00:16:3e(:[0-9a-f]{2}){3}$/);
    const ips = b.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!);
    expect(ips).toHaveLength(3);
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) expect(ip).toMatch(/^172\.16\.0\.(\d+)$/);
    const again = await createEni({
      secondaryPrivateIpAddressCount: 2,
      networkInterfaceName: "extra",
      clientToken: "eni-tok",
    });
    expect(again.body!.networkInterfaceId).toBe(b.networkInterfaceId);
    expect((await enis({ networkInterfaceName: "extra" })).networkInterfaceSets!.networkInterfaceSet).toHaveLength(1);
    await expectApiError(
      createEni({ secondaryPrivateIpAddressCount: 3, networkInterfaceName: "extra", clientToken: "eni-tok" }),
      "IdempotentParameterMismatch",
      400,
    );
  });

  it("CreateNetworkInterface errors", async () => {
    await expectApiError(createEni({ vSwitchId: "vsw-nothere" }), "InvalidVSwitchId.NotFound", 404);
    await expectApiError(createEni({ securityGroupId: "sg-nothere" }), "InvalidSecurityGroupId.NotFound", 404);
    // createEni() sets SecurityGroupId; adding SecurityGroupIds.N as well is a conflict
    await expectApiError(createEni({ securityGroupIds: [DEMO.sg] }), "InvalidParameter.Conflict", 400);
    const { vpcClient, $Vpc } = await import("./sdk");
    const vpc = vpcClient({ endpoint: t.emu.endpoint });
    const otherVpc = (await vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: R, cidrBlock: "10.0.0.0/16" }))).body!
      .vpcId!;
    const otherVsw = (
      await vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: R,
          vpcId: otherVpc,
          zoneId: "ap-northeast-1a",
          cidrBlock: "10.0.1.0/24",
        }),
      )
    ).body!.vSwitchId!;
    await expectApiError(createEni({ vSwitchId: otherVsw }), "InvalidOperation.VpcMismatch", 403);
    await expectApiError(createEni({ vSwitchId: DEMO.hzVsw }), "InvalidVSwitchId.NotFound", 404);
    await expectApiError(createEni({ primaryIpAddress: "10.9.9.9" }), "InvalidVSwitchId.IpInvalid", 403);
    await expectApiError(createEni({ primaryIpAddress: "172.16.0.253" }), "InvalidVSwitchId.IpInvalid", 403);
    await expectApiError(createEni({ primaryIpAddress: "172.16.0.0" }), "InvalidVSwitchId.IpInvalid", 403);
    await expectApiError(createEni({ primaryIpAddress: "172.16.0.57" }), "InvalidPrivateIpAddress.Duplicated", 400);
    await expectApiError(
      createEni({ privateIpAddress: ["172.16.0.100", "172.16.0.100"] }),
      "InvalidIp.IpRepeated",
      403,
    );
    await expectApiError(
      createEni({ privateIpAddress: ["172.16.0.100"], secondaryPrivateIpAddressCount: 1 }),
      "InvalidParameter.Conflict",
      400,
    );
    await expectApiError(createEni({ secondaryPrivateIpAddressCount: 10 }), "InvalidOperation.Ipv4CountExceeded", 403);
    t.emu.engine.world.quotas.eniPerRegion = 3; // the demo world has 3 ENIs in Tokyo
    await expectApiError(createEni({}), "MaxEniCountExceeded", 403);
  });

  it("a /29 vSwitch runs out of addresses: IpNotEnough, and reserved addresses are never handed out", async () => {
    t.emu.engine.world.vswitches["vsw-tiny"] = {
      ...t.emu.engine.world.vswitches[DEMO.vswA]!,
      vSwitchId: "vsw-tiny",
      cidrBlock: "172.16.9.0/29",
    };
    const r = await createEni({ vSwitchId: "vsw-tiny", secondaryPrivateIpAddressCount: 3 });
    const ips = r.body!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress).sort();
    expect(ips).toEqual(["172.16.9.1", "172.16.9.2", "172.16.9.3", "172.16.9.4"]);
    await expectApiError(createEni({ vSwitchId: "vsw-tiny" }), "InvalidVSwitchId.IpNotEnough", 403);
  });

  it("Attach: Available → Attaching → InUse; Detach: InUse → Detaching → Available, EIPs stay on the ENI", async () => {
    t.emu.setLatencies({ eniAttach: 150, eniDetach: 150, eipAssociate: 0 });
    await attach(DEMO.secondaryEni, DEMO.web1);
    let e = await eni(DEMO.secondaryEni);
    expect([e!.status, e!.instanceId]).toEqual(["Attaching", DEMO.web1]);
    await expectApiError(attach(DEMO.secondaryEni, DEMO.web1), "InvalidOperation.InvalidEniState", 400);
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, secondaryPrivateIpAddressCount: 1 }),
      "InvalidOperation.InvalidEniState",
      400,
    );
    e = await waitFor(
      () => eni(DEMO.secondaryEni),
      (x) => x!.status === "InUse",
    );
    expect(e!.status).toBe("InUse");
    expect(e!.attachment!.deviceIndex).toBe(1);
    const inst = await instance(DEMO.web1);
    expect(inst!.networkInterfaces!.networkInterface!.map((n) => n.networkInterfaceId)).toEqual([
      DEMO.primaryEni1,
      DEMO.secondaryEni,
    ]);
    // bind an EIP to the ENI's primary IP through the emulator, then detach
    const vpc = (await import("./sdk")).vpcClient({ endpoint: t.emu.endpoint });
    const { $Vpc } = await import("./sdk");
    await vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: R,
        allocationId: DEMO.freeEips[0],
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.60",
      }),
    );
    await detach(DEMO.secondaryEni, DEMO.web1);
    expect((await eni(DEMO.secondaryEni))!.status).toBe("Detaching");
    e = await waitFor(
      () => eni(DEMO.secondaryEni),
      (x) => x!.status === "Available",
    );
    expect([e!.status, e!.instanceId]).toEqual(["Available", ""]);
    expect(e!.associatedPublicIp!.allocationId).toBe(DEMO.freeEips[0]);
  });

  it("Attach errors: not found, primary ENI, zone/VPC mismatch, quota, stopped-only type, IP count", async () => {
    await expectApiError(attach("eni-nothere", DEMO.web1), "InvalidEniId.NotFound", 404);
    await expectApiError(attach(DEMO.secondaryEni, "i-nothere"), "InvalidEcsId.NotFound", 404);
    await expectApiError(attach(DEMO.primaryEni1, DEMO.web2), "InvalidOperation.InvalidEniType", 403);
    const b = (await createEni({ vSwitchId: DEMO.vswB })).body!.networkInterfaceId!;
    await expectApiError(attach(b, DEMO.web1), "InvalidOperation.AvailabilityZoneMismatch", 403);
    // ecs.g7.large: EniQuantity 3 (primary included) → 2 secondaries, the third fails
    const e1 = (await createEni({})).body!.networkInterfaceId!;
    const e2 = (await createEni({})).body!.networkInterfaceId!;
    await attach(e1, DEMO.web1);
    await attach(e2, DEMO.web1);
    await expectApiError(attach(DEMO.secondaryEni, DEMO.web1), "EniPerInstanceLimitExceeded", 403);
    // ecs.g6.large allows 6 IPs per ENI; an ENI with 7 cannot be attached to it (limit for Available ENIs is 10)
    const fat = (await createEni({ secondaryPrivateIpAddressCount: 6 })).body!.networkInterfaceId!;
    await expectApiError(attach(fat, DEMO.web2), "InvalidOperation.Ipv4CountExceeded", 403);
    // a t6 instance attaches ENIs only while Stopped
    const t6 = (
      await t.ecs.runInstances(
        new $Ecs.RunInstancesRequest({
          regionId: R,
          imageId: "centos_7_9_x64_20G_alibase_20240628.vhd",
          instanceType: "ecs.t6-c1m2.large",
          vSwitchId: DEMO.vswA,
          securityGroupId: DEMO.sg,
        }),
      )
    ).body!.instanceIdSets!.instanceIdSet![0]!;
    await instance(t6);
    await expectApiError(attach(DEMO.secondaryEni, t6), "InvalidOperation.InvalidEcsState", 400);
    await stop(t6);
    await instance(t6);
    await attach(DEMO.secondaryEni, t6);
    expect((await eni(DEMO.secondaryEni))!.status).toBe("InUse");
    await start(t6);
    await instance(t6);
    await expectApiError(detach(DEMO.secondaryEni, t6), "InvalidOperation.InvalidEcsState", 400);
    // a VPC mismatch: an instance in Hangzhou's VPC cannot be reached from Tokyo's region at all
    await expectApiError(attach(DEMO.secondaryEni, "i-nothere2"), "InvalidEcsId.NotFound", 404);
  });

  it("Detach errors: primary ENI, not attached, wrong instance", async () => {
    await expectApiError(detach(DEMO.primaryEni1, DEMO.web1), "InvalidOperation.DetachPrimaryEniNotAllowed", 400);
    await expectApiError(detach(DEMO.secondaryEni, DEMO.web1), "InvalidOperation.InvalidEniState", 400);
    await attach(DEMO.secondaryEni, DEMO.web1);
    await expectApiError(detach(DEMO.secondaryEni, DEMO.web2), "InvalidOperation.InvalidEniState", 400);
  });

  it("Assign/Unassign private IPs: explicit and counted, quota by instance type, reserved/used/foreign IPs rejected", async () => {
    await attach(DEMO.secondaryEni, DEMO.web1);
    const a = await assign({
      networkInterfaceId: DEMO.secondaryEni,
      privateIpAddress: ["172.16.0.77", "172.16.0.78"],
      clientToken: "as-1",
    });
    expect(a.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress).toEqual([
      "172.16.0.77",
      "172.16.0.78",
    ]);
    const again = await assign({
      networkInterfaceId: DEMO.secondaryEni,
      privateIpAddress: ["172.16.0.77", "172.16.0.78"],
      clientToken: "as-1",
    });
    expect(again.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress).toEqual([
      "172.16.0.77",
      "172.16.0.78",
    ]);
    const c = await assign({ networkInterfaceId: DEMO.secondaryEni, secondaryPrivateIpAddressCount: 2 });
    const counted = c.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress!;
    expect(counted).toHaveLength(2);
    const e = await eni(DEMO.secondaryEni);
    expect(e!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress)).toEqual([
      "172.16.0.60",
      "172.16.0.77",
      "172.16.0.78",
      ...counted,
    ]);
    // ecs.g7.large: 6 IPs per ENI; we have 5
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, secondaryPrivateIpAddressCount: 2 }),
      "InvalidOperation.Ipv4CountExceeded",
      403,
    );
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.0.57"] }),
      "InvalidIp.IpAssigned",
      403,
    );
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.0.255"] }),
      "InvalidVSwitchId.IpInvalid",
      403,
    );
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.1.5"] }),
      "InvalidVSwitchId.IpInvalid",
      403,
    );
    await expectApiError(
      assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.0.90", "172.16.0.90"] }),
      "InvalidIp.IpRepeated",
      403,
    );
    await expectApiError(
      assign({
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.90"],
        secondaryPrivateIpAddressCount: 1,
      }),
      "InvalidParameter.Conflict",
      400,
    );
    await expectApiError(
      assign({ networkInterfaceId: "eni-nothere", secondaryPrivateIpAddressCount: 1 }),
      "InvalidEniId.NotFound",
      404,
    );
    await unassign(DEMO.secondaryEni, ["172.16.0.77"]);
    expect((await eni(DEMO.secondaryEni))!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress)).not.toContain(
      "172.16.0.77",
    );
    await expectApiError(unassign(DEMO.secondaryEni, ["172.16.0.77"]), "InvalidIp.IpUnassigned", 403);
    await expectApiError(unassign(DEMO.secondaryEni, ["172.16.0.60"]), "InvalidIp.IpUnassigned", 403);
    // the freed address can be assigned again
    await assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.0.77"] });
  });

  it("Unassign of an IP that carries an EIP is rejected by default, auto-unassociates under the other policy", async () => {
    const { vpcClient, $Vpc } = await import("./sdk");
    const vpc = vpcClient({ endpoint: t.emu.endpoint });
    await assign({ networkInterfaceId: DEMO.secondaryEni, privateIpAddress: ["172.16.0.77"] });
    await vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: R,
        allocationId: DEMO.freeEips[0],
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.77",
      }),
    );
    await expectApiError(unassign(DEMO.secondaryEni, ["172.16.0.77"]), "InvalidOperation.InvalidEniState", 400);
    t.emu.engine.world.policies.unassignIpWithEip = "unassociate";
    await unassign(DEMO.secondaryEni, ["172.16.0.77"]);
    const eip = await vpc.describeEipAddresses(
      new $Vpc.DescribeEipAddressesRequest({ regionId: R, allocationId: DEMO.freeEips[0] }),
    );
    expect(eip.body!.eipAddresses!.eipAddress![0]).toMatchObject({
      status: "Available",
      instanceId: "",
      privateIpAddress: "",
    });
  });

  it("Delete: only Available secondary ENIs; Deleting → gone; frees its IPs", async () => {
    t.emu.setLatencies({ eniDelete: 150 });
    const id = (await createEni({ privateIpAddress: ["172.16.0.120"] })).body!.networkInterfaceId!;
    await expectApiError(
      t.ecs.deleteNetworkInterface(
        new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: DEMO.primaryEni1 }),
      ),
      "InvalidOperation.InvalidEniType",
      403,
    );
    await attach(DEMO.secondaryEni, DEMO.web1);
    await expectApiError(
      t.ecs.deleteNetworkInterface(
        new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: DEMO.secondaryEni }),
      ),
      "InvalidOperation.InvalidEniState",
      400,
    );
    await t.ecs.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: id }));
    expect((await eni(id))!.status).toBe("Deleting");
    await waitFor(
      () => eni(id),
      (x) => x === undefined,
    );
    expect(await eni(id)).toBeUndefined();
    await createEni({ privateIpAddress: ["172.16.0.120"] });
    await expectApiError(
      t.ecs.deleteNetworkInterface(
        new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: "eni-nothere" }),
      ),
      "InvalidEniId.NotFound",
      404,
    );
  });

  it("DescribeNetworkInterfaces: filters, MaxResults floor of 10, NextToken pages, attribute call", async () => {
    // 8 primary ENIs (2 demo instances + the pool of 6) and 1 secondary in the seed, 6 more here
    for (let k = 0; k < 6; k++) await createEni({ networkInterfaceName: `bulk${k}` });
    const p1 = await enis({ maxResults: 3 });
    expect(p1.networkInterfaceSets!.networkInterfaceSet).toHaveLength(10);
    const p2 = await enis({ maxResults: 10, nextToken: p1.nextToken });
    expect(p2.networkInterfaceSets!.networkInterfaceSet).toHaveLength(5);
    expect(p2.nextToken ?? "").toBe("");
    expect(
      (await enis({ instanceId: DEMO.web1 })).networkInterfaceSets!.networkInterfaceSet!.map(
        (x) => x.networkInterfaceId,
      ),
    ).toEqual([DEMO.primaryEni1]);
    expect((await enis({ type: "Primary" })).networkInterfaceSets!.networkInterfaceSet).toHaveLength(8);
    expect(
      (await enis({ privateIpAddress: ["172.16.0.60"] })).networkInterfaceSets!.networkInterfaceSet![0]!
        .networkInterfaceId,
    ).toBe(DEMO.secondaryEni);
    expect((await enis({ networkInterfaceId: ["eni-nothere"] })).networkInterfaceSets!.networkInterfaceSet).toEqual([]);
    await expectApiError(enis({ vSwitchId: "vsw-nothere" }), "InvalidVSwitchId.NotFound", 404);
    const attr = await t.ecs.describeNetworkInterfaceAttribute(
      new $Ecs.DescribeNetworkInterfaceAttributeRequest({ regionId: R, networkInterfaceId: DEMO.primaryEni1 }),
    );
    expect(attr.body).toMatchObject({
      networkInterfaceId: DEMO.primaryEni1,
      type: "Primary",
      instanceId: DEMO.web1,
      status: "InUse",
    });
    expect(attr.body!.associatedPublicIp!.publicIpAddress).toBe("203.0.113.10");
    await expectApiError(
      t.ecs.describeNetworkInterfaceAttribute(
        new $Ecs.DescribeNetworkInterfaceAttributeRequest({ regionId: R, networkInterfaceId: "eni-x" }),
      ),
      "InvalidEniId.NotFound",
      404,
    );
  });

  it("DescribeAccountAttributes reports the ENI quota", async () => {
    const r = await t.ecs.describeAccountAttributes(
      new $Ecs.DescribeAccountAttributesRequest({ regionId: R, attributeName: ["max-elastic-network-interfaces"] }),
    );
    expect(r.body!.accountAttributeItems!.accountAttributeItem![0]!.attributeValues!.valueItem![0]!.value).toBe("1000");
  });
});

describe("Cloud Assistant", () => {
  it("without lab mode the agent is offline: status false, RunCommand → 403 InvalidInstance.NotMatch", async () => {
    const s = await t.ecs.describeCloudAssistantStatus(
      new $Ecs.DescribeCloudAssistantStatusRequest({ regionId: R, instanceId: [DEMO.web1] }),
    );
    expect(s.body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus).toBe(
      "false",
    );
    await expectApiError(
      t.ecs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: R,
          type: "RunShellScript",
          commandContent: "ip addr",
          instanceId: [DEMO.web1],
        }),
      ),
      "InvalidInstance.NotMatch",
      403,
    );
    await expectApiError(
      t.ecs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: R,
          type: "RunShellScript",
          commandContent: "x",
          instanceId: ["i-nothere"],
        }),
      ),
      "InvalidInstance.NotFound",
      404,
    );
    await expectApiError(
      t.ecs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: R,
          type: "RunPerlScript",
          commandContent: "x",
          instanceId: [DEMO.web1],
        }),
      ),
      "InvalidCmdType.NotFound",
      403,
    );
    const inv = await t.ecs.describeInvocations(new $Ecs.DescribeInvocationsRequest({ regionId: R }));
    expect(inv.body!.invocations!.invocation).toEqual([]);
  });

  it("with a CommandRunner (lab-mode hook) invocations run and report output", async () => {
    const ran: string[] = [];
    const { emu: lab, ecs: labEcs } = await startTestEmulator({
      runner: {
        run: async (r) => (
          ran.push(r.script),
          {
            exitCode: r.script.includes("fail") ? 3 : 0,
            output: `ran on ${r.instance.instanceId} with ${r.networkInterfaces.length} ENI\n`,
          }
        ),
      },
    });
    try {
      const script = Buffer.from("echo ok").toString("base64");
      const rc = await labEcs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: R,
          type: "RunShellScript",
          commandContent: script,
          contentEncoding: "Base64",
          instanceId: [DEMO.web1],
          name: "probe",
        }),
      );
      expect(rc.body!.invokeId).toMatch(/^t-/);
      expect(rc.body!.commandId).toMatch(/^c-/);
      const get = () =>
        labEcs.describeInvocationResults(
          new $Ecs.DescribeInvocationResultsRequest({ regionId: R, invokeId: rc.body!.invokeId }),
        );
      const res = await waitFor(
        get,
        (r) => r.body!.invocation!.invocationResults!.invocationResult![0]!.invocationStatus === "Success",
      );
      const row = res.body!.invocation!.invocationResults!.invocationResult![0]!;
      expect(row.exitCode).toBe(0);
      expect(Buffer.from(row.output!, "base64").toString()).toBe(`ran on ${DEMO.web1} with 1 ENI\n`);
      expect(ran).toEqual(["echo ok"]);
      const list = await labEcs.describeInvocations(
        new $Ecs.DescribeInvocationsRequest({
          regionId: R,
          invokeId: rc.body!.invokeId,
          includeOutput: true,
          contentEncoding: "PlainText",
        }),
      );
      const inv = list.body!.invocations!.invocation![0]!;
      expect([inv.invocationStatus, inv.commandContent, inv.commandName]).toEqual(["Success", "echo ok", "probe"]);
      const bad = await labEcs.runCommand(
        new $Ecs.RunCommandRequest({
          regionId: R,
          type: "RunShellScript",
          commandContent: "fail",
          instanceId: [DEMO.web1],
        }),
      );
      const failed = await waitFor(
        () =>
          labEcs.describeInvocationResults(
            new $Ecs.DescribeInvocationResultsRequest({
              regionId: R,
              invokeId: bad.body!.invokeId,
              contentEncoding: "PlainText",
            }),
          ),
        (r) => r.body!.invocation!.invocationResults!.invocationResult![0]!.invocationStatus === "Failed",
      );
      expect(failed.body!.invocation!.invocationResults!.invocationResult![0]).toMatchObject({
        exitCode: 3,
        errorCode: "ExitCodeNonzero",
      });
      await labEcs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: DEMO.web2 }));
      await labEcs.describeInstanceStatus(new $Ecs.DescribeInstanceStatusRequest({ regionId: R }));
      await expectApiError(
        labEcs.runCommand(
          new $Ecs.RunCommandRequest({
            regionId: R,
            type: "RunShellScript",
            commandContent: "x",
            instanceId: [DEMO.web2],
          }),
        ),
        "InvalidInstance.NotMatch",
        403,
      );
    } finally {
      await lab.close();
    }
  });
});
