// The instances a fleet's selector names, read from the cloud once (at creation): listed ids, or every instance
// of the region carrying a tag (DescribeInstances' Tag.N filter, paged). Each comes with the vSwitch and the
// first security group a created ENI of that member goes in.
import type { CloudContext } from "@/lib/cloud/call";
import { cloudCall } from "@/lib/cloud/call";
import { describeAll } from "@/lib/cloud/paging";
import { arr, list, obj, str, type Obj } from "@/lib/cloud/wire";
import { msg } from "@/lib/i18n/errors";
import { RunRefused } from "@/lib/deploy/deployment.service";
import { FLEET_MAX_MEMBERS, type FleetSelector } from "./fleet.schema";
import type { Placement } from "./runtime";

export type ResolvedInstance = Placement & { instanceId: string };

function fromWire(i: Obj): ResolvedInstance {
  const vpc = obj(i.VpcAttributes);
  return {
    instanceId: str(i.InstanceId),
    vSwitchId: str(vpc.VSwitchId),
    securityGroupId: str(arr(obj(i.SecurityGroupIds).SecurityGroupId)[0]),
  };
}

async function byIds(ctx: CloudContext, ids: string[]): Promise<ResolvedInstance[]> {
  const out: ResolvedInstance[] = [];
  for (let k = 0; k < ids.length; k += 100) {
    const chunk = ids.slice(k, k + 100);
    const body = await cloudCall(ctx, "DescribeInstances", {
      RegionId: ctx.regionId,
      InstanceIds: JSON.stringify(chunk),
      MaxResults: 100,
    });
    out.push(...list(body.Instances, "Instance").map(fromWire));
  }
  const found = new Map(out.map((i) => [i.instanceId, i]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    throw new RunRefused(
      "PREFLIGHT_FAILED",
      msg("fleet.instancesMissing", { regionId: ctx.regionId, ids: missing.join(", ") }),
      { missing },
    );
  // The order the caller gave: the first is the canary.
  return ids.map((id) => found.get(id)!);
}

async function byTag(ctx: CloudContext, tag: { key: string; value?: string }): Promise<ResolvedInstance[]> {
  const { items } = await describeAll(
    ctx,
    "DescribeInstances",
    // Wire names, as every cloudCall parameter: cloudCall makes the items the SDK's models (sent as Tag.N.Key/Value).
    { RegionId: ctx.regionId, Tag: [{ Key: tag.key, ...(tag.value !== undefined ? { Value: tag.value } : {}) }] },
    { by: "NextToken", MaxResults: 100 },
    (body) => list(body.Instances, "Instance").map(fromWire),
  );
  return items.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

/** The selector's instances, in rollout order (listed order; by id for a tag). Refuses an empty or oversized fleet. */
export async function resolveInstances(ctx: CloudContext, selector: FleetSelector): Promise<ResolvedInstance[]> {
  const found = "ids" in selector ? await byIds(ctx, [...new Set(selector.ids)]) : await byTag(ctx, selector.tag);
  if (!found.length) throw new RunRefused("PREFLIGHT_FAILED", msg("fleet.noInstances", { regionId: ctx.regionId }));
  if (found.length > FLEET_MAX_MEMBERS)
    throw new RunRefused(
      "PREFLIGHT_FAILED",
      msg("fleet.tooManyInstances", { max: FLEET_MAX_MEMBERS, count: found.length }),
    );
  return found;
}
