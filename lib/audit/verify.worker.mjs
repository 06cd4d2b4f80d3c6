// @ts-check
// The worker thread of verifyAuditChain (chain.ts): parses and hashes batches
// of a team's events while the main thread fetches the next ones, so the
// database's work and ours overlap (on PGlite both used to share one thread).
// Messages: { id, batch } in, { id, check } or { id, error } out, in order.
import { parentPort } from "node:worker_threads";
import { checkBatch } from "./canonical.mjs";

if (!parentPort) throw new Error("verify.worker.mjs runs as a worker thread");
const port = parentPort;
port.on("message", (/** @type {{ id: number; batch: string }} */ { id, batch }) => {
  try {
    port.postMessage({ id, check: checkBatch(batch) });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
