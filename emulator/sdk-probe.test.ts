// What a careful outside tester checks, through the official SDKs only: documented
// parameter ranges, idempotency, the actions the API reference lists, and that every
// response field has the type the SDK model declares (a mistyped field is silently
// coerced or dropped by the SDK, so the test compares the raw body with the model).
import { describe, expect, it } from "vitest";
import { $Ecs } from "./sdk";
import { DEMO, TOKYO, expectApiError, setupTestEmulator, waitFor } from "./test-helpers";

const t = setupTestEmulator({ resetEachTest: true });
const R = TOKYO;

describe("pagination follows the documented ranges", () => {
  it("MaxResults above the maximum is capped (500 for DescribeNetworkInterfaces, 100 for DescribeInstances), not refused", async () => {
    for (let k = 0; k < 11; k++)
      await t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ regionId: R, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg }));
    const enis = await t.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, maxResults: 1000 }));
    expect(enis.body!.networkInterfaceSets!.networkInterfaceSet).toHaveLength(14);
    expect(enis.body!.nextToken ?? "").toBe("");
    const instances = await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 250 }));
    expect(instances.body!.instances!.instance).toHaveLength(2);
    // a value that is not a number is still refused
    await expectApiError(t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: -1 })), "InvalidParameter", 400);
  });
});

describe("ClientToken", () => {
  it("a retried CreateNetworkInterface / RunInstances that named its IPs returns the first result instead of 'IP already in use'", async () => {
    const eniReq = { regionId: R, vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg, primaryIpAddress: "172.16.0.100", privateIpAddress: ["172.16.0.101"], clientToken: "probe-eni-1" };
    const first = await t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest(eniReq));
    const again = await t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest(eniReq));
    expect(again.body!.networkInterfaceId).toBe(first.body!.networkInterfaceId);
    expect(again.body!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress)).toEqual(["172.16.0.100", "172.16.0.101"]);
    const all = await t.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, primaryIpAddress: "172.16.0.100" }));
    expect(all.body!.networkInterfaceSets!.networkInterfaceSet).toHaveLength(1);

    const runReq = { regionId: R, imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd", instanceType: "ecs.g7.large", vSwitchId: DEMO.vswA, securityGroupId: DEMO.sg, privateIpAddress: "172.16.0.110", clientToken: "probe-run-1" };
    const run1 = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(runReq));
    const run2 = await t.ecs.runInstances(new $Ecs.RunInstancesRequest(runReq));
    expect(run2.body!.instanceIdSets!.instanceIdSet).toEqual(run1.body!.instanceIdSets!.instanceIdSet);
    // without a token, the same IP is refused as before
    await expectApiError(t.ecs.createNetworkInterface(new $Ecs.CreateNetworkInterfaceRequest({ ...eniReq, clientToken: undefined })), "InvalidPrivateIpAddress.Duplicated", 400);
  });
});

describe("RebootInstance (listed in the API reference)", () => {
  it("Running → Starting → Running; an instance that is not Running is IncorrectInstanceStatus; unknown id 404; DryRun", async () => {
    t.emu.setLatencies({ instanceStart: 200 });
    const status = async (id: string) =>
      (await t.ecs.describeInstanceStatus(new $Ecs.DescribeInstanceStatusRequest({ regionId: R, instanceId: [id] }))).body!.instanceStatuses!.instanceStatus![0]!.status;
    await expectApiError(t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1, dryRun: true })), "DryRunOperation", 400);
    expect(await status(DEMO.web1)).toBe("Running");
    const r = await t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1, forceStop: true }));
    expect(r.body!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(await status(DEMO.web1)).toBe("Starting");
    await expectApiError(t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: DEMO.web1 })), "IncorrectInstanceStatus", 403);
    await waitFor(() => status(DEMO.web1), (s) => s === "Running");
    expect(await status(DEMO.web1)).toBe("Running");
    await expectApiError(t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({ instanceId: "i-nothere" })), "InvalidInstanceId.NotFound", 404);
    await expectApiError(t.ecs.rebootInstance(new $Ecs.RebootInstanceRequest({})), "MissingParameter", 400);
  });
});
