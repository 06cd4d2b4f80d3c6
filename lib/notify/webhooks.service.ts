// Team webhooks: an outbox of signed JSON deliveries, retried with exponential backoff.
//
// An event (drift found, a run failed, a run finished) becomes one `webhook_delivery` row per subscribed
// webhook, written in the caller's transaction when it has one, so a crash cannot lose it. A loop started at
// server start (instrumentation.ts) claims due rows by compare-and-set with a lease (`FOR UPDATE SKIP
// LOCKED`: with several replicas each row goes to one of them), POSTs them and records each attempt.
//
// Signature (documented in README, "Webhooks"): headers `X-EIPilot-Timestamp: <unix seconds>` and
// `X-EIPilot-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
import crypto from "node:crypto";
import dns from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { db, type Db, type Tx } from "@/lib/db/client";
import { decryptSecret, encryptSecret } from "@/lib/server/crypto";
import { UserFacingError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { msg, type Translatable } from "@/lib/i18n/errors";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { webhookInputSchema, type WebhookEvent, type WebhookInput } from "./webhook.schema";

export type WebhookConfig = {
  /** First retry after this long; each next one waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (the first one included) before a delivery is given up as failed. */
  maxAttempts: number;
  timeoutMs: number;
  /** Loopback receivers (the app itself, the emulator's admin port) are refused unless allowed. */
  allowLoopback: boolean;
  /** Lease owner id of this process. */
  owner: string;
  leaseMs: number;
};

const DEFAULTS: WebhookConfig = {
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  allowLoopback: process.env.EIPILOT_WEBHOOK_ALLOW_LOOPBACK === "1",
  owner: `webhooks:${process.pid}:${crypto.randomUUID().slice(0, 8)}`,
  leaseMs: 60_000,
};
let config: WebhookConfig = { ...DEFAULTS };

export function configureWebhooks(c: Partial<WebhookConfig>): void {
  config = { ...config, ...c };
}

// ---------------------------------------------------------------- signing

/** `v1=<hex>`: HMAC-SHA256 with the webhook's secret over `timestamp + "." + body`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does (README): recompute, compare in constant time, refuse old timestamps. */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!headers.timestamp || !headers.signature) return false;
  const age = Math.abs((opts.now ?? Date.now()) / 1000 - Number(headers.timestamp));
  if (!Number.isFinite(age) || age > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

// ---------------------------------------------------------------- where a delivery may go

/**
 * Server-side request forgery guard, checked before every attempt (DNS can change after the webhook was
 * saved): http(s) only; never link-local (169.254.0.0/16, fe80::/10), Alibaba Cloud's internal service range
 * (100.64.0.0/10, which holds the metadata service 100.100.100.200), unspecified, multicast or broadcast
 * addresses; loopback only when allowed. Private networks (10/8, 172.16/12, 192.168/16) are allowed: an
 * internal receiver is a normal choice. Returns the problem, or null.
 */
export async function destinationProblem(url: string): Promise<Translatable | null> {
  if (!URL.canParse(url)) return msg("notify.urlInvalid");
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:") return msg("notify.urlScheme");
  if (u.username || u.password) return msg("notify.urlCredentials");
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return msg("notify.unresolvable", { host });
  }
  for (const address of addresses) {
    const range = ipaddr.process(address).range();
    const blocked =
      ["unspecified", "linkLocal", "carrierGradeNat", "multicast", "broadcast", "reserved"].includes(range) ||
      (range === "loopback" && !config.allowLoopback);
    if (blocked) return msg("notify.blockedAddress", { host, address, range });
  }
  return null;
}

// ---------------------------------------------------------------- management

const webhookSelect = { id: true, url: true, events: true, enabled: true, createdAt: true } as const;
export type WebhookRow = { id: string; url: string; events: string[]; enabled: boolean; createdAt: Date };

/** Creates a webhook; the secret is returned once, here, and stored encrypted. */
export async function createWebhook(
  teamId: string,
  actor: AuditActor,
  input: WebhookInput,
): Promise<{ webhook: WebhookRow; secret: string }> {
  const parsed = webhookInputSchema.parse(input);
  const secret = `whsec_${crypto.randomBytes(32).toString("base64url")}`;
  const webhook = await db().$transaction(async (tx) => {
    const w = await tx.webhook.create({
      data: {
        teamId,
        url: parsed.url,
        events: [...new Set(parsed.events)],
        secretCiphertext: encryptSecret(secret),
        createdById: actor.userId,
      },
      select: webhookSelect,
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:webhook.create",
      targets: [w.id],
      // The origin only: a receiver's path or query may itself be a secret (chat-tool webhooks are).
      params: { webhookId: w.id, origin: new URL(parsed.url).origin, events: w.events },
      outcome: "success",
    });
    return w;
  });
  return { webhook, secret };
}

export async function listWebhooks(teamId: string): Promise<WebhookRow[]> {
  return db().webhook.findMany({ where: { teamId }, select: webhookSelect, orderBy: { createdAt: "asc" } });
}

export async function deleteWebhook(teamId: string, actor: AuditActor, id: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const r = await tx.webhook.deleteMany({ where: { id, teamId } });
    if (r.count !== 1) throw new UserFacingError(msg("notify.notFound"), { code: "NOT_FOUND" });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:webhook.delete",
      targets: [id],
      params: { webhookId: id },
      outcome: "success",
    });
  });
}

