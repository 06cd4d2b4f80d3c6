// What a careful outside tester checks, through the official SDKs only: documented
// parameter ranges, idempotency, the actions the API reference lists, and that every
// response field has the type the SDK model declares (a mistyped field is silently
// coerced or dropped by the SDK, so the test compares the raw body with the model).
import { describe, expect, it } from "vitest";
import { $Ecs } from "./sdk";
import { DEMO, TOKYO, expectApiError, setupTestEmulator } from "./test-helpers";

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
