// The audit trail: append-only, one hash chain per team. Each event's hash is
// SHA-256 over the previous hash and the event's canonical JSON, so editing,
// inserting or deleting any event breaks every link after it.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { redactParams } from "./redact";

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

/** Stable JSON: keys sorted at every level, so the hash never depends on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const HASHED_KEYS = [
  "teamId", "seq", "at", "actorType", "actorId", "actorLabel", "action", "targets", "deploymentId", "params", "requestId", "outcome",
  "errorCode", "errorMessage", "durationMs", "clientIp", "userAgent",
] as const;
// The order canonicalJson would give them: computed once, not per event.
const SORTED_KEYS = [...HASHED_KEYS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * canonicalJson of an event's hashed fields, built directly: the keys are
 * known, so only `params` needs the generic (sorting) serializer. Identical
 * output to canonicalJson (tested), several times faster — verification of
 * millions of events spends most of its time here.
 */
export function eventCanonical(e: ChainedFields): string {
  let out = "{";
  for (let i = 0; i < SORTED_KEYS.length; i++) {
    const k = SORTED_KEYS[i]!;
    let v: string;
    switch (k) {
      case "at": v = JSON.stringify(e.at.toISOString()); break;
      case "params": v = canonicalJson(e.params); break;
      case "targets": v = `[${e.targets.map((x) => JSON.stringify(x)).join(",")}]`; break;
      default: v = JSON.stringify(e[k] ?? null);
    }
    out += (i ? ",\"" : "\"") + k + "\":" + v;
  }
  return out + "}";
}

export function eventHash(e: ChainedFields): string {
  return createHash("sha256").update(e.prevHash).update("\n").update(eventCanonical(e)).digest("hex");
}

/** Appends one event to its team's chain. Serialized per team by an advisory lock. */
export async function appendAuditEvent(db: Db, input: AuditInput) {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"audit:" + input.teamId}))`;
    const last = await tx.auditEvent.findFirst({
      where: { teamId: input.teamId },
      orderBy: { seq: "desc" },
      select: { seq: true, hash: true },
    });
    const fields: ChainedFields = {
      teamId: input.teamId,
      actorType: input.actorType,
      actorId: input.actorId ?? null,
      actorLabel: input.actorLabel ?? null,
      action: input.action,
      targets: input.targets ?? [],
      deploymentId: input.deploymentId ?? null,
      params: input.params === undefined ? null : redactParams(input.params),
      requestId: input.requestId ?? null,
      outcome: input.outcome,
      errorCode: input.errorCode ?? null,
      errorMessage: input.errorMessage ?? null,
      durationMs: input.durationMs == null ? null : Math.round(input.durationMs),
      clientIp: input.clientIp ?? null,
      userAgent: input.userAgent ?? null,
      seq: (last?.seq ?? 0) + 1,
      // Millisecond precision: what the database stores is what was hashed.
      at: new Date(Math.floor(Date.now())),
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const hash = eventHash(fields);
    return tx.auditEvent.create({
      data: { ...fields, params: (fields.params ?? undefined) as never, hash },
      select: { id: true, seq: true, hash: true },
    });
  });
}

export type ChainVerdict =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: { seq: number; id: string; reason: string } };

/**
 * Recomputes a team's chain in seq order and names the first broken link.
 * The next batch is fetched while the current one is hashed.
 */
export async function verifyAuditChain(db: Db, teamId: string, batchSize = 5000): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const fetchFrom = (seq: number) => db.auditEvent.findMany({ where: { teamId, seq: { gte: seq } }, orderBy: { seq: "asc" }, take: batchSize });
  // Prisma queries are lazy: .catch() below is also what starts the prefetch.
  let pending: Promise<Awaited<ReturnType<typeof fetchFrom>>> = fetchFrom(1);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) return { ok: true, checked };
    const last = rows[rows.length - 1]!;
    pending = rows.length < batchSize ? Promise.resolve([]) : fetchFrom(last.seq + 1);
    // A verdict may return before the prefetch settles: never leave its rejection unhandled.
    pending.catch(() => {});
    for (const row of rows) {
      const broken = (reason: string, seq = row.seq): ChainVerdict => ({ ok: false, checked, brokenAt: { seq, id: String(row.id), reason } });
      if (row.seq !== expectedSeq) return broken(`event #${expectedSeq} is missing (deleted?)`, expectedSeq);
      if (row.prevHash !== prevHash) return broken("previous-hash link does not match");
      const recomputed = eventHash({
        ...row,
        actorType: row.actorType as "user" | "system",
        outcome: row.outcome as "success" | "failure",
        params: row.params ?? null,
      });
      if (recomputed !== row.hash) return broken("event content does not match its hash");
      prevHash = row.hash;
      expectedSeq++;
      checked++;
    }
  }
}
