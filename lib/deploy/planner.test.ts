import { describe, expect, it } from "vitest";
import { fillRefLabels, planApply } from "./planner";
import { parseSpec, type DeploymentSpecInput } from "./spec.schema";
import { normalizeRecord, type LiveSnapshot } from "./model";

const live = (over: Partial<LiveSnapshot> = {}): LiveSnapshot => ({
  regionId: "r1",
  regionKnown: true,
  instance: {
    instanceId: "i-a",
    regionId: "r1",
    zoneId: "z-a",
    vpcId: "vpc-1",
    vSwitchId: "vsw-1",
    instanceType: "ecs.g7.large",
    status: "Running",
    imageId: "img",
    osType: "linux",
  },
  instanceType: { instanceTypeId: "ecs.g7.large", eniQuantity: 3, eniPrivateIpAddressQuantity: 6 },
  instanceEnis: [],
  enis: [],
  vSwitches: [
    {
      vSwitchId: "vsw-1",
      vpcId: "vpc-1",
      zoneId: "z-a",
      cidrBlock: "10.0.0.0/24",
      availableIpAddressCount: 200,
    },
  ],
  eips: [],
  regionEipCount: 0,
  ipHolders: {},
  ...over,
});
const spec = (over: Partial<DeploymentSpecInput> = {}) =>
  parseSpec({
    specVersion: 1,
    cloudAccountId: "a",
    regionId: "r1",
    instance: { mode: "existing", instanceId: "i-a" },
    eni: { mode: "create", vSwitchId: "vsw-1", securityGroupId: "sg-1" },
    privateIps: { mode: "count", count: 2 },
    eips: [{}, {}, {}],
    os: "alinux2",
    ...over,
  });
const assign = (s = spec(), l = live()) => planApply(s, l).steps.find((x) => x.key === "ips.assign")!;

describe("planner: secondary IPs of a new ENI", () => {
  it("are assigned by CreateNetworkInterface; the skipped assign call says the same count as its parameters (not 'Assign 0')", () => {
    const plan = planApply(spec(), live());
    expect(plan.steps.find((x) => x.key === "eni.create")!.params.SecondaryPrivateIpAddressCount).toBe(2);
    const a = assign();
    expect(a.noop).toBe(true);
    expect(a.params.SecondaryPrivateIpAddressCount).toBe(2);
    expect(a.description.en).not.toMatch(/\b0 secondary/);
    expect(a.description.en).toMatch(/^2 secondary private IP\(s\) on <new ENI>, assigned by CreateNetworkInterface/);
    expect(a.description.ja).toContain("2 個");
  });
  it("listed addresses: the skipped call names them instead of 'none missing'", () => {
    const a = assign(spec({ privateIps: { mode: "explicit", addresses: ["10.0.0.20", "10.0.0.21"] } }));
    expect(a.noop).toBe(true);
    expect(a.params.PrivateIpAddress).toEqual(["10.0.0.20", "10.0.0.21"]);
    expect(a.description.en).toContain(
      "2 secondary private IP(s) on <new ENI>: 10.0.0.20, 10.0.0.21, assigned by CreateNetworkInterface",
    );
  });
  it("an existing ENI still gets one AssignPrivateIpAddresses call for the missing count", () => {
    const eni = {
      networkInterfaceId: "eni-a",
      status: "Available",
      type: "Secondary",
      instanceId: "",
      vpcId: "vpc-1",
      vSwitchId: "vsw-1",
      zoneId: "z-a",
      macAddress: "00:16:3e:00:00:01",
      primaryIp: "10.0.0.10",
      privateIps: [{ ip: "10.0.0.10", primary: true, eipAllocationId: null, eipAddress: null }],
      securityGroupIds: [],
    };
    const a = assign(spec({ eni: { mode: "existing", networkInterfaceId: "eni-a" } }), live({ enis: [eni] }));
    expect(a.noop).toBe(false);
    expect(a.params.SecondaryPrivateIpAddressCount).toBe(2);
    expect(a.description.en).toBe("Assign 2 secondary private IP(s) to eni-a (the cloud picks idle addresses)");
  });
});

describe("plan descriptions after the run", () => {
  it("placeholders become the recorded ids and addresses; unknown ones stay", () => {
    const record = {
      instanceId: "i-a",
      eniId: "eni-new",
      eniPrimaryIp: "10.0.0.10",
      assignedIps: ["10.0.0.11", "10.0.0.12"],
      eips: [
        {
          specIndex: 1,
          allocationId: "eip-2",
          ipAddress: "203.0.113.2",
          privateIp: "10.0.0.11",
          allocatedByUs: true,
          associatedByUs: true,
        },
      ],
    };
    const steps = planApply(spec(), live()).steps.map((s) => fillRefLabels(s.description.en, normalizeRecord(record)));
    expect(steps).toContain("Attach eni-new to i-a");
    expect(steps).toContain("Associate eip-2 with 10.0.0.11 on eni-new (NAT mode)");
    expect(steps.join("\n")).toContain("Associate <new EIP #1> with 10.0.0.10 on eni-new");
    expect(steps.join("\n")).toContain("with 10.0.0.12 on eni-new");
    expect(fillRefLabels("Create <new instance>", {})).toBe("Create <new instance>");
  });

  it("in Japanese the placeholders are Japanese, and are filled in the same way", () => {
    const plan = planApply(spec(), live())
      .steps.map((s) => s.description.ja)
      .join("\n");
    expect(plan).toContain("<新しい EIP #1> を <新しい ENI> の <ENI のプライマリ IP> に関連付け");
    expect(plan).toContain("<新しいセカンダリ IP #1>");
    expect(plan).not.toMatch(/<new |<ENI primary/);
    const record = {
      eniId: "eni-new",
      eniPrimaryIp: "10.0.0.10",
      assignedIps: ["10.0.0.11"],
      eips: [
        {
          specIndex: 0,
          allocationId: "eip-1",
          ipAddress: "203.0.113.1",
          privateIp: "10.0.0.10",
          allocatedByUs: true,
          associatedByUs: true,
        },
      ],
    };
    expect(
      fillRefLabels("<新しい EIP #1> を <新しい ENI> の <ENI のプライマリ IP> に関連付け", normalizeRecord(record)),
    ).toBe("eip-1 を eni-new の 10.0.0.10 に関連付け");
    expect(fillRefLabels("<新しいセカンダリ IP #1> と <新しいセカンダリ IP #2>", normalizeRecord(record))).toBe(
      "10.0.0.11 と <新しいセカンダリ IP #2>",
    );
  });
});
