"use server";
import { z } from "zod";
import { teamAction } from "@/lib/server/safe-action";
import { db } from "@/lib/db/client";
import { appendAuditEvent, verifyAuditChain, type ChainVerdict } from "./chain";

/** "Verify integrity": recomputes the team's whole chain and names the first broken link. */
export const verifyAuditChainAction = teamAction(
  "audit.read",
  z.object({ teamId: z.string().min(1).max(64) }),
  async (_input, ctx): Promise<ChainVerdict & { durationMs: number }> => {
    const started = performance.now();
    const verdict = await verifyAuditChain(db(), ctx.team.teamId);
    const durationMs = Math.round(performance.now() - started);
    await appendAuditEvent(db(), {
      teamId: ctx.team.teamId,
      actorType: "user",
      actorId: ctx.user.id,
      actorLabel: ctx.user.email,
      action: "app:audit.verify",
      outcome: verdict.ok ? "success" : "failure",
      params: { count: verdict.checked },
      durationMs,
      errorCode: verdict.ok ? null : "CHAIN_BROKEN",
      errorMessage: verdict.ok ? null : `seq ${verdict.brokenAt.seq}: ${verdict.brokenAt.reason}`,
      clientIp: ctx.meta.clientIp,
      userAgent: ctx.meta.userAgent,
    });
    return { ...verdict, durationMs };
  },
);
