// discoverAdoption (pure): what is taken over and what is left alone, with the reason for each.
import { describe, expect, it } from "vitest";
import type { EipView, EniView, InstanceView } from "@/lib/cloud/resources";
import { deploymentSpecV2Schema } from "./spec.schema";
import { discoverAdoption, guessOsFamily } from "./adopt";

const instance: InstanceView = {
  instanceId: "i-web",
  regionId: "ap-northeast-1",
  zoneId: "ap-northeast-1a",
  vpcId: "vpc-a",
  vSwitchId: "vsw-a",
  instanceType: "ecs.g7.large",
  status: "Running",
  imageId: "ubuntu_22_04_x64_20G_alibase_20240101.vhd",
  osType: "linux",
};
const eni = (id: string, over: Partial<EniView> = {}): EniView => ({
  networkInterfaceId: id,
  status: "InUse",
  type: "Secondary",
  instanceId: "i-web",
  vpcId: "vpc-a",
  vSwitchId: "vsw-a",
  zoneId: "ap-northeast-1a",
  macAddress: "00:16:3e:00:00:01",
  primaryIp: "10.0.0.10",
  privateIps: [{ ip: "10.0.0.10", primary: true, eipAllocationId: null, eipAddress: null }],
  securityGroupIds: [],
  ...over,
});
const ips = (...list: string[]) =>
  list.map((ip, k) => ({ ip, primary: k === 0, eipAllocationId: null, eipAddress: null }));
const eip = (id: string, on: string, privateIp: string, over: Partial<EipView> = {}): EipView => ({
  allocationId: id,
  ipAddress: `203.0.113.${id.length}`,
  regionId: "ap-northeast-1",
  status: "InUse",
  instanceType: "NetworkInterface",
  instanceId: on,
  privateIpAddress: privateIp,
  mode: "NAT",
  chargeType: "PostPaid",
  internetChargeType: "PayByTraffic",
  bandwidth: "5",
  ...over,
});
const vSwitches = {
  "vsw-a": {
    vSwitchId: "vsw-a",
    vpcId: "vpc-a",
    zoneId: "ap-northeast-1a",
    cidrBlock: "10.0.0.0/24",
    availableIpAddressCount: 200,
  },
};

