// The seed file format (`--seed world.json`) and the default demo world.
// Every id is optional: missing ids are generated (deterministically from `rngSeed`).
import { z } from "zod";

const zone = z.object({
  zoneId: z.string(),
  localName: z.string().optional(),
  localNameEn: z.string().optional(),
  localNameJa: z.string().optional(),
});
const region = z.object({
  regionId: z.string(),
  localName: z.string().optional(),
  localNameEn: z.string().optional(),
  localNameJa: z.string().optional(),
  zones: z.array(zone).min(1),
});
const vSwitch = z.object({
  id: z.string().optional(),
  zoneId: z.string(),
  cidrBlock: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
});
const securityGroup = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
});
const vpc = z.object({
  id: z.string().optional(),
  regionId: z.string(),
  cidrBlock: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  vSwitches: z.array(vSwitch).default([]),
  securityGroups: z.array(securityGroup).default([]),
});
const instance = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  hostName: z.string().optional(),
  /** vSwitch id, or "vpcName/vswName" / index reference "vpc#0/vsw#1" */
  vSwitch: z.string(),
  securityGroups: z.array(z.string()).optional(),
  instanceType: z.string(),
  imageId: z.string(),
  status: z.enum(["Running", "Stopped"]).default("Running"),
  primaryIp: z.string().optional(),
  primaryEniId: z.string().optional(),
  cloudAssistant: z.boolean().default(true),
  /** Resource tags (`Tag.N`), as RunInstances would set them. */
  tags: z.array(z.object({ key: z.string().min(1), value: z.string().default("") })).default([]),
});
const eni = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  vSwitch: z.string(),
  securityGroups: z.array(z.string()).optional(),
  primaryIp: z.string().optional(),
  secondaryIps: z.array(z.string()).default([]),
  /** attach (InUse) to this instance (id or name) */
  instance: z.string().optional(),
});
const eip = z.object({
  id: z.string().optional(),
  regionId: z.string(),
  ipAddress: z.string().optional(),
  name: z.string().optional(),
  bandwidth: z.string().default("5"),
  internetChargeType: z.enum(["PayByBandwidth", "PayByTraffic"]).default("PayByTraffic"),
  /** bind at start: an instance (id/name) or an ENI (id/name) with an optional private IP */
  associate: z
    .object({
      instance: z.string().optional(),
      networkInterface: z.string().optional(),
      privateIpAddress: z.string().optional(),
    })
    .optional(),
});

export const seedSchema = z.object({
  ownerId: z.string().default("1234567890123456"),
  rngSeed: z.union([z.number(), z.string()]).default(20261127),
  quotas: z
    .object({
      eipPerRegion: z.number().int().min(0).default(20),
      eniPerRegion: z.number().int().min(0).default(1000),
      ipsPerAvailableEni: z.number().int().min(1).default(10),
    })
    .prefault({}),
  policies: z
    .object({
      unassignIpWithEip: z.enum(["reject", "unassociate"]).default("reject"),
      deleteEniWithEip: z.enum(["reject", "unassociate"]).default("reject"),
    })
    .prefault({}),
  /** Public address pools for new EIPs (documentation ranges by default — no real address ever appears). */
  eipPools: z.array(z.string()).default(["203.0.113.0/24", "198.51.100.0/24"]),
  regions: z.array(region).min(1),
  vpcs: z.array(vpc).default([]),
  instances: z.array(instance).default([]),
  networkInterfaces: z.array(eni).default([]),
  eips: z.array(eip).default([]),
});

export type Seed = z.input<typeof seedSchema>;
export type ParsedSeed = z.output<typeof seedSchema>;

export function parseSeed(input: unknown): ParsedSeed {
  return seedSchema.parse(input);
}

const ALINUX2 = "aliyun_2_1903_x64_20G_alibase_20240628.vhd";

/**
 * The demo world's pool for fleets: six running instances in Tokyo zone A, all tagged `pool` (five
 * `web`, one `batch`), two of the web ones also `env=staging`. Each is an ecs.g7.large (3 ENIs, 6
 * addresses per ENI) with only its primary ENI, so every one has room for secondary ENIs and IPs.
 */
export const DEMO_POOL = [
  ["1", "web", true],
  ["2", "web", true],
  ["3", "web", false],
  ["4", "web", false],
  ["5", "web", false],
  ["6", "batch", false],
].map(([n, pool, staging]) => ({
  id: `i-6we1x9demopool0000${n}`,
  name: pool === "web" ? `pool-web-${n}` : "pool-batch-1",
  hostName: pool === "web" ? `pool-web-${n}` : "pool-batch-1",
  vSwitch: "vsw-6we1x9demotokyoa01",
  instanceType: "ecs.g7.large",
  imageId: ALINUX2,
  status: "Running" as const,
  primaryIp: `172.16.0.${160 + Number(n)}`,
  primaryEniId: `eni-6we1x9demopool0000${n}`,
  tags: [{ key: "pool", value: pool as string }, ...(staging ? [{ key: "env", value: "staging" }] : [])],
}));

