// @ts-check
// Offline verification of an audit export, with no database:
//
//   npm run -s audit:verify -- --events audit.ndjson --public-key audit-signing-keys.pem
//   npm run -s audit:verify -- --events audit.ndjson --fingerprint SHA256:…
//
// --events        a whole-trail NDJSON export (no filter); it ends with the checkpoints that cover it
// --checkpoints   checkpoints from elsewhere (NDJSON or a JSON array of checkpoint records) instead
// --public-key    a PEM file of trusted public keys (repeatable; the audit page's "Download public keys")
// --fingerprint   a trusted key id "SHA256:…", or a file of them (repeatable): the public key embedded in the
//                 checkpoints is used when its fingerprint is one of these
// --checkpoint-every  the server's AUDIT_CHECKPOINT_EVERY (default 100)
// --json          the verdict as JSON
// Exit status: 0 verified, 1 a finding, 2 bad usage or unreadable input.
import fs from "node:fs";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { canonicalOf, chainHash } from "./canonical.mjs";
import {
  checkCheckpoints,
  describeFinding,
  embeddedPublicKey,
  keyFingerprint,
  publicKeysOfPem,
  uncoveredEvents,
} from "./checkpoint-core.mjs";

/** @typedef {import("./checkpoint-core.mjs").Checkpoint} Checkpoint */

class UsageError extends Error {}

