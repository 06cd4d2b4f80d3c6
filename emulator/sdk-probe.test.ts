// What a careful outside tester checks, through the official SDKs only: documented
// parameter ranges, idempotency, the actions the API reference lists, and that every
// response field has the type the SDK model declares (a mistyped field is silently
// coerced or dropped by the SDK, so the test compares the raw body with the model).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { $OpenApiUtil } from "@alicloud/openapi-core";
import { ecsActions } from "./ecs";
import { $Ecs, $Vpc, ecsClient, vpcClient } from "./sdk";
import { DEMO, TOKYO, expectApiError, setupTestEmulator, startTestEmulator, waitFor } from "./test-helpers";
import { vpcActions } from "./vpc";

const t = setupTestEmulator({ resetEachTest: true });
const R = TOKYO;

describe("pagination follows the documented ranges", () => {
  it("MaxResults above the maximum is capped (500 for DescribeNetworkInterfaces, 100 for DescribeInstances), not refused", async () => {
    // 9 ENIs in the seed (demo and pool instances' primary ones, one secondary) and 5 more: above 10
    for (let k = 0; k < 5; k++)
      await t.ecs.createNetworkInterface(
        new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg }),
      );
    const enis = await t.ecs.describeNetworkInterfaces(
      new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, maxResults: 1000 }),
    );
    expect(enis.body!.networkInterfaceSets!.networkInterfaceSet).toHaveLength(14);
    expect(enis.body!.nextToken ?? "").toBe("");
    const instances = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 250 }),
    );
    expect(instances.body!.instances!.instance).toHaveLength(8);
    // a value that is not a number is still refused
    await expectApiError(
      t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: -1 })),
      "InvalidParameter",
      400,
    );
  });
});

describe("ClientToken", () => {
  it("a retried CreateNetworkInterface / RunInstances that named its IPs returns the first result instead of 'IP already in use'", async () => {
    const eniReq = {
      regionId: R,
      vSwitchId: DEMO.vswA,
      securityGroupId: DEMO.sg,
      primaryIpAddress: "172.16.0.100",
      privateIpAddress: ["172.16.0.101"],
      clientToken: "probe-eni-1",
    };
    const first = await t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest(eniReq));
    const again = await t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest(eniReq));
    expect(again.body!.networkInterfaceId).toBe(first.body!.networkInterfaceId);
    expect(again.body!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress)).toEqual([
      "172.16.0.100",
      "172.16.0.101",
    ]);
    const all = await t.ecs.describeNetworkInterfaces(
      new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, primaryIpAddress: "172.16.0.100" }),
    );
    expect(all.body!.networkInterfaceSets!.networkInterfaceSet).toHaveLength(1);

    const runReq = {
      regionId: R,
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      instanceType: "ecs.g7.large",
      vSwitchId: DEMO.vswA,
      securityGroupId: DEMO.sg,
      privateIpAddress: "172.16.0.110",
      clientToken: "probe-run-1",
    };
    const run1 = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(runReq));
    const run2 = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(runReq));
    expect(run2.body!.instanceIdSets!.instanceIdSet).toEqual(run1.body!.instanceIdSets!.instanceIdSet);
    // without a token, the same IP is refused as before
    await expectApiError(
      t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ ...eniReq, clientToken: undefined })),
      "InvalidPrivateIpAddress.Duplicated",
      400,
    );
  });
});

