// Share links: a signed, expiring, revocable token that shows one config (or
// one of its revisions) to someone outside the team. Creating and revoking are
// team actions recorded like any config change; a view is recorded in the
// link's team's trail, by nobody signed in.
import "server-only";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { signToken, verifyToken } from "@/lib/server/crypto";
import { SHARE_MAX_HOURS, type ConfigSpec } from "./config.schema";
import type { UserActor } from "@/lib/audit/actor";
import { auditConfigChange, getRevision } from "./config.service";

export async function createShareLink(
  teamId: string,
  actor: UserActor,
  templateId: string,
  input: { revision?: number | null; expiresInHours: number },
) {
  const hours = Math.floor(input.expiresInHours);
  if (!(hours >= 1 && hours <= SHARE_MAX_HOURS))
    throw new UserFacingError(msg("configs.shareHours", { max: SHARE_MAX_HOURS }), {
      code: "INVALID_INPUT",
      field: "expiresInHours",
    });
  const t = await db().configTemplate.findFirst({
    where: { id: templateId, teamId },
    select: { id: true, latestRevision: true },
  });
  if (!t) throw new UserFacingError(msg("configs.notFound"), { code: "NOT_FOUND" });
  if (input.revision != null && (input.revision < 1 || input.revision > t.latestRevision))
    throw new UserFacingError(msg("configs.noSuchRevision"), { code: "NOT_FOUND", field: "revision" });
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  const link = await db().$transaction(async (tx) => {
    const l = await tx.shareLink.create({
      data: { teamId, templateId, revision: input.revision ?? null, expiresAt, createdById: actor.userId },
      select: { id: true, expiresAt: true, revision: true },
    });
    await auditConfigChange(tx, teamId, actor, "app:config.share", [templateId, l.id], {
      configId: templateId,
      revision: input.revision ?? null,
      expiresAt: expiresAt.toISOString(),
    });
    return l;
  });
  return { id: link.id, token: shareToken(link.id, expiresAt), expiresAt: link.expiresAt, revision: link.revision };
}

export function shareToken(linkId: string, expiresAt: Date): string {
  return signToken(JSON.stringify({ v: 1, l: linkId, e: expiresAt.getTime() }));
}

export async function listShareLinks(teamId: string, templateId: string) {
  const links = await db().shareLink.findMany({
    where: { teamId, templateId },
    orderBy: { createdAt: "desc" },
    select: { id: true, revision: true, expiresAt: true, revokedAt: true, createdAt: true },
  });
  const now = Date.now();
  return links.map((l) => ({
    ...l,
    expired: l.expiresAt.getTime() <= now,
    token: l.revokedAt || l.expiresAt.getTime() <= now ? null : shareToken(l.id, l.expiresAt),
  }));
}

export async function revokeShareLink(teamId: string, actor: UserActor, linkId: string) {
  await db().$transaction(async (tx) => {
    const r = await tx.shareLink.updateMany({
      where: { id: linkId, teamId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (r.count !== 1) throw new UserFacingError(msg("configs.shareLinkNotFound"), { code: "NOT_FOUND" });
    const link = await tx.shareLink.findFirst({ where: { id: linkId, teamId }, select: { templateId: true } });
    await auditConfigChange(
      tx,
      teamId,
      actor,
      "app:config.share.revoke",
      [link?.templateId ?? "", linkId].filter(Boolean),
      {
        configId: link?.templateId,
      },
    );
  });
}

export type SharedConfig =
  | { ok: true; name: string; description: string; tags: string[]; revision: number; spec: ConfigSpec; expiresAt: Date }
  | { ok: false; reason: "invalid" | "expired" | "revoked" | "gone" };

type KnownLink = { id: string; teamId: string; templateId: string };

/** Resolves a token; `link` is set whenever the token names a link that exists (so its team is known). */
async function lookupShareToken(token: string, now: Date): Promise<{ shared: SharedConfig; link?: KnownLink }> {
  if (typeof token !== "string" || token.length > 1000) return { shared: { ok: false, reason: "invalid" } };
  const payload = verifyToken(token);
  if (!payload) return { shared: { ok: false, reason: "invalid" } };
  let parsed: { v?: number; l?: string; e?: number };
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { shared: { ok: false, reason: "invalid" } };
  }
  if (parsed.v !== 1 || typeof parsed.l !== "string" || typeof parsed.e !== "number")
    return { shared: { ok: false, reason: "invalid" } };
  const row = await db().shareLink.findFirst({
    where: { id: parsed.l },
    select: { id: true, teamId: true, templateId: true, revision: true, expiresAt: true, revokedAt: true },
  });
  if (!row) return { shared: { ok: false, reason: "gone" } };
  const link = { id: row.id, teamId: row.teamId, templateId: row.templateId };
  if (row.revokedAt) return { shared: { ok: false, reason: "revoked" }, link };
  if (row.expiresAt.getTime() <= now.getTime() || parsed.e <= now.getTime())
    return { shared: { ok: false, reason: "expired" }, link };
  try {
    const r = await getRevision(row.teamId, row.templateId, row.revision ?? undefined);
    return {
      shared: {
        ok: true,
        name: r.name,
        description: r.description,
        tags: r.tags,
        revision: r.revision,
        spec: r.spec,
        expiresAt: row.expiresAt,
      },
      link,
    };
  } catch {
    return { shared: { ok: false, reason: "gone" }, link };
  }
}

/** The public side of a share link: only the config's shape, never ids of the team or account. */
export async function resolveShareToken(token: string, now = new Date()): Promise<SharedConfig> {
  return (await lookupShareToken(token, now)).shared;
}

/** Who opened a share link: nobody signed in, so only what the request says. */
export type ShareViewer = { clientIp?: string | null; userAgent?: string | null; requestId?: string | null };

export const SHARE_VIEW_ACTOR = "anonymous (share link)";

/**
 * A view of /share/<token>: resolves it like resolveShareToken and records the
 * view in the audit trail of the link's team — a success, or a failure naming
 * why it was refused (expired, revoked, gone). A token that names no existing
 * link (garbage, a bad signature) has no team to record it for. The event
 * carries the link and config ids, never the token. The event is written
 * before the config is returned: a view that cannot be recorded is not shown.
 */
export async function viewShareLink(token: string, viewer: ShareViewer, now = new Date()): Promise<SharedConfig> {
  const { shared, link } = await lookupShareToken(token, now);
  if (link) {
    await appendAuditEvent(db(), {
      teamId: link.teamId,
      actorType: "system",
      actorId: null,
      actorLabel: SHARE_VIEW_ACTOR,
      action: "app:config.shareView",
      targets: [link.templateId, link.id],
      params: { configId: link.templateId, ...(shared.ok ? { revision: shared.revision } : {}) },
      outcome: shared.ok ? "success" : "failure",
      ...(shared.ok
        ? {}
        : { errorCode: `SHARE_${shared.reason.toUpperCase()}`, errorMessage: `Share link ${shared.reason}` }),
      clientIp: viewer.clientIp ?? null,
      userAgent: viewer.userAgent ?? null,
      requestId: viewer.requestId ?? null,
    });
  }
  return shared;
}
