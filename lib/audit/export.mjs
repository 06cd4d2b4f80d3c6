// @ts-check
// The audit export: its query (one keyset batch of the filtered trail, newest
// first), its lines (CSV, NDJSON) and the loop that pulls batch after batch.
// Plain JavaScript on purpose, as canonical.mjs: on PostgreSQL the export runs
// in a process of its own (export.process.mjs, loaded by Node.js as is), on
// PGlite in the app's process (export-stream.ts) — the same code in both.

export const EXPORT_COLUMNS = /** @type {const} */ ([
  "id",
  "seq",
  "at",
  "actorType",
  "actorId",
  "actorLabel",
  "action",
  "targets",
  "deploymentId",
  "params",
  "requestId",
  "outcome",
  "errorCode",
  "errorMessage",
  "durationMs",
  "clientIp",
  "userAgent",
  "prevHash",
  "hash",
]);

/**
 * One exported event: what the /audit page shows of it (AuditEventDto).
 * @typedef {{ id: string; seq: number; at: string; actorType: string; actorId: string | null; actorLabel: string | null;
 *   action: string; targets: string[]; deploymentId: string | null; params: unknown; requestId: string | null; outcome: string;
 *   errorCode: string | null; errorMessage: string | null; durationMs: number | null; clientIp: string | null;
 *   userAgent: string | null; prevHash: string; hash: string }} ExportedEvent
 */

/**
 * The filter, as audit.queries.ts has validated it (and resolved an actor's
 * email to the member's user id).
 * @typedef {{ from?: string; to?: string; actor?: string; actorUserId?: string; action?: string; resource?: string;
 *   deploymentId?: string; outcome?: string }} ExportFilter
 */

/** @typedef {{ at: string; id: string }} ExportCursor */

/**
 * A filter's time bound. A bare date means the whole day (UTC): "to 2026-11-27" includes that day.
 * @param {string} s
 * @param {boolean} endOfDay
 */
export function filterTime(s, endOfDay) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return new Date(Date.parse(s + "T00:00:00Z") + (endOfDay ? 86400_000 : 0));
  return new Date(s);
}

/** `at` is a timestamp(3) without zone holding UTC: compared with the UTC wall time. @param {Date} d */
const utcWallTime = (d) => d.toISOString().slice(0, -1);

/**
 * One batch of the export: the same filters as the /audit page (auditWhere in
 * audit.queries.ts; a test checks they select the same events), keyset after
 * `cursor`. Values are bound as parameters, never spliced into the text.
 * Columns come back as text or integers (JSON as text), so that every driver
 * returns the same values.
 * @param {string} teamId
 * @param {ExportFilter} f
 * @param {ExportCursor | null} cursor
 * @param {number} limit
 * @returns {{ text: string; values: (string | number)[] }}
 */
export function exportQuery(teamId, f, cursor, limit) {
  /** @type {(string | number)[]} */
  const values = [];
  const $ = (/** @type {string | number} */ v) => `$${values.push(v)}`;
  const where = [`"teamId" = ${$(teamId)}`];
  if (f.from) where.push(`"at" >= ${$(utcWallTime(filterTime(f.from, false)))}::timestamp(3)`);
  if (f.to) where.push(`"at" < ${$(utcWallTime(filterTime(f.to, true)))}::timestamp(3)`);
  if (f.actor) {
    const actor = $(f.actor);
    where.push(
      `("actorId" = ${actor} OR "actorLabel" = ${actor}${f.actorUserId ? ` OR "actorId" = ${$(f.actorUserId)}` : ""})`,
    );
  }
  if (f.action)
    where.push(
      f.action.endsWith("*") ? `starts_with("action", ${$(f.action.slice(0, -1))})` : `"action" = ${$(f.action)}`,
    );
  if (f.resource) where.push(`"targets" @> ARRAY[${$(f.resource)}]::text[]`);
  if (f.deploymentId) where.push(`"deploymentId" = ${$(f.deploymentId)}`);
  if (f.outcome) where.push(`"outcome" = ${$(f.outcome)}`);
  if (cursor) {
    // (at, id) < cursor, written as auditWhere writes it: an index range bound plus the tie-break.
    const at = `${$(utcWallTime(new Date(cursor.at)))}::timestamp(3)`;
    where.push(`"at" <= ${at}`, `("at" < ${at} OR "id" < ${$(cursor.id)}::bigint)`);
  }
  const text = `SELECT "id"::text AS "id", "seq", to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at", "actorType", "actorId",
  "actorLabel", "action", array_to_json("targets")::text AS "targets", "deploymentId", "params"::text AS "params", "requestId",
  "outcome", "errorCode", "errorMessage", "durationMs", "clientIp", "userAgent", "prevHash", "hash"
FROM "audit_event" e WHERE ${where.join(" AND ")} ORDER BY e."at" DESC, e."id" DESC LIMIT ${$(limit)}`;
  // ORDER BY names the table's columns (e.), not the text columns of the same names above.
  return { text, values };
}

