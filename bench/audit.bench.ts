// npm run bench:audit — the audit trail at scale. Seeds a valid hash chain of
// BENCH_AUDIT_EVENTS (default 1,000,000) events into one team, on PostgreSQL
// (127.0.0.1:5432, a database created and dropped here) and on PGlite, then
// measures with the app's own query code: first page and filtered pages (p95),
// and, each in a fresh process, chain verification (events/s) and a streamed
// full export (peak RSS).
// Writes bench/results/audit.json. Report only: it asserts nothing.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { createPrismaClient, type Db } from "../lib/db/client";
import { openConnection, type Connection, type DatabaseTarget } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrate";
import { eventHash, GENESIS_HASH, verifyAuditChain, type ChainedFields } from "../lib/audit/chain";
import { listAuditEvents, type AuditFilter } from "../lib/audit/audit.queries";

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const PGLITE_EVENTS = Number(process.env.BENCH_AUDIT_PGLITE_EVENTS ?? EVENTS);
const PG_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const TEAM = "bench-team";
const BATCH = 5000;

const ACTIONS = [
  "cloud:ECS.DescribeNetworkInterfaces",
  "cloud:ECS.AttachNetworkInterface",
  "cloud:ECS.AssignPrivateIpAddresses",
  "cloud:VPC.AllocateEipAddress",
  "cloud:VPC.AssociateEipAddress",
  "cloud:VPC.DescribeEipAddresses",
  "app:deployment.apply",
  "app:config.create",
  "app:auth.signIn",
  "app:member.invite",
];
const BASE = Date.parse("2025-11-01T00:00:00Z");

function* events(n: number) {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const failure = i % 23 === 0;
    const e: ChainedFields = {
      teamId: TEAM,
      seq: i + 1,
      at: new Date(BASE + i * 30_000),
      actorType: i % 10 === 0 ? "system" : "user",
      actorId: i % 10 === 0 ? null : `user-${i % 20}`,
      actorLabel: i % 10 === 0 ? null : `user${i % 20}@example.com`,
      action: ACTIONS[i % ACTIONS.length]!,
      targets: [`i-bench${i % 300}`, `eni-bench${i % 5000}`, `eip-bench${i % 20000}`],
      deploymentId: `dep-${i % 2000}`,
      params: { RegionId: "ap-northeast-1", AllocationId: `eip-bench${i % 20000}`, Mode: "NAT" },
      requestId: `REQ-${i.toString(16).padStart(8, "0")}`,
      outcome: failure ? "failure" : "success",
      errorCode: failure ? "Throttling.User" : null,
      errorMessage: failure ? "Request was denied due to user flow control." : null,
      durationMs: 20 + (i % 180),
      clientIp: "198.51.100.7",
      userAgent: "bench",
      prevHash,
    };
    const hash = eventHash(e);
    prevHash = hash;
    yield { ...e, hash };
  }
}

/** The seeded columns, in the order eventRow() gives their values. */
const COLUMNS = `"teamId","seq","at","actorType","actorId","actorLabel","action","targets","deploymentId","params","requestId","outcome","errorCode","errorMessage","durationMs","clientIp","userAgent","prevHash","hash"`;

/** One event's values in COLUMNS order, as text where PostgreSQL parses them (time without "Z", params as JSON, targets as a list). */
function eventRow(e: ChainedFields & { hash: string }, targets: (list: string[]) => string): unknown[] {
  return [
    e.teamId,
    e.seq,
    e.at.toISOString().replace("Z", ""),
    e.actorType,
    e.actorId,
    e.actorLabel,
    e.action,
    targets(e.targets),
    e.deploymentId,
    JSON.stringify(e.params),
    e.requestId,
    e.outcome,
    e.errorCode,
    e.errorMessage,
    e.durationMs,
    e.clientIp,
    e.userAgent,
    e.prevHash,
    e.hash,
  ];
}

const INSERT = `INSERT INTO audit_event (${COLUMNS})
SELECT t, s, a::timestamp(3), aty, aid, alb, act, string_to_array(tg, ','), dep, p::jsonb, rq, o, ec, em, d, ip, ua, ph, h
FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int[], $16::text[], $17::text[], $18::text[], $19::text[])
AS x(t, s, a, aty, aid, alb, act, tg, dep, p, rq, o, ec, em, d, ip, ua, ph, h)`;