/** The demo world: the source document's scenario in Tokyo, plus an empty-ish Hangzhou. */
export const DEFAULT_SEED: Seed = {
  ownerId: "1234567890123456",
  rngSeed: 20261127,
  regions: [
    {
      regionId: "ap-northeast-1",
      localName: "日本（东京）",
      localNameEn: "Japan (Tokyo)",
      localNameJa: "日本 (東京)",
      zones: [
        {
          zoneId: "ap-northeast-1a",
          localName: "东京 可用区A",
          localNameEn: "Tokyo Zone A",
          localNameJa: "東京 ゾーン A",
        },
        {
          zoneId: "ap-northeast-1b",
          localName: "东京 可用区B",
          localNameEn: "Tokyo Zone B",
          localNameJa: "東京 ゾーン B",
        },
      ],
    },
    {
      regionId: "cn-hangzhou",
      localName: "华东1（杭州）",
      localNameEn: "China (Hangzhou)",
      localNameJa: "中国 (杭州)",
      zones: [
        {
          zoneId: "cn-hangzhou-h",
          localName: "杭州 可用区H",
          localNameEn: "Hangzhou Zone H",
          localNameJa: "杭州 ゾーン H",
        },
        {
          zoneId: "cn-hangzhou-i",
          localName: "杭州 可用区I",
          localNameEn: "Hangzhou Zone I",
          localNameJa: "杭州 ゾーン I",
        },
      ],
    },
  ],
  vpcs: [
    {
      id: "vpc-6we1x9demotokyo0001",
      regionId: "ap-northeast-1",
      cidrBlock: "172.16.0.0/12",
      name: "eipilot-demo-vpc",
      vSwitches: [
        { id: "vsw-6we1x9demotokyoa01", zoneId: "ap-northeast-1a", cidrBlock: "172.16.0.0/24", name: "demo-vsw-a" },
        { id: "vsw-6we1x9demotokyob01", zoneId: "ap-northeast-1b", cidrBlock: "172.16.1.0/24", name: "demo-vsw-b" },
      ],
      securityGroups: [{ id: "sg-6we1x9demotokyo00001", name: "demo-sg" }],
    },
    {
      id: "vpc-bp1x9demohangzhou01",
      regionId: "cn-hangzhou",
      cidrBlock: "192.168.0.0/16",
      name: "eipilot-demo-vpc",
      vSwitches: [
        { id: "vsw-bp1x9demohangzhh01", zoneId: "cn-hangzhou-h", cidrBlock: "192.168.0.0/24", name: "demo-vsw-h" },
        { id: "vsw-bp1x9demohangzhi01", zoneId: "cn-hangzhou-i", cidrBlock: "192.168.1.0/24", name: "demo-vsw-i" },
      ],
      securityGroups: [{ id: "sg-bp1x9demohangzhou001", name: "demo-sg" }],
    },
  ],
  instances: [
    {
      id: "i-6we1x9demoweb000001",
      name: "demo-web-1",
      hostName: "demo-web-1",
      vSwitch: "vsw-6we1x9demotokyoa01",
      instanceType: "ecs.g7.large",
      imageId: ALINUX2,
      status: "Running",
      primaryIp: "172.16.0.57",
      primaryEniId: "eni-6we1x9demoprimary01",
    },
    {
      id: "i-6we1x9demoweb000002",
      name: "demo-web-2",
      hostName: "demo-web-2",
      vSwitch: "vsw-6we1x9demotokyoa01",
      instanceType: "ecs.g6.large",
      imageId: "centos_7_9_x64_20G_alibase_20240628.vhd",
      status: "Running",
      primaryIp: "172.16.0.58",
      primaryEniId: "eni-6we1x9demoprimary02",
    },
    ...DEMO_POOL,
  ],
  networkInterfaces: [
    {
      id: "eni-6we1x9demosecond001",
      name: "demo-secondary-eni",
      vSwitch: "vsw-6we1x9demotokyoa01",
      primaryIp: "172.16.0.60",
    },
  ],
  eips: [
    {
      id: "eip-6we1x9demoprimary01",
      regionId: "ap-northeast-1",
      ipAddress: "203.0.113.10",
      name: "demo-web-1-eip",
      associate: { instance: "i-6we1x9demoweb000001" },
    },
    { id: "eip-6we1x9demofree00001", regionId: "ap-northeast-1", ipAddress: "203.0.113.21", name: "demo-eip-1" },
    { id: "eip-6we1x9demofree00002", regionId: "ap-northeast-1", ipAddress: "203.0.113.22", name: "demo-eip-2" },
    { id: "eip-6we1x9demofree00003", regionId: "ap-northeast-1", ipAddress: "203.0.113.23", name: "demo-eip-3" },
  ],
};
