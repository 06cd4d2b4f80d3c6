import { describe, expect, it } from "vitest";
import { applyEffect } from "./step-effects";
import type { PlannedStep, ResourcesRecord } from "./model";

const associate = (i: number): PlannedStep => ({
  key: `eip.associate.${i}`,
  kind: "eip.associate",
  action: "AssociateEipAddress",
  params: {},
  dependsOn: [],
  async: true,
  idempotent: true,
  noop: false,
  description: { en: `Associate EIP #${i + 1}`, ja: `EIP #${i + 1} を関連付け` },
});

describe("the deployment's resource record", () => {
  it("lists EIPs in the spec's order whatever order their steps finished in", () => {
    const record: ResourcesRecord = {};
    for (const i of [2, 0, 1])
      applyEffect(record, associate(i), { AllocationId: `eip-${i}`, PrivateIpAddress: `172.16.0.${100 + i}` }, null);
    expect(record.eips!.map((e) => [e.specIndex, e.allocationId, e.privateIp])).toEqual([
      [0, "eip-0", "172.16.0.100"],
      [1, "eip-1", "172.16.0.101"],
      [2, "eip-2", "172.16.0.102"],
    ]);
  });
});