describe("ClientToken before the resource lookup", () => {
  it("a retried AssignPrivateIpAddresses / AssociateEipAddress / UnassociateEipAddress returns the first result after the ENI or EIP is gone", async () => {
    const eniId = (
      await t.ecs.createNetworkInterface(
        new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg }),
      )
    ).body!.networkInterfaceId!;
    const assignReq = {
      regionId: R,
      networkInterfaceId: eniId,
      privateIpAddress: ["172.16.0.120"],
      clientToken: "probe-assign-1",
    };
    const assigned = await t.ecs.assignPrivateIpAddresses(new $Ecs.AssignPrivateIpAddressesRequest(assignReq));
    const eipId = DEMO.freeEips[0];
    const assocReq = {
      regionId: R,
      allocationId: eipId,
      instanceId: eniId,
      instanceType: "NetworkInterface",
      privateIpAddress: "172.16.0.120",
      clientToken: "probe-assoc-1",
    };
    await t.vpc.associateEipAddress(new $Vpc.AssociateEipAddressRequest(assocReq));
    t.emu.settle();
    const unassocReq = { regionId: R, allocationId: eipId, clientToken: "probe-unassoc-1" };
    await t.vpc.unassociateEipAddress(new $Vpc.UnassociateEipAddressRequest(unassocReq));
    t.emu.settle();
    // the ENI and the EIP are released; the retries still get what the first requests got
    await t.vpc.releaseEipAddress(new $Vpc.ReleaseEipAddressRequest({ regionId: R, allocationId: eipId }));
    await t.ecs.deleteNetworkInterface(
      new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: eniId }),
    );
    t.emu.settle();
    const again = await t.ecs.assignPrivateIpAddresses(new $Ecs.AssignPrivateIpAddressesRequest(assignReq));
    expect(again.body!.assignedPrivateIpAddressesSet).toEqual(assigned.body!.assignedPrivateIpAddressesSet);
    expect((await t.vpc.associateEipAddress(new $Vpc.AssociateEipAddressRequest(assocReq))).body!.requestId).toMatch(
      /^[0-9A-F-]{36}$/,
    );
    expect(
      (await t.vpc.unassociateEipAddress(new $Vpc.UnassociateEipAddressRequest(unassocReq))).body!.requestId,
    ).toMatch(/^[0-9A-F-]{36}$/);
    // nothing came back to life, and a new token or other parameters still meet the lookup and the mismatch check
    expect(t.emu.state().enis[eniId]).toBeUndefined();
    expect(t.emu.state().eips[eipId!]).toBeUndefined();
    await expectApiError(
      t.ecs.assignPrivateIpAddresses(
        new $Ecs.AssignPrivateIpAddressesRequest({ ...assignReq, clientToken: "probe-assign-2" }),
      ),
      "InvalidEniId.NotFound",
      404,
    );
    await expectApiError(
      t.vpc.associateEipAddress(new $Vpc.AssociateEipAddressRequest({ ...assocReq, privateIpAddress: "172.16.0.121" })),
      "IdempotentParameterMismatch",
      400,
    );
  });
});

describe("ClientToken on RunCommand", () => {
  it("a retried RunCommand returns the first InvokeId even if the instance has stopped since", async () => {
    const { emu, ecs } = await startTestEmulator({ runner: { run: async () => ({ exitCode: 0, output: "" }) } });
    try {
      const req = {
        regionId: R,
        type: "RunShellScript",
        commandContent: "true",
        instanceId: [DEMO.web1],
        clientToken: "probe-rc-1",
      };
      const first = await ecs.runCommand(new $Ecs.RunCommandRequest(req));
      await ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: DEMO.web1 }));
      emu.settle();
      const again = await ecs.runCommand(new $Ecs.RunCommandRequest(req));
      expect(again.body!.invokeId).toBe(first.body!.invokeId);
      await expectApiError(
        ecs.runCommand(new $Ecs.RunCommandRequest({ ...req, clientToken: "probe-rc-2" })),
        "InvalidInstance.NotMatch",
        403,
      );
    } finally {
      await emu.close();
    }
  });
});

describe("RebootInstance (listed in the API reference)", () => {
  it("Running → Starting → Running; an instance that is not Running is IncorrectInstanceStatus; unknown id 404; DryRun", async () => {
    t.emu.setLatencies({ instanceStart: 200 });
    const status = async (id: string) =>
      (await t.ecs.describeInstanceStatus(new $Ecs.DescribeInstanceStatusRequest({ regionId: R, instanceId: [id] })))
        .body!.instanceStatuses!.instanceStatus![0]!.status;
    await expectApiError(
      t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1, dryRun: true })),
      "DryRunOperation",
      400,
    );
    expect(await status(DEMO.web1)).toBe("Running");
    const r = await t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1, forceStop: true }));
    expect(r.body!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(await status(DEMO.web1)).toBe("Starting");
    await expectApiError(
      t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1 })),
      "IncorrectInstanceStatus",
      403,
    );
    await waitFor(
      () => status(DEMO.web1),
      (s) => s === "Running",
    );
    expect(await status(DEMO.web1)).toBe("Running");
    await expectApiError(
      t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: "i-nothere" })),
      "InvalidInstanceId.NotFound",
      404,
    );
    await expectApiError(t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({})), "MissingParameter", 400);
  });
});

