// Adopt: turn a setup built by hand (Alibaba Cloud's "multiple EIPs in NAT mode" procedure) into a spec v2
// and a resources record, from what was read — pure, no I/O. What EIPilot cannot take over is listed in
// `leftAlone` with the reason, and stays as it is.
import type { EipView, EniView, InstanceView, VSwitchView } from "@/lib/cloud/resources";
import type { OsFamily } from "@/lib/os/os-families";
import { eniDevice, type EipRecord, type EniRecord, type ResourcesRecord } from "./model";
import { SPEC_VERSION_2, type DeploymentSpecV2Input } from "./spec.schema";

export type LeftAloneKind =
  "instancePublicIp" | "cutThroughEip" | "eipInTransition" | "otherVpcEni" | "eniNotInUse" | "eniWithoutEip";

export type LeftAlone = { kind: LeftAloneKind; resource: string; message: { en: string; ja: string } };

export type AdoptedEni = {
  networkInterfaceId: string;
  mode: "existing" | "primary";
  device: string;
  primaryIp: string;
  secondaryIps: string[];
  eips: Array<{ allocationId: string; ipAddress: string; privateIp: string }>;
};

export type Discovery = {
  /** The spec to store (null: nothing here can be adopted; `leftAlone` says why). */
  spec: DeploymentSpecV2Input | null;
  record: ResourcesRecord;
  enis: AdoptedEni[];
  leftAlone: LeftAlone[];
};

export type DiscoveryInput = {
  cloudAccountId: string;
  regionId: string;
  instance: InstanceView;
  /** ENIs attached to the instance (primary included), as DescribeNetworkInterfaces returned them. */
  enis: EniView[];
  /** The region's EIPs (only those bound to the instance or its ENIs matter). */
  eips: EipView[];
  vSwitches: Record<string, VSwitchView>;
  os?: OsFamily;
  now?: Date;
};

/** The OS family from the image id (Alibaba Cloud's public image names); "generic" when unsure. */
export function guessOsFamily(imageId: string): OsFamily {
  const id = imageId.toLowerCase();
  if (/^aliyun_2/.test(id)) return "alinux2";
  if (/^aliyun_3/.test(id)) return "alinux3";
  if (/^centos_7/.test(id)) return "centos7";
  if (/^(rhel|rocky|almalinux|anolisos|centos_stream)_?9/.test(id)) return "rhel9";
  if (/^ubuntu/.test(id)) return "ubuntu";
  if (/^debian/.test(id)) return "debian";
  return "generic";
}

const isPrimaryEni = (e: EniView, instance: InstanceView) =>
  e.type === "Primary" || (e.type === "" && e.deviceIndex === 0 && e.instanceId === instance.instanceId);

/** Why an EIP bound to `eni` cannot be taken over, or null when it can. */
function eipProblem(eip: EipView, eni: EniView, primaryEni: boolean): LeftAlone | null {
  const name = `${eip.allocationId} (${eip.ipAddress})`;
  if (eip.mode && eip.mode !== "NAT")
    return {
      kind: "cutThroughEip",
      resource: eip.allocationId,
      message: {
        en: `EIP ${name} is bound to ${eni.networkInterfaceId} in ${eip.mode === "BINDED" ? "cut-through" : "multi-EIP-to-ENI (visible)"} mode; EIPilot manages NAT mode only.`,
        ja: `EIP ${name} は ${eni.networkInterfaceId} に${eip.mode === "BINDED" ? "EIP パススルー" : "マルチ EIP の ENI 可視"}モードで関連付いています。EIPilot が管理するのは NAT モードだけです。`,
      },
    };
  if (eip.status !== "InUse")
    return {
      kind: "eipInTransition",
      resource: eip.allocationId,
      message: {
        en: `EIP ${name} is ${eip.status}; adopt again once it has settled.`,
        ja: `EIP ${name} は ${eip.status} です。状態が落ち着いてからもう一度取り込んでください。`,
      },
    };
  if (primaryEni && eip.privateIpAddress === eni.primaryIp)
    return {
      kind: "instancePublicIp",
      resource: eip.allocationId,
      message: {
        en: `EIP ${name} is the instance's own public address (on its primary private IP ${eni.primaryIp}); it stays as it is.`,
        ja: `EIP ${name} はインスタンス自身のパブリックアドレス（プライマリプライベート IP ${eni.primaryIp}）です。そのまま残します。`,
      },
    };
  return null;
}

function eniProblem(eni: EniView, instance: InstanceView, hasEip: boolean): LeftAlone | null {
  const id = eni.networkInterfaceId;
  if (eni.vpcId && eni.vpcId !== instance.vpcId)
    return {
      kind: "otherVpcEni",
      resource: id,
      message: {
        en: `ENI ${id} is in ${eni.vpcId}, not in the instance's VPC ${instance.vpcId}.`,
        ja: `ENI ${id} はインスタンスの VPC ${instance.vpcId} ではなく ${eni.vpcId} にあります。`,
      },
    };
  if (eni.status !== "InUse")
    return {
      kind: "eniNotInUse",
      resource: id,
      message: {
        en: `ENI ${id} is ${eni.status}, not InUse; adopt again once it is attached.`,
        ja: `ENI ${id} は ${eni.status} です（InUse ではありません）。アタッチが終わってからもう一度取り込んでください。`,
      },
    };
  if (!hasEip)
    return {
      kind: "eniWithoutEip",
      resource: id,
      message: {
        en: `ENI ${id} carries no NAT-mode EIP; it is not part of the setup and stays as it is.`,
        ja: `ENI ${id} には NAT モードの EIP がありません。この構成には含めず、そのまま残します。`,
      },
    };
  return null;
}

