// Refresh that acts on what it finds: a deployment whose live state differs from its record becomes
// `drifted` at once (status, topology and the per-EIP table show it), and `succeeded` again when a later
// check finds it back in sync. Each finding is in the audit trail; a new finding queues a `drift` webhook.
import { db } from "@/lib/db/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor } from "@/lib/audit/actor";
import { enqueueWebhookEvent } from "@/lib/notify/webhooks.service";
import { refreshDeployment, type DriftItem } from "./deployment.service";

export type DriftCheckResult = {
  drift: DriftItem[];
  checkedAt: string;
  inSync: boolean;
  /** The deployment's status after the check (`drifted` or `succeeded` for a live deployment). */
  status: string;
};

/** Statuses a drift check moves between; others (running, torn down, drafts…) keep theirs. */
const LIVE = ["succeeded", "drifted"];

const fingerprint = (items: DriftItem[]) =>
  JSON.stringify(items.map((i) => [i.resource, i.field, i.expected, i.actual]).sort());

/**
 * Compares the record with the live state (lib/deploy/drift.ts) and records the result on the deployment:
 * `drift`, `driftCheckedAt` and the status. `source` says who asked (the audit trail and the webhook tell).
 */
export async function checkDeploymentDrift(
  teamId: string,
  id: string,
  opts: { actor?: AuditActor | null; source?: "refresh" | "schedule" | "repair" } = {},
): Promise<DriftCheckResult> {
  const r = await refreshDeployment(teamId, id, { actor: opts.actor });
  const status = await db().$transaction(async (tx) => {
    const d = await tx.deployment.findFirst({
      where: { id, teamId },
      select: { status: true, drift: true, name: true },
    });
    if (!d || !LIVE.includes(d.status)) return d?.status ?? "unknown";
    const next = r.inSync ? "succeeded" : "drifted";
    const moved = await tx.deployment.updateMany({
      where: { id, teamId, status: d.status },
      data: { status: next, drift: r.drift as never, driftCheckedAt: new Date(r.checkedAt) },
    });
    if (moved.count !== 1) return d.status;
    const before = (d.drift ?? []) as DriftItem[];
    const changed = d.status !== next || (next === "drifted" && fingerprint(before) !== fingerprint(r.drift));
    if (!changed) return next;
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(opts.actor),
      action: next === "drifted" ? "app:deployment.drifted" : "app:deployment.in_sync",
      deploymentId: id,
      targets: [id],
      params: {
        deploymentId: id,
        source: opts.source ?? "refresh",
        count: r.drift.length,
        findings: r.drift.slice(0, 20).map((i) => i.message.en),
      },
      outcome: "success",
    });
    if (next === "drifted")
      await enqueueWebhookEvent(tx, teamId, "drift", {
        deployment: { id, name: d.name },
        source: opts.source ?? "refresh",
        checkedAt: r.checkedAt,
        drift: r.drift,
      });
    return next;
  });
  return { ...r, status };
}