describe("tags", () => {
  it("CreateNetworkInterface / AllocateEipAddress keep their Tag.N; DescribeNetworkInterfaces / DescribeEipAddresses show and filter by them", async () => {
    const created = await t.ecs.createNetworkInterface(
      new $Ecs.CreateNetworkInterfaceRequest({
        regionId: R,
        vSwitchId: DEMO.vswA,
        securityGroupId: DEMO.sg,
        tag: [
          new $Ecs.CreateNetworkInterfaceRequestTag({ key: "env", value: "prod" }),
          new $Ecs.CreateNetworkInterfaceRequestTag({ key: "team", value: "" }),
        ],
      }),
    );
    const id = created.body!.networkInterfaceId!;
    expect(created.body!.tags!.tag!.map((x) => [x.tagKey, x.tagValue])).toEqual([
      ["env", "prod"],
      ["team", ""],
    ]);
    const byTag = (tag: Array<{ key: string; value?: string }>) =>
      t.ecs
        .describeNetworkInterfaces(
          new $Ecs.DescribeNetworkInterfacesRequest({
            regionId: R,
            tag: tag.map((x) => new $Ecs.DescribeNetworkInterfacesRequestTag(x)),
          }),
        )
        .then((r) => r.body!.networkInterfaceSets!.networkInterfaceSet!);
    const hit = await byTag([{ key: "env", value: "prod" }]);
    expect(hit.map((x) => x.networkInterfaceId)).toEqual([id]);
    expect(hit[0]!.tags!.tag).toEqual([
      expect.objectContaining({ tagKey: "env", tagValue: "prod" }),
      expect.objectContaining({ tagKey: "team", tagValue: "" }),
    ]);
    expect((await byTag([{ key: "team" }])).map((x) => x.networkInterfaceId)).toEqual([id]);
    expect(await byTag([{ key: "env", value: "dev" }])).toEqual([]);
    const bad = (tag: Array<{ key: string; value?: string }>) =>
      t.ecs.createNetworkInterface(
        new $Ecs.CreateNetworkInterfaceRequest({
          regionId: R,
          vSwitchId: DEMO.vswA,
          securityGroupId: DEMO.sg,
          tag: tag.map((x) => new $Ecs.CreateNetworkInterfaceRequestTag(x)),
        }),
      );
    await expectApiError(
      bad([
        { key: "a", value: "1" },
        { key: "a", value: "2" },
      ]),
      "Duplicate.TagKey",
      400,
    );
    await expectApiError(bad([{ key: "aliyun:x", value: "1" }]), "InvalidTagKey.Malformed", 400);

    const eip = await t.vpc.allocateEipAddress(
      new $Vpc.AllocateEipAddressRequest({
        regionId: R,
        tag: [new $Vpc.AllocateEipAddressRequestTag({ key: "env", value: "prod" })],
      }),
    );
    const eips = await t.vpc.describeEipAddresses(
      new $Vpc.DescribeEipAddressesRequest({
        regionId: R,
        tag: [new $Vpc.DescribeEipAddressesRequestTag({ key: "env", value: "prod" })],
      }),
    );
    expect(
      eips.body!.eipAddresses!.eipAddress!.map((x) => [x.allocationId, x.tags!.tag!.map((g) => [g.key, g.value])]),
    ).toEqual([[eip.body!.allocationId, [["env", "prod"]]]]);
  });
});

// ---- raw bodies through the SDK's own callApi, compared with its response models ----
type Model = { names(): Record<string, string>; types(): Record<string, unknown> };
const isModel = (x: unknown): x is Model =>
  typeof x === "function" && typeof (x as unknown as Model).names === "function";

