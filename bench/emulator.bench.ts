// npm run bench:emulator — signed DescribeNetworkInterfaces per second over loopback,
// with the official SDK as the client. Writes bench/results/emulator.json.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { $Ecs, ecsClient } from "../emulator/sdk";

const DURATION_MS = Number(process.env.BENCH_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

// The emulator runs in its own process (as `npm run emulator` does), so the server gets
// its own core and the SDK client (signing, model parsing) another.
const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", "--port", "0", "--latencies", "zero"], {
  cwd: path.resolve(import.meta.dirname, ".."),
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise<string>((resolve, reject) => {
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
    if (m) resolve(m[1]!);
  });
  child.on("exit", (c) => reject(new Error(`emulator exited ${c}`)));
});
const endpoint = url.replace("http://", "");
const client = ecsClient({ endpoint });
const req = () =>
  client.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: "ap-northeast-1" }));

for (let k = 0; k < 200; k++) await req(); // warm-up (JIT, sockets)

const latencies: number[] = [];
let errors = 0;
const stopAt = performance.now() + DURATION_MS;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < stopAt) {
      const t0 = performance.now();
      try {
        await req();
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
// server-side processing time per request, from the emulator's request log (last 2000)
const log = (await (await fetch(`${url}/_emulator/requests`)).json()) as Array<{ durationMs: number }>;
child.kill("SIGTERM");
const server = log.map((r) => r.durationMs).sort((a, b) => a - b);
const sq = (p: number) => server[Math.min(server.length - 1, Math.floor(p * server.length))] ?? 0;

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 100) / 100;
const result = {
  benchmark: "emulator: signed DescribeNetworkInterfaces over loopback (official SDK client, ACS3-HMAC-SHA256)",
  date: new Date().toISOString(),
  machine: {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  },
  note: "emulator in its own process (npm run emulator); client = official SDK in the bench process; latency = client-observed round trip",
  durationSeconds: Math.round(elapsed * 100) / 100,
  concurrency: CONCURRENCY,
  requests: latencies.length,
  errors,
  requestsPerSecond: Math.round(latencies.length / elapsed),
  latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) },
  serverProcessingMs: { samples: server.length, p50: sq(0.5), p99: sq(0.99) },
  target: { requestsPerSecond: 1000, p99Ms: 20 },
};
const out = path.resolve(import.meta.dirname, "results/emulator.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify(result, null, 2));