async function seed(query: (sql: string, params: unknown[]) => Promise<unknown>, n: number) {
  const started = performance.now();
  let cols: unknown[][] = Array.from({ length: 19 }, () => []);
  const flush = async () => {
    if (cols[0]!.length) await query(INSERT, cols);
    cols = Array.from({ length: 19 }, () => []);
  };
  for (const e of events(n)) {
    eventRow(e, (list) => list.join(",")).forEach((x, k) => cols[k]!.push(x));
    if (cols[0]!.length >= BATCH) await flush();
  }
  await flush();
  await query("ANALYZE audit_event", []);
  return Math.round(performance.now() - started);
}

/** CSV field for COPY: quoted, or an unquoted empty field for NULL. */
const csv = (v: unknown) => (v == null ? "" : `"${String(v).replace(/"/g, '""')}"`);

/**
 * PGlite seeding: row-by-row inserts into a table with six indexes run for tens
 * of minutes in WebAssembly, so the bench drops the secondary indexes, COPYs
 * the events in chunks and builds the indexes again (the migrations' own
 * definitions, read back from pg_indexes) — in a PGlite opened anew: after
 * 1M rows of COPY, index builds in the same instance did not finish in 10
 * minutes (400k: seconds).
 */
async function seedPgliteByCopy(dir: string, n: number) {
  const started = performance.now();
  let pglite = new PGlite(dir);
  await applyMigrations(new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory);
  const { rows: indexes } = await pglite.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_event' AND indexname <> 'audit_event_pkey'`,
  );
  for (const ix of indexes) await pglite.exec(`DROP INDEX "${ix.indexname}"`);
  const CHUNK = 100_000;
  let lines: string[] = [];
  const flush = async () => {
    if (!lines.length) return;
    await pglite.query(`COPY audit_event (${COLUMNS}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
      blob: new Blob([lines.join("\n") + "\n"]),
    });
    lines = [];
  };
  for (const e of events(n)) {
    lines.push(
      eventRow(e, (list) => `{${list.join(",")}}`)
        .map(csv)
        .join(","),
    );
    if (lines.length >= CHUNK) await flush();
  }
  await flush();
  await pglite.close();
  console.log(`  copied in ${Math.round(performance.now() - started)} ms; building ${indexes.length} indexes…`);
  pglite = new PGlite(dir);
  await pglite.exec("SET maintenance_work_mem = '256MB'");
  for (const ix of indexes) {
    const t0 = performance.now();
    await pglite.exec(ix.indexdef);
    console.log(`  ${ix.indexname}: ${Math.round(performance.now() - t0)} ms`);
  }
  // What the server's hourly ANALYZE (lib/db/maintenance.ts) gives the planner.
  await pglite.exec("ANALYZE audit_event");
  await pglite.close();
  return Math.round(performance.now() - started);
}

function p95(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50: +s[Math.floor(s.length * 0.5)]!.toFixed(1),
    p95: +s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!.toFixed(1),
    max: +s[s.length - 1]!.toFixed(1),
  };
}

async function measure(db: Db, n: number) {
  const time = async (fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    await fn(); // warm
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
    return p95(samples);
  };
  const mid = await listAuditEvents(TEAM, {}, { db, limit: 1 });
  // a cursor half-way down the trail (deep page)
  const midAt = new Date(BASE + Math.floor(n / 2) * 30_000).toISOString();
  const deepCursor = Buffer.from(JSON.stringify([midAt, String(Math.floor(n / 2))])).toString("base64url");
  const filters: Record<string, AuditFilter> = {
    action: { action: "cloud:VPC.AssociateEipAddress" },
    actionPrefixAndFailure: { action: "cloud:*", outcome: "failure" },
    resource: { resource: "eip-bench1234" },
    deployment: { deploymentId: "dep-42" },
    actor: { actor: "user-7" },
    timeRange: { from: new Date(BASE + n * 15_000).toISOString(), to: new Date(BASE + n * 16_000).toISOString() },
  };
  const pages: Record<string, unknown> = {
    firstPage: await time(() => listAuditEvents(TEAM, {}, { db })),
    deepPage: await time(() => listAuditEvents(TEAM, {}, { db, cursor: deepCursor })),
  };
  for (const [name, f] of Object.entries(filters)) {
    const first = await listAuditEvents(TEAM, f, { db });
    console.log(`  filtered.${name}…`);
    pages[`filtered.${name}`] = { ...(await time(() => listAuditEvents(TEAM, f, { db }))), rows: first.events.length };
    if (first.nextCursor)
      pages[`filtered.${name}.page2`] = await time(() => listAuditEvents(TEAM, f, { db, cursor: first.nextCursor }));
  }
  void mid;

  // Also here, in the process that just seeded the trail, for comparison with the fresh process's figure.
  console.log("  verify (this process)…");
  const v0 = performance.now();
  const verdict = await verifyAuditChain(db, TEAM);
  const vs = (performance.now() - v0) / 1000;
  return {
    pages,
    verifyInSeedingProcess: {
      ok: verdict.ok,
      checked: verdict.checked,
      seconds: +vs.toFixed(1),
      eventsPerSecond: Math.round(verdict.checked / vs),
    },
  };
}

const results: Record<string, unknown> = {
  bench: "audit",
  at: new Date().toISOString(),
  host: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  runs: RUNS,
};

/**
 * One measurement (bench/audit.child.ts) in a process of its own that does
 * nothing else, with the server's V8 flags: the full CSV export as a client
 * downloads it (so its RSS is the export's and not the seeding's), or the
 * chain verification. `heapCapMB` caps V8's old generation: an export that
 * completes under a small cap holds only a bounded amount live, whatever RSS
 * V8's lazy collection shows without one.
 */
function inFreshProcess(
  mode: "export" | "verify",
  target: DatabaseTarget,
  heapCapMB?: number,
): Promise<Record<string, unknown>> {
  const env = { ...process.env };
  if (heapCapMB) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --max-old-space-size=${heapCapMB}`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, path.join(import.meta.dirname, "audit.child.ts"), mode, JSON.stringify(target), TEAM],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env,
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, unknown>)
        : reject(new Error(`${mode} child exited ${code}`)),
    );
  });
}

