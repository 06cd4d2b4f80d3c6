// Reading the audit trail: filters, keyset pagination by (at, id) descending,
// and a streamed export in bounded batches. Every query is scoped by team.
import "server-only";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import { z } from "zod";
import { databaseTargetOf, db as defaultDb, type Db } from "@/lib/db/client";
import { likeLiteral } from "@/lib/db/like";
import type { Prisma } from "@/lib/generated/prisma/client";
import { plainText, type FieldName } from "@/lib/validation/text";
import { EXPORT_COLUMNS, csvCell, csvLine, exportChunks, filterTime } from "./export.mjs";

/** A search term: text the database can compare (no NUL, no unpaired surrogate), trimmed. */
const term = (subject: FieldName, max: number) =>
  plainText(subject, { rule: "storable", trim: true }).max(max).optional();

export const auditFilterSchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().or(z.iso.date().optional()),
  to: z.iso.datetime({ offset: true }).optional().or(z.iso.date().optional()),
  /** A user id or the exact label (email) recorded with the event. */
  actor: term("actorFilter", 200),
  /** Exact action, or a prefix ending in "*" ("cloud:*", "app:config.*"). */
  action: term("actionFilter", 200),
  /** A resource id among the event's targets (i-…, eni-…, eip-…, config id…). */
  resource: term("resourceFilter", 200),
  deploymentId: term("deploymentFilter", 64),
  outcome: z.enum(["success", "failure"]).optional(),
});
/** `actorUserId` is never read from a URL: resolveActor fills it from the team's members. */
export type AuditFilter = z.infer<typeof auditFilterSchema> & { actorUserId?: string };

/** Reads filters from URL search params; empty values mean "no filter". */
export function parseAuditFilter(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilter {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s && s.trim() ? s.trim() : undefined;
  };
  const raw = {
    from: get("from"),
    to: get("to"),
    actor: get("actor"),
    action: get("action"),
    resource: get("resource"),
    deploymentId: get("deploymentId") ?? get("deployment"),
    outcome: get("outcome"),
  };
  const parsed = auditFilterSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Drop only the invalid fields, keep the rest.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return auditFilterSchema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
}

export function filterToSearch(f: AuditFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && k !== "actorUserId") p.set(k, String(v));
  return p;
}

/**
 * Events recorded by background work carry the user id without a label: an
 * actor filter given as an email also matches that member's user id.
 */
export async function resolveActor(teamId: string, f: AuditFilter, db: Db = defaultDb()): Promise<AuditFilter> {
  if (!f.actor?.includes("@")) return f;
  const m = await db.member.findFirst({
    where: { organizationId: teamId, user: { email: f.actor.toLowerCase() } },
    select: { userId: true },
  });
  return m ? { ...f, actorUserId: m.userId } : f;
}

/** Team members' user id → email, to name actors whose events carry only the id. */
export async function teamPeople(teamId: string, db: Db = defaultDb()): Promise<Record<string, string>> {
  const rows = await db.member.findMany({
    where: { organizationId: teamId },
    select: { userId: true, user: { select: { email: true } } },
  });
  return Object.fromEntries(rows.map((r) => [r.userId, r.user.email]));
}

export type Cursor = { at: string; id: string };
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString("base64url");
}
export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s || s.length > 200) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at !== "string" || typeof id !== "string" || !/^\d{1,19}$/.test(id) || Number.isNaN(Date.parse(at)))
      return null;
    return { at, id };
  } catch {
    return null;
  }
}

export function auditWhere(teamId: string, f: AuditFilter, cursor?: Cursor | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [{ teamId }];
  if (f.from) and.push({ at: { gte: filterTime(f.from, false) } });
  if (f.to) and.push({ at: { lt: filterTime(f.to, true) } });
  if (f.actor)
    and.push({
      OR: [{ actorId: f.actor }, { actorLabel: f.actor }, ...(f.actorUserId ? [{ actorId: f.actorUserId }] : [])],
    });
  if (f.action)
    and.push(
      f.action.endsWith("*") ? { action: { startsWith: likeLiteral(f.action.slice(0, -1)) } } : { action: f.action },
    );
  if (f.resource) and.push({ targets: { has: f.resource } });
  if (f.deploymentId) and.push({ deploymentId: f.deploymentId });
  if (f.outcome) and.push({ outcome: f.outcome });
  if (cursor) {
    const at = new Date(cursor.at);
    // (at, id) < (cursorAt, cursorId), written so the planner gets an index range
    // bound (at <= cursorAt) and the OR only sorts out the rows of that millisecond.
    // A bare OR would make every page scan the index from the newest event.
    and.push({ at: { lte: at } }, { OR: [{ at: { lt: at } }, { id: { lt: BigInt(cursor.id) } }] });
  }
  return { AND: and };
}

