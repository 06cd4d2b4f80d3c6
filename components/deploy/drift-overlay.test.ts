import { describe, expect, it } from "vitest";
import { withDrift } from "./drift-overlay";
import type { Topology } from "./topology-model";

const topo: Topology = {
  instance: { id: "i-1", label: "web", state: "done" },
  enis: [
    {
      id: "eni-1",
      label: "eni-1",
      primaryEni: false,
      state: "done",
      ips: [
        { ip: "10.0.0.10", primary: true, state: "done", eip: { id: "eip-a", address: "203.0.113.1", state: "done" } },
        { ip: "10.0.0.11", primary: false, state: "done", eip: { id: "eip-b", address: "203.0.113.2", state: "done" } },
      ],
    },
  ],
};

describe("withDrift", () => {
  it("marks the drifted EIP and private IP, leaves the rest green", () => {
    const t = withDrift(topo, [
      { resource: "eip-a", field: "association" },
      { resource: "eni-1", field: "privateIp:10.0.0.11" },
    ]);
    expect(t.instance!.state).toBe("done");
    expect(t.enis[0]!.state).toBe("done");
    expect(t.enis[0]!.ips.map((ip) => [ip.state, ip.eip!.state])).toEqual([
      ["done", "drifted"],
      ["drifted", "done"],
    ]);
    expect(withDrift(topo, [])).toBe(topo);
    expect(withDrift(topo, [{ resource: "eni-1", field: "attachment" }]).enis[0]!.state).toBe("drifted");
  });
});
