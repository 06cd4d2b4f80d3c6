// For tests of "a change and its audit event commit together": the database
// refuses some audit events, as a full disk or a lost connection would.
import type { Db } from "@/lib/db/client";

export const AUDIT_REFUSED = "audit store unavailable";

/** Runs `fn` while inserts into audit_event for which the SQL condition `when` (on NEW) holds fail. */
export async function whileAuditRefused(db: Db, when: string, fn: () => Promise<void>): Promise<void> {
  await db.$executeRawUnsafe(`CREATE FUNCTION refuse_audit_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${when} THEN RAISE EXCEPTION '${AUDIT_REFUSED}'; END IF; RETURN NEW; END $$`);
  await db.$executeRawUnsafe(
    `CREATE TRIGGER refuse_audit_events BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION refuse_audit_events()`,
  );
  try {
    await fn();
  } finally {
    await db.$executeRawUnsafe(`DROP TRIGGER refuse_audit_events ON audit_event`);
    await db.$executeRawUnsafe(`DROP FUNCTION refuse_audit_events()`);
  }
}
