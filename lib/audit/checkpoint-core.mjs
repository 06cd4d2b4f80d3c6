// @ts-check
// Signed checkpoints of the audit chain, the part that needs no database:
// what a checkpoint signs, key fingerprints, and the checks of a team's
// checkpoints against its events. Plain JavaScript on purpose, as
// canonical.mjs: the offline verifier (verify-cli.mjs) runs it with Node.js
// alone on another machine, while the app (checkpoint.ts) imports the same
// functions to sign and verify.
//
// Modelled on CloudTrail's log file integrity validation: a checkpoint signs
// the chain's head (its newest event's seq and hash, and the event count) and
// the previous checkpoint's signature with an Ed25519 key kept outside the
// database. Whoever can write the database can recompute every event hash, but
// cannot sign: an edited event no longer matches the hash a checkpoint signed,
// deleted newest events leave the head behind a checkpoint, and a deleted or
// altered checkpoint breaks the chain of signatures or its own signature.
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import { canonicalJson } from "./canonical.mjs";

/**
 * A stored checkpoint (audit_checkpoint; `at` in ISO form).
 * @typedef {{ teamId: string; seq: number; lastSeq: number; lastHash: string; eventCount: number; at: string; reason: string;
 *   prevSignature: string; keyId: string; publicKey: string; signature: string }} Checkpoint
 */

/**
 * What verification found, one finding per problem. `code` names the message
 * (audit.verify.findings.<code> in messages/*.json); the other fields are its
 * parameters.
 * @typedef {{ code: "signatureInvalid"; checkpoint: number }
 *   | { code: "unknownKey"; checkpoint: number; keyId: string }
 *   | { code: "checkpointMissing"; checkpoint: number }
 *   | { code: "linkBroken"; checkpoint: number }
 *   | { code: "eventAltered"; checkpoint: number; seq: number }
 *   | { code: "eventsDeleted"; checkpoint: number; seq: number; head: number }
 *   | { code: "checkpointOverdue"; after: number; head: number; every: number }
 *   | { code: "recordedCheckpointMissing"; checkpoint: number; newest: number }} Finding
 */

/**
 * The newest checkpoint the signer wrote, as it records it outside the database (next to the signing key):
 * deleting the newest checkpoint from the database does not delete this.
 * @typedef {{ teamId: string; seq: number; lastSeq: number; signature: string }} RecordedCheckpoint
 */

/**
 * The exact bytes a checkpoint's signature covers: canonical JSON of its signed fields.
 * @param {Omit<Checkpoint, "signature" | "publicKey">} c
 * @returns {string}
 */
export function checkpointPayload(c) {
  return canonicalJson({
    v: 1,
    teamId: c.teamId,
    seq: c.seq,
    lastSeq: c.lastSeq,
    lastHash: c.lastHash,
    eventCount: c.eventCount,
    time: c.at,
    reason: c.reason,
    keyId: c.keyId,
    prevSignature: c.prevSignature,
  });
}

/**
 * A public key's id: "SHA256:" and the unpadded base64 of SHA-256 over its SPKI DER (as OpenSSH writes fingerprints).
 * @param {import("node:crypto").KeyObject} publicKey
 * @returns {string}
 */
export function keyFingerprint(publicKey) {
  const der = publicKey.export({ type: "spki", format: "der" });
  return "SHA256:" + createHash("sha256").update(der).digest("base64").replace(/=+$/, "");
}

/**
 * The public keys in a PEM text (one or several "PUBLIC KEY" blocks), by fingerprint.
 * @param {string} pem
 * @returns {Map<string, import("node:crypto").KeyObject>}
 */
