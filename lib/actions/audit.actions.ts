"use server";
// The audit page's one write: "Verify integrity".
import { teamAction } from "@/lib/access/team-action";
import { db } from "@/lib/db/client";
import { appendAuditEvent, verifyAuditChain, type ChainVerdict } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { verifyAuditChainInput } from "./audit.schema";

/** "Verify integrity": recomputes the team's whole chain and names the first broken link. */
export const verifyAuditChainAction = teamAction(
  { name: "audit.verify", capability: "audit.read", input: verifyAuditChainInput },
  async (_input, ctx): Promise<ChainVerdict & { durationMs: number }> => {
    const started = performance.now();
    const verdict = await verifyAuditChain(db(), ctx.team.teamId);
    const durationMs = Math.round(performance.now() - started);
    await appendAuditEvent(db(), {
      teamId: ctx.team.teamId,
      ...actorFields(ctx.actor),
      action: "app:audit.verify",
      outcome: verdict.ok ? "success" : "failure",
      params: { count: verdict.checked },
      durationMs,
      errorCode: verdict.ok ? null : "CHAIN_BROKEN",
      errorMessage: verdict.ok ? null : `seq ${verdict.brokenAt.seq}: ${verdict.brokenAt.reason}`,
    });
    return { ...verdict, durationMs };
  },
);
