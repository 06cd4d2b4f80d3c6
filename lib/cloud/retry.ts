// The one retry policy for cloud calls: capped exponential backoff with full jitter, retrying only
// the errors lib/cloud/errors.ts calls retryable (throttling, 5xx, network), honouring the server's
// Retry-After up to the cap. Runs use it for their steps (lib/deploy/step-runner.ts); reads made
// for pre-flight, planning and the wizard's inventory use it through CloudContext.readRetry.
import { toCloudError } from "./errors";

export type RetryPolicy = {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
};

/** What runs use unless the engine is configured otherwise (lib/deploy/executor.ts options). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseMs: 200, capMs: 5000 };

/** Capped exponential backoff with full jitter: a random wait in [0, min(cap, base·2^(attempt-1))). */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1));
}

/** The wait before the attempt after `attempt`: the backoff, or the server's Retry-After when longer (never beyond the cap). */
export function retryDelayMs(retryAfterMs: number | null, attempt: number, p: RetryPolicy): number {
  return Math.max(Math.min(retryAfterMs ?? 0, p.capMs), backoffMs(attempt, p.baseMs, p.capMs));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs an idempotent read, again after a retryable failure, up to the policy's attempts. A
 * non-retryable error (NotFound, Forbidden, bad parameter) is thrown at once.
 */
export async function withReadRetries<T>(policy: RetryPolicy, action: string, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (e) {
      const err = toCloudError(e, action);
      if (!err.retryable || attempt >= policy.maxAttempts) throw e;
      await sleep(retryDelayMs(err.retryAfterMs, attempt, policy));
    }
  }
}