export function publicKeysOfPem(pem) {
  /** @type {Map<string, import("node:crypto").KeyObject>} */
  const keys = new Map();
  for (const block of pem.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? []) {
    const key = createPublicKey(block);
    if (key.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 public key");
    keys.set(keyFingerprint(key), key);
  }
  return keys;
}

/**
 * The public key a checkpoint carries (SPKI DER, base64), or null when it is not a valid Ed25519 key.
 * @param {string} b64
 */
export function embeddedPublicKey(b64) {
  try {
    const key = createPublicKey({ key: Buffer.from(b64, "base64"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

/**
 * Whether a checkpoint's signature is valid under the key it names.
 * @param {Checkpoint} c
 * @param {import("node:crypto").KeyObject} key
 */
function signatureValid(c, key) {
  try {
    return verifySignature(null, Buffer.from(checkpointPayload(c)), key, Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

/**
 * Checks a team's checkpoints (in seq order) against its events.
 * - every checkpoint is signed by a trusted key and its signature holds (an altered one does not);
 * - checkpoints are numbered 1, 2, 3 … and each names the previous one's signature (a deleted one breaks that);
 * - the event each checkpoint ends at still has the hash it signed (an edited event, even with every later
 *   hash recomputed, does not);
 * - the trail reaches every checkpoint's last event (deleted newest events leave it behind);
 * - the events after the newest checkpoint are fewer than `every` (one is signed at least every `every`
 *   events, so more means the newest checkpoints were deleted, or the server could not sign).
 * - the checkpoint the signer recorded outside the database (`recorded`) is still there, with its signature: the
 *   newest checkpoint deleted (with the few events after the one before it) leaves no gap in the numbering, but
 *   it leaves the database behind the record.
 * @param {{ checkpoints: Checkpoint[]; hashAt: (seq: number) => string | undefined; head: { seq: number; count: number };
 *   trustedKeys: Map<string, import("node:crypto").KeyObject>; every: number; recorded?: RecordedCheckpoint | null }} input
 * @returns {Finding[]}
 */
export function checkCheckpoints({ checkpoints, hashAt, head, trustedKeys, every, recorded = null }) {
  /** @type {Finding[]} */
  const findings = [];
  /** @type {Checkpoint | null} */
  let before = null;
  for (const c of checkpoints) {
    const key = trustedKeys.get(c.keyId);
    if (!key) findings.push({ code: "unknownKey", checkpoint: c.seq, keyId: c.keyId });
    else if (!signatureValid(c, key)) findings.push({ code: "signatureInvalid", checkpoint: c.seq });
    const expected = before ? before.seq + 1 : 1;
    if (c.seq !== expected) findings.push({ code: "checkpointMissing", checkpoint: expected });
    else if (c.prevSignature !== (before ? before.signature : ""))
      findings.push({ code: "linkBroken", checkpoint: c.seq });
    if (head.seq < c.lastSeq || head.count < c.eventCount)
      findings.push({ code: "eventsDeleted", checkpoint: c.seq, seq: c.lastSeq, head: head.seq });
    else if (hashAt(c.lastSeq) !== c.lastHash)
      findings.push({ code: "eventAltered", checkpoint: c.seq, seq: c.lastSeq });
    before = c;
  }
  if (recorded) {
    const kept = checkpoints.find((c) => c.seq === recorded.seq);
    if (!kept || kept.signature !== recorded.signature)
      findings.push({ code: "recordedCheckpointMissing", checkpoint: recorded.seq, newest: before ? before.seq : 0 });
  }
  const covered = before ? before.lastSeq : 0;
  if (head.seq - covered >= every) findings.push({ code: "checkpointOverdue", after: covered, head: head.seq, every });
  return findings;
}

/**
 * The events after the newest checkpoint: the hash chain links them, but no signature covers them yet (the
 * next checkpoint will). Not a failure — fewer than `every` of them is how the trail looks between
 * checkpoints — but not proven either: the verdict says how many.
 * @param {Checkpoint[]} checkpoints
 * @param {number} headSeq
 * @returns {{ from: number; to: number; count: number } | null}
 */
export function uncoveredEvents(checkpoints, headSeq) {
  const covered = checkpoints[checkpoints.length - 1]?.lastSeq ?? 0;
  return headSeq > covered ? { from: covered + 1, to: headSeq, count: headSeq - covered } : null;
}

/**
 * A finding in English, for the offline verifier's output and the audit record of a verification (the UI
 * shows the same findings in the reader's language: audit.verify.findings.* in messages/).
 * @param {Finding} f
 * @returns {string}
 */
export function describeFinding(f) {
  switch (f.code) {
    case "signatureInvalid":
      return `checkpoint #${f.checkpoint}: its signature does not match its content (the checkpoint was altered)`;
    case "unknownKey":
      return `checkpoint #${f.checkpoint}: signed by key ${f.keyId}, which is not a trusted key (forged, or a retired key that was not kept)`;
    case "checkpointMissing":
      return `checkpoint #${f.checkpoint} is missing (deleted?)`;
    case "linkBroken":
      return `checkpoint #${f.checkpoint} does not name the previous checkpoint's signature (a checkpoint before it was replaced or deleted)`;
    case "eventAltered":
      return `event #${f.seq} is not the event checkpoint #${f.checkpoint} signed: events up to #${f.seq} were changed (even if every hash after the change was recomputed)`;
    case "eventsDeleted":
      return `checkpoint #${f.checkpoint} covers events up to #${f.seq}, but the trail ends at #${f.head}: the newest events were deleted`;
    case "recordedCheckpointMissing":
      return `checkpoint #${f.checkpoint} was signed (the signer's record outside the database says so) but is not in the trail as signed, whose newest checkpoint is #${f.newest}: the newest checkpoint was deleted or replaced`;
    case "checkpointOverdue":
      return `events #${f.after + 1}–#${f.head} are covered by no signed checkpoint, though one is signed every ${f.every} events (the newest checkpoints were deleted, or the server could not sign)`;
  }
}
