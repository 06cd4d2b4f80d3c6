// Runs once when the Next.js server starts: wire the deployment engine and take
// over deployments whose server died mid-run (their lease expired), then keep
// sweeping so a run orphaned by another replica is finished here too.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("@/lib/server/logger");
  const { ensureDeployEngine } = await import("@/lib/deploy/engine");
  const { resumeInterruptedRuns } = await import("@/lib/deploy/deployment.service");
  ensureDeployEngine();

  const sweep = () => {
    resumeInterruptedRuns()
      .then((runs) => {
        if (runs.length) logger.info({ statuses: runs.map((r) => r.status) }, "finished interrupted deployments");
      })
      .catch((err) => logger.error({ err }, "resuming interrupted deployments failed"));
  };
  sweep();
  setInterval(sweep, 15_000).unref();
}
