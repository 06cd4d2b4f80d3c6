import { describe, expect, it } from "vitest";
import { topologyFromProgress } from "./topology-model";

const resources = {
  instanceId: "i-1",
  enis: [
    {
      index: 0,
      mode: "existing",
      eniId: "eni-2",
      primaryIp: "172.16.0.60",
      assignedIps: ["172.16.0.61", "172.16.0.62"],
    },
  ],
  eips: [0, 1, 2].map((i) => ({
    eniIndex: 0,
    eniId: "eni-2",
    specIndex: i,
    allocationId: `eip-${i}`,
    ipAddress: `203.0.113.2${i}`,
    privateIp: ["172.16.0.60", "172.16.0.61", "172.16.0.62"][i]!,
    allocatedByUs: false,
    associatedByUs: true,
  })),
};
const steps = (status: Record<string, string>, phase = "apply") =>
  Object.entries(status).map(([key, s]) => ({ phase, key, status: s }));

describe("topology from progress", () => {
  it("shows each private IP with its EIP and the step state", () => {
    const t = topologyFromProgress({
      status: "running",
      phase: "apply",
      instanceId: "i-1",
      eniId: "eni-2",
      resources,
      steps: steps({
        "eni.attach": "succeeded",
        "ips.assign": "succeeded",
        "eip.associate.0": "succeeded",
        "eip.associate.1": "running",
        "eip.associate.2": "pending",
      }),
    });
    expect(t.instance?.id).toBe("i-1");
    expect(t.enis[0]!.state).toBe("done");
    expect(t.enis[0]!.ips.map((i) => [i.ip, i.eip?.address, i.eip?.state])).toEqual([
      ["172.16.0.60", "203.0.113.20", "done"],
      ["172.16.0.61", "203.0.113.21", "working"],
      ["172.16.0.62", "203.0.113.22", "planned"],
    ]);
  });
  it("addresses the cloud has not picked yet appear as planned slots", () => {
    const t = topologyFromProgress({
      status: "running",
      phase: "apply",
      instanceId: "i-1",
      eniId: "eni-2",
      resources: {
        instanceId: "i-1",
        enis: [{ index: 0, mode: "existing", eniId: "eni-2", primaryIp: "172.16.0.60" }],
      },
      steps: steps({ "eni.attach": "running", "ips.assign": "pending" }),
      spec: { privateIps: { mode: "count", count: 2 } },
    });
    expect(t.enis[0]!.state).toBe("working");
    expect(t.enis[0]!.ips.filter((i) => !i.ip)).toHaveLength(2);
  });
  it("teardown marks what was removed", () => {
    const t = topologyFromProgress({
      status: "torn_down",
      phase: "teardown",
      instanceId: "i-1",
      eniId: "eni-2",
      resources,
      steps: steps({ "eip.unassociate.eip-0": "succeeded", "eni.detach": "succeeded" }, "teardown"),
    });
    expect(t.enis[0]!.state).toBe("removed");
    expect(t.enis[0]!.ips.every((i) => i.eip?.state === "removed")).toBe(true);
  });
  it("shows every ENI: a secondary one and the instance's primary ENI, each with its own EIPs and steps", () => {
    const t = topologyFromProgress({
      status: "running",
      phase: "apply",
      instanceId: "i-1",
      eniId: "eni-2",
      resources: {
        instanceId: "i-1",
        enis: [
          { index: 0, mode: "existing", eniId: "eni-2", primaryIp: "172.16.0.60", assignedIps: [] },
          { index: 1, mode: "primary", eniId: "eni-p", primaryIp: "172.16.0.10", assignedIps: ["172.16.0.11"] },
        ],
        eips: [
          {
            eniIndex: 0,
            eniId: "eni-2",
            specIndex: 0,
            allocationId: "eip-a",
            ipAddress: "203.0.113.1",
            privateIp: "172.16.0.60",
            allocatedByUs: true,
            associatedByUs: true,
          },
          {
            eniIndex: 1,
            eniId: "eni-p",
            specIndex: 0,
            allocationId: "eip-b",
            ipAddress: "203.0.113.2",
            privateIp: "172.16.0.11",
            allocatedByUs: true,
            associatedByUs: true,
          },
        ],
      },
      steps: steps({ "eni.attach": "succeeded", "eip.associate.0": "succeeded", "e1:eip.associate.0": "running" }),
    });
    expect(t.enis.map((e) => [e.id, e.primaryEni, e.state])).toEqual([
      ["eni-2", false, "done"],
      ["eni-p", true, "existing"],
    ]);
    expect(t.enis[1]!.ips.map((i) => [i.ip, i.eip?.address ?? null, i.eip?.state ?? null])).toEqual([
      ["172.16.0.10", null, null],
      ["172.16.0.11", "203.0.113.2", "working"],
    ]);
  });
});
