// Client-side pacing of one cloud account's API calls, shared by every run on every app replica, so
// that large runs (a fleet: many deployments at once) queue instead of meeting Throttling.
//
// The account's rate (CloudAccount.maxRequestsPerSecond, else EIPILOT_CLOUD_MAX_RPS) paces two kinds of
// budget: one that every mutating call shares, and one per Describe* API for reads. Alibaba Cloud
// throttles per API and per account, so reads (the polls of runs, batched by lib/cloud/batch-reads.ts)
// never spend the budget of the calls that change something, and a large run is bounded by its
// mutating calls ÷ the rate.
//
// Each budget is one row — the earliest time its next call may go ("next free slot", GCRA with a burst
// of one) — moved forward atomically by one SQL statement on the database's clock, and the caller sleeps
// until the slot it reserved. That gives an exact shared rate across processes (PGlite in one process,
// PostgreSQL with several replicas) with one statement per call and no lock held while waiting. A
// Throttling answer holds the budget (for the server's hint when it gives one, else 1 s): no slot before
// the hold ends, so every caller sharing the account slows down, not only the one that was refused; the
// refused call is sent again by the layer that retries (the run's step, a read's retry, the next poll).
//
// Why not rate-limiter-flexible: its stores are fixed-window counters that refuse a call and leave the
// caller to poll again (bursts at each window's start, a round trip per refused try), its PostgreSQL
// store needs a `pg` client rather than Prisma (PGlite has none) and its Prisma store an upsert per try.
// A slot reservation is one statement and the waiting is done by the caller's own timer.
import type { Db } from "@/lib/db/client";
import { DEFAULT_RETRY_POLICY } from "./retry";

/** "write" (every mutating call) or "read:<Describe action>". */
export type Budget = "write" | `read:${string}`;

/** Which budget a cloud call spends: a Describe* call its API's read budget, anything else the write budget. */
export const budgetOf = (action: string): Budget => (action.startsWith("Describe") ? `read:${action}` : "write");

/** How an account is paced: the key every caller of the account shares and its rate (null: no pacing). */
export type RatePlan = { key: string; maxRequestsPerSecond: number | null };

