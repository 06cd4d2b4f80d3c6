// Runs once when the Next.js server starts: wire the deployment engine and take
// over deployments whose server died mid-run (their lease expired), then keep
// sweeping so a run orphaned by another replica is finished here too (and a fleet rollout, after its runs). On the
// embedded PGlite, also keep the planner's statistics (lib/db/maintenance.ts).
// Sign a checkpoint of every team's audit trail every AUDIT_CHECKPOINT_MINUTES,
// and warn loudly when the app's PostgreSQL role could rewrite that trail.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("@/lib/server/logger");
  const { ensureDeployEngine } = await import("@/lib/deploy/engine");
  const { resumeInterruptedRuns } = await import("@/lib/deploy/deployment.service");
  ensureDeployEngine();

  const { resumeInterruptedFleets } = await import("@/lib/fleet/rollout");
  // Members' runs first (each is an ordinary deployment run), then the fleets whose rollout lost its server:
  // the rollout reads its members' state from their deployments, so each member runs once.
  const sweep = () => {
    resumeInterruptedRuns()
      .then((runs) => {
        if (runs.length) logger.info({ statuses: runs.map((r) => r.status) }, "finished interrupted deployments");
        return resumeInterruptedFleets();
      })
      .then((fleets) => {
        if (fleets.length) logger.info({ fleets: fleets.map((f) => f.id) }, "resumed interrupted fleet rollouts");
      })
      .catch((err) => logger.error({ err }, "resuming interrupted deployments or fleets failed"));
  };
  sweep();
  setInterval(sweep, 15_000).unref();

  // Scheduled drift checks (per team, default every 15 minutes) and webhook deliveries: each due item is
  // claimed with a lease, so with several replicas one of them does it.
  const { startDriftSchedule } = await import("@/lib/deploy/drift-schedule.service");
  const { startWebhookDelivery } = await import("@/lib/notify/webhooks.service");
  startDriftSchedule();
  startWebhookDelivery();

  const { db } = await import("@/lib/db/client");
  const { databaseTarget } = await import("@/lib/db/connection");
  const { keepPlannerStatistics } = await import("@/lib/db/maintenance");
  keepPlannerStatistics(databaseTarget(), db, (r) => {
    if ("error" in r) logger.error({ err: r.error }, "ANALYZE of the embedded database failed");
    else logger.info({ ms: r.ms }, "planner statistics refreshed");
  });

  const { checkpointMinutes, checkpointSweep } = await import("@/lib/audit/checkpoint");
  const signCheckpoints = () => {
    checkpointSweep(db())
      .then((n) => {
        if (n) logger.info({ teams: n }, "audit checkpoints signed");
      })
      .catch((err) => logger.error({ err }, "signing audit checkpoints failed"));
  };
  signCheckpoints();
  setInterval(signCheckpoints, checkpointMinutes() * 60_000).unref();

  if (databaseTarget().kind === "postgres") {
    const { roleFacts, roleWarnings } = await import("@/lib/db/roles");
    roleFacts((sql, ...values) => db().$queryRawUnsafe(sql, ...values))
      .then((facts) => {
        for (const warning of roleWarnings(facts)) {
          logger.warn({ role: facts.user }, warning);
          console.error(`\n[eipilot] WARNING: ${warning}\n`);
        }
      })
      .catch((err) => logger.error({ err }, "checking the database role's privileges failed"));
  }
}
