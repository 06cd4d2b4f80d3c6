// Tamper evidence against whoever can write the database: every case here
// passes the hash chain alone (verifyAuditChain, asserted), and is caught by
// the signed checkpoints — in the app (verifyAuditTrail) and offline, on an
// export, by `npm run -s audit:verify` (spawned). PGlite by default, PostgreSQL
// when DATABASE_URL points at one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { appendAuditEvent, appendAuditEventIn, eventHash, verifyAuditChain, type ChainedFields } from "./chain";
import { readRecordedCheckpoint } from "./checkpoint-record";
import { checkpointNow } from "./checkpoint";
import { checkpointPayload, keyFingerprint } from "./checkpoint-core.mjs";
import { exportChunks } from "./export.mjs";
import { publicKeysPem, rotateSigningKey, signingKey } from "./signing-key";
import { verifyAuditTrail } from "./verify-trail";

const TEAM = "team-cp";
let t: TestDb;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eipilot-checkpoint-"));
  process.env.AUDIT_KEY_DIR = path.join(dir, "keys");
  process.env.AUDIT_CHECKPOINT_EVERY = "10";
  delete process.env.AUDIT_SIGNING_KEY;
  t = await createTestDb();
  await t.db.organization.create({ data: { id: TEAM, name: "Checkpoints", slug: "checkpoints" } });
  for (let i = 1; i <= 25; i++)
    await appendAuditEvent(t.db, {
      teamId: TEAM,
      actorType: "user",
      actorId: "u1",
      actorLabel: "alice@example.com",
      action: i % 2 ? "cloud:VPC.AssociateEipAddress" : "app:config.create",
      targets: [`eip-${i}`],
      params: { AllocationId: `eip-${i}`, n: i },
      outcome: "success",
    });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** As the database's owner would: with the append-only triggers off. */
