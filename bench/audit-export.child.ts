// Child of bench/audit.bench.ts: streams one team's full CSV export, as the
// /api/audit/export route does, in a process that has done nothing else, and
// prints {rows, bytes, seconds, RSS before/peak} as JSON on stdout.
import { createPrismaClient } from "../lib/db/client";
import { openConnection, type DatabaseTarget } from "../lib/db/connection";
import { auditExportStream } from "../lib/audit/audit.queries";

const [targetJson, teamId] = process.argv.slice(2) as [string, string];
const conn = openConnection(JSON.parse(targetJson) as DatabaseTarget);
const db = createPrismaClient(conn);
await db.auditEvent.findFirst({ where: { teamId }, select: { id: true } }); // connected, engine loaded

const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
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
await db.$disconnect();
await conn.close();
const mb = (b: number) => Math.round(b / 2 ** 20);
process.stdout.write(JSON.stringify({
  rows: lines - 1, bytes, seconds: +((performance.now() - t0) / 1000).toFixed(1),
  rssBeforeMB: mb(rssBefore), rssPeakMB: mb(peak), rssGrowthMB: mb(peak - rssBefore),
}));
