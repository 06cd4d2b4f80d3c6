// Client-side request pacing per cloud account and endpoint: a token bucket that
// queues callers instead of letting the cloud answer Throttling. Off unless set
// (EIPILOT_CLOUD_MAX_RPS or configureRateLimit), because Alibaba Cloud's limits
// depend on the account and the API.

export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private queue: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  constructor(
    readonly rps: number,
    readonly burst = 1,
  ) {
    this.tokens = burst;
  }
  private refill() {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
  }
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.drain();
    });
  }
  private drain() {
    this.refill();
    while (this.queue.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length && !this.timer) {
      const wait = Math.ceil(((1 - this.tokens) / this.rps) * 1000);
      this.timer = setTimeout(
        () => {
          this.timer = null;
          this.drain();
        },
        Math.max(1, wait),
      );
    }
  }
}

const limiters = new Map<string, RateLimiter | null>();

function envRps(): number | null {
  const v = Number(process.env.EIPILOT_CLOUD_MAX_RPS);
  return Number.isFinite(v) && v > 0 ? v : null;
}

export function limiterKey(accessKeyId: string, endpoint: string | undefined) {
  return `${accessKeyId}|${endpoint ?? ""}`;
}

/** Sets (or with null removes) the request-rate cap for one account+endpoint. */
export function configureRateLimit(accessKeyId: string, endpoint: string | undefined, rps: number | null, burst = 1) {
  limiters.set(limiterKey(accessKeyId, endpoint), rps ? new RateLimiter(rps, burst) : null);
}

export function limiterFor(accessKeyId: string, endpoint: string | undefined): RateLimiter | null {
  const key = limiterKey(accessKeyId, endpoint);
  if (!limiters.has(key)) {
    const rps = envRps();
    limiters.set(key, rps ? new RateLimiter(rps) : null);
  }
  return limiters.get(key) ?? null;
}