/** Fields whose wire value has another type than the SDK model declares (the SDK would coerce or throw). */
function typeMismatches(raw: unknown, model: Model, path: string, out: string[] = []): string[] {
  const body = raw as Record<string, unknown>;
  const types = model.types();
  for (const [field, wire] of Object.entries(model.names())) {
    const v = body[wire];
    const ty = types[field] as string | Model | { type: string; itemType: unknown };
    if (v === undefined || v === null) continue;
    const where = `${path}.${wire}`;
    if (typeof ty === "string") {
      if (!["any", "map", "Readable"].includes(ty) && typeof v !== ty)
        out.push(`${where}: ${ty} expected, got ${JSON.stringify(v)}`);
    } else if (isModel(ty)) {
      if (typeof v !== "object" || Array.isArray(v)) out.push(`${where}: object expected`);
      else typeMismatches(v, ty, where, out);
    } else if (ty?.type === "array") {
      if (!Array.isArray(v)) out.push(`${where}: array expected`);
      else
        for (const item of v) {
          if (isModel(ty.itemType)) typeMismatches(item, ty.itemType, `${where}[]`, out);
          else if (typeof ty.itemType === "string" && typeof item !== ty.itemType)
            out.push(`${where}[]: ${ty.itemType} expected, got ${JSON.stringify(item)}`);
        }
    }
  }
  return out;
}

/** Any action with any parameters, through the SDK's own callApi (signed like every SDK call). */
function callRaw(product: "ecs" | "vpc", action: string, query: Record<string, unknown>) {
  const client = (product === "ecs" ? t.ecs : t.vpc) as unknown as {
    callApi(p: unknown, r: unknown, o: unknown): Promise<{ body: unknown }>;
  };
  const params = new $OpenApiUtil.Params({
    action,
    version: product === "ecs" ? "2014-05-26" : "2016-04-28",
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  return client.callApi(params, new $OpenApiUtil.OpenApiRequest({ query: $OpenApiUtil.default.query(query) }), {});
}

async function rawBody(product: "ecs" | "vpc", action: string, query: Record<string, unknown>) {
  const res = await callRaw(product, action, query);
  const models = (product === "ecs" ? $Ecs : $Vpc) as unknown as Record<string, unknown>;
  const model = models[`${action}ResponseBody`];
  if (!isModel(model)) throw new Error(`no model for ${action}`);
  return typeMismatches(res.body, model, action);
}

describe("response fields have the types the SDK models declare", () => {
  it("every action, with ENIs attached, secondary IPs and EIPs bound in NAT mode", async () => {
    // a world where the nested parts are filled in
    await t.ecs.assignPrivateIpAddresses(
      new $Ecs.AssignPrivateIpAddressesRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        privateIpAddress: ["172.16.0.61"],
      }),
    );
    await t.ecs.attachNetworkInterface(
      new $Ecs.AttachNetworkInterfaceRequest({
        regionId: R,
        networkInterfaceId: DEMO.secondaryEni,
        instanceId: DEMO.web1,
      }),
    );
    await t.vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: R,
        allocationId: DEMO.freeEips[0],
        instanceId: DEMO.secondaryEni,
        instanceType: "NetworkInterface",
        privateIpAddress: "172.16.0.61",
      }),
    );
    t.emu.settle();
    const calls: Array<["ecs" | "vpc", string, Record<string, unknown>]> = [
      ["ecs", "DescribeRegions", {}],
      ["ecs", "DescribeZones", { RegionId: R }],
      ["ecs", "DescribeInstanceTypes", {}],
      ["ecs", "DescribeInstances", { RegionId: R }],
      ["ecs", "DescribeInstanceStatus", { RegionId: R }],
      ["ecs", "DescribeNetworkInterfaces", { RegionId: R }],
      ["ecs", "DescribeNetworkInterfaceAttribute", { RegionId: R, NetworkInterfaceId: DEMO.secondaryEni }],
      ["ecs", "DescribeAccountAttributes", { RegionId: R }],
      ["ecs", "DescribeCloudAssistantStatus", { RegionId: R }],
      ["ecs", "DescribeSecurityGroups", { RegionId: R }],
      [
        "ecs",
        "CreateNetworkInterface",
        { RegionId: R, VSwitchId: DEMO.vswA, SecurityGroupId: DEMO.sg, SecondaryPrivateIpAddressCount: 2 },
      ],
      [
        "ecs",
        "AssignPrivateIpAddresses",
        { RegionId: R, NetworkInterfaceId: DEMO.secondaryEni, SecondaryPrivateIpAddressCount: 1 },
      ],
      [
        "ecs",
        "RunInstances",
        {
          RegionId: R,
          ImageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
          InstanceType: "ecs.g7.large",
          VSwitchId: DEMO.vswB,
          SecurityGroupId: DEMO.sg,
        },
      ],
      ["ecs", "StopInstance", { InstanceId: DEMO.web2 }],
      ["vpc", "DescribeRegions", {}],
      ["vpc", "DescribeZones", { RegionId: R }],
      ["vpc", "DescribeVpcs", { RegionId: R }],
      ["vpc", "DescribeVSwitches", { RegionId: R }],
      ["vpc", "DescribeEipAddresses", { RegionId: R }],
      ["vpc", "AllocateEipAddress", { RegionId: R }],
      ["vpc", "CreateVpc", { RegionId: R, CidrBlock: "192.168.0.0/16" }],
    ];
    const problems: string[] = [];
    for (const [product, action, query] of calls) problems.push(...(await rawBody(product, action, query)));
    expect(problems).toEqual([]);
    // what an SDK user reads: a pay-as-you-go EIP has no order, so no NaN order id either
    const eip = await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: R }));
    expect(eip.body!.allocationId).toMatch(/^eip-/);
    expect(eip.body!.orderId).toBeUndefined();
  });
});

