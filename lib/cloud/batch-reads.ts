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
  describeVpcEnis,
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

/** A loader's batch: the answers to these keys (in their order), from calls made with `ctx`. */
type BatchFn<K extends Key, V> = (ctx: CloudContext, keys: readonly K[]) => Promise<V[]>;

/**
 * A loader whose batches are gathered while the first caller waits for a slot of `action`'s budget;
 * the batch's first call then goes in that slot without waiting again (its other calls wait as usual).
 */
function newLoader<K extends Key, V>(
  action: CloudAction,
  maxBatchSize: number,
  first: CloudContext,
  batch: BatchFn<K, V>,
) {
  let slotTaken = false;
  const latest = { ctx: first };
  const loader = new DataLoader<K, V, string>(
    async (keys) => {
      const ctx = batchContext(keys);
      const taken = slotTaken;
      slotTaken = false;
      // The slot the batch waited for is spent by its first call only.
      return batch(taken ? { ...ctx, slotTaken: { spent: false } } : ctx, keys);
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        void paceCall(latest.ctx, action)
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

/** Views by id: one Describe call with the batch's ids; undefined where the cloud has none. */
function byIds<E extends BatchEntity>(entity: E): BatchFn<Key, View<E> | undefined> {
  return async (ctx, keys) => {
    const found = new Map<string, View<E>>();
    for (const v of await describe(entity, ctx, [...new Set(keys.map((k) => k.id))]))
      found.set((ID_OF[entity] as (v: View<E>) => string)(v), v);
    return keys.map((k) => found.get(k.id));
  };
}

type InstanceKey = Key & { vpcId: string };

/**
 * The ENIs attached to each instance (what DescribeNetworkInterfaces with InstanceId answers: primary
 * and secondary, in the cloud's order). InstanceId takes one id, so several instances of one VPC are
 * read from the VPC's listing (VpcId filter, 500 per page) and picked by each ENI's InstanceId — one call
 * for a fleet's pre-flights instead of one per instance. A listing that would take as many pages as there
 * are instances is abandoned for the per-instance reads.
 */
const enisOfInstances: BatchFn<InstanceKey, EniView[]> = async (ctx, keys) => {
  const out = new Map<string, EniView[]>();
  const perInstance = async (ids: string[]) => {
    for (const id of ids) out.set(id, await describeEnis(ctx, { instanceId: id }));
  };
  const byVpc = new Map<string, Set<string>>();
  for (const k of keys) {
    let ids = byVpc.get(k.vpcId);
    if (!ids) byVpc.set(k.vpcId, (ids = new Set()));
    ids.add(k.id);
  }
  await Promise.all(
    [...byVpc].map(async ([vpcId, set]) => {
      const ids = [...set];
      const listing = vpcId && ids.length > 1 ? await describeVpcEnis(ctx, vpcId, ids.length - 1) : null;
      if (!listing) return perInstance(ids);
      for (const id of ids)
        out.set(
          id,
          listing.filter((e) => e.instanceId === id),
        );
    }),
  );
  return keys.map((k) => out.get(k.id) ?? []);
};

type AnyLoader = { loader: DataLoader<never, unknown, string>; latest: { ctx: CloudContext } };
const loaders = new WeakMap<Db, Map<string, AnyLoader>>();

/** The loader of this kind of read for the context's team, account and region (made on first use). */
function loaderFor<K extends Key, V>(
  kind: string,
  ctx: CloudContext,
  make: () => { loader: DataLoader<K, V, string>; latest: { ctx: CloudContext } },
): DataLoader<K, V, string> {
  let byKey = loaders.get(ctx.db);
  if (!byKey) loaders.set(ctx.db, (byKey = new Map()));
  // Per team too: one team's audit trail never shows another team's resource ids.
  const key = [ctx.teamId, ratePlanOf(ctx.creds).key, ctx.regionId, kind].join("|");
  let l = byKey.get(key);
  if (!l) byKey.set(key, (l = make() as unknown as AnyLoader));
  l.latest.ctx = ctx;
  return l.loader as unknown as DataLoader<K, V, string>;
}

/** Loads `keys`, throwing the first failure; under the context's read-retry policy when it has one. */
async function loadAll<K extends Key, V>(
  ctx: CloudContext,
  action: CloudAction,
  loader: () => DataLoader<K, V, string>,
  keys: K[],
): Promise<V[]> {
  const once = async () => {
    const out = await loader().loadMany(keys);
    const err = out.find((x): x is Error => x instanceof Error);
    if (err) throw err;
    return out as V[];
  };
  // A failed batch fails each caller's read; each retries under its own policy (none: a poll tries again anyway).
  return ctx.readRetry ? withReadRetries(ctx.readRetry, action, once) : once();
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
  const loader = () => loaderFor(entity, ctx, () => newLoader(ACTION[entity], MAX_IDS[entity], ctx, byIds(entity)));
  return loadAll(
    ctx,
    ACTION[entity],
    loader,
    ids.map((id) => ({ ctx, id })),
  );
}

/** The views that exist, like describeInstances(ctx, ids) — batched. */
export async function loadExisting<E extends BatchEntity>(
  entity: E,
  ctx: CloudContext,
  ids: string[],
): Promise<View<E>[]> {
  return (await loadMany(entity, ctx, ids)).filter((v): v is View<E> => !!v);
}

/**
 * The ENIs attached to an instance of this VPC, like describeEnis(ctx, { instanceId }) — read with the
 * same reads of other instances of the VPC started meanwhile (a fleet's pre-flights) in one listing.
 */
export async function loadInstanceEnis(ctx: CloudContext, instanceId: string, vpcId: string): Promise<EniView[]> {
  const loader = () =>
    loaderFor("instanceEnis", ctx, () => newLoader("DescribeNetworkInterfaces", MAX_IDS.eni, ctx, enisOfInstances));
  const [enis] = await loadAll(ctx, "DescribeNetworkInterfaces", loader, [{ ctx, id: instanceId, vpcId }]);
  return enis ?? [];
}
