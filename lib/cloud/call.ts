// The one function through which EIPilot talks to Alibaba Cloud. Every call —
// reads included — is paced, sent through the official SDK, timed and written to
// the team's audit trail (action, redacted parameters, RequestId, outcome, duration).
import type { Db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { EcsModule, VpcModule, sdkClient, type CloudCredentials, type Product } from "./client";
import { CloudError, toCloudError } from "./errors";
import {
  budgetOf,
  defaultMaxRps,
  isThrottling,
  pace,
  rateKey,
  slotStore,
  throttleDelayMs,
  throttled,
  type RatePlan,
} from "./rate-limit";
import { withReadRetries, type RetryPolicy } from "./retry";

/** Wire-form parameters (PascalCase names as in the API reference; lists as arrays). */
export type WireParams = Record<string, unknown>;
export type WireBody = Record<string, unknown> & { RequestId?: string };

export const ACTIONS = {
  // ECS 2014-05-26
  DescribeRegions: "ecs",
  DescribeInstances: "ecs",
  DescribeInstanceStatus: "ecs",
  DescribeInstanceTypes: "ecs",
  DescribeNetworkInterfaces: "ecs",
  DescribeSecurityGroups: "ecs",
  DescribeAccountAttributes: "ecs",
  RunInstances: "ecs",
  StartInstance: "ecs",
  StopInstance: "ecs",
  DeleteInstance: "ecs",
  CreateNetworkInterface: "ecs",
  DeleteNetworkInterface: "ecs",
  AttachNetworkInterface: "ecs",
  DetachNetworkInterface: "ecs",
  AssignPrivateIpAddresses: "ecs",
  UnassignPrivateIpAddresses: "ecs",
  // Cloud Assistant (lib/guest)
  RunCommand: "ecs",
  DescribeInvocations: "ecs",
  DescribeInvocationResults: "ecs",
  DescribeCloudAssistantStatus: "ecs",
  // VPC 2016-04-28
  DescribeVSwitches: "vpc",
  DescribeVpcs: "vpc",
  DescribeEipAddresses: "vpc",
  AllocateEipAddress: "vpc",
  ReleaseEipAddress: "vpc",
  AssociateEipAddress: "vpc",
  UnassociateEipAddress: "vpc",
} as const satisfies Record<string, Product>;

export type CloudAction = keyof typeof ACTIONS;

/** Every budget an account has: the write budget and one read budget per Describe* API. */
const ALL_BUDGETS = [...new Set((Object.keys(ACTIONS) as CloudAction[]).map(budgetOf))];

export type CloudContext = {
  db: Db;
  teamId: string;
  creds: CloudCredentials;
  regionId: string;
  deploymentId?: string | null;
  /** Who the call is made for: its audit event carries their label and client address. */
  actor?: AuditActor | null;
  /** Without `actor`: the older form, an id only (the deploy engine's contexts). */
  actorType?: "user" | "system";
  actorId?: string | null;
  /**
   * Retry Describe* calls (idempotent reads) that fail with a retryable error under this policy:
   * the reads of pre-flight, planning and the wizard's inventory. Without it a read is sent once
   * (a run's waiter polls again anyway).
   */
  readRetry?: RetryPolicy | null;
  /**
   * The next call's slot in the account's budget is already taken (lib/cloud/batch-reads.ts gathers a
   * batch while it waits for it): that call goes at once and marks it spent; any further call waits as usual.
   */
  slotTaken?: { spent: boolean };
};

export type CallRecord = {
  action: CloudAction;
  ok: boolean;
  code?: string;
  durationMs: number;
  deploymentId?: string | null;
  startedAt: number;
};
type Observer = (r: CallRecord) => void;
const observers = new Set<Observer>();
/** Metrics hook (benchmarks, tests): called after every cloud call. Returns an unsubscribe function. */
export function observeCloudCalls(fn: Observer): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

type ModelCtor = (new (map?: Record<string, unknown>) => { toMap(): Record<string, unknown> }) & {
  names(): Record<string, string>;
  types(): Record<string, unknown>;
};

function requestModel(product: Product, action: string): ModelCtor | undefined {
  // The request models hang off the namespace or off module.exports, depending on the loader.
  let m = (product === "ecs" ? EcsModule : VpcModule) as unknown as Record<string, unknown> | undefined;
  for (let i = 0; i < 3 && m; i++) {
    const c = m[`${action}Request`];
    if (typeof c === "function") return c as ModelCtor;
    m = m.default as Record<string, unknown> | undefined;
  }
  return undefined;
}

/** Wire parameters → the SDK's request model (camelCase fields, nested models for "A.B" keys). */
function toModel(Ctor: ModelCtor, params: WireParams): unknown {
  const names = Ctor.names();
  const types = Ctor.types();
  const byWire = new Map(Object.entries(names).map(([camel, wire]) => [wire, camel]));
  const out: Record<string, unknown> = {};
  const nested = new Map<string, WireParams>();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const dot = key.indexOf(".");
    if (dot > 0 && !byWire.has(key)) {
      const head = key.slice(0, dot);
      const rest = nested.get(head) ?? {};
      rest[key.slice(dot + 1)] = value;
      nested.set(head, rest);
      continue;
    }
    const camel = byWire.get(key);
    if (!camel) throw new Error(`unknown parameter ${key} for ${Ctor.name}`);
    // A list of objects (Tag: [{Key, Value}]) becomes a list of the SDK's item models, as it serialises those.
    const type = types[camel] as { type?: string; itemType?: unknown } | undefined;
    out[camel] =
      Array.isArray(value) && type?.type === "array" && typeof type.itemType === "function"
        ? value.map((item) =>
            item && typeof item === "object" ? toModel(type.itemType as ModelCtor, item as WireParams) : item,
          )
        : value;
  }
  for (const [head, sub] of nested) {
    const camel = byWire.get(head);
    const T = camel ? types[camel] : undefined;
    if (!camel || typeof T !== "function") throw new Error(`unknown parameter ${head}.* for ${Ctor.name}`);
    out[camel] = toModel(T as ModelCtor, sub);
  }
  return new Ctor(out);
}

