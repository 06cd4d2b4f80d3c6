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

export function eventHash(e: ChainedFields): string {
  const canonical = canonicalJson({
    teamId: e.teamId, seq: e.seq, at: e.at.toISOString(), actorType: e.actorType, actorId: e.actorId,
    actorLabel: e.actorLabel, action: e.action, targets: e.targets, deploymentId: e.deploymentId,
    params: e.params, requestId: e.requestId, outcome: e.outcome, errorCode: e.errorCode,
    errorMessage: e.errorMessage, durationMs: e.durationMs, clientIp: e.clientIp, userAgent: e.userAgent,
  });
  return createHash("sha256").update(e.prevHash).update("\n").update(canonical).digest("hex");
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

/** Recomputes a team's chain in seq order and names the first broken link. */
export async function verifyAuditChain(db: Db, teamId: string, batchSize = 5000): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { teamId, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    if (rows.length === 0) return { ok: true, checked };
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