export const auditRowShape = {
  id: true,
  seq: true,
  at: true,
  actorType: true,
  actorId: true,
  actorLabel: true,
  action: true,
  targets: true,
  deploymentId: true,
  params: true,
  requestId: true,
  outcome: true,
  errorCode: true,
  errorMessage: true,
  durationMs: true,
  clientIp: true,
  userAgent: true,
  prevHash: true,
  hash: true,
} as const satisfies Prisma.AuditEventSelect;
type AuditRow = Prisma.AuditEventGetPayload<{ select: typeof auditRowShape }>;

/** What crosses into client components: strings, no BigInt, no Date. */
export type AuditEventDto = Omit<AuditRow, "id" | "at"> & { id: string; at: string };
export function toDto(r: AuditRow): AuditEventDto {
  return { ...r, id: String(r.id), at: r.at.toISOString() };
}

export type AuditPage = { events: AuditEventDto[]; nextCursor: string | null };

export const PAGE_SIZE = 50;

export async function listAuditEvents(
  teamId: string,
  f: AuditFilter,
  opts: { cursor?: string | null; limit?: number; db?: Db } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE_SIZE, 1), 500);
  const rows = await (opts.db ?? defaultDb()).auditEvent.findMany({
    where: auditWhere(teamId, f, decodeCursor(opts.cursor)),
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: auditRowShape,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map(toDto),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at.toISOString(), id: String(last.id) }) : null,
  };
}

export async function getAuditEvent(teamId: string, id: string): Promise<AuditEventDto | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const r = await defaultDb().auditEvent.findFirst({ where: { id: BigInt(id), teamId }, select: auditRowShape });
  return r ? toDto(r) : null;
}

/** Distinct actions of the team (for the filter's suggestions). */
export async function listAuditActions(teamId: string, db: Db = defaultDb()): Promise<string[]> {
  const rows = await db.$queryRaw<
    { action: string }[]
  >`SELECT DISTINCT action FROM audit_event WHERE "teamId" = ${teamId} ORDER BY action LIMIT 200`;
  return rows.map((r) => r.action);
}

// ---------------------------------------------------------------- export

export { EXPORT_COLUMNS, csvCell, csvLine };

type ExportJob = { teamId: string; filter: AuditFilter; format: "csv" | "ndjson"; batchSize: number };

// Run by path, not bundled: Node loads it as is, next to export.mjs, from the app's directory.
const EXPORT_PROCESS = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib/audit/export.process.mjs");

/**
 * The filtered set as CSV or NDJSON, newest first, pulled from the database in
 * keyset batches as the client reads: memory stays bounded by one batch. On
 * PostgreSQL a process of its own runs the export (export.process.mjs) and
 * this stream passes its output on; PGlite lives in this process, so there the
 * export runs here, with the same query and formatting (export.mjs).
 */
export function auditExportStream(
  teamId: string,
  f: AuditFilter,
  format: "csv" | "ndjson",
  opts: { batchSize?: number; db?: Db; idleLimitMs?: number } = {},
): ReadableStream<Uint8Array> {
  const database = opts.db ?? defaultDb();
  const job: ExportJob = { teamId, filter: f, format, batchSize: opts.batchSize ?? 1000 };
  const target = databaseTargetOf(database);
  return target.kind === "postgres"
    ? exportInOwnProcess(target.url, job, opts.idleLimitMs ?? EXPORT_IDLE_LIMIT_MS)
    : exportHere(database, job);
}

function exportHere(database: Db, job: ExportJob): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = exportChunks((q) => database.$queryRawUnsafe<Record<string, unknown>[]>(q.text, ...q.values), job);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Export processes running at once, server-wide (each peaks near 110 MB for a
 * million events); a download beyond that waits for one to finish. On
 * globalThis: Next.js gives each route bundle its own copy of this module.
 */