describe("discoverAdoption", () => {
  it("adopts NAT-mode EIPs of secondary ENIs (primary IP included) in device order, as a valid spec v2", () => {
    const enis = [
      eni("eni-p", { type: "Primary", deviceIndex: 0, primaryIp: "10.0.0.5", privateIps: ips("10.0.0.5") }),
      eni("eni-b", { deviceIndex: 2, primaryIp: "10.0.0.20", privateIps: ips("10.0.0.20", "10.0.0.21") }),
      eni("eni-a", { deviceIndex: 1, privateIps: ips("10.0.0.10", "10.0.0.11", "10.0.0.12") }),
    ];
    const eips = [
      eip("eip-3", "eni-a", "10.0.0.12"),
      eip("eip-1", "eni-a", "10.0.0.10"),
      eip("eip-4", "eni-b", "10.0.0.21"),
      eip("eip-own", "i-web", "10.0.0.5", { instanceType: "EcsInstance" }),
      eip("eip-other", "eni-elsewhere", "10.0.0.99"),
    ];
    const d = discoverAdoption({ cloudAccountId: "acct", regionId: "ap-northeast-1", instance, enis, eips, vSwitches });
    const spec = deploymentSpecV2Schema.parse(d.spec);
    expect(spec.os).toBe("ubuntu");
    expect(spec.enis.map((e) => [e.eni, e.usePrimaryIp, e.eips.map((x) => x.allocationId)])).toEqual([
      [{ mode: "existing", networkInterfaceId: "eni-a" }, true, ["eip-1", "eip-3"]],
      [{ mode: "existing", networkInterfaceId: "eni-b" }, false, ["eip-4"]],
    ]);
    // 10.0.0.11 carries no EIP but is the ENI's secondary IP: kept in the spec (and in the guest bundle).
    expect(spec.enis[0]!.privateIps).toEqual({ mode: "explicit", addresses: ["10.0.0.11", "10.0.0.12"] });
    expect(d.record.enis!.map((e) => [e.eniId, e.device, e.routeTable, e.vSwitchCidr])).toEqual([
      ["eni-a", "eth1", 1001, "10.0.0.0/24"],
      ["eni-b", "eth2", 1002, "10.0.0.0/24"],
    ]);
    expect(d.leftAlone.map((l) => [l.kind, l.resource])).toEqual([["instancePublicIp", "eip-own"]]);
  });

  it("leaves alone cut-through and multi-EIP-to-ENI EIPs, EIPs in transition, ENIs of another VPC or not InUse", () => {
    const enis = [
      eni("eni-p", { type: "Primary", deviceIndex: 0, primaryIp: "10.0.0.5", privateIps: ips("10.0.0.5", "10.0.0.6") }),
      eni("eni-a", { deviceIndex: 1, privateIps: ips("10.0.0.10", "10.0.0.11") }),
      eni("eni-vpc", { deviceIndex: 2, vpcId: "vpc-b", primaryIp: "10.1.0.10", privateIps: ips("10.1.0.10") }),
      eni("eni-busy", { deviceIndex: 3, status: "Detaching", primaryIp: "10.0.0.30", privateIps: ips("10.0.0.30") }),
      eni("eni-bare", { deviceIndex: 4, primaryIp: "10.0.0.40", privateIps: ips("10.0.0.40") }),
    ];
    const eips = [
      eip("eip-cut", "eni-a", "10.0.0.10", { mode: "BINDED" }),
      eip("eip-multi", "eni-a", "10.0.0.11", { mode: "MULTI_BINDED" }),
      eip("eip-moving", "eni-p", "10.0.0.6", { status: "Associating" }),
      eip("eip-pp", "eni-p", "10.0.0.5"),
      eip("eip-vpc", "eni-vpc", "10.1.0.10"),
      eip("eip-busy", "eni-busy", "10.0.0.30"),
    ];
    const d = discoverAdoption({ cloudAccountId: "acct", regionId: "ap-northeast-1", instance, enis, eips, vSwitches });
    expect(d.spec).toBeNull();
    expect(d.leftAlone.map((l) => [l.kind, l.resource])).toEqual([
      ["eipInTransition", "eip-moving"],
      ["instancePublicIp", "eip-pp"],
      ["cutThroughEip", "eip-cut"],
      ["cutThroughEip", "eip-multi"],
      ["eniWithoutEip", "eni-a"],
      ["otherVpcEni", "eni-vpc"],
      ["eniNotInUse", "eni-busy"],
      ["eniWithoutEip", "eni-bare"],
    ]);
    expect(d.leftAlone.every((l) => l.message.en.length > 0 && l.message.ja.length > 0)).toBe(true);
  });

  it("adopts NAT EIPs on the primary ENI's secondary IPs as the primary mode (eth0, no route table)", () => {
    const enis = [
      eni("eni-p", { type: "Primary", deviceIndex: 0, primaryIp: "10.0.0.5", privateIps: ips("10.0.0.5", "10.0.0.6") }),
    ];
    const d = discoverAdoption({
      cloudAccountId: "acct",
      regionId: "ap-northeast-1",
      instance,
      enis,
      eips: [eip("eip-6", "eni-p", "10.0.0.6")],
      vSwitches,
      os: "alinux3",
    });
    const spec = deploymentSpecV2Schema.parse(d.spec);
    expect(spec.enis).toEqual([
      {
        eni: { mode: "primary" },
        privateIps: { mode: "explicit", addresses: ["10.0.0.6"] },
        usePrimaryIp: false,
        eips: [{ allocationId: "eip-6", privateIp: "10.0.0.6" }],
      },
    ]);
    expect(spec.os).toBe("alinux3");
    expect(d.record.enis![0]).toMatchObject({ mode: "primary", device: "eth0", created: false, attachedByUs: false });
    expect(d.record.enis![0]!.routeTable).toBeUndefined();
  });

  it("guesses the OS family from Alibaba Cloud image ids", () => {
    expect(guessOsFamily("aliyun_2_1903_x64_20G_alibase_20240628.vhd")).toBe("alinux2");
    expect(guessOsFamily("aliyun_3_x64_20G_alibase_20240528.vhd")).toBe("alinux3");
    expect(guessOsFamily("centos_7_9_x64_20G_alibase_20240628.vhd")).toBe("centos7");
    expect(guessOsFamily("debian_12_5_x64_20G_alibase_20240530.vhd")).toBe("debian");
    expect(guessOsFamily("m-custom-image")).toBe("generic");
  });
});
