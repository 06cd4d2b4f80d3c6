// Signed checkpoints of a team's audit chain: written every N events (in the
// appending transaction), every M minutes by a sweep (instrumentation.ts) and
// at each export; checked by "Verify integrity" (verify-trail.ts) and offline
// by verify-cli.mjs. The signing and the checks themselves are in
// checkpoint-core.mjs; the key in signing-key.ts.
import crypto from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";
import { logger } from "@/lib/server/logger";
import { checkpointPayload, type Checkpoint, type Finding, type RecordedCheckpoint } from "./checkpoint-core.mjs";
import { recordCheckpoint } from "./checkpoint-record";
import { signingKey } from "./signing-key";

export type { Checkpoint, Finding };
export type CheckpointReason = "interval" | "time" | "export";

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 1_000_000) return n;
  logger.warn({ [name]: raw }, `${name} must be a whole number from 1 to 1000000; using ${fallback}`);
  return fallback;
}

/** A checkpoint at least every this many events (AUDIT_CHECKPOINT_EVERY, default 100). */
export const checkpointEvery = () => positiveInt("AUDIT_CHECKPOINT_EVERY", 100);
/** And one every this many minutes when events were added (AUDIT_CHECKPOINT_MINUTES, default 60). */
export const checkpointMinutes = () => positiveInt("AUDIT_CHECKPOINT_MINUTES", 60);

type Head = { seq: number; hash: string };
type Latest = { seq: number; lastSeq: number; signature: string } | null;

const latestCheckpoint = (tx: Tx, teamId: string): Promise<Latest> =>
  tx.auditCheckpoint.findFirst({
    where: { teamId },
    orderBy: { seq: "desc" },
    select: { seq: true, lastSeq: true, signature: true },
  });

/**
 * Signs the head and stores the checkpoint. The caller holds the team's audit lock (appendAuditEventIn's) and
 * records the checkpoint outside the database once its transaction has committed (checkpoint-record.ts).
 */
async function writeCheckpoint(
  tx: Tx,
  teamId: string,
  head: Head,
  latest: Latest,
  reason: CheckpointReason,
): Promise<RecordedCheckpoint> {
  const key = signingKey();
  const unsigned = {
    teamId,
    seq: (latest?.seq ?? 0) + 1,
    lastSeq: head.seq,
    lastHash: head.hash,
    // The chain is numbered from 1 without gaps: the head's seq is the count of events up to it.
    eventCount: head.seq,
    at: new Date().toISOString(),
    reason,
    prevSignature: latest?.signature ?? "",
    keyId: key.keyId,
  };
  const signature = crypto.sign(null, Buffer.from(checkpointPayload(unsigned)), key.privateKey).toString("base64");
  const publicKey = key.publicKey.export({ type: "spki", format: "der" }).toString("base64");
  await tx.auditCheckpoint.create({
    data: { ...unsigned, at: new Date(unsigned.at), publicKey, signature },
    select: { id: true },
  });
  return { teamId, seq: unsigned.seq, lastSeq: unsigned.lastSeq, signature };
}

/**
 * After appending `head` (inside the same transaction and lock): a checkpoint when `every` events have been
 * added since the last one. A missing or unreadable key must not fail the audited change: it is logged, and
 * "Verify integrity" then reports the events no checkpoint covers.
 */
export async function checkpointIfDueIn(tx: Tx, teamId: string, head: Head): Promise<RecordedCheckpoint | null> {
  const latest = await latestCheckpoint(tx, teamId);
  if (head.seq - (latest?.lastSeq ?? 0) < checkpointEvery()) return null;
  try {
    signingKey();
  } catch (err) {
    logger.error({ err, teamId }, "audit checkpoint not signed: the signing key is unavailable");
    return null;
  }
  return writeCheckpoint(tx, teamId, head, latest, "interval");
}

/** A checkpoint of the team's head now, unless the newest checkpoint already covers it. Returns whether one was written. */
export async function checkpointNow(db: Db, teamId: string, reason: CheckpointReason): Promise<boolean> {
  const written = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"audit:" + teamId}))`;
    const head = await tx.auditEvent.findFirst({
      where: { teamId },
      orderBy: { seq: "desc" },
      select: { seq: true, hash: true },
    });
    const latest = await latestCheckpoint(tx, teamId);
    if (!head || head.seq <= (latest?.lastSeq ?? 0)) return null;
    return writeCheckpoint(tx, teamId, head, latest, reason);
  });
  if (written) recordCheckpoint(written);
  return written !== null;
}

/** The time-based checkpoints: every team whose trail grew since its newest checkpoint gets one. */
export async function checkpointSweep(db: Db): Promise<number> {
  const teams = await db.organization.findMany({ select: { id: true } });
  let written = 0;
  for (const { id } of teams) if (await checkpointNow(db, id, "time")) written++;
  return written;
}