const EXPORT_PROCESSES_AT_ONCE = 4;
const globalForExport = globalThis as unknown as { __eipilotExportSlots?: LimitFunction };
const exportSlots = (globalForExport.__eipilotExportSlots ??= pLimit(EXPORT_PROCESSES_AT_ONCE));

type ExportProcess = {
  chunks: AsyncIterator<Buffer>;
  /** null once the export completed and its output was read; otherwise why it did not complete. */
  outcome: Promise<string | null>;
  /** Settles when the process is gone, however it ended: its slot is free then. */
  gone: Promise<void>;
  /** Ends the process and drops its pipes (a download abandoned midway). */
  stop(): void;
};

const couldNotStart = (e: unknown) =>
  `audit export process could not start: ${e instanceof Error ? e.message : String(e)}`;

function failedProcess(reason: string): ExportProcess {
  return { chunks: (async function* () {})(), outcome: Promise.resolve(reason), gone: Promise.resolve(), stop() {} };
}

function startExportProcess(url: string, job: ExportJob): ExportProcess {
  if (!existsSync(EXPORT_PROCESS))
    return failedProcess(
      `audit export process not found at ${EXPORT_PROCESS}: start EIPilot from its directory (npm start)`,
    );
  let child: ChildProcessWithoutNullStreams;
  try {
    // No NODE_OPTIONS of the server's (heap sizes, loaders); a small heap is plenty for one batch at a time.
    child = spawn(process.execPath, ["--max-old-space-size=64", EXPORT_PROCESS], {
      stdio: "pipe",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
  } catch (e) {
    return failedProcess(couldNotStart(e));
  }
  const gone = new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.on("error", () => resolve());
  });
  // Out of file descriptors, spawn returns a child without pipes (and emits "error", handled above).
  if (!child.stdin || !child.stdout || !child.stderr) return { ...failedProcess(couldNotStart("no pipes")), gone };
  // A process that failed to start closes its stdin: the exit code and stderr tell why, not an EPIPE here.
  child.stdin.on("error", () => {});
  child.stdin.end(JSON.stringify({ url, ...job }));
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const outcome = new Promise<string | null>((resolve) => {
    child.on("error", (e) => resolve(couldNotStart(e)));
    child.on("close", (code, signal) =>
      resolve(code === 0 ? null : stderr.trim() || `audit export process exited with ${signal ?? code}`),
    );
  });
  return {
    chunks: child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    outcome,
    gone,
    stop() {
      child.kill();
      // A paused reader would keep the pipe, and with it the process's "close", forever.
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/** A download whose reader took nothing for this long is ended, so that it frees its export process. */
const EXPORT_IDLE_LIMIT_MS = 120_000;

function exportInOwnProcess(url: string, job: ExportJob, idleLimitMs: number): ReadableStream<Uint8Array> {
  let cancelled = false;
  let idle: NodeJS.Timeout | undefined;
  // The process once a slot is free (null: the download was abandoned while waiting); the slot is held until it is gone.
  const started = new Promise<ExportProcess | null>((resolve) => {
    exportSlots(async () => {
      if (cancelled) return resolve(null);
      const proc = startExportProcess(url, job);
      resolve(proc);
      await proc.gone;
    }).catch((e: unknown) => resolve(failedProcess(couldNotStart(e))));
  });
  const end = () => {
    cancelled = true;
    clearTimeout(idle);
    void started.then((proc) => proc?.stop());
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        clearTimeout(idle);
        const proc = await started;
        if (!proc) return;
        const { done, value } = await proc.chunks.next();
        if (!done) {
          controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          // Waits for the reader's next pull; a reader that stops reading (a paused or stalled download) ends it.
          idle = setTimeout(() => {
            end();
            controller.error(new Error(`audit export ended: the download was not read for ${idleLimitMs / 1000} s`));
          }, idleLimitMs);
          idle.unref();
          return;
        }
        const failure = await proc.outcome;
        if (failure) controller.error(new Error(failure));
        else controller.close();
      },
      cancel: end,
    },
    { highWaterMark: 1 },
  );
}
