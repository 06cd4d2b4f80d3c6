// The teardown's first step when the guest configuration was applied through Cloud Assistant:
// run the bundle's rollback.sh on the instance (RunCommand, audited through cloudCall like every
// cloud call) and fail the step — so that nothing else changes — unless it exits 0.
import type { Db } from "@/lib/db/client";
import type { CloudContext, WireBody } from "@/lib/cloud/call";
import { CloudError } from "@/lib/cloud/errors";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { outputTail, packScript, ranCleanly, runShellScript } from "@/lib/guest/cloud-assistant";

export const GUEST_ROLLBACK_FAILED = "GuestRollbackFailed";

export type GuestRollbackOptions = { timeoutSeconds?: number; pollMs?: number; pollCapMs?: number };

function failure(message: string, requestId: string | null = null): CloudError {
  return new CloudError({ code: GUEST_ROLLBACK_FAILED, message, requestId, action: "RunCommand", retryable: false });
}

export async function runGuestRollback(
  db: Db,
  ctx: CloudContext,
  deploymentId: string,
  params: Record<string, unknown>,
  opts: GuestRollbackOptions = {},
): Promise<WireBody> {
  const instanceId = String(params.InstanceId);
  const version = Number(params.ScriptVersion);
  const script = await db.routeScript.findFirst({ where: { deploymentId, version }, select: { files: true } });
  const file = ((script?.files ?? []) as Array<{ path: string; content: string }>).find(
    (f) => f.path === "rollback.sh",
  );
  if (!file) throw failure(`The guest-OS bundle v${version} has no rollback.sh; nothing else was changed.`);
  let body: WireBody;
  let ok = false;
  try {
    const r = await runShellScript(ctx, instanceId, packScript(file.content), {
      name: `eipilot-rollback-v${version}`,
      description: `EIPilot deployment ${deploymentId}: rollback.sh before teardown`,
      timeoutSeconds: opts.timeoutSeconds ?? 120,
      pollMs: opts.pollMs,
      pollCapMs: opts.pollCapMs,
    });
    ok = ranCleanly(r);
    body = {
      InvokeId: r.invokeId,
      InvocationStatus: r.status,
      ExitCode: r.exitCode,
      Output: outputTail(r.output, 4096),
    };
    const ended = `rollback.sh ended ${r.status} (exit ${r.exitCode ?? "—"})`;
    await audit(
      db,
      ctx,
      deploymentId,
      instanceId,
      version,
      { invokeId: r.invokeId, status: r.status, exitCode: r.exitCode },
      ok ? null : ended,
    );
    if (!ok) {
      throw failure(
        `${ended} on ${instanceId}, so the teardown stopped before changing anything else. Output: ${outputTail(r.output.trim(), 600) || "(none)"}`,
      );
    }
  } catch (e) {
    if (e instanceof CloudError && e.code === GUEST_ROLLBACK_FAILED) throw e;
    if (!ok)
      await audit(
        db,
        ctx,
        deploymentId,
        instanceId,
        version,
        null,
        e instanceof Error ? e.message : String(e),
        e instanceof CloudError ? e.code : null,
      ).catch(() => {});
    const why = e instanceof CloudError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    throw failure(
      `Cloud Assistant could not run rollback.sh on ${instanceId} (${why}), so the teardown stopped before changing anything else.`,
      e instanceof CloudError ? e.requestId : null,
    );
  }
  await markRolledBack(db, deploymentId);
  return body;
}

/**
 * The run is recorded like the apply/verify runs (guest-run.service.ts): `invocations` with its id, status and exit
 * code (never its output); a failure's text goes to the event's error message. `run` is null when
 * Cloud Assistant never started it.
 */
async function audit(
  db: Db,
  ctx: CloudContext,
  deploymentId: string,
  instanceId: string,
  version: number,
  run: { invokeId: string; status: string; exitCode: number | null } | null,
  error: string | null,
  errorCode: string | null = null,
) {
  await appendAuditEvent(db, {
    teamId: ctx.teamId,
    // The user whose Tear down runs this step (the run's context carries them), else the system.
    ...(ctx.actor !== undefined ? actorFields(ctx.actor) : { actorType: "system" }),
    action: "guest.rollback",
    deploymentId,
    targets: [deploymentId, instanceId],
    params: {
      deploymentId,
      instanceId,
      scriptVersion: version,
      phase: "teardown",
      invocations: run ? [{ action: "rollback", ...run }] : [],
    },
    outcome: error ? "failure" : "success",
    errorCode,
    errorMessage: error,
  });
}

/** The Guest configuration results are from before: say so (guest-run.service.ts reads Deployment.checks.guest). */
async function markRolledBack(db: Db, deploymentId: string) {
  const d = await db.deployment.findUnique({ where: { id: deploymentId }, select: { checks: true } });
  const checks = (d?.checks ?? null) as ({ guest?: Record<string, unknown> } & Record<string, unknown>) | null;
  if (!checks?.guest) return;
  await db.deployment.update({
    where: { id: deploymentId },
    data: { checks: { ...checks, guest: { ...checks.guest, rolledBack: true } } as never },
  });
}
