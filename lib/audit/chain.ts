// The audit trail: append-only, one hash chain per team. Each event's hash is
// SHA-256 over the previous hash and the event's canonical JSON, so editing,
// inserting or deleting any event breaks every link after it.
import { Worker } from "node:worker_threads";
import type { Db, Tx } from "@/lib/db/client";
import { canonicalJson, canonicalOf, chainHash, type BatchCheck } from "./canonical.mjs";
import { redactParams } from "./redact";
import { checkpointIfDueIn } from "./checkpoint";
import { recordCheckpoint, recordOnceCommitted } from "./checkpoint-record";
import { LONE_SURROGATE } from "@/lib/validation/text";

export const GENESIS_HASH = "0".repeat(64);

export type AuditInput = {
  teamId: string;
  actorType: "user" | "system";
  actorId?: string | null;
  actorLabel?: string | null;
  action: string;
  targets?: string[];
  deploymentId?: string | null;
  params?: unknown;
  requestId?: string | null;
  outcome: "success" | "failure";
  errorCode?: string | null;
  errorMessage?: string | null;
  durationMs?: number | null;
  clientIp?: string | null;
  userAgent?: string | null;
};

export type ChainedFields = Required<{ [K in keyof AuditInput]: Exclude<AuditInput[K], undefined> }> & {
  seq: number;
  at: Date;
  prevHash: string;
};

export { canonicalJson };

export function eventCanonical(e: ChainedFields): string {
  return canonicalOf(e, e.at.toISOString());
}

export function eventHash(e: ChainedFields): string {
  return chainHash(e.prevHash, eventCanonical(e));
}

// PostgreSQL text and jsonb refuse U+0000 and cannot hold a lone UTF-16
// surrogate; either would fail the audited action or store something other
// than what was hashed. Both become U+FFFD before hashing.
const UNSTORABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`, "g");
const storableText = (s: string) => s.replace(UNSTORABLE, "\ufffd");
const storableOrNull = (s: string | null | undefined) => (s == null ? null : storableText(s));
/** A user agent is whatever the client sends (an anonymous share-link viewer, a sign-in): kept to its first 512 characters. */
const USER_AGENT_MAX = 512;

function storableJson(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(storableJson);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
}

/** Appends one event to its team's chain, in a transaction of its own. */
export async function appendAuditEvent(db: Db, input: AuditInput) {
  const { created, checkpoint } = await db.$transaction((tx) => appendInTx(tx, input));
  if (checkpoint) recordCheckpoint(checkpoint);
  return created;
}

/**
 * Appends one event to its team's chain inside the caller's transaction, so the
 * change it records and the record commit together or not at all (and, every
 * N events, a signed checkpoint of the chain with it). Serialized per
 * team by an advisory lock held to the end of that transaction: append last.
 */
export async function appendAuditEventIn(tx: Tx, input: AuditInput) {
  const { created, checkpoint } = await appendInTx(tx, input);
  // Recorded outside the database once the caller's transaction has committed (it may yet roll back).
  if (checkpoint) recordOnceCommitted(checkpoint);
  return created;
}

async function appendInTx(tx: Tx, input: AuditInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"audit:" + input.teamId}))`;
  const last = await tx.auditEvent.findFirst({
    where: { teamId: input.teamId },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  const fields: ChainedFields = {
    teamId: input.teamId,
    actorType: input.actorType,
    actorId: storableOrNull(input.actorId),
    actorLabel: storableOrNull(input.actorLabel),
    action: storableText(input.action),
    targets: (input.targets ?? []).map(storableText),
    deploymentId: storableOrNull(input.deploymentId),
    params: input.params === undefined ? null : storableJson(redactParams(input.params)),
    requestId: storableOrNull(input.requestId),
    outcome: input.outcome,
    errorCode: storableOrNull(input.errorCode),
    errorMessage: storableOrNull(input.errorMessage),
    durationMs: input.durationMs == null ? null : Math.round(input.durationMs),
    clientIp: storableOrNull(input.clientIp),
    userAgent: storableOrNull(input.userAgent?.slice(0, USER_AGENT_MAX)),
    seq: (last?.seq ?? 0) + 1,
    // Millisecond precision: what the database stores is what was hashed.
    at: new Date(Math.floor(Date.now())),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = eventHash(fields);
  const created = await tx.auditEvent.create({
    data: { ...fields, params: (fields.params ?? undefined) as never, hash },
    select: { id: true, seq: true, hash: true },
  });
  // Every N events a signed checkpoint of the head, under the same lock (checkpoint.ts).
  const checkpoint = await checkpointIfDueIn(tx, input.teamId, created);
  return { created, checkpoint };
}

export type ChainVerdict =
  { ok: true; checked: number } | { ok: false; checked: number; brokenAt: { seq: number; id: string; reason: string } };

/**
 * What verification reads: one seq range of a team's events as a single JSON
 * array of arrays (VerifyRow in canonical.mjs), built by the database. The
 * driver then hands over one text value per batch instead of a dozen typed
 * columns per row — about half the CPU per event on PostgreSQL and on PGlite.
 * Every value survives the JSON round trip unchanged, so an edited column
 * still changes the recomputed hash; a formatting difference could only raise
 * a false alarm, never hide an edit. The time comes as PostgreSQL's own JSON
 * form of a timestamp, made ISO by isoOfJsonTimestamp: formatting it with
 * to_char instead cost PGlite more than a third of the query.
 */
const VERIFY_BATCH_SQL = `SELECT json_agg(json_build_array("id"::text, "seq", "prevHash", "hash",
    "teamId", "at", "actorType", "actorId", "actorLabel", "action", "targets", "deploymentId",
    "params", "requestId", "outcome", "errorCode", "errorMessage", "durationMs", "clientIp", "userAgent") ORDER BY "seq")::text AS "batch"
  FROM audit_event WHERE "teamId" = $1 AND "seq" >= $2 AND "seq" < $2 + $3`;

/** Ranges in flight: one being checked by the worker, the next ones being fetched. */
const DEPTH = 3;

const brokenAt = (checked: number, seq: number, id: string, reason: string): ChainVerdict => ({
  ok: false,
  checked,
  brokenAt: { seq, id, reason },
});

/**
 * A worker thread running checkBatch (verify.worker.mjs): batches go in and
 * their checks come out in the same order.
 */
function batchChecker() {
  // A young generation of 96 MB (semi-spaces of 32 MB; V8's default is half
  // that): hashing makes many short-lived strings, and with the default size
  // scavenges took a third of verification's time (bench:audit).
  const worker = new Worker(new URL("./verify.worker.mjs", import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: 96 },
  });
  const waiting = new Map<number, { resolve(c: BatchCheck): void; reject(e: Error): void }>();
  let failure: Error | null = null;
  let nextId = 0;
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on("message", ({ id, check, error }: { id: number; check?: BatchCheck; error?: string }) => {
    const w = waiting.get(id);
    waiting.delete(id);
    if (error !== undefined) w?.reject(new Error(`audit verification failed: ${error}`));
    else w?.resolve(check!);
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`audit verification worker exited (${code})`)));
  return {
    check(batch: string): Promise<BatchCheck> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, batch });
      });
    },
    close: () => worker.terminate(),
  };
}

