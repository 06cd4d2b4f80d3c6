// Each team's demo account is its own Alibaba Cloud account in the emulator: its own AccessKey
// pair acting on its own world (emulator/worlds.ts). The app makes the pair, stores it like any
// account's, and registers it with the emulator (`POST /_emulator/worlds`, idempotent) before it
// is used. The emulator may have restarted without its --state file, and several app replicas may
// share one emulator: every replica registers a pair again when it has not done so for a while,
// and the emulator answers the same world for the same pair.
import { randomInt } from "node:crypto";
import { logger } from "@/lib/server/logger";
import { isLoopbackEndpoint } from "./client";

export type DemoKeyPair = { accessKeyId: string; accessKeySecret: string };

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const chars = (n: number) => Array.from({ length: n }, () => BASE62[randomInt(BASE62.length)]).join("");

/** A fresh pair shaped like Alibaba Cloud's: a 24-character `LTAI5t…` id and a 30-character secret. */
export function newDemoKeyPair(): DemoKeyPair {
  return { accessKeyId: `LTAI5t${chars(18)}`, accessKeySecret: chars(30) };
}

/** How long a registration is trusted before the next use registers the pair again. */
const RECHECK_MS = 60_000;
const registered = new Map<string, { done: Promise<void>; at: number }>();

/**
 * Makes sure the emulator at `endpoint` ("127.0.0.1:PORT") has the world of `pair`. Registration
 * runs once per pair at a time and is trusted for a minute; a failure is logged (without the
 * secret) and retried on the next use — the cloud call that follows reports the real problem.
 */
export function ensureDemoWorld(endpoint: string, pair: DemoKeyPair): Promise<void> {
  const key = `${endpoint}|${pair.accessKeyId}`;
  const now = Date.now();
  const hit = registered.get(key);
  if (hit && now - hit.at < RECHECK_MS) return hit.done;
  const done = register(endpoint, pair).catch((err: unknown) => {
    registered.delete(key);
    logger.warn(
      { err: err instanceof Error ? err.message : String(err), accessKeyId: pair.accessKeyId },
      "could not register a demo account's world with the emulator",
    );
  });
  registered.set(key, { done, at: now });
  return done;
}

async function register(endpoint: string, pair: DemoKeyPair): Promise<void> {
  // The emulator's admin API answers on loopback only; nothing else is ever asked.
  if (!isLoopbackEndpoint(endpoint)) throw new Error(`the emulator endpoint ${endpoint} is not a loopback address`);
  const post = () =>
    fetch(`http://${endpoint.replace(/^https?:\/\//, "")}/_emulator/worlds`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(pair),
      signal: AbortSignal.timeout(30_000),
    });
  // A kept-alive connection to an emulator that has since restarted fails once ("other side
  // closed"); registering is idempotent, so it is simply sent again on a new connection.
  const res = await post().catch((e: unknown) => {
    if (e instanceof TypeError) return post();
    throw e;
  });
  if (!res.ok) throw new Error(`emulator answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}
