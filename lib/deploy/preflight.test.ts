import { describe, expect, it } from "vitest";
import { checkPreflight } from "./preflight";
import { parseSpec, type DeploymentSpecInput } from "./spec.schema";
import { planApply } from "./planner";
import type { EniView, LiveSnapshot } from "./model";

const eni = (over: Partial<EniView> = {}): EniView => ({
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
  ...over,
});
const base = (): LiveSnapshot => ({
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
  instanceEnis: [eni({ networkInterfaceId: "eni-p", type: "Primary", status: "InUse", instanceId: "i-a" })],
  enis: [eni()],
  vSwitches: [
    {
      vSwitchId: "vsw-1",
      vpcId: "vpc-1",
      zoneId: "z-a",
      cidrBlock: "10.0.0.0/24",
      availableIpAddressCount: 200,
    },
  ],
  eips: [
    {
      allocationId: "eip-a",
      ipAddress: "203.0.113.5",
      regionId: "r1",
      status: "Available",
      instanceType: "",
      instanceId: "",
      privateIpAddress: "",
      mode: "",
      chargeType: "PostPaid",
      internetChargeType: "PayByTraffic",
      bandwidth: "5",
    },
  ],
  regionEipCount: 1,
  ipHolders: {},
});
const spec = (over: Partial<DeploymentSpecInput> = {}) =>
  parseSpec({
    specVersion: 1,
    cloudAccountId: "a",
    regionId: "r1",
    instance: { mode: "existing", instanceId: "i-a" },
    eni: { mode: "existing", networkInterfaceId: "eni-a" },
    privateIps: { mode: "explicit", addresses: ["10.0.0.20"] },
    eips: [{ allocationId: "eip-a" }, {}],
    os: "alinux2",
    ...over,
  });
const codes = (s = spec(), l = base()) =>
  checkPreflight(s, l)
    .filter((f) => f.severity !== "notice")
    .map((f) => f.code);

describe("pre-flight rules", () => {
  it("a clean setup has no errors, only the fee notice", () => {
    const all = checkPreflight(spec(), base());
    expect(all.filter((f) => f.severity === "error")).toEqual([]);
    expect(all.map((f) => f.code)).toContain("EIP_CONFIG_FEE");
  });
  const cases: Array<[string, (l: LiveSnapshot) => void, Partial<DeploymentSpecInput>?]> = [
    [
      "REGION_UNKNOWN",
      (l) => {
        l.regionKnown = false;
      },
    ],
    [
      "INSTANCE_NOT_FOUND",
      (l) => {
        l.instance = null;
      },
    ],
    [
      "ENI_NOT_FOUND",
      (l) => {
        l.enis = [];
      },
    ],
    [
      "ENI_IS_PRIMARY",
      (l) => {
        l.enis[0]!.type = "Primary";
      },
    ],
    [
      "ENI_ATTACHED_ELSEWHERE",
      (l) => {
        l.enis[0]!.instanceId = "i-other";
        l.enis[0]!.status = "InUse";
      },
    ],
    [
      "ENI_NOT_AVAILABLE",
      (l) => {
        l.enis[0]!.status = "Detaching";
      },
    ],
    [
      "VPC_MISMATCH",
      (l) => {
        l.enis[0]!.vpcId = "vpc-2";
      },
    ],
    [
      "ZONE_MISMATCH",
      (l) => {
        l.enis[0]!.zoneId = "z-b";
      },
    ],
    [
      "INSTANCE_STATE",
      (l) => {
        l.instance!.status = "Starting";
      },
    ],
    [
      "ATTACH_REQUIRES_STOP",
      (l) => {
        l.instance!.instanceType = "ecs.t6-c1m2.large";
      },
    ],
    [
      "INSTANCE_WILL_STOP",
      (l) => {
        l.instance!.instanceType = "ecs.t6-c1m2.large";
      },
      { allowStopInstance: true },
    ],
    [
      "ENI_QUOTA",
      (l) => {
        l.instanceType!.eniQuantity = 1;
      },
    ],
    [
      "IP_QUOTA",
      (l) => {
        l.instanceType!.eniPrivateIpAddressQuantity = 1;
      },
    ],
    ["IP_OUTSIDE_CIDR", () => {}, { privateIps: { mode: "explicit", addresses: ["10.0.1.5"] } }],
    ["IP_RESERVED", () => {}, { privateIps: { mode: "explicit", addresses: ["10.0.0.253"] } }],
    [
      "IP_IN_USE",
      (l) => {
        l.ipHolders["10.0.0.20"] = "eni-z";
      },
    ],
    [
      "VSWITCH_IPS_EXHAUSTED",
      (l) => {
        l.vSwitches[0]!.availableIpAddressCount = 0;
      },
      { privateIps: { mode: "count", count: 2 } },
    ],
    ["EIP_TARGET_UNKNOWN", () => {}, { eips: [{ allocationId: "eip-a", privateIp: "10.0.0.99" }] }],
    [
      "EIP_TARGET_TAKEN",
      (l) => {
        l.enis[0]!.privateIps[0]!.eipAllocationId = "eip-zz";
      },
    ],
    [
      "EIP_NOT_FOUND",
      (l) => {
        l.eips = [];
      },
    ],
    [
      "EIP_REGION_MISMATCH",
      (l) => {
        l.eips[0]!.regionId = "r2";
      },
    ],
    [
      "EIP_NOT_AVAILABLE",
      (l) => {
        l.eips[0]!.status = "InUse";
        l.eips[0]!.instanceId = "i-x";
      },
    ],
    [
      "EIP_QUOTA",
      (l) => {
        l.regionEipCount = 20;
      },
    ],
  ];
  for (const [code, mutate, over] of cases) {
    it(`${code}: fails with a message and a fix in English and Japanese`, () => {
      const l = base();
      mutate(l);
      const findings = checkPreflight(spec(over), l);
      const f = findings.find((x) => x.code === code);
      expect(f, JSON.stringify(findings.map((x) => x.code))).toBeDefined();
      expect(f!.message.en.length).toBeGreaterThan(10);
      expect(f!.message.ja.length).toBeGreaterThan(5);
      expect(f!.fix.en.length).toBeGreaterThan(5);
      expect(f!.fix.ja.length).toBeGreaterThan(5);
    });
  }
  it("the clean setup's codes", () => expect(codes()).toEqual([]));
});

describe("planner", () => {
  it("plans 2 + N mutating calls when ENI and EIPs exist, all associations parallel after the one assign", () => {
    const s = spec({
      privateIps: { mode: "explicit", addresses: ["10.0.0.20", "10.0.0.21"] },
      eips: [{ allocationId: "eip-a" }, { allocationId: "eip-b" }, { allocationId: "eip-c" }],
    });
    const l = base();
    l.eips = ["eip-a", "eip-b", "eip-c"].map((id) => ({ ...base().eips[0]!, allocationId: id }));
    const p = planApply(s, l);
    expect(p.changes).toBe(2 + 3);
    const assoc = p.steps.filter((x) => x.kind === "eip.associate");
    expect(assoc.every((x) => !x.dependsOn.some((d) => d.startsWith("eip.associate")))).toBe(true);
    expect(p.steps.find((x) => x.kind === "ips.assign")!.params.PrivateIpAddress).toEqual(["10.0.0.20", "10.0.0.21"]);
  });
});