describe("order of checks (reference §5.1: parameters, then the region, then the ClientToken, then the resources)", () => {
  const NOWHERE = "xx-nowhere-1";
  const IMAGE = "aliyun_2_1903_x64_20G_alibase_20240628.vhd";
  // Every action that takes a RegionId, with one parameter problem each: the problem is the answer, not the unknown region.
  const cases: Array<["ecs" | "vpc", string, Record<string, unknown>, string]> = [
    ["ecs", "DescribeInstances", { MaxResults: "many" }, "InvalidParameter"],
    ["ecs", "DescribeInstanceStatus", { PageSize: 51 }, "InvalidParameter"],
    ["ecs", "RunInstances", { ImageId: IMAGE, InstanceType: "ecs.g7.large", VSwitchId: DEMO.vswA }, "MissingParameter"],
    ["ecs", "DescribeSecurityGroups", { MaxResults: 101 }, "InvalidParameter"],
    ["ecs", "CreateSecurityGroup", { VpcId: DEMO.vpc, SecurityGroupType: "huge" }, "InvalidParameter"],
    ["ecs", "CreateNetworkInterface", { VSwitchId: DEMO.vswA }, "MissingParameter"],
    ["ecs", "DeleteNetworkInterface", {}, "MissingParameter"],
    ["ecs", "DescribeNetworkInterfaces", { NextToken: "garbage" }, "InvalidParameter"],
    ["ecs", "DescribeNetworkInterfaceAttribute", {}, "MissingParameter"],
    ["ecs", "AttachNetworkInterface", { NetworkInterfaceId: DEMO.secondaryEni }, "MissingParameter"],
    ["ecs", "DetachNetworkInterface", { NetworkInterfaceId: DEMO.secondaryEni }, "MissingParameter"],
    ["ecs", "AssignPrivateIpAddresses", { NetworkInterfaceId: DEMO.secondaryEni }, "MissingParameter"],
    ["ecs", "UnassignPrivateIpAddresses", { NetworkInterfaceId: DEMO.secondaryEni }, "MissingParameter"],
    ["ecs", "DescribeAccountAttributes", {}, "InvalidRegionId.NotFound"], // no parameter to get wrong
    ["ecs", "DescribeCloudAssistantStatus", { MaxResults: 51 }, "InvalidParameter"],
    ["ecs", "RunCommand", { Type: "RunShellScript", CommandContent: "true" }, "MissingParameter"],
    ["ecs", "ModifyInstanceMetadataOptions", {}, "MissingParameter"],
    ["ecs", "DescribeInvocations", { MaxResults: 51 }, "InvalidParameter"],
    ["ecs", "DescribeInvocationResults", { MaxResults: 51 }, "InvalidParameter"],
    ["ecs", "DescribeZones", {}, "InvalidRegionId.NotFound"], // no parameter to get wrong
    ["vpc", "DescribeZones", {}, "InvalidRegionId.NotFound"], // no parameter to get wrong
    ["vpc", "CreateVpc", { DryRun: "perhaps" }, "InvalidParameter"],
    ["vpc", "DescribeVpcs", { PageSize: 51 }, "InvalidParameter"],
    ["vpc", "CreateVSwitch", { VpcId: DEMO.vpc, ZoneId: "ap-northeast-1a" }, "MissingParameter"],
    ["vpc", "DescribeVSwitches", { PageNumber: 0 }, "InvalidParameter"],
    ["vpc", "AllocateEipAddress", { InternetChargeType: "PayByLuck" }, "InvalidParameter"],
    ["vpc", "ReleaseEipAddress", {}, "MissingParameter"],
    ["vpc", "DescribeEipAddresses", { Status: "Lost" }, "InvalidParameter"],
    ["vpc", "AssociateEipAddress", { AllocationId: DEMO.freeEips[0] }, "MissingParameter"],
    ["vpc", "UnassociateEipAddress", {}, "MissingParameter"],
  ];

  it("a missing or invalid parameter is reported before an unknown RegionId, for every action that takes one", async () => {
    const regionless = new Set([
      "DescribeRegions",
      "DescribeInstanceTypes",
      "StartInstance",
      "StopInstance",
      "RebootInstance",
      "DeleteInstance",
    ]);
    const covered = new Set(cases.map(([product, action]) => `${product}:${action}`));
    const served = [
      ...Object.keys(ecsActions).map((a) => `ecs:${a}`),
      ...Object.keys(vpcActions).map((a) => `vpc:${a}`),
    ].filter((k) => !regionless.has(k.split(":")[1]!));
    expect(served.filter((k) => !covered.has(k))).toEqual([]);
    const answers: string[] = [];
    for (const [product, action, query] of cases) {
      const e = await callRaw(product, action, { RegionId: NOWHERE, ...query }).then(
        () => ({ code: "(ok)", statusCode: 200 }),
        (x: { code?: string; statusCode?: number }) => x,
      );
      answers.push(`${product}:${action} ${e.code} ${e.statusCode}`);
    }
    expect(answers).toEqual(
      cases.map(
        ([product, action, , code]) =>
          `${product}:${action} ${code} ${code === "InvalidRegionId.NotFound" ? 404 : 400}`,
      ),
    );
  });

  it("with the parameters right, an unknown RegionId is InvalidRegionId.NotFound and nothing is created or looked up", async () => {
    const valid: Array<["ecs" | "vpc", string, Record<string, unknown>]> = [
      ["ecs", "DescribeInstances", { MaxResults: 10 }],
      ["ecs", "CreateNetworkInterface", { VSwitchId: DEMO.vswA, SecurityGroupId: DEMO.sg }],
      ["ecs", "AssignPrivateIpAddresses", { NetworkInterfaceId: "eni-nothere", SecondaryPrivateIpAddressCount: 1 }],
      ["vpc", "AllocateEipAddress", { ClientToken: "nowhere-1" }],
      ["vpc", "AssociateEipAddress", { AllocationId: "eip-nothere", InstanceId: DEMO.web1 }],
      // nothing of the world read before the answer: a dry run, the image catalog
      ["vpc", "CreateVpc", { DryRun: true }],
      [
        "ecs",
        "RunInstances",
        { ImageId: "m-nothere", InstanceType: "ecs.nothere", VSwitchId: DEMO.vswA, SecurityGroupId: DEMO.sg },
      ],
    ];
    for (const [product, action, query] of valid)
      await expectApiError(callRaw(product, action, { RegionId: NOWHERE, ...query }), "InvalidRegionId.NotFound", 404);
    expect(Object.keys(t.emu.state().eips)).toHaveLength(4);
    expect(Object.keys(t.emu.state().enis)).toHaveLength(9);
  });

  it("actions without a RegionId check their parameters before the instance exists", async () => {
    await expectApiError(
      t.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: "i-nothere", stoppedMode: "Sleeping" })),
      "InvalidParameter",
      400,
    );
    await expectApiError(
      callRaw("ecs", "DeleteInstance", { InstanceId: "i-nothere", Force: "perhaps" }),
      "InvalidParameter",
      400,
    );
  });
});