async function asOwner(sql: string, ...values: unknown[]) {
  for (const table of ["audit_event", "audit_checkpoint"])
    await t.db.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  try {
    await t.db.$executeRawUnsafe(sql, ...values);
  } finally {
    for (const table of ["audit_event", "audit_checkpoint"])
      await t.db.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
}

/** Runs `check` with the trail tampered by `tamper`, then puts every event and checkpoint back. */
async function withTampering(tamper: () => Promise<void>, check: () => Promise<void>) {
  const events = await t.db.auditEvent.findMany({ where: { teamId: TEAM }, orderBy: { seq: "asc" } });
  const checkpoints = await t.db.auditCheckpoint.findMany({ where: { teamId: TEAM }, orderBy: { seq: "asc" } });
  await tamper();
  try {
    await check();
  } finally {
    await asOwner(`DELETE FROM audit_event WHERE "teamId" = $1`, TEAM);
    await asOwner(`DELETE FROM audit_checkpoint WHERE "teamId" = $1`, TEAM);
    await t.db.auditEvent.createMany({ data: events as never });
    await t.db.auditCheckpoint.createMany({ data: checkpoints });
  }
  expect((await verifyAuditTrail(t.db, TEAM)).ok).toBe(true);
}

/** The attack the chain alone cannot see: edit event `seq`, then recompute its hash and every later one. */
async function editAndRecompute(seq: number, action: string) {
  const rows = await t.db.auditEvent.findMany({ where: { teamId: TEAM, seq: { gte: seq } }, orderBy: { seq: "asc" } });
  let prevHash = (await t.db.auditEvent.findFirst({ where: { teamId: TEAM, seq: seq - 1 } }))?.hash ?? "0".repeat(64);
  for (const row of rows) {
    const fields = { ...row, action: row.seq === seq ? action : row.action, prevHash } as unknown as ChainedFields;
    const hash = eventHash(fields);
    await asOwner(
      `UPDATE audit_event SET action = $1, "prevHash" = $2, hash = $3 WHERE id = $4`,
      fields.action,
      prevHash,
      hash,
      row.id,
    );
    prevHash = hash;
  }
}

async function exportTo(file: string) {
  const query = (q: { text: string; values: (string | number)[] }) =>
    t.db.$queryRawUnsafe<Record<string, unknown>[]>(q.text, ...q.values);
  let text = "";
  for await (const chunk of exportChunks(query, { teamId: TEAM, filter: {}, format: "ndjson", batchSize: 7 }))
    text += chunk;
  fs.writeFileSync(file, text);
  return text;
}

function auditVerify(...args: string[]) {
  const r = spawnSync(process.execPath, [path.resolve("lib/audit/verify-cli.mjs"), ...args], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("signed checkpoints", () => {
  it("signs one every N events with a key kept outside the database (file mode 0600), and the trail verifies", async () => {
    const cps = await t.db.auditCheckpoint.findMany({ where: { teamId: TEAM }, orderBy: { seq: "asc" } });
    expect(cps.map((c) => [c.seq, c.lastSeq, c.eventCount, c.reason])).toEqual([
      [1, 10, 10, "interval"],
      [2, 20, 20, "interval"],
    ]);
    expect(cps[1]!.prevSignature).toBe(cps[0]!.signature);
    const keyFile = path.join(process.env.AUDIT_KEY_DIR!, "signing-key.pem");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(cps[0]!.keyId).toBe(signingKey().keyId);
    // An export signs the head: events 21–25 are covered too.
    expect(await checkpointNow(t.db, TEAM, "export")).toBe(true);
    expect(await checkpointNow(t.db, TEAM, "export")).toBe(false);
    const verdict = await verifyAuditTrail(t.db, TEAM);
    expect(verdict).toMatchObject({ ok: true, checked: 25, findings: [], checkpoints: { count: 3 } });
    expect(verdict.checkpoints.latest).toMatchObject({ seq: 3, lastSeq: 25 });
  });

  it("detects an edited event even when every later hash was recomputed", async () => {
    await withTampering(
      () => editAndRecompute(4, "app:nothing.happened"),
      async () => {
        expect((await verifyAuditChain(t.db, TEAM)).ok).toBe(true); // the chain alone is fooled
        const v = await verifyAuditTrail(t.db, TEAM);
        expect(v.ok).toBe(false);
        expect(v.findings).toContainEqual({ code: "eventAltered", checkpoint: 1, seq: 10 });
      },
    );
  });

  it("detects deleted newest events (the head is behind the latest checkpoint)", async () => {
    await withTampering(
      () => asOwner(`DELETE FROM audit_event WHERE "teamId" = $1 AND seq > 22`, TEAM),
      async () => {
        expect((await verifyAuditChain(t.db, TEAM)).ok).toBe(true);
        const v = await verifyAuditTrail(t.db, TEAM);
        expect(v.findings).toEqual([{ code: "eventsDeleted", checkpoint: 3, seq: 25, head: 22 }]);
      },
    );
  });

  it("detects a deleted checkpoint, and all of them deleted", async () => {
    await withTampering(
      () => asOwner(`DELETE FROM audit_checkpoint WHERE "teamId" = $1 AND seq = 2`, TEAM),
      async () => {
        expect((await verifyAuditTrail(t.db, TEAM)).findings).toEqual([{ code: "checkpointMissing", checkpoint: 2 }]);
      },
    );
    await withTampering(
      () => asOwner(`DELETE FROM audit_checkpoint WHERE "teamId" = $1`, TEAM),
      async () => {
        expect((await verifyAuditTrail(t.db, TEAM)).findings).toEqual([
          // The signer's record outside the database still names the newest one.
          { code: "recordedCheckpointMissing", checkpoint: 3, newest: 0 },
          { code: "checkpointOverdue", after: 0, head: 25, every: 10 },
        ]);
      },
    );
  });

  it("detects an altered checkpoint, and one re-signed with a key it does not trust", async () => {
    await withTampering(
      async () => {
        // Hide an edit of event 4 by moving the checkpoints' hashes along: the signatures no longer hold.
        await editAndRecompute(4, "app:nothing.happened");
        for (const seq of [10, 20, 25]) {
          const e = await t.db.auditEvent.findFirstOrThrow({ where: { teamId: TEAM, seq } });
          await asOwner(
            `UPDATE audit_checkpoint SET "lastHash" = $1 WHERE "teamId" = $2 AND "lastSeq" = $3`,
            e.hash,
            TEAM,
            seq,
          );
        }
      },
      async () => {
        const v = await verifyAuditTrail(t.db, TEAM);
        expect(v.findings.filter((f) => f.code === "signatureInvalid").map((f) => f.checkpoint)).toEqual([1, 2, 3]);
      },
    );
    await withTampering(
      async () => {
        // The attacker's own key: a valid signature, by a key verification does not trust.
        const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
        const c = await t.db.auditCheckpoint.findFirstOrThrow({ where: { teamId: TEAM, seq: 3 } });
        const forged = { ...c, at: c.at.toISOString(), keyId: keyFingerprint(publicKey) };
        const signature = crypto.sign(null, Buffer.from(checkpointPayload(forged)), privateKey).toString("base64");
        await asOwner(
          `UPDATE audit_checkpoint SET "keyId" = $1, signature = $2 WHERE id = $3`,
          forged.keyId,
          signature,
          c.id,
        );
      },
      async () => {
        const v = await verifyAuditTrail(t.db, TEAM);
        expect(v.findings).toEqual([
          { code: "unknownKey", checkpoint: 3, keyId: expect.stringMatching(/^SHA256:/) },
          // Not the checkpoint the signer recorded either.
          { code: "recordedCheckpointMissing", checkpoint: 3, newest: 3 },
        ]);
      },
    );
  });

  it("audit:verify verifies an export offline, and fails a tampered one", async () => {
    const good = path.join(dir, "good.ndjson");
    const keys = path.join(dir, "keys.pem");
    const text = await exportTo(good);
    expect(
      text
        .trimEnd()
        .split("\n")
        .slice(-3)
        .map((l) => JSON.parse(l).type),
    ).toEqual(Array(3).fill("checkpoint"));
    fs.writeFileSync(keys, publicKeysPem().pem);
    let r = auditVerify("--events", good, "--public-key", keys);
    expect(r.out).toContain("OK the export verifies: 25 events");
    expect(r.status).toBe(0);
    // The fingerprint alone (as an admin recorded it) trusts the key the checkpoints carry.
    expect(auditVerify("--events", good, "--fingerprint", signingKey().keyId).status).toBe(0);
    // Another key: nothing verifies.
    const otherKey = crypto.generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }) as string;
    fs.writeFileSync(path.join(dir, "other.pem"), otherKey);
    r = auditVerify("--events", good, "--public-key", path.join(dir, "other.pem"));
    expect(r.status).toBe(1);
    expect(r.out).toContain("not a trusted key");

    // Newest events cut from the file.
    const lines = text.trimEnd().split("\n");
    const cut = path.join(dir, "cut.ndjson");
    fs.writeFileSync(
      cut,
      lines.filter((l) => ![24, 25].includes(JSON.parse(l).seq ?? 0) || l.includes('"checkpoint"')).join("\n"),
    );
    r = auditVerify("--events", cut, "--public-key", keys);
    expect(r.status).toBe(1);
    expect(r.out).toContain("the trail ends at #23: the newest events were deleted");

    // Edited in the database with every hash recomputed, then exported.
    await withTampering(
      () => editAndRecompute(12, "app:nothing.happened"),
      async () => {
        const bad = path.join(dir, "bad.ndjson");
        await exportTo(bad);
        r = auditVerify("--events", bad, "--public-key", keys);
        expect(r.status).toBe(1);
        expect(r.out).toContain("event #20 is not the event checkpoint #2 signed");
      },
    );
    expect(auditVerify("--events", good).status).toBe(2); // no trusted key given
  });

  it("keeps verifying old checkpoints after a key rotation", async () => {
    const before = signingKey().keyId;
    const { retired, current } = rotateSigningKey();
    expect(retired).toBe(before);
    expect(current).not.toBe(before);
    await appendAuditEvent(t.db, { teamId: TEAM, actorType: "system", action: "app:rotated", outcome: "success" });
    expect(await checkpointNow(t.db, TEAM, "export")).toBe(true);
    const v = await verifyAuditTrail(t.db, TEAM);
    expect(v).toMatchObject({ ok: true, checkpoints: { count: 4, latest: { keyId: current } } });
    expect(publicKeysPem().keyIds.sort()).toEqual([before, current].sort());
  });
});

const event = (action: string) => ({ teamId: TEAM, actorType: "system" as const, action, outcome: "success" as const });
const recordFile = () =>
  path.join(process.env.AUDIT_KEY_DIR!, "latest", `${TEAM.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);

describe("the edges of the checkpoints", () => {
  it("events after the newest checkpoint are reported as not yet covered (counted): neither passed silently nor failed", async () => {
    const head = (await t.db.auditEvent.count({ where: { teamId: TEAM } })) as number;
    const covered = (await verifyAuditTrail(t.db, TEAM)).checkpoints.latest!.lastSeq;
    expect(covered).toBe(head);
    expect((await verifyAuditTrail(t.db, TEAM)).uncovered).toBeNull();
    for (let i = 0; i < 3; i++) await appendAuditEvent(t.db, event("app:after.checkpoint"));
    const v = await verifyAuditTrail(t.db, TEAM);
    expect(v).toMatchObject({ ok: true, findings: [], uncovered: { from: head + 1, to: head + 3, count: 3 } });

    // Offline: an export made before the next checkpoint (here without the one the export route signs) says so.
    const file = path.join(dir, "uncovered.ndjson");
    await exportTo(file);
    const keys = path.join(dir, "keys-now.pem");
    fs.writeFileSync(keys, publicKeysPem().pem);
    const r = auditVerify("--events", file, "--public-key", keys, "--checkpoint-every", "10");
    expect(r.status).toBe(0);
    expect(r.out).toContain(`NOTE 3 event(s), #${head + 1}–#${head + 3}, not yet covered by a checkpoint`);
    const json = JSON.parse(auditVerify("--events", file, "--public-key", keys, "--json").out);
    expect(json).toMatchObject({ ok: true, uncovered: { from: head + 1, to: head + 3, count: 3 } });
  });

  it("the newest checkpoint deleted with the few events after the one before it: the signer's record (0600, next to the key) catches it", async () => {
    const newest = await t.db.auditCheckpoint.findFirstOrThrow({ where: { teamId: TEAM }, orderBy: { seq: "desc" } });
    const previous = await t.db.auditCheckpoint.findFirstOrThrow({ where: { teamId: TEAM, seq: newest.seq - 1 } });
    expect(newest.lastSeq - previous.lastSeq).toBeLessThan(10);
    expect(readRecordedCheckpoint(TEAM)).toEqual({
      teamId: TEAM,
      seq: newest.seq,
      lastSeq: newest.lastSeq,
      signature: newest.signature,
    });
    expect(fs.statSync(recordFile()).mode & 0o777).toBe(0o600);
    await withTampering(
      async () => {
        await asOwner(`DELETE FROM audit_checkpoint WHERE "teamId" = $1 AND seq = $2`, TEAM, newest.seq);
        await asOwner(`DELETE FROM audit_event WHERE "teamId" = $1 AND seq > $2`, TEAM, previous.lastSeq);
      },
      async () => {
        expect((await verifyAuditChain(t.db, TEAM)).ok).toBe(true);
        const v = await verifyAuditTrail(t.db, TEAM);
        expect(v.ok).toBe(false);
        expect(v.findings).toEqual([
          { code: "recordedCheckpointMissing", checkpoint: newest.seq, newest: previous.seq },
        ]);
        // Without the record, the same trail looks whole: that is the gap the record closes.
        const saved = fs.readFileSync(recordFile());
        fs.rmSync(recordFile());
        try {
          expect(await verifyAuditTrail(t.db, TEAM)).toMatchObject({ ok: true, findings: [] });
        } finally {
          fs.writeFileSync(recordFile(), saved, { mode: 0o600 });
        }
      },
    );
    // A checkpoint replaced (same number, another signature) is caught the same way.
    await withTampering(
      () => asOwner(`UPDATE audit_checkpoint SET signature = $1 WHERE id = $2`, previous.signature, newest.id),
      async () => {
        expect((await verifyAuditTrail(t.db, TEAM)).findings).toContainEqual({
          code: "recordedCheckpointMissing",
          checkpoint: newest.seq,
          newest: newest.seq,
        });
      },
    );
  });

  it("a checkpoint signed inside an audited change is recorded once the change commits, never when it rolls back", async () => {
    const before = readRecordedCheckpoint(TEAM)!;
    const head = await t.db.auditEvent.count({ where: { teamId: TEAM } });
    const due = 10 - (head - before.lastSeq);
    // Rolls back after its interval checkpoint was signed.
    await expect(
      t.db.$transaction(async (tx) => {
        for (let i = 0; i < due; i++) await appendAuditEventIn(tx, event("app:rolled.back"));
        expect(await tx.auditCheckpoint.count({ where: { teamId: TEAM } })).toBe(before.seq + 1);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await new Promise((r) => setTimeout(r, 1500));
    expect(readRecordedCheckpoint(TEAM)).toEqual(before);
    expect(await verifyAuditTrail(t.db, TEAM)).toMatchObject({ ok: true, findings: [] });
    // Commits: recorded shortly after.
    await t.db.$transaction(async (tx) => {
      for (let i = 0; i < due; i++) await appendAuditEventIn(tx, event("app:committed"));
    });
    const newest = await t.db.auditCheckpoint.findFirstOrThrow({ where: { teamId: TEAM }, orderBy: { seq: "desc" } });
    expect(newest.seq).toBe(before.seq + 1);
    await expect.poll(() => readRecordedCheckpoint(TEAM)?.seq, { timeout: 10_000 }).toBe(newest.seq);
    expect(await verifyAuditTrail(t.db, TEAM)).toMatchObject({ ok: true, findings: [], uncovered: null });
  });
});
