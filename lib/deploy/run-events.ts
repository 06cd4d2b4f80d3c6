// A run's end as a webhook event (lib/notify), queued in the same transaction that records the end.
import type { Tx } from "@/lib/db/client";
import { enqueueWebhookEvent } from "@/lib/notify/webhooks.service";

/** `run.failed` for a failed run; `run.finished` for every other end (succeeded, torn down, cancelled). */
export async function queueRunEndedEvent(
  tx: Tx,
  teamId: string,
  deploymentId: string,
  status: string,
  error: unknown,
): Promise<void> {
  const d = await tx.deployment.findFirst({ where: { id: deploymentId, teamId }, select: { name: true, phase: true } });
  const e = error as { code?: string; message?: string; requestId?: string } | null;
  await enqueueWebhookEvent(tx, teamId, status === "failed" ? "run.failed" : "run.finished", {
    deployment: { id: deploymentId, name: d?.name ?? null },
    phase: d?.phase ?? null,
    status,
    error: e ? { code: e.code ?? null, message: e.message ?? null, requestId: e.requestId ?? null } : null,
  });
}
