// Reads the live state a spec touches (through lib/cloud, so every read is audited).
import type { CloudContext } from "@/lib/cloud/call";
import {
  describeEips,
  describeEnis,
  describeInstances,
  describeInstanceType,
  describeVSwitch,
} from "@/lib/cloud/resources";
import { CloudError } from "@/lib/cloud/errors";
import type { DeploymentSpec } from "./spec.schema";
import type { LiveSnapshot, ResourcesRecord } from "./model";

export async function readSnapshot(
  ctx: CloudContext,
  spec: DeploymentSpec,
  record: ResourcesRecord = {},
): Promise<LiveSnapshot> {
  const instanceId = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  const eniId = spec.eni.mode === "existing" ? spec.eni.networkInterfaceId : record.eniId;
  const eipIds = [
    ...new Set([
      ...spec.eips.map((e) => e.allocationId).filter((x): x is string => !!x),
      ...(record.eips ?? []).map((e) => e.allocationId),
    ]),
  ];
  let regionKnown = true;
  const guard = async <T>(p: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof CloudError && /^InvalidRegionId/.test(e.code)) {
        regionKnown = false;
        return fallback;
      }
      throw e;
    }
  };
  const [instances, enis, eipsAll] = await Promise.all([
    guard(instanceId ? describeInstances(ctx, [instanceId]) : Promise.resolve([]), []),
    guard(eniId ? describeEnis(ctx, { ids: [eniId] }) : Promise.resolve([]), []),
    guard(describeEips(ctx), { eips: [], totalCount: 0 }),
  ]);
  const instance = instances.find((i) => i.instanceId === instanceId) ?? null;
  const eni = enis.find((e) => e.networkInterfaceId === eniId) ?? null;
  const typeId = spec.instance.mode === "create" ? spec.instance.instanceType : instance?.instanceType;
  const vSwitchId = eni?.vSwitchId ?? (spec.eni.mode === "create" ? spec.eni.vSwitchId : undefined);
  const explicit = spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : [];
  const [instanceType, instanceEnis, vSwitch, holders] = await Promise.all([
    typeId && regionKnown ? describeInstanceType(ctx, typeId) : Promise.resolve(null),
    instance ? describeEnis(ctx, { instanceId: instance.instanceId }) : Promise.resolve([]),
    vSwitchId && regionKnown ? describeVSwitch(ctx, vSwitchId) : Promise.resolve(null),
    explicit.length && regionKnown
      ? describeEnis(ctx, { privateIps: explicit, vpcId: eni?.vpcId })
      : Promise.resolve([]),
  ]);
  const ipHolders: Record<string, string> = {};
  for (const h of holders)
    for (const p of h.privateIps)
      if (explicit.includes(p.ip) && h.networkInterfaceId !== eniId) ipHolders[p.ip] = h.networkInterfaceId;
  return {
    regionId: spec.regionId,
    regionKnown,
    instance,
    instanceType,
    instanceEnis,
    eni,
    vSwitch,
    eips: eipsAll.eips.filter((e) => eipIds.includes(e.allocationId)),
    regionEipCount: eipsAll.totalCount,
    ipHolders,
  };
}