const TARGET_PARAMS = [
  "InstanceId",
  "NetworkInterfaceId",
  "AllocationId",
  "VSwitchId",
  "SecurityGroupId",
  // Addresses too, so an address's history (lib/audit/audit.queries.ts) finds the calls that touched it.
  "PrivateIpAddress",
  "EipAddress",
];

/**
 * The resource ids and addresses a call touched: from its parameters, and for a change also from its
 * answer (the allocation id and public IP AllocateEipAddress handed out, the IPs the cloud picked).
 */
function targetsOf(action: CloudAction, params: WireParams, body: WireBody | null): string[] {
  const ids = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === "string" && v) for (const s of v.split(",")) ids.add(s);
    if (Array.isArray(v)) for (const s of v) if (typeof s === "string" && s) ids.add(s);
  };
  for (const k of TARGET_PARAMS) add(params[k]);
  if (body && !isReadAction(action)) {
    const b = body as Record<string, unknown>;
    for (const k of ["InstanceId", "NetworkInterfaceId", "AllocationId", "EipAddress"]) add(b[k]);
    const assigned = b.AssignedPrivateIpAddressesSet as { PrivateIpSet?: { PrivateIpAddress?: unknown } } | undefined;
    add(assigned?.PrivateIpSet?.PrivateIpAddress);
  }
  return [...ids];
}

/** A read: safe to send again after any failure. */
export const isReadAction = (action: CloudAction) => action.startsWith("Describe");

/**
 * Calls one API action with wire parameters and returns the response body in wire
 * form. Throws CloudError. Audited whatever the outcome (each attempt of a retried read too).
 */
export async function cloudCall(ctx: CloudContext, action: CloudAction, params: WireParams): Promise<WireBody> {
  if (ctx.readRetry && isReadAction(action))
    return withReadRetries(ctx.readRetry, action, () => sharedRead(ctx, action, params));
  return isReadAction(action) ? sharedRead(ctx, action, params) : pacedCall(ctx, action, params);
}

const inflight = new WeakMap<object, Map<string, Promise<WireBody>>>();

/**
 * A read whose exact twin (same team, account, region, action and parameters) is already under way
 * joins it instead of spending a slot of its own: the pre-flights of many runs started together all read
 * the region's EIPs, the vSwitch, the instance type. One call, one audit event (the first caller's).
 */