/**
 * Recomputes a team's chain in seq order and names the first broken link.
 * Batches are seq ranges, not LIMITs: a range stays an index range scan on
 * PGlite, which has no autovacuum to keep the planner's statistics, where
 * "seq >= n ORDER BY seq LIMIT k" can turn into a scan and sort of every later
 * event. A worker thread parses and hashes each batch while this thread has
 * the next DEPTH - 1 fetched: on PGlite the database runs on this thread, and
 * its work and the hashing each take about half the time.
 */
export async function verifyAuditChain(db: Db, teamId: string, batchSize = 5000): Promise<ChainVerdict> {
  const checker = batchChecker();
  // Each range: fetched, then checked by the worker (null: no event in it).
  const pipeline: Promise<BatchCheck | null>[] = [];
  let nextFrom = 1;
  const launch = () => {
    const from = nextFrom;
    nextFrom += batchSize;
    // Prisma queries are lazy: .then() is what sends the query.
    const checked = db
      .$queryRawUnsafe<{ batch: string | null }[]>(VERIFY_BATCH_SQL, teamId, from, batchSize)
      .then(([r]) => (r?.batch ? checker.check(r.batch) : null));
    // A verdict may return before a prefetch settles: never leave its rejection unhandled.
    checked.catch(() => {});
    pipeline.push(checked);
  };
  try {
    while (pipeline.length < DEPTH) launch();
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (let from = 1; ; from += batchSize) {
      const batch = await pipeline.shift()!;
      // A range with no event ends the chain, unless later events exist past a run of missing ones.
      if (batch === null || batch.count === 0) {
        const [later] = await db.$queryRawUnsafe<{ seq: number; id: string }[]>(
          `SELECT "seq", "id"::text AS "id" FROM audit_event WHERE "teamId" = $1 AND "seq" >= $2 ORDER BY "seq" LIMIT 1`,
          teamId,
          from,
        );
        if (!later) return { ok: true, checked };
        return brokenAt(checked, expectedSeq, later.id, `event #${expectedSeq} is missing (deleted?)`);
      }
      launch();
      // The links into this batch, then what the worker found inside it.
      const { first, last, broken } = batch;
      if (first && first.seq !== expectedSeq)
        return brokenAt(checked, expectedSeq, first.id, `event #${expectedSeq} is missing (deleted?)`);
      if (first && first.prevHash !== prevHash)
        return brokenAt(checked, first.seq, first.id, "previous-hash link does not match");
      if (broken) return brokenAt(checked + broken.index, broken.seq, broken.id, broken.reason);
      prevHash = last!.hash;
      expectedSeq = last!.seq + 1;
      checked += batch.count;
    }
  } finally {
    await checker.close();
  }
}
