// Reads the live state a spec touches (through lib/cloud, so every read is audited).
import type { CloudContext } from "@/lib/cloud/call";
import { loadExisting, loadInstanceEnis } from "@/lib/cloud/batch-reads";
import { describeEips, describeEnis, describeInstanceType, describeVSwitch } from "@/lib/cloud/resources";
import { CloudError } from "@/lib/cloud/errors";
import type { DeploymentSpec } from "./spec.schema";
import { normalizeRecord, type LiveSnapshot, type ResourcesRecord } from "./model";

export async function readSnapshot(
  ctx: CloudContext,
  spec: DeploymentSpec,
  raw: ResourcesRecord = {},
): Promise<LiveSnapshot> {
  const record = normalizeRecord(raw);
  const instanceId = spec.instance.mode === "existing" ? spec.instance.instanceId : record.instanceId;
  const eniIds = [
    ...new Set([
      ...spec.enis.flatMap((e) => (e.eni.mode === "existing" ? [e.eni.networkInterfaceId] : [])),
      ...(record.enis ?? []).flatMap((e) => (e.eniId ? [e.eniId] : [])),
    ]),
  ];
  const eipIds = [
    ...new Set([
      ...spec.enis.flatMap((e) => e.eips.map((x) => x.allocationId)).filter((x): x is string => !!x),
      ...(record.eips ?? []).map((e) => e.allocationId).filter(Boolean),
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
    // Batched with the same reads of other runs started meanwhile (a fleet's pre-flights).
    guard(instanceId ? loadExisting("instance", ctx, [instanceId]) : Promise.resolve([]), []),
    guard(eniIds.length ? loadExisting("eni", ctx, eniIds) : Promise.resolve([]), []),
    guard(describeEips(ctx), { eips: [], totalCount: 0 }),
  ]);
  const instance = instances.find((i) => i.instanceId === instanceId) ?? null;
  const typeId = spec.instance.mode === "create" ? spec.instance.instanceType : instance?.instanceType;
  // Read with the other pre-flights' instances of the VPC started meanwhile, in one listing.
  const instanceEnis = instance && regionKnown ? await loadInstanceEnis(ctx, instance.instanceId, instance.vpcId) : [];
  const vSwitchIds = [
    ...new Set([
      ...enis.map((e) => e.vSwitchId),
      ...instanceEnis.filter((e) => e.type === "Primary").map((e) => e.vSwitchId),
      ...spec.enis.flatMap((e) => (e.eni.mode === "create" ? [e.eni.vSwitchId] : [])),
      ...(spec.instance.mode === "create" ? [spec.instance.vSwitchId] : []),
    ]),
  ].filter(Boolean);
  const explicit = spec.enis.flatMap((e) => (e.privateIps.mode === "explicit" ? e.privateIps.addresses : []));
  const ours = new Set([...eniIds, ...instanceEnis.map((e) => e.networkInterfaceId)]);
  const vpcId = instance?.vpcId ?? enis[0]?.vpcId;
  const [instanceType, vSwitches, holders] = await Promise.all([
    typeId && regionKnown ? describeInstanceType(ctx, typeId) : Promise.resolve(null),
    regionKnown ? Promise.all(vSwitchIds.map((id) => describeVSwitch(ctx, id))) : Promise.resolve([]),
    explicit.length && regionKnown ? describeEnis(ctx, { privateIps: explicit, vpcId }) : Promise.resolve([]),
  ]);
  const ipHolders: Record<string, string> = {};
  // An address held by another ENI of this deployment is not "in use elsewhere": pre-flight and the
  // planner see where it is through the ENIs themselves.
  for (const h of holders)
    for (const p of h.privateIps)
      if (explicit.includes(p.ip) && !ours.has(h.networkInterfaceId)) ipHolders[p.ip] = h.networkInterfaceId;
  return {
    regionId: spec.regionId,
    regionKnown,
    instance,
    instanceType,
    instanceEnis,
    enis,
    vSwitches: vSwitches.filter((v): v is NonNullable<typeof v> => !!v),
    eips: eipsAll.eips.filter((e) => eipIds.includes(e.allocationId)),
    regionEipCount: eipsAll.totalCount,
    ipHolders,
  };
}
