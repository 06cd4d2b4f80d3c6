// Repair: put back what a drift check found changed — reassociate, reassign, reattach — by running the
// deployment's recorded spec again through the durable executor. The planner plans only what differs from
// the record (a call for each missing piece, no-ops for the rest), so the plan shown before anything runs
// is exactly the calls the repair will make.
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { msg } from "@/lib/i18n/errors";
import type { Plan } from "./model";
import { hasErrors, type Finding } from "./preflight";
import { beginRun, executeRun, RunRefused, type RunResult } from "./executor";
import { engineRuntime, planDeployment, runPreflight, type DriftItem } from "./deployment.service";
import { checkDeploymentDrift } from "./drift-check.service";

export type RepairPlan = {
  /** What the last check found (re-checked now). */
  drift: DriftItem[];
  /** The exact calls (steps that are not no-ops) the repair would make, in order. */
  plan: Plan;
  findings: Finding[];
  /** False when pre-flight found errors (a deleted ENI, a released EIP…): repair cannot put those back. */
  canRun: boolean;
};

/** The repair's plan, shown before anything runs (a preview: nothing changes in the cloud). */
export async function planRepair(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null } = {},
): Promise<RepairPlan> {
  const check = await checkDeploymentDrift(teamId, id, { actor: opts.actor, source: "repair" });
  if (check.status !== "drifted" && check.status !== "succeeded")
    throw new RunRefused("BAD_STATUS", msg("repair.badStatus"));
  const pre = await runPreflight(teamId, id, { actor: opts.actor });
  const plan = await planDeployment(teamId, id, { actor: opts.actor });
  return { drift: check.drift, plan, findings: pre.findings, canRun: !hasErrors(pre.findings) && plan.changes > 0 };
}

/**
 * Starts the repair of a drifted deployment: an apply run of its recorded spec. Returns once the run is
 * recorded; `done` settles when it ends, after a drift check that confirms the deployment is in sync.
 */
export async function startRepair(
  teamId: string,
  actor: AuditActor | null,
  id: string,
): Promise<{ status: string; plan: Plan; done: Promise<RunResult & { inSync: boolean | null }> }> {
  const preview = await planRepair(teamId, id, { actor });
  if (!preview.drift.length) throw new RunRefused("NOTHING_TO_DO", msg("repair.inSync"));
  if (hasErrors(preview.findings))
    throw new RunRefused(
      "PREFLIGHT_FAILED",
      msg("repair.cannotRepair", {
        findings: (l) =>
          preview.findings
            .filter((f) => f.severity === "error")
            .map((f) => f.message[l])
            .join(" "),
      }),
      preview.findings,
    );
  if (preview.plan.changes === 0) throw new RunRefused("NOTHING_TO_DO", msg("repair.noCalls"));
  const { db, executor } = engineRuntime();
  await beginRun(
    db,
    { teamId, deploymentId: id, phase: "apply", from: ["drifted"], plan: preview.plan, actor },
    executor.owner,
    executor.leaseMs,
  );
  await appendAuditEvent(db, {
    teamId,
    ...actorFields(actor),
    action: "app:deployment.repair",
    deploymentId: id,
    targets: [id],
    params: { deploymentId: id, drift: preview.drift.length, calls: preview.plan.changes },
    outcome: "success",
  });
  const done = executeRun(db, id, executor).then(async (r) => {
    if (r.status !== "succeeded") return { ...r, inSync: null };
    const after = await checkDeploymentDrift(teamId, id, { actor, source: "repair" });
    return { ...r, inSync: after.inSync };
  });
  done.catch(() => {});
  return { status: "running", plan: preview.plan, done };
}
