// The signer's own record of each team's newest checkpoint, kept outside the database next to the signing key
// ($AUDIT_KEY_DIR/latest/<team>.json, mode 0600). Whoever can write the database can delete the newest
// checkpoint together with the few events after the one before it: the numbering then has no gap and no
// checkpoint is overdue. The record still names it, so "Verify integrity" finds it gone
// (checkpoint-core.mjs, recordedCheckpointMissing).
//
// A checkpoint is recorded only once it is committed: one signed inside an audited change's transaction is
// confirmed from the database after that transaction (a change that rolls back takes its checkpoint with it,
// and must not leave a record the database never had). A record that lags behind the database (a crash
// before it was written, another replica's key directory) is harmless: only one ahead of it is a finding.
import fs from "node:fs";
import path from "node:path";
import { db as processDb, type Db } from "@/lib/db/client";
import { logger } from "@/lib/server/logger";
import type { RecordedCheckpoint } from "./checkpoint-core.mjs";
import { keyDir } from "./signing-key";

export type { RecordedCheckpoint };

const recordFile = (teamId: string) =>
  path.join(/*turbopackIgnore: true*/ keyDir(), "latest", `${teamId.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);

/** The newest checkpoint the signer recorded for the team, or null (none yet, or an unreadable record). */
export function readRecordedCheckpoint(teamId: string): RecordedCheckpoint | null {
  const file = recordFile(teamId);
  try {
    if (!fs.existsSync(file)) return null;
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<RecordedCheckpoint>;
    if (r.teamId !== teamId || !Number.isInteger(r.seq) || typeof r.signature !== "string")
      throw new Error("bad shape");
    return { teamId, seq: r.seq!, lastSeq: Number(r.lastSeq ?? 0), signature: r.signature };
  } catch (err) {
    logger.error({ err, file }, "the audit checkpoint record is unreadable; verifying without it");
    return null;
  }
}

/** Records `c` as the team's newest checkpoint, unless a newer one is recorded. Written whole (rename), 0600. */
export function recordCheckpoint(c: RecordedCheckpoint): void {
  const file = recordFile(c.teamId);
  try {
    if ((readRecordedCheckpoint(c.teamId)?.seq ?? 0) >= c.seq) return;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(c) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    // The checkpoint itself is in the database; without the record only its deletion goes unseen.
    logger.error({ err, file }, "could not record the newest audit checkpoint");
  }
}

/** Whether `c` is in the database, as signed. */
async function committed(db: Db, c: RecordedCheckpoint): Promise<boolean> {
  const row = await db.auditCheckpoint.findFirst({
    where: { teamId: c.teamId, seq: c.seq, signature: c.signature },
    select: { seq: true },
  });
  return row !== null;
}

/**
 * Records `c` once the transaction that wrote it has committed: checked in the database after it, a few times
 * over about a minute (a long audited change), then given up (it rolled back).
 */
export function recordOnceCommitted(c: RecordedCheckpoint, db: Db | null = null): void {
  let attempt = 0;
  const check = async () => {
    try {
      if (await committed(db ?? processDb(), c)) return recordCheckpoint(c);
    } catch (err) {
      logger.warn({ err, teamId: c.teamId }, "could not confirm an audit checkpoint");
    }
    if (++attempt < 8) setTimeout(() => void check(), 250 * 2 ** attempt).unref();
  };
  setTimeout(() => void check(), 50).unref();
}
