// "Verify integrity": the hash chain and the signed checkpoints of a team's audit trail.
import type { Db } from "@/lib/db/client";
import { checkCheckpoints, uncoveredEvents, type Checkpoint, type Finding } from "./checkpoint-core.mjs";
import { readRecordedCheckpoint } from "./checkpoint-record";
import { verifyAuditChain, type ChainVerdict } from "./chain";
import { checkpointEvery } from "./checkpoint";
import { trustedPublicKeys } from "./signing-key";

export type TrailVerdict = {
  ok: boolean;
  checked: number;
  /** The first broken link of the hash chain, null when the chain holds. */
  brokenAt: (ChainVerdict & { ok: false })["brokenAt"] | null;
  findings: Finding[];
  checkpoints: { count: number; latest: { seq: number; lastSeq: number; at: string; keyId: string } | null };
  /**
   * The events after the newest checkpoint: linked by the chain, signed by nothing yet (the next checkpoint
   * signs them). Not a failure, but not proven: shown as such. Null when every event is covered.
   */
  uncovered: { from: number; to: number; count: number } | null;
};

type CheckpointRow = Omit<Checkpoint, "at"> & { at: Date; eventHash: string | null };

/** A team's checkpoints in order, each with the hash its last event has today. */
async function checkpointsWithEventHash(db: Db, teamId: string) {
  const rows = await db.$queryRaw<CheckpointRow[]>`
    SELECT c."teamId", c."seq", c."lastSeq", c."lastHash", c."eventCount", c."at", c."reason", c."prevSignature",
      c."keyId", c."publicKey", c."signature", e."hash" AS "eventHash"
    FROM audit_checkpoint c LEFT JOIN audit_event e ON e."teamId" = c."teamId" AND e."seq" = c."lastSeq"
    WHERE c."teamId" = ${teamId} ORDER BY c."seq"`;
  const hashes = new Map(rows.map((r) => [r.lastSeq, r.eventHash ?? undefined]));
  const checkpoints: Checkpoint[] = rows.map(({ eventHash: _, ...r }) => ({ ...r, at: r.at.toISOString() }));
  return { checkpoints, hashAt: (seq: number) => hashes.get(seq) };
}

/**
 * "Verify integrity": the hash chain (verifyAuditChain) and the signed checkpoints. The chain alone proves
 * nothing against someone who can rewrite the table; the checkpoints, signed with a key the database does
 * not hold, do.
 */
export async function verifyAuditTrail(db: Db, teamId: string): Promise<TrailVerdict> {
  const chain = await verifyAuditChain(db, teamId);
  const [{ checkpoints, hashAt }, head, count] = await Promise.all([
    checkpointsWithEventHash(db, teamId),
    db.auditEvent.findFirst({ where: { teamId }, orderBy: { seq: "desc" }, select: { seq: true } }),
    chain.ok ? Promise.resolve(chain.checked) : db.auditEvent.count({ where: { teamId } }),
  ]);
  const findings = checkCheckpoints({
    checkpoints,
    hashAt,
    head: { seq: head?.seq ?? 0, count },
    trustedKeys: trustedPublicKeys(),
    every: checkpointEvery(),
    recorded: readRecordedCheckpoint(teamId),
  });
  const last = checkpoints[checkpoints.length - 1];
  return {
    ok: chain.ok && findings.length === 0,
    checked: chain.checked,
    brokenAt: chain.ok ? null : chain.brokenAt,
    findings,
    checkpoints: {
      count: checkpoints.length,
      latest: last ? { seq: last.seq, lastSeq: last.lastSeq, at: last.at, keyId: last.keyId } : null,
    },
    uncovered: uncoveredEvents(checkpoints, head?.seq ?? 0),
  };
}