/**
 * A row of exportQuery as the exported event.
 * @param {Record<string, unknown>} r
 * @returns {ExportedEvent}
 */
export function exportedEvent(r) {
  const e = /** @type {ExportedEvent} */ ({});
  for (const c of EXPORT_COLUMNS) /** @type {Record<string, unknown>} */ (e)[c] = r[c] ?? null;
  e.seq = Number(r.seq);
  e.durationMs = r.durationMs == null ? null : Number(r.durationMs);
  e.targets = typeof r.targets === "string" ? JSON.parse(r.targets) : [];
  e.params = typeof r.params === "string" ? JSON.parse(r.params) : null;
  return e;
}

/**
 * RFC 4180 cell; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
 * @param {unknown} v
 */
export function csvCell(v) {
  if (v === null || v === undefined) return "";
  let s =
    typeof v === "string" ? v : Array.isArray(v) ? v.join(" ") : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @param {ExportedEvent} e */
export function csvLine(e) {
  return EXPORT_COLUMNS.map((c) => csvCell(e[c])).join(",") + "\r\n";
}

/**
 * The export as text chunks, one per batch (the CSV header first). `query`
 * runs one exportQuery on the database, whichever driver that is.
 * @param {(q: { text: string; values: (string | number)[] }) => Promise<Record<string, unknown>[]>} query
 * @param {{ teamId: string; filter: ExportFilter; format: "csv" | "ndjson"; batchSize: number }} job
 * @returns {AsyncGenerator<string>}
 */
export async function* exportChunks(query, { teamId, filter, format, batchSize }) {
  if (format === "csv") yield EXPORT_COLUMNS.join(",") + "\r\n";
  /** @type {ExportCursor | null} */
  let cursor = null;
  let newestSeq = 0;
  for (;;) {
    const rows = await query(exportQuery(teamId, filter, cursor, batchSize));
    let chunk = "";
    for (const r of rows) {
      const e = exportedEvent(r);
      chunk += format === "csv" ? csvLine(e) : JSON.stringify(e) + "\n";
      cursor = { at: e.at, id: e.id };
      if (e.seq > newestSeq) newestSeq = e.seq;
    }
    if (chunk) yield chunk;
    if (rows.length < batchSize) break;
  }
  // A whole trail as NDJSON ends with the checkpoints that cover it, so that it verifies offline (verify-cli.mjs).
  if (format === "ndjson" && !Object.values(filter).some(Boolean) && newestSeq > 0) {
    const checkpoints = await query(checkpointQuery(teamId, newestSeq));
    if (checkpoints.length) yield checkpoints.map((r) => JSON.stringify(exportedCheckpoint(r)) + "\n").join("");
  }
}

/**
 * The team's checkpoints up to the newest exported event (a checkpoint signed while the export ran covers
 * events the export does not hold: left out).
 * @param {string} teamId
 * @param {number} newestSeq
 */
export function checkpointQuery(teamId, newestSeq) {
  return {
    text: `SELECT "teamId", "seq", "lastSeq", "lastHash", "eventCount", to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at",
  "reason", "prevSignature", "keyId", "publicKey", "signature"
FROM "audit_checkpoint" WHERE "teamId" = $1 AND "lastSeq" <= $2 ORDER BY "seq"`,
    values: [teamId, newestSeq],
  };
}

/**
 * A checkpoint as an export line: `"type": "checkpoint"` tells it from an event (events have no "type").
 * @param {Record<string, unknown>} r
 */
export function exportedCheckpoint(r) {
  return {
    type: "checkpoint",
    teamId: r.teamId,
    seq: Number(r.seq),
    lastSeq: Number(r.lastSeq),
    lastHash: r.lastHash,
    eventCount: Number(r.eventCount),
    at: r.at,
    reason: r.reason,
    prevSignature: r.prevSignature,
    keyId: r.keyId,
    publicKey: r.publicKey,
    signature: r.signature,
  };
}
