// npm run bench:web — the production server under load (issue 20, "a faster server"):
//  1. `npm start` (scripts/start.mjs: the production build, migrations, the demo emulator) on its own port and
//     its own fresh data directory (PGlite), or on BENCH_WEB_DATABASE_URL (PostgreSQL) when that is set;
//  2. idle RSS after start: every process of the tree start.mjs heads (the server, the emulator, start.mjs itself),
//     read from /proc once the health check answers and the server has been idle for IDLE_SECONDS;
//  3. autocannon against the dashboard (`/`) for a signed-in user (a real session cookie from sign-up), and
//     against /api/health, CONNECTIONS concurrent connections each, DURATION seconds, after a warm-up;
//     every response's latency is kept to give p50/p95/p99 (autocannon's own summary has no p95).
// Goals: dashboard ≥ 100 requests/s with p95 < 500 ms, health ≥ 1,000 requests/s, idle RSS ≤ 300 MB.
// Figures depend on the machine and on what else runs on it: the result records cores, load average and node.
// Writes bench/results/web.json. Never part of the unit suite (it builds and starts the whole app).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

const root = path.resolve(import.meta.dirname, "..");
const PORT = Number(process.env.BENCH_WEB_PORT ?? 3392);
const BASE = `http://127.0.0.1:${PORT}`;
const CONNECTIONS = Number(process.env.BENCH_WEB_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_WEB_SECONDS ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_WEB_IDLE_SECONDS ?? 15);
const DATA_DIR = path.join(root, "data", `bench-web-${PORT}`);
const GOALS = { dashboardRps: 100, dashboardP95Ms: 500, healthRps: 1000, idleRssMB: 300 };

const round = (n: number) => Math.round(n * 10) / 10;
const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : NaN;

/** The RSS of a process and all its descendants, from /proc (Linux), in MB, per command. */
function treeRss(pid: number): { totalMB: number; processes: Array<{ pid: number; cmd: string; rssMB: number }> } {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: Array<{ pid: number; cmd: string; rssMB: number }> = [];
  const walk = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").filter(Boolean).slice(0, 3).join(" ");
      out.push({ pid: p, cmd: cmd.slice(0, 100), rssMB: round(kb / 1024) });
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return { totalMB: round(out.reduce((a, p) => a + p.rssMB, 0)), processes: out };
}

async function waitHealthy(server: ChildProcess, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`);
    try {
      const r = await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`no healthy answer from ${BASE}/api/health within ${timeoutMs / 1000} s`);
}

/** A new user through the app's own sign-up endpoint: its session cookie, and the dashboard answering for it. */
async function signedInCookie(): Promise<string> {
  const id = Date.now().toString(36);
  const res = await fetch(`${BASE}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify({ name: `bench ${id}`, email: `bench-${id}@example.com`, password: `Correct-Horse-${id}` }),
  });
  if (!res.ok) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
  if (!cookie) throw new Error("sign-up set no cookie");
  // The first page view makes the user's team (and its demo world); the benchmark measures the views after it.
  const page = await fetch(`${BASE}/`, { headers: { cookie }, redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200 || !html.includes("Deployments"))
    throw new Error(`the dashboard answered ${page.status} for the signed-in user, not the dashboard`);
  return cookie;
}

type Load = { requestsPerSecond: number; p50ms: number; p95ms: number; p99ms: number; non2xx: number; errors: number };

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  return {
    requestsPerSecond: round(r.requests.total / seconds),
    p50ms: round(pct(latencies, 50)),
    p95ms: round(pct(latencies, 95)),
    p99ms: round(pct(latencies, 99)),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

function stop(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null) return resolve();
    const kill = setTimeout(() => server.kill("SIGKILL"), 20_000);
    server.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    server.kill("SIGTERM");
  });
}

async function round1(database: "pglite" | "postgresql") {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT),
    DATA_DIR,
    APP_URL: BASE,
    LOG_LEVEL: "warn",
    AUTH_SIGNIN_LIMIT: "100000",
    NODE_ENV: "production",
  };
  if (database === "postgresql") env.DATABASE_URL = process.env.BENCH_WEB_DATABASE_URL;
  else delete env.DATABASE_URL;
  const started = Date.now();
  const server = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  server.stdout!.on("data", (b) => (log = (log + b).slice(-4000)));
  server.stderr!.on("data", (b) => (log = (log + b).slice(-4000)));
  try {
    await waitHealthy(server, 15 * 60_000);
    const readyMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const idle = treeRss(server.pid!);
    const cookie = await signedInCookie();
    // Warm-up: the first requests compile nothing in production, but fill caches and JIT the hot paths.
    await load(`${BASE}/`, { cookie }, 5);
    const dashboard = await load(`${BASE}/`, { cookie }, DURATION);
    await load(`${BASE}/api/health`, {}, 3);
    const health = await load(`${BASE}/api/health`, {}, DURATION);
    const afterLoad = treeRss(server.pid!);
    return {
      database,
      readyMs,
      idleRss: {
        ...idle,
        afterSeconds: IDLE_SECONDS,
        goalMB: GOALS.idleRssMB,
        withinGoal: idle.totalMB <= GOALS.idleRssMB,
      },
      rssAfterLoadMB: afterLoad.totalMB,
      dashboard: {
        ...dashboard,
        goal: `≥ ${GOALS.dashboardRps} requests/s, p95 < ${GOALS.dashboardP95Ms} ms`,
        withinGoal:
          dashboard.requestsPerSecond >= GOALS.dashboardRps &&
          dashboard.p95ms < GOALS.dashboardP95Ms &&
          !dashboard.non2xx,
      },
      health: {
        ...health,
        goal: `≥ ${GOALS.healthRps} requests/s`,
        withinGoal: health.requestsPerSecond >= GOALS.healthRps && !health.non2xx,
      },
    };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- npm start output (tail):\n${log}`);
  } finally {
    await stop(server);
    fs.rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

async function main() {
  const results: Record<string, unknown> = {
    host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavgAtStart: os.loadavg() },
    method: `npm start (production build) on port ${PORT}, fresh data dir; autocannon ${CONNECTIONS} connections × ${DURATION} s per URL after a warm-up; idle RSS of the whole process tree ${IDLE_SECONDS} s after the first healthy answer`,
    at: new Date().toISOString(),
  };
  results.pglite = await round1("pglite");
  if (process.env.BENCH_WEB_DATABASE_URL) results.postgresql = await round1("postgresql");
  else results.postgresql = { skipped: "set BENCH_WEB_DATABASE_URL=postgresql://… to measure on PostgreSQL too" };
  results.loadavgAtEnd = os.loadavg();
  fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench/results/web.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
