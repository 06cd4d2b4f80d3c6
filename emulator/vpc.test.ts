// VPC contract tests (VPCs, vSwitches, EIPs) — only the official SDK clients talk to the emulator.
import { describe, expect, it } from "vitest";
import { $Ecs, $Vpc } from "./sdk";
import { DEMO, TOKYO, expectApiError, setupTestEmulator, waitFor } from "./test-helpers";

const t = setupTestEmulator({ resetEachTest: true });
const R = TOKYO;
const eips = async (req: Partial<$Vpc.DescribeEipAddressesRequest> = {}) =>
  (await t.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, ...req }))).body!;
const eip = async (id: string) => (await eips({ allocationId: id })).eipAddresses!.eipAddress![0];
const associate = (req: Partial<$Vpc.AssociateEipAddressRequest>) =>
  t.vpc.associateEipAddress(new $Vpc.AssociateEipAddressRequest({ regionId: R, ...req }));
const unassociate = (req: Partial<$Vpc.UnassociateEipAddressRequest>) =>
  t.vpc.unassociateEipAddress(new $Vpc.UnassociateEipAddressRequest({ regionId: R, ...req }));
const allocate = (req: Partial<$Vpc.AllocateEipAddressRequest> = {}) =>
  t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: R, ...req }));

describe("regions, VPCs and vSwitches", () => {
  it("DescribeRegions / DescribeZones (VPC flavour)", async () => {
    const r = await t.vpc.describeRegions(new $Vpc.DescribeRegionsRequest({}));
    expect(r.body!.regions!.region!.map((x) => x.regionId)).toEqual(["ap-northeast-1", "cn-hangzhou"]);
    const z = await t.vpc.describeZones(
      new $Vpc.DescribeZonesRequest({ regionId: "cn-hangzhou", acceptLanguage: "en-US" }),
    );
    expect(z.body!.zones!.zone!.map((x) => [x.zoneId, x.localName])).toEqual([
      ["cn-hangzhou-h", "Hangzhou Zone H"],
      ["cn-hangzhou-i", "Hangzhou Zone I"],
    ]);
    await expectApiError(
      t.vpc.describeZones(new $Vpc.DescribeZonesRequest({ regionId: "nowhere" })),
      "InvalidRegionId.NotFound",
      404,
    );
  });

  it("CreateVpc / DescribeVpcs with paging; bad CIDR rejected", async () => {
    const c = await t.vpc.createVpc(
      new $Vpc.CreateVpcRequest({ regionId: R, cidrBlock: "10.0.0.0/16", vpcName: "second", clientToken: "vpc-1" }),
    );
    expect(c.body!.vpcId).toMatch(/^vpc-6we/);
    expect(
      (
        await t.vpc.createVpc(
          new $Vpc.CreateVpcRequest({ regionId: R, cidrBlock: "10.0.0.0/16", vpcName: "second", clientToken: "vpc-1" }),
        )
      ).body!.vpcId,
    ).toBe(c.body!.vpcId);
    const d = await t.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: R }));
    expect(d.body!.totalCount).toBe(2);
    const v = d.body!.vpcs!.vpc!.find((x) => x.vpcId === DEMO.vpc)!;
    expect(v.vSwitchIds!.vSwitchId!.sort()).toEqual([DEMO.vswA, DEMO.vswB]);
    const p2 = await t.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: R, pageSize: 1, pageNumber: 2 }));
    expect([p2.body!.pageNumber, p2.body!.pageSize, p2.body!.vpcs!.vpc!.length, p2.body!.totalCount]).toEqual([
      2, 1, 1, 2,
    ]);
    const past = await t.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: R, pageSize: 10, pageNumber: 5 }));
    expect([past.body!.vpcs!.vpc!.length, past.body!.totalCount]).toEqual([0, 2]);
    await expectApiError(
      t.vpc.createVpc(new $Vpc.CreateVpcRequest({ regionId: R, cidrBlock: "8.8.0.0/16" })),
      "InvalidCidrBlock.Malformed",
      400,
    );
    await expectApiError(
      t.vpc.describeVpcs(new $Vpc.DescribeVpcsRequest({ regionId: R, pageSize: 51 })),
      "InvalidParameter",
      400,
    );
  });

  it("CreateVSwitch / DescribeVSwitches: CIDR inside the VPC, no overlap, AvailableIpAddressCount tracks usage", async () => {
    const s = await t.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R, vSwitchId: DEMO.vswA }));
    const a = s.body!.vSwitches!.vSwitch![0]!;
    // /24 → 252 usable; 9 ENIs (2 demo primary + 6 pool primary + 1 secondary) use 9
    expect([a.cidrBlock, a.zoneId, a.availableIpAddressCount]).toEqual(["172.16.0.0/24", "ap-northeast-1a", 243]);
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        secondaryPrivateIpAddressCount: 2,
      }),
    );
    const s2 = await t.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ regionId: R, vSwitchId: DEMO.vswA }));
    expect(s2.body!.vSwitches!.vSwitch![0]!.availableIpAddressCount).toBe(241);
    const c = await t.vpc.createVSwitch(
      new $Vpc.CreateVSwitchRequest({
        regionId: R,
        vpcId: DEMO.vpc,
        zoneId: "ap-northeast-1b",
        cidrBlock: "172.16.8.0/24",
        vSwitchName: "c",
      }),
    );
    expect(c.body!.vSwitchId).toMatch(/^vsw-6we/);
    expect(
      (await t.vpc.describeVSwitches(new $Vpc.DescribeVSwitchesRequest({ vpcId: DEMO.vpc }))).body!.totalCount,
    ).toBe(3);
    await expectApiError(
      t.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: R,
          vpcId: DEMO.vpc,
          zoneId: "ap-northeast-1b",
          cidrBlock: "172.16.8.128/25",
        }),
      ),
      "InvalidCidrBlock.Overlapped",
      400,
    );
    await expectApiError(
      t.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: R,
          vpcId: DEMO.vpc,
          zoneId: "ap-northeast-1b",
          cidrBlock: "10.1.0.0/24",
        }),
      ),
      "InvalidCidrBlock.Malformed",
      400,
    );
    await expectApiError(
      t.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: R,
          vpcId: DEMO.vpc,
          zoneId: "cn-hangzhou-h",
          cidrBlock: "172.16.9.0/24",
        }),
      ),
      "InvalidZoneId.NotFound",
      400,
    );
    await expectApiError(
      t.vpc.createVSwitch(
        new $Vpc.CreateVSwitchRequest({
          regionId: R,
          vpcId: "vpc-nothere",
          zoneId: "ap-northeast-1b",
          cidrBlock: "172.16.9.0/24",
        }),
      ),
      "InvalidVpcId.NotFound",
      404,
    );
  });
});