// ---- the command line (contract 3 of DESIGN.md) ----
const ROOT = path.resolve(import.meta.dirname, "..");
type Cli = { port: number; stop(): Promise<number | null> };

/** Starts `emulator/cli.ts` and waits for its `listening on …` line. */
function startCli(args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => (child.kill("SIGTERM"), exited) });
    });
    void exited.then((code) => reject(new Error(`emulator exited ${code}: ${out}${err}`)));
  });
}

/** Runs `emulator/cli.ts` that is expected to refuse its arguments. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((r) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      r({ code, stdout, stderr });
    }),
  );
}

describe("command line", () => {
  it("--seed, --state across a restart, an added key pair next to the demo pair, loopback admin endpoints", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emu-probe-"));
    const seed = path.join(dir, "seed.json");
    const state = path.join(dir, "state.json");
    writeFileSync(
      seed,
      JSON.stringify({
        regions: [{ regionId: "cn-shanghai", zones: [{ zoneId: "cn-shanghai-b" }] }],
        vpcs: [
          {
            regionId: "cn-shanghai",
            cidrBlock: "10.0.0.0/16",
            vSwitches: [{ zoneId: "cn-shanghai-b", cidrBlock: "10.0.1.0/24", name: "sw" }],
            securityGroups: [{ name: "sg" }],
          },
        ],
        instances: [
          {
            name: "box",
            vSwitch: "sw",
            instanceType: "ecs.g7.large",
            imageId: "aliyun_3_x64_20G_alibase_20240528.vhd",
          },
        ],
        eips: [{ regionId: "cn-shanghai" }],
      }),
    );
    const args = [
      "--seed",
      seed,
      "--state",
      state,
      "--latencies",
      "zero",
      "--access-key-id",
      "LTAIprobe",
      "--access-key-secret",
      "probe-secret",
    ];
    let cli = await startCli(["--port", "0", ...args]);
    try {
      const opts = { endpoint: `127.0.0.1:${cli.port}`, regionId: "cn-shanghai" };
      const mine = vpcClient({ ...opts, accessKeyId: "LTAIprobe", accessKeySecret: "probe-secret" });
      const eips = (await mine.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: "cn-shanghai" })))
        .body!.eipAddresses!.eipAddress!;
      expect(eips).toHaveLength(1);
      const allocated = (
        await vpcClient(opts).allocateEipAddress(
          new $Vpc.AllocateEipAddressRequest({ regionId: "cn-shanghai", name: "survives" }),
        )
      ).body!.allocationId!;
      await expectApiError(
        ecsClient({ ...opts, accessKeyId: "LTAIprobe", accessKeySecret: "wrong" }).describeRegions(
          new $Ecs.DescribeRegionsRequest({}),
        ),
        "SignatureDoesNotMatch",
        400,
      );
      const health = await fetch(`http://127.0.0.1:${cli.port}/_emulator/health`);
      expect(await health.json()).toEqual({ ok: true });
      expect(await cli.stop()).toBe(0);

      cli = await startCli(["--port", "0", ...args]);
      const after = vpcClient({ endpoint: `127.0.0.1:${cli.port}`, regionId: "cn-shanghai" });
      const kept = await after.describeEipAddresses(
        new $Vpc.DescribeEipAddressesRequest({ regionId: "cn-shanghai", allocationId: allocated }),
      );
      expect(kept.body!.eipAddresses!.eipAddress![0]!.name).toBe("survives");
      const dump = (await (await fetch(`http://127.0.0.1:${cli.port}/_emulator/state`)).json()) as {
        eips: Record<string, unknown>;
      };
      expect(Object.keys(dump.eips)).toContain(allocated);
      expect((await fetch(`http://127.0.0.1:${cli.port}/_emulator/reset`, { method: "POST" })).status).toBe(200);
      const reset = await after.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: "cn-shanghai" }));
      expect(reset.body!.totalCount).toBe(1);
    } finally {
      await cli.stop();
    }
  });

  it("bad flags or files end with one clear line on stderr and a non-zero exit, not a stack trace", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["--port", "abc"], 2, /--port must be a number from 0 to 65535/],
      [["--port", "0", "--bogus"], 2, /Unknown option '--bogus'/],
      [["--port", "0", "--access-key-id", "LTAIx"], 2, /--access-key-id and --access-key-secret go together/],
      [
        ["--port", "0", "--seed", "/nonexistent/seed.json"],
        1,
        /cannot start: seed file \/nonexistent\/seed\.json: ENOENT/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(code);
      expect(r.stderr.split("\n")[0]).toMatch(/^emulator: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).not.toContain("listening on");
    }
  });
});