function sharedRead(ctx: CloudContext, action: CloudAction, params: WireParams): Promise<WireBody> {
  if (ctx.slotTaken) return pacedCall(ctx, action, params);
  let byKey = inflight.get(ctx.db);
  if (!byKey) inflight.set(ctx.db, (byKey = new Map()));
  const key = JSON.stringify([ctx.teamId, ratePlanOf(ctx.creds).key, ctx.regionId, action, params]);
  let p = byKey.get(key);
  if (!p) {
    const map = byKey;
    p = pacedCall(ctx, action, params).finally(() => map.delete(key));
    byKey.set(key, p);
  }
  return p;
}

/** The account's pacing plan: from its credentials (the cloud account's rate), else the key pair at the default rate. */
export function ratePlanOf(creds: CloudCredentials): RatePlan {
  return creds.rateLimit ?? { key: rateKey(creds.accessKeyId, creds.endpoint), maxRequestsPerSecond: defaultMaxRps() };
}

/** Waits for the call's slot in the account's shared budget. */
export function paceCall(ctx: CloudContext, action: CloudAction): Promise<number> {
  return pace(slotStore(ctx.db), ratePlanOf(ctx.creds), budgetOf(action));
}

/**
 * One call in the account's budget. A Throttling answer holds the account's shared budget — for the
 * server's x-acs-retry-after when given — so every caller sharing the account waits, and is thrown
 * (retryable) to the layer that sends the call again: a run's step (lib/deploy/step-runner.ts), a
 * read's retry policy (withReadRetries), a waiter's next poll. The refused request did nothing, so
 * sending it again is safe, mutating or not.
 */
async function pacedCall(ctx: CloudContext, action: CloudAction, params: WireParams): Promise<WireBody> {
  const store = slotStore(ctx.db);
  const plan = ratePlanOf(ctx.creds);
  const budget = budgetOf(action);
  if (ctx.slotTaken && !ctx.slotTaken.spent) ctx.slotTaken.spent = true;
  else await pace(store, plan, budget);
  try {
    return await callOnce(ctx, action, params);
  } catch (e) {
    if (e instanceof CloudError && isThrottling(e.code))
      await throttled(store, plan, budget, ALL_BUDGETS, e.code, throttleDelayMs(e.retryAfterMs));
    throw e;
  }
}

async function callOnce(ctx: CloudContext, action: CloudAction, params: WireParams): Promise<WireBody> {
  const product = ACTIONS[action];
  const startedAt = Date.now();
  let body: WireBody | null = null;
  let error: CloudError | null = null;
  try {
    const client = sdkClient(product, ctx.creds, ctx.regionId);
    const Ctor = requestModel(product, action);
    if (!Ctor)
      throw new CloudError({ code: "ClientError", message: `SDK has no ${action}Request`, action, retryable: false });
    const request = toModel(Ctor, params);
    // The plain method uses default runtime options: no SDK-level retries (the
    // executor owns retries) and the timeouts set on the client's Config.
    const method = client[`${action[0]!.toLowerCase()}${action.slice(1)}`] as (
      req: unknown,
    ) => Promise<{ body?: { toMap(): Record<string, unknown> } }>;
    let res: Awaited<ReturnType<typeof method>>;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await method.call(client, request);
        break;
      } catch (e) {
        // A read that met a connection reset (typically a keep-alive socket the
        // server closed just as it was reused) is safe to send again at once.
        if (attempt < 2 && isReadAction(action) && toCloudError(e, action).code === "NetworkError") continue;
        throw e;
      }
    }
    body = (res.body?.toMap() ?? {}) as WireBody;
  } catch (e) {
    error = toCloudError(e, action);
  }
  const durationMs = Date.now() - startedAt;
  for (const o of observers)
    o({ action, ok: !error, code: error?.code, durationMs, deploymentId: ctx.deploymentId, startedAt });
  await appendAuditEvent(ctx.db, {
    teamId: ctx.teamId,
    ...(ctx.actor !== undefined
      ? actorFields(ctx.actor)
      : { actorType: ctx.actorType ?? "system", actorId: ctx.actorId ?? null }),
    action: `cloud:${product === "ecs" ? "ECS" : "VPC"}.${action}`,
    targets: targetsOf(action, params, body),
    deploymentId: ctx.deploymentId ?? null,
    params: { RegionId: ctx.regionId, ...params },
    requestId: body?.RequestId ?? error?.requestId ?? null,
    outcome: error ? "failure" : "success",
    errorCode: error?.code ?? null,
    errorMessage: error?.message ?? null,
    durationMs,
  });
  if (error) throw error;
  return body!;
}
