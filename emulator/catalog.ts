// Static catalogue: instance types (published ENI / IP-per-ENI figures from the ECS
// instance-family documentation) and public images.

export type InstanceTypeSpec = {
  id: string;
  family: string;
  cpu: number;
  memoryGiB: number;
  /** EniQuantity: ENIs per instance, primary included. */
  eniQuantity: number;
  /** EniPrivateIpAddressQuantity: private IPv4 per ENI, primary IP included (emulator interpretation). */
  eniPrivateIpAddressQuantity: number;
  eniIpv6AddressQuantity: number;
  /** Types that can attach/detach secondary ENIs only while the instance is Stopped. */
  attachRequiresStopped: boolean;
  bandwidthKbps: number;
  ppsK: number;
  level: "EnterpriseLevel" | "EntryLevel" | "CreditEntryLevel";
};

const t = (
  id: string,
  cpu: number,
  memoryGiB: number,
  eniQuantity: number,
  ips: number,
  ipv6: number,
  stopped: boolean,
  bandwidthKbps: number,
  ppsK: number,
  level: InstanceTypeSpec["level"] = "EnterpriseLevel",
): InstanceTypeSpec => ({
  id,
  family: id.split(".").slice(0, 2).join(".").replace(/-.*$/, ""),
  cpu,
  memoryGiB,
  eniQuantity,
  eniPrivateIpAddressQuantity: ips,
  eniIpv6AddressQuantity: ipv6,
  attachRequiresStopped: stopped,
  bandwidthKbps,
  ppsK,
  level,
});

export const INSTANCE_TYPES: InstanceTypeSpec[] = [
  t("ecs.g5.large", 2, 8, 2, 6, 1, false, 1_000_000, 300),
  t("ecs.g6.large", 2, 8, 2, 6, 1, false, 1_000_000, 300),
  t("ecs.g6.xlarge", 4, 16, 3, 10, 1, false, 1_500_000, 500),
  t("ecs.g6.2xlarge", 8, 32, 4, 10, 1, false, 2_500_000, 800),
  t("ecs.g6.4xlarge", 16, 64, 8, 20, 1, false, 5_000_000, 1000),
  t("ecs.g7.large", 2, 8, 3, 6, 6, false, 2_000_000, 900),
  t("ecs.g7.xlarge", 4, 16, 4, 15, 15, false, 3_000_000, 1000),
  t("ecs.g7.2xlarge", 8, 32, 4, 15, 15, false, 5_000_000, 1600),
  t("ecs.g7.4xlarge", 16, 64, 8, 30, 30, false, 10_000_000, 3000),
  t("ecs.c6.large", 2, 4, 2, 6, 1, false, 1_000_000, 300),
  t("ecs.c7.large", 2, 4, 3, 6, 6, false, 2_000_000, 900),
  t("ecs.r6.large", 2, 16, 2, 6, 1, false, 1_000_000, 300),
  t("ecs.t6-c1m2.large", 2, 4, 2, 2, 0, true, 200_000, 60, "CreditEntryLevel"),
  t("ecs.t5-lc1m2.small", 1, 2, 2, 2, 0, true, 100_000, 60, "CreditEntryLevel"),
];

export function instanceType(id: string): InstanceTypeSpec | undefined {
  return INSTANCE_TYPES.find((x) => x.id === id);
}

export type ImageSpec = { imageId: string; osName: string; osNameEn: string; osType: "linux"; platform: string };

export const IMAGES: ImageSpec[] = [
  {
    imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
    osName: "Alibaba Cloud Linux  2.1903 LTS 64位",
    osNameEn: "Alibaba Cloud Linux  2.1903 LTS 64 bit",
    osType: "linux",
    platform: "Aliyun",
  },
  {
    imageId: "aliyun_3_x64_20G_alibase_20240528.vhd",
    osName: "Alibaba Cloud Linux  3.2104 LTS 64位",
    osNameEn: "Alibaba Cloud Linux  3.2104 LTS 64 bit",
    osType: "linux",
    platform: "Aliyun",
  },
  {
    imageId: "centos_7_9_x64_20G_alibase_20240628.vhd",
    osName: "CentOS  7.9 64位",
    osNameEn: "CentOS  7.9 64 bit",
    osType: "linux",
    platform: "CentOS",
  },
  {
    imageId: "ubuntu_22_04_x64_20G_alibase_20240710.vhd",
    osName: "Ubuntu  22.04 64位",
    osNameEn: "Ubuntu  22.04 64 bit",
    osType: "linux",
    platform: "Ubuntu",
  },
  {
    imageId: "debian_12_6_x64_20G_alibase_20240717.vhd",
    osName: "Debian  12.6 64位",
    osNameEn: "Debian  12.6 64 bit",
    osType: "linux",
    platform: "Debian",
  },
];

export function image(id: string): ImageSpec | undefined {
  return IMAGES.find((x) => x.imageId === id);
}
