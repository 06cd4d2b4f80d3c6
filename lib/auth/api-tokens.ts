// Team API tokens for /api/v1 (`Authorization: Bearer eip_…`). The token is shown once, when it
// is made; only its SHA-256 is stored, with a short visible prefix for lists. A token acts in
// its team with its role, never above its creator's current role there: a creator demoted or
// gone takes the token's rights down with them. Pages and server actions never read tokens
// (they authenticate with better-auth's session cookie only).
import crypto from "node:crypto";
import { db } from "@/lib/db/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type AuditActor, type UserActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { getMembership } from "./memberships";
import { ROLES, isRole, type Role } from "./permissions";

export const TOKEN_PREFIX = "eip_";
/** `eip_` + 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^eip_[A-Za-z0-9_-]{43}$/;
/** How much of the token lists show: "eip_" and 8 characters. */
const VISIBLE = TOKEN_PREFIX.length + 8;
/** lastUsedAt is written at most this often per token (a busy script must not write on every call). */
const LAST_USED_EVERY_MS = 60_000;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, owner: 3 };

/** The lower of two roles. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** The roles a member with `role` may give a token: their own and every one below it. */
export function grantableRoles(role: Role): Role[] {
  return ROLES.filter((r) => RANK[r] <= RANK[role]);
}

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export function generateToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
}

export type ApiTokenDto = {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdById: string;
  createdByEmail: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const tokenShape = {
  id: true,
  name: true,
  role: true,
  prefix: true,
  createdById: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

type TokenRow = {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdById: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

function toDto(r: TokenRow, emails: Record<string, string>): ApiTokenDto {
  return {
    id: r.id,
    name: r.name,
    role: isRole(r.role) ? r.role : "viewer",
    prefix: r.prefix,
    createdById: r.createdById,
    createdByEmail: emails[r.createdById] ?? null,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Makes a token for `teamId` with `role`, which may not be above `creatorRole` (the creator's
 * role in that team, read from the database by the caller's boundary). Returns the token
 * itself: the only time it exists outside the caller's hands.
 */
export async function createApiToken(
  teamId: string,
  actor: UserActor,
  creatorRole: Role,
  input: { name: string; role: Role },
): Promise<{ id: string; token: string; dto: ApiTokenDto }> {
  if (RANK[input.role] > RANK[creatorRole])
    throw new UserFacingError(msg("apiTokens.roleTooHigh", { role: msg(`roles.${creatorRole}`) }), {
      code: "FORBIDDEN",
      field: "role",
    });
  const taken = await db().apiToken.findFirst({ where: { teamId, name: input.name }, select: { id: true } });
  if (taken) throw new UserFacingError(msg("apiTokens.nameTaken", { name: input.name }), { field: "name" });
  const token = generateToken();
  const row = await db().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        teamId,
        name: input.name,
        role: input.role,
        tokenHash: hashToken(token),
        prefix: token.slice(0, VISIBLE),
        createdById: actor.userId,
      },
      select: tokenShape,
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:apiToken.create",
      targets: [created.id],
      params: { name: created.name, role: created.role, prefix: created.prefix },
      outcome: "success",
    });
    return created;
  });
  return { id: row.id, token, dto: toDto(row, actor.email ? { [actor.userId]: actor.email } : {}) };
}

/** Every token of the team, newest first, revoked ones too (with when). */
export async function listApiTokens(teamId: string): Promise<ApiTokenDto[]> {
  const rows = await db().apiToken.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    select: tokenShape,
  });
  const users = await db().user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } },
    select: { id: true, email: true },
  });
  const emails = Object.fromEntries(users.map((u) => [u.id, u.email]));
  return rows.map((r) => toDto(r, emails));
}

/**
 * Revokes a token of the team. Its creator may revoke it; so may whoever manages members
 * (`mayRevokeOthers`). Another team's token id is answered as a missing one.
 */
export async function revokeApiToken(
  teamId: string,
  actor: AuditActor & { userId: string },
  id: string,
  mayRevokeOthers: boolean,
): Promise<ApiTokenDto> {
  const row = await db().apiToken.findFirst({ where: { id, teamId }, select: tokenShape });
  if (!row) throw new UserFacingError(msg("apiTokens.notFound"), { code: "NOT_FOUND" });
  if (row.createdById !== actor.userId && !mayRevokeOthers)
    throw new UserFacingError(msg("apiTokens.notYours"), { code: "FORBIDDEN" });
  if (row.revokedAt) return toDto(row, {});
  const done = await db().$transaction(async (tx) => {
    const r = await tx.apiToken.updateMany({ where: { id, teamId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (r.count === 1)
      await appendAuditEventIn(tx, {
        teamId,
        ...actorFields(actor),
        action: "app:apiToken.revoke",
        targets: [id],
        params: { name: row.name, prefix: row.prefix },
        outcome: "success",
      });
    return tx.apiToken.findFirstOrThrow({ where: { id, teamId }, select: tokenShape });
  });
  return toDto(done, {});
}

/** Who a valid token acts as: its team, its effective role, its creator (the user the audit trail names). */
export type TokenIdentity = {
  tokenId: string;
  tokenName: string;
  teamId: string;
  teamName: string;
  role: Role;
  user: { id: string; email: string; name: string };
};

/**
 * The identity behind `Authorization: Bearer <token>`, or null for a missing, malformed, unknown
 * or revoked token, or one whose creator is no longer a member of its team. Constant work per
 * lookup (one hash, one indexed read); the hash comparison is the database's unique index.
 */
export async function authenticateApiToken(token: string | null): Promise<TokenIdentity | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { ...tokenShape, teamId: true },
  });
  if (!row || row.revokedAt || !isRole(row.role)) return null;
  const member = await getMembership(row.createdById, row.teamId);
  if (!member) return null;
  const user = await db().user.findUnique({
    where: { id: row.createdById },
    select: { id: true, email: true, name: true },
  });
  if (!user) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS)
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return {
    tokenId: row.id,
    tokenName: row.name,
    teamId: row.teamId,
    teamName: member.teamName,
    role: lowerRole(row.role, member.role),
    user,
  };
}

/** The token of an `Authorization` header ("Bearer <token>", scheme case-insensitive), or null. */
export function bearerToken(header: string | null): string | null {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}
