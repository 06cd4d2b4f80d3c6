// One result shared by every caller within a short window: many concurrent requests for the same
// check (a load balancer's and a monitor's health probes) run it once, not once each.

/**
 * `fn` run at most once per `ms`: callers within the window get the same promise (the one in flight, or
 * its result). A failure is shared the same way and tried again after the window. `now` is for tests.
 */
export function sharedFor<T>(ms: number, fn: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; result: Promise<T> } | null = null;
  return () => {
    const t = now();
    if (last && t - last.at < ms) return last.result;
    last = { at: t, result: fn() };
    return last.result;
  };
}
