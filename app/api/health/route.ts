// Liveness for operators and load balancers: database and emulator reachability.
import { db } from "@/lib/db/client";
import { env } from "@/lib/server/env";

export const dynamic = "force-dynamic";

async function check(fn: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: e instanceof Error ? e.message.slice(0, 200) : "unreachable",
    };
  }
}

export async function GET() {
  const database = await check(() => db().$queryRaw`SELECT 1`);
  const endpoint = env().EMULATOR_ENDPOINT;
  const emulator = endpoint
    ? await check(async () => {
        const res = await fetch(`http://${endpoint}/_emulator/health`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok && res.status !== 404) throw new Error(`HTTP ${res.status}`);
      })
    : { ok: true, skipped: "no emulator: real Alibaba Cloud mode" };
  const ok = database.ok && emulator.ok;
  return Response.json(
    { status: ok ? "ok" : "degraded", database, emulator, mode: endpoint ? "demo" : "cloud" },
    { status: ok ? 200 : 503 },
  );
}