/**
 * Everything measured on one seeded database: pages and verification through
 * `conn` in this process (closed afterwards, so that PGlite's directory is
 * free), then verification, the export, and the export under a 64 MB old
 * generation, each in a fresh process.
 */
async function measureDatabase(conn: Connection, n: number, seedMs: number) {
  const target = conn.target;
  const db = createPrismaClient(conn);
  const measured = await measure(db, n);
  await db.$disconnect();
  await conn.close();
  console.log("  verify, export, export under a 64 MB heap (fresh processes)…");
  const result = {
    events: n,
    seedMs,
    ...measured,
    verify: await inFreshProcess("verify", target),
    export: await inFreshProcess("export", target),
    exportHeapCapped64MB: await inFreshProcess("export", target, 64),
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}

// ---------------------------------------------------------------- PostgreSQL
if (process.env.BENCH_SKIP_PG !== "1") {
  const name = `eipilot_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const target: DatabaseTarget = { kind: "postgres", url: url.toString() };
    const conn = openConnection(target);
    await applyMigrations(conn.adapter);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    console.log(`[pg] seeding ${EVENTS} events…`);
    const seedMs = await seed((sql, params) => client.query(sql, params), EVENTS);
    await client.end();
    console.log(`[pg] seeded in ${seedMs} ms; measuring…`);
    results.postgres = await measureDatabase(conn, EVENTS, seedMs);
  } catch (e) {
    results.postgres = { error: e instanceof Error ? e.message : String(e) };
    console.error("[pg]", e);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}

// ---------------------------------------------------------------- PGlite
// File-backed (as `npm start` runs it), in a temporary directory, so that the
// export can be measured in a fresh process once this one has closed it.
if (process.env.BENCH_SKIP_PGLITE !== "1") {
  const dir = mkdtempSync(path.join(os.tmpdir(), "eipilot-bench-pglite-"));
  const target: DatabaseTarget = { kind: "pglite", dataDir: dir };
  try {
    console.log(`[pglite] seeding ${PGLITE_EVENTS} events…`);
    const seedMs = await seedPgliteByCopy(dir, PGLITE_EVENTS);
    console.log(`[pglite] seeded in ${seedMs} ms; measuring…`);
    // Opened as the server opens it.
    results.pglite = await measureDatabase(openConnection(target), PGLITE_EVENTS, seedMs);
  } catch (e) {
    results.pglite = { error: e instanceof Error ? e.message : String(e) };
    console.error("[pglite]", e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const out = path.resolve(import.meta.dirname, "results", "audit.json");
mkdirSync(path.dirname(out), { recursive: true });
// A run that skipped one database keeps that database's previous figures.
try {
  const previous = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  for (const k of ["postgres", "pglite"]) if (!(k in results) && k in previous) results[k] = previous[k];
} catch {
  /* first run */
}
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`wrote ${out}`);
