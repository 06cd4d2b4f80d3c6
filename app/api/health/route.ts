// Liveness for operators and load balancers: database and emulator reachability.
import { db } from "@/lib/db/client";
import { env } from "@/lib/server/env";
import { sharedFor } from "@/lib/server/shared-result";

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

/**
 * The checks, run at most once a second whoever asks: under many probes (or a load test) each request
 * no longer pays a database round trip and an HTTP call to the emulator; an answer is at most 1 s old.
 */
const checkAll = sharedFor(1000, async () => {
  const database = await check(() => db().$queryRaw`SELECT 1`);
  const endpoint = env().EMULATOR_ENDPOINT;
  const emulator = endpoint
    ? await check(async () => {
        const res = await fetch(`http://${endpoint}/_emulator/health`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok && res.status !== 404) throw new Error(`HTTP ${res.status}`);
      })
    : { ok: true, skipped: "no emulator: real Alibaba Cloud mode" };
  const ok = database.ok && emulator.ok;
  return {
    status: ok ? 200 : 503,
    body: { status: ok ? "ok" : "degraded", database, emulator, mode: endpoint ? "demo" : "cloud" },
  };
});

export async function GET() {
  const { status, body } = await checkAll();
  return Response.json(body, { status });
}
