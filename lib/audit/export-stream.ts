// The audit export: the filtered trail as CSV or NDJSON, streamed in bounded
// keyset batches — on PostgreSQL from a process of its own (export.process.mjs),
// at most a few at once server-wide; on PGlite in this process (export.mjs).
// The filters are the /audit pages' own (audit.queries.ts).
import "server-only";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import { databaseTargetOf, db as defaultDb, type Db } from "@/lib/db/client";
import type { AuditFilter } from "./audit.queries";
import { EXPORT_COLUMNS, csvCell, csvLine, exportChunks } from "./export.mjs";

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