describe("EIPs", () => {
  it("DescribeEipAddresses shows the demo EIPs, documentation addresses only, filters", async () => {
    const all = await eips();
    expect(all.totalCount).toBe(4);
    for (const x of all.eipAddresses!.eipAddress!) expect(x.ipAddress).toMatch(/^(203\.0\.113|198\.51\.100)\./);
    const bound = await eip(DEMO.eipOnWeb1);
    expect(bound).toMatchObject({
      status: "InUse",
      instanceId: DEMO.web1,
      instanceType: "EcsInstance",
      privateIpAddress: "172.16.0.57",
      mode: "NAT",
      bandwidth: "5",
    });
    const free = await eips({ status: "Available" });
    expect(free.eipAddresses!.eipAddress!.map((x) => x.allocationId).sort()).toEqual([...DEMO.freeEips].sort());
    expect((await eips({ associatedInstanceType: "EcsInstance" })).totalCount).toBe(1);
    expect((await eips({ eipAddress: "203.0.113.21,203.0.113.22" })).totalCount).toBe(2);
    const p = await eips({ pageSize: 3, pageNumber: 2 });
    expect([p.eipAddresses!.eipAddress!.length, p.totalCount, p.pageNumber]).toEqual([1, 4, 2]);
    await expectApiError(
      eips({ associatedInstanceType: "Banana" }),
      "InvalidIAssociatedInstanceType.ValueNotSupported",
      400,
    );
  });

  it("DescribeEipAddresses filters by ChargeType, ISP and Filter.N CreationStartTime", async () => {
    const fresh = (await allocate({ ISP: "BGP_PRO" })).body!.allocationId!;
    const ids = async (req: Partial<$Vpc.DescribeEipAddressesRequest>) =>
      (await eips(req)).eipAddresses!.eipAddress!.map((x) => x.allocationId);
    expect(await ids({ ISP: "BGP_PRO" })).toEqual([fresh]);
    expect(await ids({ ISP: "BGP" })).toHaveLength(4);
    expect(await ids({ chargeType: "PostPaid" })).toHaveLength(5);
    expect(await ids({ chargeType: "PrePaid" })).toEqual([]);
    await expectApiError(eips({ chargeType: "Monthly" }), "InvalidChargeType.ValueNotSupported", 400);
    // the demo EIPs were allocated 30 days ago, the fresh one now
    const since = (ms: number) => [
      new $Vpc.DescribeEipAddressesRequestFilter({
        key: "CreationStartTime",
        value: new Date(ms).toISOString().slice(0, 16) + "Z",
      }),
    ];
    expect(await ids({ filter: since(Date.now() - 3_600_000) })).toEqual([fresh]);
    expect(await ids({ filter: since(Date.now() - 40 * 86_400_000) })).toHaveLength(5);
    await expectApiError(
      eips({ filter: [new $Vpc.DescribeEipAddressesRequestFilter({ key: "CreationStartTime", value: "yesterday" })] }),
      "InvalidParameter",
      400,
    );
    await expectApiError(
      eips({ filter: [new $Vpc.DescribeEipAddressesRequestFilter({ key: "Color", value: "2024-01-01T00:00Z" })] }),
      "InvalidParameter",
      400,
    );
  });

  it("Allocate (idempotent) and Release (Releasing → gone); quota of 20 per region", async () => {
    const a = await allocate({
      bandwidth: "10",
      internetChargeType: "PayByTraffic",
      name: "x",
      clientToken: "alloc-1",
    });
    expect(a.body!.allocationId).toMatch(/^eip-6we/);
    expect(a.body!.eipAddress).toMatch(/^(203\.0\.113|198\.51\.100)\.\d+$/);
    expect(
      (await allocate({ bandwidth: "10", internetChargeType: "PayByTraffic", name: "x", clientToken: "alloc-1" })).body!
        .allocationId,
    ).toBe(a.body!.allocationId);
    await expectApiError(
      allocate({ bandwidth: "11", internetChargeType: "PayByTraffic", name: "x", clientToken: "alloc-1" }),
      "IdempotentParameterMismatch",
      400,
    );
    expect(await eip(a.body!.allocationId!)).toMatchObject({
      status: "Available",
      bandwidth: "10",
      internetChargeType: "PayByTraffic",
    });
    await expectApiError(allocate({ bandwidth: "0" }), "InvalidBandwidth.Malformed", 400);
    await expectApiError(allocate({ internetChargeType: "Free" }), "InvalidParameter", 400);
    // 5 in Tokyo now; 15 more reach the quota of 20
    for (let k = 0; k < 15; k++) await allocate();
    await expectApiError(allocate(), "QuotaExceeded.Eip", 400);
    // the quota is per region
    await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: "cn-hangzhou" }));
    t.emu.setLatencies({ eipRelease: 150 });
    await t.vpc.releaseEipAddress(
      new $Vpc.ReleaseEipAddressRequest({ regionId: R, allocationId: a.body!.allocationId }),
    );
    expect((await eip(a.body!.allocationId!))!.status).toBe("Releasing");
    await expectApiError(
      t.vpc.releaseEipAddress(new $Vpc.ReleaseEipAddressRequest({ allocationId: a.body!.allocationId })),
      "TaskConflict",
      400,
    );
    await waitFor(
      () => eip(a.body!.allocationId!),
      (x) => x === undefined,
    );
    expect(await eip(a.body!.allocationId!)).toBeUndefined();
    await allocate();
    await expectApiError(
      t.vpc.releaseEipAddress(new $Vpc.ReleaseEipAddressRequest({ allocationId: DEMO.eipOnWeb1 })),
      "IncorrectEipStatus",
      400,
    );
    await expectApiError(
      t.vpc.releaseEipAddress(new $Vpc.ReleaseEipAddressRequest({ allocationId: "eip-nothere" })),
      "InvalidAllocationId.NotFound",
      404,
    );
  });

  it("NAT mode on a secondary ENI: one EIP per private IP, Associating → InUse, Unassociating → Available", async () => {
    t.emu.setLatencies({ eipAssociate: 150, eipUnassociate: 150 });
    const [e1, e2, e3] = DEMO.freeEips as [string, string, string];
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.77", "172.16.0.78"],
      }),
    );
    await associate({
      allocationId: e1,
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
      mode: "NAT",
      privateIpAddress: "172.16.0.60",
      clientToken: "as-1",
    });
    expect((await eip(e1))!.status).toBe("Associating");
    // same token again: same result, not a TaskConflict
    await associate({
      allocationId: e1,
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
      mode: "NAT",
      privateIpAddress: "172.16.0.60",
      clientToken: "as-1",
    });
    await expectApiError(
      associate({
        allocationId: e1,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.77",
      }),
      "TaskConflict",
      400,
    );
    await associate({
      allocationId: e2,
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
      privateIpAddress: "172.16.0.77",
    });
    await expectApiError(
      associate({
        allocationId: e3,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.77",
      }),
      "InvalidAssociation.Duplicated",
      400,
    );
    await expectApiError(
      associate({
        allocationId: e3,
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.99",
      }),
      "InvalidParameter",
      400,
    );
    await associate({
      allocationId: e3,
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
      privateIpAddress: "172.16.0.78",
    });
    const inUse = await waitFor(
      () => eips({ associatedInstanceId: DEMO.secondaryEni }),
      (b) => b.eipAddresses!.eipAddress!.every((x) => x.status === "InUse"),
    );
    expect(
      inUse.eipAddresses!.eipAddress!.map((x) => [x.privateIpAddress, x.instanceType, x.mode, x.status]).sort(),
    ).toEqual([
      ["172.16.0.60", "NetworkInterface", "NAT", "InUse"],
      ["172.16.0.77", "NetworkInterface", "NAT", "InUse"],
      ["172.16.0.78", "NetworkInterface", "NAT", "InUse"],
    ]);
    // ECS sees the mapping per private IP
    const n = (
      await t.ecs.describeNetworkInterfaces(
        new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [DEMO.secondaryEni] }),
      )
    ).body!.networkInterfaceSets!.networkInterfaceSet![0]!;
    expect(n.privateIpSets!.privateIpSet!.map((x) => [x.privateIpAddress, x.associatedPublicIp!.allocationId])).toEqual(
      [
        ["172.16.0.60", e1],
        ["172.16.0.77", e2],
        ["172.16.0.78", e3],
      ],
    );
    await expectApiError(unassociate({ allocationId: e2, instanceId: DEMO.web1 }), "InvalidBindingStatus", 400);
    await unassociate({
      allocationId: e2,
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
      privateIpAddress: "172.16.0.77",
    });
    expect((await eip(e2))!.status).toBe("Unassociating");
    await expectApiError(unassociate({ allocationId: e2 }), "TaskConflict", 400);
    const after = await waitFor(
      () => eip(e2),
      (x) => x!.status === "Available",
    );
    expect(after).toMatchObject({ status: "Available", instanceId: "", privateIpAddress: "", instanceType: "" });
    await expectApiError(unassociate({ allocationId: e2 }), "IncorrectEipStatus", 400);
  });

  it("NAT mode on the primary ENI's secondary private IPs; its primary IP only while the instance has no EIP", async () => {
    const [e1, e2, e3] = DEMO.freeEips as [string, string, string];
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: R,
        networkInterfaceId: DEMO.primaryEni1,
        privateIpAddress: ["172.16.0.81", "172.16.0.82"],
      }),
    );
    const onPrimaryEni = (allocationId: string, privateIpAddress: string) =>
      associate({
        allocationId,
        instanceId: DEMO.primaryEni1,
        instanceType: "NetworkInterface",
        mode: "NAT",
        privateIpAddress,
      });
    await onPrimaryEni(e1, "172.16.0.81");
    await onPrimaryEni(e2, "172.16.0.82");
    const bound = await waitFor(
      () => eip(e2),
      (x) => x!.status === "InUse",
    );
    expect(bound).toMatchObject({
      instanceId: DEMO.primaryEni1,
      instanceType: "NetworkInterface",
      privateIpAddress: "172.16.0.82",
      mode: "NAT",
    });
    const eni = (
      await t.ecs.describeNetworkInterfaces(
        new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, networkInterfaceId: [DEMO.primaryEni1] }),
      )
    ).body!.networkInterfaceSets!.networkInterfaceSet![0]!;
    const publicOf = (ip: string) =>
      eni.privateIpSets!.privateIpSet!.find((x) => x.privateIpAddress === ip)?.associatedPublicIp?.allocationId;
    expect([publicOf("172.16.0.57"), publicOf("172.16.0.81"), publicOf("172.16.0.82")]).toEqual([
      DEMO.eipOnWeb1,
      e1,
      e2,
    ]);
    // still refused: the primary IP while the instance has its EIP, a second EIP on one IP, an IP not on the ENI
    await expectApiError(onPrimaryEni(e3, "172.16.0.57"), "InvalidAssociation.Duplicated", 400);
    await expectApiError(onPrimaryEni(e3, "172.16.0.81"), "InvalidAssociation.Duplicated", 400);
    await expectApiError(onPrimaryEni(e3, "172.16.0.99"), "InvalidParameter", 400);
    await expectApiError(onPrimaryEni(e3, "172.16.0.60"), "InvalidParameter", 400); // the secondary ENI's
    // without the instance's EIP, the primary IP may take one through the ENI
    await unassociate({ allocationId: DEMO.eipOnWeb1, instanceId: DEMO.web1, instanceType: "EcsInstance" });
    await waitFor(
      () => eip(DEMO.eipOnWeb1),
      (x) => x!.status === "Available",
    );
    await onPrimaryEni(e3, "172.16.0.57");
    // and then the instance cannot take one as EcsInstance
    await expectApiError(
      associate({ allocationId: DEMO.eipOnWeb1, instanceId: DEMO.web1 }),
      "InvalidAssociation.Duplicated",
      400,
    );
    // releasing the instance frees them all
    await t.ecs.deleteInstance(new $Ecs.DeleteInstanceRequest({ instanceId: DEMO.web1, force: true }));
    for (const id of [e1, e2, e3]) expect(await eip(id)).toMatchObject({ status: "Available", instanceId: "" });
  });

  it("EcsInstance association: one EIP per instance, state and region checks", async () => {
    const [e1] = DEMO.freeEips as [string];
    await expectApiError(associate({ allocationId: e1, instanceId: DEMO.web1 }), "InvalidAssociation.Duplicated", 400);
    await associate({ allocationId: e1, instanceId: DEMO.web2 });
    const i = (
      await t.ecs.describeInstances(
        new $Ecs.DescribeInstancesRequest({ regionId: R, instanceIds: JSON.stringify([DEMO.web2]) }),
      )
    ).body!.instances!.instance![0]!;
    expect(i.eipAddress!.allocationId).toBe(e1);
    await expectApiError(associate({ allocationId: e1, instanceId: DEMO.web2 }), "IncorrectEipStatus", 400);
    await expectApiError(
      associate({ allocationId: "eip-nothere", instanceId: DEMO.web2 }),
      "InvalidAllocationId.NotFound",
      404,
    );
    await expectApiError(
      associate({ allocationId: DEMO.freeEips[1], instanceId: "i-nothere" }),
      "InvalidInstanId.NotFound",
      404,
    );
    await expectApiError(
      associate({ allocationId: DEMO.freeEips[1], instanceId: DEMO.web2, instanceType: "Banana" }),
      "InvalidInstanceType.ValueNotSupported",
      400,
    );
    // an EIP in Hangzhou cannot go to a Tokyo ENI
    const hz = await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: "cn-hangzhou" }));
    await expectApiError(
      t.vpc.associateEipAddress(
        new $Vpc.AssociateEipAddressRequest({
          allocationId: hz.body!.allocationId,
          instanceId: DEMO.secondaryEni,
          instanceType: "NetworkInterface",
        }),
      ),
      "InvalidParameter.Mismatch",
      400,
    );
    // the EIP is invisible from the wrong region
    await expectApiError(
      associate({ allocationId: hz.body!.allocationId, instanceId: DEMO.web2 }),
      "InvalidAllocationId.NotFound",
      404,
    );
    await unassociate({ allocationId: DEMO.eipOnWeb1, instanceId: DEMO.web1, instanceType: "EcsInstance" });
    expect((await eip(DEMO.eipOnWeb1))!.status).toBe("Available");
  });

  it("ENI transitional states block association; a deleted ENI's EIPs return to Available when allowed", async () => {
    t.emu.setLatencies({ eniAttach: 5000 });
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await expectApiError(
      associate({ allocationId: DEMO.freeEips[0], instanceId: DEMO.secondaryEni, instanceType: "NetworkInterface" }),
      "InvalidStatus.EniStatusNotSupport",
      400,
    );
    t.emu.settle();
    await associate({
      allocationId: DEMO.freeEips[0],
      instanceId: DEMO.secondaryEni,
      instanceType: "NetworkInterface",
    });
    expect((await eip(DEMO.freeEips[0]!))!.privateIpAddress).toBe("172.16.0.60");
    await t.ecs.detachNetworkInterface(
      new $Ecs.DetachNetworkInterfaceRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await eips();
    await expectApiError(
      t.ecs.deleteNetworkInterface(
        new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: DEMO.secondaryEni }),
      ),
      "InvalidOperation.InvalidEniState",
      400,
    );
    t.emu.engine.world.policies.deleteEniWithEip = "unassociate";
    await t.ecs.deleteNetworkInterface(
      new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: DEMO.secondaryEni }),
    );
    expect(await eip(DEMO.freeEips[0]!)).toMatchObject({ status: "Available", instanceId: "" });
  });
});
