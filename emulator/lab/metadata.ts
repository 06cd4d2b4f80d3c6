// The instance metadata service of lab mode: what an instance reads at http://100.100.100.200/latest/meta-data/
// (item names as in Alibaba Cloud's "Instance metadata" documentation), computed from the emulator's world.
// The lab writes one snapshot per instance (a JSON file outside the guest's sandbox) on every reconcile; the
// server (metadata-server.mjs) runs inside the instance's network namespace and answers from that file, so
// RunCommand scripts and a guest agent see the same answers.
import { gatewayOf, intToIp, parseCidr } from "../ip";
import type { EniRec, World } from "../model";

/** The metadata service's address: local to each instance namespace (on its loopback interface). */
export const METADATA_IP = "100.100.100.200";
export const METADATA_PORT = 80;

export type MetadataSnapshot = {
  /** HttpEndpoint: "disabled" answers nothing but 403 with a reason. */
  httpEndpoint: "enabled" | "disabled";
  /** HttpTokens: "required" refuses reads without a token (security hardening mode only). */
  httpTokens: "optional" | "required";
  /** Item path below /latest/meta-data/ → value. Directories are derived from the paths. */
  items: Record<string, string>;
};

function netmask(prefix: number): string {
  return intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** ENIs the instance sees: its primary ENI and every secondary ENI whose attach completed (until the detach completes). */
function visibleEnis(w: World, instanceId: string): EniRec[] {
  return Object.values(w.enis)
    .filter(
      (e) => e.instanceId === instanceId && (e.type === "Primary" || e.status === "InUse" || e.status === "Detaching"),
    )
    .sort((a, b) => (a.type === "Primary" ? -1 : b.type === "Primary" ? 1 : a.deviceIndex - b.deviceIndex));
}

/** The metadata of one instance, or null when the instance is gone. */
export function instanceMetadata(w: World, instanceId: string): MetadataSnapshot | null {
  const inst = w.instances[instanceId];
  if (!inst) return null;
  const primary = w.enis[inst.primaryEniId];
  const vpc = w.vpcs[inst.vpcId];
  const vsw = w.vswitches[inst.vSwitchId];
  const items: Record<string, string> = {
    "instance-id": inst.instanceId,
    hostname: inst.hostName,
    "region-id": inst.regionId,
    "zone-id": inst.zoneId,
    "image-id": inst.imageId,
    "instance/instance-type": inst.instanceType,
    "instance/instance-name": inst.instanceName,
    "network-type": "vpc",
    "vpc-id": inst.vpcId,
    "vswitch-id": inst.vSwitchId,
    ...(vpc ? { "vpc-cidr-block": vpc.cidrBlock } : {}),
    ...(vsw ? { "vswitch-cidr-block": vsw.cidrBlock } : {}),
  };
  if (primary) {
    items.mac = primary.macAddress;
    items["private-ipv4"] = primary.primaryIp;
    const eip = Object.values(w.eips).find(
      (x) =>
        x.binding &&
        x.status === "InUse" &&
        x.binding.privateIpAddress === primary.primaryIp &&
        (x.binding.instanceId === inst.instanceId || x.binding.instanceId === primary.networkInterfaceId),
    );
    if (eip) {
      items.eipv4 = eip.ipAddress;
      items["public-ipv4"] = eip.ipAddress;
    }
  }
  for (const e of visibleEnis(w, instanceId)) {
    const sw = w.vswitches[e.vSwitchId];
    const c = sw ? parseCidr(sw.cidrBlock) : null;
    const at = `network/interfaces/macs/${e.macAddress}`;
    items[`${at}/network-interface-id`] = e.networkInterfaceId;
    items[`${at}/vpc-id`] = e.vpcId;
    items[`${at}/vswitch-id`] = e.vSwitchId;
    items[`${at}/primary-ip-address`] = e.primaryIp;
    items[`${at}/private-ipv4s`] = JSON.stringify([e.primaryIp, ...e.secondaryIps]);
    if (c && sw) {
      items[`${at}/netmask`] = netmask(c.prefix);
      items[`${at}/gateway`] = gatewayOf(c);
      items[`${at}/vswitch-cidr-block`] = sw.cidrBlock;
    }
    const v = w.vpcs[e.vpcId];
    if (v) items[`${at}/vpc-cidr-block`] = v.cidrBlock;
  }
  return {
    httpEndpoint: inst.metadataOptions?.httpEndpoint ?? "enabled",
    httpTokens: inst.metadataOptions?.httpTokens ?? "optional",
    items,
  };
}