function options() {
  const { values } = parseArgs({
    options: {
      events: { type: "string" },
      checkpoints: { type: "string" },
      "public-key": { type: "string", multiple: true },
      fingerprint: { type: "string", multiple: true },
      "checkpoint-every": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      fs
        .readFileSync(new URL(import.meta.url), "utf8")
        .split("\nimport ")[0]
        .replace("// @ts-check\n", "")
        .replace(/^\/\/ ?/gm, ""),
    );
    process.exit(0);
  }
  if (!values.events) throw new UsageError("--events <export.ndjson> is required");
  if (!values["public-key"]?.length && !values.fingerprint?.length)
    throw new UsageError("give the trusted key: --public-key <keys.pem> or --fingerprint SHA256:…");
  const every = Number(values["checkpoint-every"] ?? "100");
  if (!Number.isInteger(every) || every < 1) throw new UsageError("--checkpoint-every must be a whole number ≥ 1");
  return { ...values, events: values.events, every };
}

/** @param {string} file */
async function* jsonLines(file) {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
  let n = 0;
  for await (const line of readline.createInterface({
    input: fs.createReadStream(file, "utf8"),
    crlfDelay: Infinity,
  })) {
    n++;
    if (!line.trim()) continue;
    try {
      yield /** @type {Record<string, any>} */ (JSON.parse(line));
    } catch {
      throw new UsageError(`${file}, line ${n}: not JSON`);
    }
  }
}

/** @param {string | undefined} file @param {string} events @returns {Promise<Checkpoint[]>} */
async function readCheckpoints(file, events) {
  /** @type {Checkpoint[]} */
  const out = [];
  if (file && fs.existsSync(file) && fs.readFileSync(file, "utf8").trimStart().startsWith("[")) {
    out.push(...JSON.parse(fs.readFileSync(file, "utf8")));
  } else {
    for await (const r of jsonLines(file ?? events))
      if (r.type === "checkpoint") out.push(/** @type {Checkpoint} */ (r));
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * The keys to trust: those of the PEM files, and the embedded keys whose fingerprint was given.
 * @param {ReturnType<typeof options>} o @param {Checkpoint[]} checkpoints
 */
function trustedKeys(o, checkpoints) {
  /** @type {Map<string, import("node:crypto").KeyObject>} */
  const keys = new Map();
  for (const file of o["public-key"] ?? []) {
    if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
    const found = publicKeysOfPem(fs.readFileSync(file, "utf8"));
    if (!found.size) throw new UsageError(`${file}: no PEM public key in it`);
    for (const [id, k] of found) keys.set(id, k);
  }
  const wanted = new Set();
  for (const f of o.fingerprint ?? []) {
    const text = fs.existsSync(f) ? fs.readFileSync(f, "utf8") : f;
    for (const id of text.match(/SHA256:[A-Za-z0-9+/]{43}/g) ?? []) wanted.add(id);
  }
  if ((o.fingerprint ?? []).length && !wanted.size) throw new UsageError("--fingerprint: no SHA256:… key id found");
  for (const c of checkpoints) {
    const key = embeddedPublicKey(c.publicKey);
    if (key && wanted.has(keyFingerprint(key))) keys.set(keyFingerprint(key), key);
  }
  return keys;
}

/**
 * The hash chain of the exported events (any order in the file): seq 1, 2, 3 … each linked to the one before
 * and each hash the hash of its content. Returns the head, the hash of every event, and the first broken link.
 * @param {string} file @param {string} teamId
 */
async function checkEvents(file, teamId) {
  /** @type {Map<number, { prevHash: string; hash: string; ok: boolean }>} */
  const events = new Map();
  for await (const e of jsonLines(file)) {
    if (e.type === "checkpoint") continue;
    const recomputed = chainHash(e.prevHash, canonicalOf({ ...e, teamId }, e.at));
    events.set(e.seq, { prevHash: e.prevHash, hash: e.hash, ok: recomputed === e.hash });
  }
  const seqs = [...events.keys()].sort((a, b) => a - b);
  /** @type {{ seq: number; reason: string } | null} */
  let broken = null;
  let prevHash = "0".repeat(64);
  for (let i = 0; i < seqs.length && !broken; i++) {
    const e = /** @type {{ prevHash: string; hash: string; ok: boolean }} */ (events.get(seqs[i]));
    if (seqs[i] !== i + 1)
      broken = { seq: i + 1, reason: `event #${i + 1} is missing (deleted, or a filtered export?)` };
    else if (e.prevHash !== prevHash) broken = { seq: i + 1, reason: "previous-hash link does not match" };
    else if (!e.ok) broken = { seq: i + 1, reason: "event content does not match its hash" };
    prevHash = e.hash;
  }
  const head = seqs.length ? /** @type {number} */ (seqs[seqs.length - 1]) : 0;
  return { count: seqs.length, head, hashAt: (/** @type {number} */ s) => events.get(s)?.hash, broken };
}

async function main() {
  const o = options();
  const checkpoints = await readCheckpoints(o.checkpoints, o.events);
  const teams = new Set(checkpoints.map((c) => c.teamId));
  if (teams.size === 0)
    throw new UsageError("no checkpoints: export the whole trail as NDJSON (it ends with them) or give --checkpoints");
  if (teams.size > 1) throw new UsageError("the checkpoints belong to more than one team");
  const teamId = /** @type {string} */ ([...teams][0]);
  const keys = trustedKeys(o, checkpoints);
  const chain = await checkEvents(o.events, teamId);
  const findings = checkCheckpoints({
    checkpoints,
    hashAt: chain.hashAt,
    head: { seq: chain.head, count: chain.count },
    trustedKeys: keys,
    every: o.every,
  });
  const ok = !chain.broken && findings.length === 0;
  const last = checkpoints[checkpoints.length - 1];
  // Events after the newest checkpoint: linked by the chain, signed by nothing yet. Said, not failed.
  const uncovered = uncoveredEvents(checkpoints, chain.head);
  if (o.json) {
    process.stdout.write(
      JSON.stringify({ ok, teamId, events: chain.count, brokenAt: chain.broken, findings, uncovered }) + "\n",
    );
  } else {
    const lines = [
      `team ${teamId}: ${chain.count} events, ${checkpoints.length} checkpoints (newest #${last?.seq} covers events up to #${last?.lastSeq}, signed by ${last?.keyId})`,
    ];
    if (chain.broken) lines.push(`FAIL hash chain broken at event #${chain.broken.seq}: ${chain.broken.reason}`);
    for (const f of findings) lines.push(`FAIL ${describeFinding(f)}`);
    if (uncovered)
      lines.push(
        `NOTE ${uncovered.count} event(s), #${uncovered.from}–#${uncovered.to}, not yet covered by a checkpoint: only the hash chain vouches for them`,
      );
    if (ok)
      lines.push(
        `OK the export verifies: ${chain.count} events, chain intact, every checkpoint signed by a trusted key`,
      );
    process.stdout.write(lines.join("\n") + "\n");
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