/** Reads what is there into a spec v2 and a record; every ENI is `existing` (or `primary`), IPs explicit. */
export function discoverAdoption(input: DiscoveryInput): Discovery {
  const { instance } = input;
  const leftAlone: LeftAlone[] = [];
  // The instance's own public IP bound as an ECS-instance EIP.
  for (const eip of input.eips)
    if (eip.instanceType === "EcsInstance" && eip.instanceId === instance.instanceId)
      leftAlone.push({
        kind: "instancePublicIp",
        resource: eip.allocationId,
        message: {
          en: `EIP ${eip.allocationId} (${eip.ipAddress}) is the instance's own public address; it stays as it is.`,
          ja: `EIP ${eip.allocationId}（${eip.ipAddress}）はインスタンス自身のパブリックアドレスです。そのまま残します。`,
        },
      });
  const candidates: Array<{ eni: EniView; primary: boolean; eips: EipView[] }> = [];
  for (const eni of input.enis) {
    const primary = isPrimaryEni(eni, instance);
    const bound = input.eips.filter(
      (x) => x.instanceType === "NetworkInterface" && x.instanceId === eni.networkInterfaceId,
    );
    const usable: EipView[] = [];
    for (const eip of bound) {
      const problem = eipProblem(eip, eni, primary);
      if (problem) leftAlone.push(problem);
      else usable.push(eip);
    }
    const problem = eniProblem(eni, instance, usable.length > 0);
    // The primary ENI without EIPs on its secondary IPs is simply not part of the setup: nothing to say.
    if (problem && !(primary && problem.kind === "eniWithoutEip")) leftAlone.push(problem);
    if (!problem) candidates.push({ eni, primary, eips: usable });
  }
  const secondaries = candidates
    .filter((c) => !c.primary)
    .sort(
      (a, b) =>
        (a.eni.deviceIndex ?? 99) - (b.eni.deviceIndex ?? 99) ||
        a.eni.networkInterfaceId.localeCompare(b.eni.networkInterfaceId),
    );
  const ordered = [...secondaries, ...candidates.filter((c) => c.primary)];
  return build(input, ordered, leftAlone);
}

function build(
  input: DiscoveryInput,
  ordered: Array<{ eni: EniView; primary: boolean; eips: EipView[] }>,
  leftAlone: LeftAlone[],
): Discovery {
  const enis: AdoptedEni[] = [];
  const eniRecords: EniRecord[] = [];
  const eipRecords: EipRecord[] = [];
  const specEnis: NonNullable<DeploymentSpecV2Input["enis"]> = [];
  ordered.forEach(({ eni, primary, eips }, index) => {
    const secondaryIps = eni.privateIps.filter((p) => !p.primary && p.ip !== eni.primaryIp).map((p) => p.ip);
    const onPrimaryIp = eips.find((x) => x.privateIpAddress === eni.primaryIp);
    // The ENI's primary IP first, then the secondary IPs in the ENI's order.
    const order = [eni.primaryIp, ...secondaryIps];
    const sorted = [...eips].sort((a, b) => order.indexOf(a.privateIpAddress) - order.indexOf(b.privateIpAddress));
    const n = primary ? 0 : (eni.deviceIndex ?? 0) > 0 ? eni.deviceIndex! : index + 1;
    const { device, routeTable } = eniDevice(n);
    specEnis.push({
      eni: primary ? { mode: "primary" } : { mode: "existing", networkInterfaceId: eni.networkInterfaceId },
      privateIps: { mode: "explicit", addresses: secondaryIps },
      usePrimaryIp: !primary && !!onPrimaryIp,
      eips: sorted.map((x) => ({ allocationId: x.allocationId, privateIp: x.privateIpAddress })),
    });
    eniRecords.push({
      index,
      mode: primary ? "primary" : "existing",
      eniId: eni.networkInterfaceId,
      created: false,
      attachedByUs: false,
      primaryIp: eni.primaryIp,
      macAddress: eni.macAddress,
      ...(input.vSwitches[eni.vSwitchId] ? { vSwitchCidr: input.vSwitches[eni.vSwitchId]!.cidrBlock } : {}),
      device,
      ...(routeTable ? { routeTable } : {}),
      assignedIps: secondaryIps,
    });
    sorted.forEach((x, specIndex) =>
      eipRecords.push({
        eniIndex: index,
        specIndex,
        eniId: eni.networkInterfaceId,
        allocationId: x.allocationId,
        ipAddress: x.ipAddress,
        privateIp: x.privateIpAddress,
        allocatedByUs: false,
        associatedByUs: true,
      }),
    );
    enis.push({
      networkInterfaceId: eni.networkInterfaceId,
      mode: primary ? "primary" : "existing",
      device,
      primaryIp: eni.primaryIp,
      secondaryIps,
      eips: sorted.map((x) => ({
        allocationId: x.allocationId,
        ipAddress: x.ipAddress,
        privateIp: x.privateIpAddress,
      })),
    });
  });
  const record: ResourcesRecord = {
    instanceId: input.instance.instanceId,
    instanceCreated: false,
    enis: eniRecords,
    eips: eipRecords,
    adopted: { at: (input.now ?? new Date()).toISOString(), leftAlone: leftAlone.length },
  };
  const spec: DeploymentSpecV2Input | null = eipRecords.length
    ? {
        specVersion: SPEC_VERSION_2,
        cloudAccountId: input.cloudAccountId,
        regionId: input.regionId,
        instance: { mode: "existing", instanceId: input.instance.instanceId },
        enis: specEnis,
        os: input.os ?? guessOsFamily(input.instance.imageId),
        traffic: "policy-routes",
      }
    : null;
  return { spec, record, enis, leftAlone };
}
