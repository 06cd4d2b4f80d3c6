"use server";
// The audit page's one write: "Verify integrity".
import { teamAction } from "@/lib/access/team-action";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { describeFinding } from "@/lib/audit/checkpoint-core.mjs";
import { verifyAuditTrail, type TrailVerdict } from "@/lib/audit/verify-trail";
import { verifyAuditChainInput } from "./audit.schema";

/**
 * "Verify integrity": recomputes the team's whole chain, names the first broken link, and checks the signed
 * checkpoints (an edit with recomputed hashes, deleted newest events, a deleted or altered checkpoint).
 */
export const verifyAuditChainAction = teamAction(
  { name: "audit.verify", capability: "audit.read", input: verifyAuditChainInput },
  async (_input, ctx): Promise<TrailVerdict & { durationMs: number }> => {
    const started = performance.now();
    const verdict = await verifyAuditTrail(db(), ctx.team.teamId);
    const durationMs = Math.round(performance.now() - started);
    const problems = [
      ...(verdict.brokenAt ? [`seq ${verdict.brokenAt.seq}: ${verdict.brokenAt.reason}`] : []),
      ...verdict.findings.map(describeFinding),
    ];
    await appendAuditEvent(db(), {
      teamId: ctx.team.teamId,
      ...actorFields(ctx.actor),
      action: "app:audit.verify",
      outcome: verdict.ok ? "success" : "failure",
      params: {
        count: verdict.checked,
        checkpoints: verdict.checkpoints.count,
        findings: verdict.findings.length,
        uncovered: verdict.uncovered?.count ?? 0,
      },
      durationMs,
      errorCode: verdict.ok ? null : verdict.brokenAt ? "CHAIN_BROKEN" : "CHECKPOINT_MISMATCH",
      errorMessage: verdict.ok ? null : problems.join("; ").slice(0, 2000),
    });
    return { ...verdict, durationMs };
  },
);