export type DeliveryAttempt = { attempt: number; at: string; statusCode: number | null; error: string | null };
export type DeliveryRow = {
  id: string;
  webhookId: string;
  url: string;
  event: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  attempts: DeliveryAttempt[];
  createdAt: Date;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
};

/** The delivery log, newest first. */
export async function listDeliveries(teamId: string, opts: { limit?: number } = {}): Promise<DeliveryRow[]> {
  const rows = await db().webhookDelivery.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    take: Math.min(opts.limit ?? 50, 200),
    select: {
      id: true,
      webhookId: true,
      event: true,
      status: true,
      attemptCount: true,
      lastStatusCode: true,
      attempts: true,
      createdAt: true,
      nextAttemptAt: true,
      deliveredAt: true,
      webhook: { select: { url: true } },
    },
  });
  return rows.map(({ webhook, attempts, ...r }) => ({
    ...r,
    url: webhook.url,
    attempts: attempts as DeliveryAttempt[],
  }));
}

// ---------------------------------------------------------------- the outbox

/**
 * Queues `event` for every webhook of the team that subscribes to it. Pass the transaction that records
 * what happened, so the event exists exactly when the change does. Returns how many deliveries were queued.
 */
export async function enqueueWebhookEvent(
  client: Db | Tx,
  teamId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
): Promise<number> {
  const hooks = await client.webhook.findMany({
    where: { teamId, enabled: true, events: { has: event } },
    select: { id: true },
  });
  const createdAt = new Date();
  const rows = hooks.map((h) => {
    const id = crypto.randomUUID();
    const body = JSON.stringify({ id, event, createdAt: createdAt.toISOString(), teamId, data });
    return { id, webhookId: h.id, teamId, event, body, createdAt, nextAttemptAt: createdAt };
  });
  if (rows.length) await client.webhookDelivery.createMany({ data: rows });
  return rows.length;
}

/** Waits before attempt n+1 after n failed attempts: base · 2^(n−1), capped. */
export function backoffMs(failedAttempts: number, c: Pick<WebhookConfig, "baseDelayMs" | "maxDelayMs"> = config) {
  return Math.min(c.maxDelayMs, c.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

async function claimDue(client: Db, now: Date, batch: number): Promise<string[]> {
  const rows = await client.$queryRaw<Array<{ id: string }>>`
    UPDATE "webhook_delivery" SET "leaseOwner" = ${config.owner},
      "leaseExpiresAt" = ${new Date(now.getTime() + config.leaseMs)}
    WHERE "id" IN (
      SELECT "id" FROM "webhook_delivery"
      WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now}
        AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
      ORDER BY "nextAttemptAt" LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id"`;
  return rows.map((r) => r.id);
}

async function post(url: string, secret: string, event: string, id: string, body: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(config.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "EIPilot-Webhooks/1",
        "x-eipilot-event": event,
        "x-eipilot-delivery": id,
        "x-eipilot-timestamp": timestamp,
        "x-eipilot-signature": signWebhook(secret, timestamp, body),
      },
      body,
    });
    await res.body?.cancel().catch(() => {});
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { statusCode: null, error: cause ?? (e instanceof Error ? e.name : "error") };
  }
}

async function attemptOne(client: Db, id: string): Promise<"delivered" | "retry" | "failed" | "lost"> {
  const d = await client.webhookDelivery.findFirst({
    where: { id, leaseOwner: config.owner },
    include: { webhook: { select: { url: true, secretCiphertext: true } } },
  });
  if (!d) return "lost";
  const problem = await destinationProblem(d.webhook.url);
  const result = problem
    ? { statusCode: null, error: problem("en") }
    : await post(d.webhook.url, decryptSecret(d.webhook.secretCiphertext), d.event, d.id, d.body);
  const attempt = d.attemptCount + 1;
  const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  // A refused destination is a setting to fix, not a glitch to wait out: no retries.
  const status = delivered ? "delivered" : problem || attempt >= config.maxAttempts ? "failed" : "pending";
  const log: DeliveryAttempt = { attempt, at: new Date().toISOString(), ...result };
  const r = await client.webhookDelivery.updateMany({
    where: { id, leaseOwner: config.owner },
    data: {
      status,
      attemptCount: attempt,
      attempts: [...(d.attempts as DeliveryAttempt[]), log] as never,
      lastStatusCode: result.statusCode,
      nextAttemptAt: new Date(Date.now() + backoffMs(attempt)),
      deliveredAt: delivered ? new Date() : null,
      leaseOwner: null,
      leaseExpiresAt: null,
    },
  });
  if (r.count !== 1) return "lost";
  return status === "delivered" ? "delivered" : status === "failed" ? "failed" : "retry";
}

/** One pass of the outbox: every due delivery is attempted once. */
export async function deliverDueWebhooks(opts: { now?: Date; batch?: number } = {}) {
  const client = db();
  const ids = await claimDue(client, opts.now ?? new Date(), opts.batch ?? 20);
  const outcomes = await Promise.all(ids.map((id) => attemptOne(client, id)));
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  return { delivered: count("delivered"), retry: count("retry"), failed: count("failed") };
}

let timer: NodeJS.Timeout | null = null;
/** Server start: deliver due webhooks every few seconds (pending rows of a crashed server are picked up too). */
export function startWebhookDelivery(everyMs = 5_000): void {
  if (timer) return;
  let busy = false;
  timer = setInterval(() => {
    if (busy) return;
    busy = true;
    deliverDueWebhooks()
      .catch((err) => logger.error({ err }, "webhook delivery pass failed"))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
}
