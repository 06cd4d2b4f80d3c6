// Planner statistics for the embedded database. PGlite runs PostgreSQL in
// single-user mode, without autovacuum, so nothing ever runs ANALYZE and the
// planner guesses: on a 100k-event audit trail the keyset pages then scan and
// sort instead of walking an index, 5–10x slower (and worse as the trail
// grows). The server analyzes at start and then hourly; a PostgreSQL server's
// autovacuum does the same on its own.
import type { Db } from "./client";
import type { DatabaseTarget } from "./connection";

export const STATISTICS_INTERVAL_MS = 60 * 60 * 1000;

export async function refreshPlannerStatistics(db: Db): Promise<void> {
  await db.$executeRawUnsafe("ANALYZE");
}

/** Starts the hourly ANALYZE when `target` is the embedded PGlite; a no-op for PostgreSQL. */
export function keepPlannerStatistics(
  target: DatabaseTarget,
  db: () => Db,
  onDone: (result: { ms: number } | { error: unknown }) => void,
): void {
  if (target.kind !== "pglite") return;
  const run = () => {
    const started = performance.now();
    refreshPlannerStatistics(db()).then(
      () => onDone({ ms: Math.round(performance.now() - started) }),
      (error: unknown) => onDone({ error }),
    );
  };
  run();
  setInterval(run, STATISTICS_INTERVAL_MS).unref();
}
