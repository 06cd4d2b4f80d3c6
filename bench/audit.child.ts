// Child of bench/audit.bench.ts: runs one measurement in a process that has
// done nothing else (as a server that did not just seed a million events),
// and prints its figures as JSON on stdout.
//   export — streams the team's full CSV export, as /api/audit/export does:
//            rows, bytes, seconds, this process's RSS before and at peak,
//            and on PostgreSQL the peak RSS of the export's own process;
//   verify — verifies the team's hash chain, as "Verify integrity" does.
import { createPrismaClient } from "../lib/db/client";
import { openConnection, type DatabaseTarget } from "../lib/db/connection";
import { childProcessStatuses } from "../lib/testing/processes";
import { auditExportStream } from "../lib/audit/export-stream";
import { verifyAuditChain } from "../lib/audit/chain";

const [mode, targetJson, teamId] = process.argv.slice(2) as ["export" | "verify", string, string];
const conn = openConnection(JSON.parse(targetJson) as DatabaseTarget);
const db = createPrismaClient(conn);
await db.auditEvent.findFirst({ where: { teamId }, select: { id: true } }); // connected, engine loaded

/** Peak RSS (VmHWM, kB) of this process's child running lib/audit/export.process.mjs, 0 if there is none now. */
function exportProcessPeakKB(): number {
  return Math.max(
    0,
    ...childProcessStatuses("export.process.mjs").map((s) => Number(/^VmHWM:\s+(\d+)/m.exec(s)?.[1] ?? 0)),
  );
}

async function exportAll() {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  let exportProcessPeak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    exportProcessPeak = Math.max(exportProcessPeak, exportProcessPeakKB());
  }, 50);
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  const reader = auditExportStream(teamId, {}, "csv", { db }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const b of value) if (b === 10) lines++;
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (b: number) => Math.round(b / 2 ** 20);
  return {
    rows: lines - 1,
    bytes,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
    rssBeforeMB: mb(rssBefore),
    rssPeakMB: mb(peak),
    rssGrowthMB: mb(peak - rssBefore),
    exportProcessPeakRssMB: exportProcessPeak ? mb(exportProcessPeak * 1024) : null,
  };
}

async function verify() {
  const t0 = performance.now();
  const verdict = await verifyAuditChain(db, teamId);
  const seconds = (performance.now() - t0) / 1000;
  return {
    ok: verdict.ok,
    checked: verdict.checked,
    seconds: +seconds.toFixed(1),
    eventsPerSecond: Math.round(verdict.checked / seconds),
  };
}

const result = mode === "verify" ? await verify() : await exportAll();
await db.$disconnect();
await conn.close();
process.stdout.write(JSON.stringify(result));