/** EIPILOT_CLOUD_MAX_RPS: the rate of an account that sets none (null: unset). */
export function defaultMaxRps(env: NodeJS.ProcessEnv = process.env): number | null {
  const v = Number(env.EIPILOT_CLOUD_MAX_RPS);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** The key of an account's budgets: its AccessKey id and endpoint (the same pair is the same cloud account). */
export function rateKey(accessKeyId: string, endpoint: string | undefined): string {
  return `${accessKeyId}|${endpoint ?? ""}`;
}

/** Where the slots live: the database (shared) or this process (tools without a database). */
export type SlotStore = {
  /** Reserves the budget's next slot `intervalMs` after the previous one; returns the ms to wait for it. */
  reserve(key: string, intervalMs: number): Promise<number>;
  /** The ms left of a hold a Throttling answer put on the budget (0: none). */
  heldFor(key: string): Promise<number>;
  /** Holds the budget for `delayMs` from now: no slot before then. */
  hold(key: string, delayMs: number): Promise<void>;
};

/** The slots of this process only: exact within it, blind to other processes. */
export function memorySlotStore(): SlotStore {
  const slots = new Map<string, { nextAt: number; heldUntil: number }>();
  const row = (key: string) => {
    let r = slots.get(key);
    if (!r) slots.set(key, (r = { nextAt: 0, heldUntil: 0 }));
    return r;
  };
  return {
    async reserve(key, intervalMs) {
      const r = row(key);
      const now = Date.now();
      const slot = Math.max(r.nextAt, now);
      r.nextAt = slot + intervalMs;
      return slot - now;
    },
    async heldFor(key) {
      return Math.max(0, (slots.get(key)?.heldUntil ?? 0) - Date.now());
    },
    async hold(key, delayMs) {
      const r = row(key);
      const until = Date.now() + delayMs;
      r.heldUntil = Math.max(r.heldUntil, until);
      r.nextAt = Math.max(r.nextAt, until);
    },
  };
}

/**
 * The slots in the database's `cloud_rate_slot` table. Times are the database's own
 * (clock_timestamp()), so replicas with skewed clocks still agree on every slot.
 */
export function dbSlotStore(db: Db): SlotStore {
  return {
    async reserve(key, intervalMs) {
      if (intervalMs <= 0) {
        // No rate: only a hold (a Throttling answer) can make the caller wait; a read suffices.
        const rows = await db.$queryRaw<{ wait: number }[]>`
          SELECT (EXTRACT(EPOCH FROM ("nextAt" - clock_timestamp())) * 1000)::float8 AS wait
          FROM cloud_rate_slot WHERE "key" = ${key}`;
        return Math.max(0, rows[0]?.wait ?? 0);
      }
      // One statement: the caller's slot is max(next, now); the row moves on by one interval.
      const rows = await db.$queryRaw<{ wait: number }[]>`
        INSERT INTO cloud_rate_slot ("key", "nextAt", "heldUntil")
        VALUES (${key}, clock_timestamp() + ${intervalMs}::float8 * interval '1 millisecond', clock_timestamp())
        ON CONFLICT ("key") DO UPDATE
          SET "nextAt" = GREATEST(cloud_rate_slot."nextAt", clock_timestamp()) + ${intervalMs}::float8 * interval '1 millisecond'
        RETURNING (EXTRACT(EPOCH FROM ("nextAt" - clock_timestamp())) * 1000 - ${intervalMs}::float8)::float8 AS wait`;
      return Math.max(0, rows[0]?.wait ?? 0);
    },
    async heldFor(key) {
      const rows = await db.$queryRaw<{ wait: number }[]>`
        SELECT (EXTRACT(EPOCH FROM ("heldUntil" - clock_timestamp())) * 1000)::float8 AS wait
        FROM cloud_rate_slot WHERE "key" = ${key}`;
      return Math.max(0, rows[0]?.wait ?? 0);
    },
    async hold(key, delayMs) {
      await db.$executeRaw`
        INSERT INTO cloud_rate_slot ("key", "nextAt", "heldUntil")
        VALUES (${key}, clock_timestamp() + ${delayMs}::float8 * interval '1 millisecond',
                clock_timestamp() + ${delayMs}::float8 * interval '1 millisecond')
        ON CONFLICT ("key") DO UPDATE SET
          "nextAt" = GREATEST(cloud_rate_slot."nextAt", EXCLUDED."nextAt"),
          "heldUntil" = GREATEST(cloud_rate_slot."heldUntil", EXCLUDED."heldUntil")`;
    },
  };
}

const processSlots = memorySlotStore();
const dbStores = new WeakMap<Db, SlotStore>();

/** The shared store of a database, or this process's when there is none. */
export function slotStore(db: Db | null | undefined): SlotStore {
  if (!db) return processSlots;
  let s = dbStores.get(db);
  if (!s) dbStores.set(db, (s = dbSlotStore(db)));
  return s;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits for the next slot of the call's budget and returns its time (at once when the account is not paced and not held).
 * A caller that slept checks on waking whether a Throttling answer meanwhile put a hold on the budget;
 * if so its slot fell inside the hold and it queues again behind it.
 */
export async function pace(store: SlotStore, plan: RatePlan, budget: Budget): Promise<number> {
  const rps = plan.maxRequestsPerSecond;
  const key = `${plan.key}|${budget}`;
  for (;;) {
    const wait = await store.reserve(key, rps && rps > 0 ? 1000 / rps : 0);
    // The slot's time (this process's clock): what the schedule promised, whenever the timer fires.
    const slot = Date.now() + wait;
    if (wait <= 0) return slot;
    await sleep(wait);
    if ((await store.heldFor(key)) <= 0) return slot;
  }
}

/**
 * How long a Throttling answer holds the account: the server's x-acs-retry-after, else the retry policy's
 * base delay (200 ms). Without a hint the refused caller's own exponential backoff does the slowing down;
 * a long fixed hold per answer made a review under 30 % injected Throttling take minutes.
 */
export function throttleDelayMs(retryAfterMs: number | null): number {
  return retryAfterMs ?? DEFAULT_RETRY_POLICY.baseMs;
}

/**
 * A Throttling answer: hold the account. Throttling.Api is one API's own limit (the call's budget only);
 * Throttling.User and plain Throttling are the account's flow control (every budget in `all`).
 */
export async function throttled(
  store: SlotStore,
  plan: RatePlan,
  budget: Budget,
  all: readonly Budget[],
  code: string,
  delayMs: number,
): Promise<void> {
  const budgets = /Throttling\.Api/i.test(code) ? [budget] : [...new Set([budget, ...all])];
  await Promise.all(budgets.map((b) => store.hold(`${plan.key}|${b}`, delayMs)));
}

export const isThrottling = (code: string) => /throttling/i.test(code);
