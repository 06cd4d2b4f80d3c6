// Batched reads: concurrent reads of single instances, ENIs and EIPs of one account and region — the
// polls of every run waiting for a transition, the reads of pre-flights started together — become one
// Describe call with a list of ids (DescribeInstances InstanceIds ≤ 100, DescribeNetworkInterfaces
// NetworkInterfaceId.N ≤ 100, DescribeEipAddresses AllocationId comma-joined ≤ 50) instead of one call
// per resource and run. The batching window is the wait for the read's slot in the account's budget
// (lib/cloud/rate-limit.ts): whatever asks meanwhile rides along, so the slower the account's rate the
// larger the batches, and an unpaced account waits only for the database's answer.
import DataLoader from "dataloader";
import type { Db } from "@/lib/db/client";
import type { CloudAction, CloudContext } from "./call";
import { paceCall, ratePlanOf } from "./call";
import { withReadRetries } from "./retry";
import {
  describeEips,
  describeEnis,
  describeInstances,
  type EipView,
  type EniView,
  type InstanceView,
} from "./resources";

export type BatchEntity = "instance" | "eni" | "eip";
type View<E extends BatchEntity> = E extends "instance" ? InstanceView : E extends "eni" ? EniView : EipView;
type Key = { ctx: CloudContext; id: string };

const ACTION: Record<BatchEntity, CloudAction> = {
  instance: "DescribeInstances",
  eni: "DescribeNetworkInterfaces",
  eip: "DescribeEipAddresses",
};
/** The most ids one call takes (API reference: InstanceIds 100, NetworkInterfaceId.N 100, AllocationId 50). */
export const MAX_IDS: Record<BatchEntity, number> = { instance: 100, eni: 100, eip: 50 };

/**
 * One call's context for the reads of several callers: the first caller's, attributed in the audit trail
 * to their deployment and actor when all callers share them, else to no deployment and the system (the
 * event's targets still name every id, so each resource's history finds it).
 */
function batchContext(keys: readonly Key[]): CloudContext {
  const first = keys[0]!.ctx;
  const same = keys.every((k) => (k.ctx.deploymentId ?? null) === (first.deploymentId ?? null));
  return same
    ? { ...first, readRetry: null }
    : { ...first, deploymentId: null, actor: null, actorType: "system", actorId: null, readRetry: null };
}

async function describe<E extends BatchEntity>(entity: E, ctx: CloudContext, ids: string[]): Promise<View<E>[]> {
  if (entity === "instance") return (await describeInstances(ctx, ids)) as View<E>[];
  if (entity === "eni") return (await describeEnis(ctx, { ids })) as View<E>[];
  return (await describeEips(ctx, ids)).eips as View<E>[];
}

const ID_OF: Record<BatchEntity, (v: never) => string> = {
  instance: (v: InstanceView) => v.instanceId,
  eni: (v: EniView) => v.networkInterfaceId,
  eip: (v: EipView) => v.allocationId,
};

function newLoader<E extends BatchEntity>(entity: E, first: CloudContext) {
  // The slot the batch waited for; its call then goes without waiting again. A batch split by
  // maxBatchSize sends its other calls each in a slot of their own.
  let slotTaken = false;
  const latest = { ctx: first };
  const loader = new DataLoader<Key, View<E> | undefined, string>(
    async (keys) => {
      const ctx = batchContext(keys);
      const ids = [...new Set(keys.map((k) => k.id))];
      const taken = slotTaken;
      slotTaken = false;
      const found = new Map<string, View<E>>();
      // The slot the batch waited for is spent by its first call only.
      const views = await describe(entity, taken ? { ...ctx, slotTaken: { spent: false } } : ctx, ids);
      for (const v of views) found.set((ID_OF[entity] as (v: View<E>) => string)(v), v);
      return keys.map((k) => found.get(k.id));
    },
    {
      cache: false,
      maxBatchSize: MAX_IDS[entity],
      batchScheduleFn: (dispatch) => {
        void paceCall(latest.ctx, ACTION[entity])
          .catch(() => {})
          .then(() => {
            slotTaken = true;
            dispatch();
          });
      },
    },
  );
  return { loader, latest };
}

type Loader = ReturnType<typeof newLoader>;
const loaders = new WeakMap<Db, Map<string, Loader>>();

function loaderFor<E extends BatchEntity>(entity: E, ctx: CloudContext) {
  let byKey = loaders.get(ctx.db);
  if (!byKey) loaders.set(ctx.db, (byKey = new Map()));
  // Per team too: one team's audit trail never shows another team's resource ids.
  const key = [ctx.teamId, ratePlanOf(ctx.creds).key, ctx.regionId, entity].join("|");
  let l = byKey.get(key);
  if (!l) byKey.set(key, (l = newLoader(entity, ctx) as unknown as Loader));
  l.latest.ctx = ctx;
  return l.loader as unknown as DataLoader<Key, View<E> | undefined, string>;
}

/**
 * The live views of these ids (in their order; undefined where the cloud has none), read together with
 * whatever else asks for the same kind of resource of the same account and region meanwhile. The same as
 * describeInstances / describeEnis({ids}) / describeEips(ids), in fewer calls.
 */
export async function loadMany<E extends BatchEntity>(
  entity: E,
  ctx: CloudContext,
  ids: string[],
): Promise<Array<View<E> | undefined>> {
  if (!ids.length) return [];
  const once = async () => {
    const out = await loaderFor(entity, ctx).loadMany(ids.map((id) => ({ ctx, id })));
    const err = out.find((x): x is Error => x instanceof Error);
    if (err) throw err;
    return out as Array<View<E> | undefined>;
  };
  // A failed batch fails each caller's read; each retries under its own policy (none: a poll tries again anyway).
  return ctx.readRetry ? withReadRetries(ctx.readRetry, ACTION[entity], once) : once();
}

/** The views that exist, like describeInstances(ctx, ids) — batched. */
export async function loadExisting<E extends BatchEntity>(
  entity: E,
  ctx: CloudContext,
  ids: string[],
): Promise<View<E>[]> {
  return (await loadMany(entity, ctx, ids)).filter((v): v is View<E> => !!v);
}
