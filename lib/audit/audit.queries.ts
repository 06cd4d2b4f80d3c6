// Reading the audit trail: filters and keyset pagination by (at, id)
// descending, for the /audit pages. Every query is scoped by team. The
// streamed export of the same filtered set is in export-stream.ts.
import "server-only";
import { z } from "zod";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { likeLiteral } from "@/lib/db/like";
import type { Prisma } from "@/lib/generated/prisma/client";
import { plainText, type FieldName } from "@/lib/validation/text";
import { isIpv4 } from "@/lib/net/ipv4";
import { filterTime } from "./export.mjs";

/** A search term: text the database can compare (no NUL, no unpaired surrogate), trimmed. */
const term = (subject: FieldName, max: number) =>
  plainText(subject, { rule: "storable", trim: true }).max(max).optional();

export const auditFilterSchema = z.object({
  from: z.iso.datetime({ offset: true }).max(40).optional().or(z.iso.date().max(40).optional()),
  to: z.iso.datetime({ offset: true }).max(40).optional().or(z.iso.date().max(40).optional()),
  /** A user id or the exact label (email) recorded with the event. */
  actor: term("actorFilter", 200),
  /** Exact action, or a prefix ending in "*" ("cloud:*", "app:config.*"). */
  action: term("actionFilter", 200),
  /** A resource id among the event's targets (i-…, eni-…, eip-…, config id…). */
  resource: term("resourceFilter", 200),
  deploymentId: term("deploymentFilter", 64),
  outcome: z.enum(["success", "failure"]).optional(),
  /** "changes": mutating cloud calls and app events, without the reads (`Describe*`); absent or "all": every event. */
  kind: z.enum(["changes", "all"]).optional(),
});
/** `actorUserId` is never read from a URL: resolveActor fills it from the team's members. */
export type AuditFilter = z.infer<typeof auditFilterSchema> & { actorUserId?: string };

/** Reads filters from URL search params; empty values mean "no filter". */
export function parseAuditFilter(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilter {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s && s.trim() ? s.trim() : undefined;
  };
  const raw = {
    from: get("from"),
    to: get("to"),
    actor: get("actor"),
    action: get("action"),
    resource: get("resource"),
    deploymentId: get("deploymentId") ?? get("deployment"),
    outcome: get("outcome"),
    kind: get("kind"),
  };
  const parsed = auditFilterSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Drop only the invalid fields, keep the rest.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return auditFilterSchema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
}

export function filterToSearch(f: AuditFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && k !== "actorUserId") p.set(k, String(v));
  return p;
}

/**
 * Events recorded by background work carry the user id without a label: an
 * actor filter given as an email also matches that member's user id.
 */
export async function resolveActor(teamId: string, f: AuditFilter, db: Db = defaultDb()): Promise<AuditFilter> {
  if (!f.actor?.includes("@")) return f;
  const m = await db.member.findFirst({
    where: { organizationId: teamId, user: { email: f.actor.toLowerCase() } },
    select: { userId: true },
  });
  return m ? { ...f, actorUserId: m.userId } : f;
}

/** Team members' user id → email, to name actors whose events carry only the id. */
export async function teamPeople(teamId: string, db: Db = defaultDb()): Promise<Record<string, string>> {
  const rows = await db.member.findMany({
    where: { organizationId: teamId },
    select: { userId: true, user: { select: { email: true } } },
  });
  return Object.fromEntries(rows.map((r) => [r.userId, r.user.email]));
}

export type Cursor = { at: string; id: string };
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString("base64url");
}
export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s || s.length > 200) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at !== "string" || typeof id !== "string" || !/^\d{1,19}$/.test(id) || Number.isNaN(Date.parse(at)))
      return null;
    return { at, id };
  } catch {
    return null;
  }
}

/** A cloud read is "cloud:<product>.Describe…" (lib/cloud/call.ts); everything else changed something or is an app event. */
const NOT_A_READ: Prisma.AuditEventWhereInput = {
  NOT: { AND: [{ action: { startsWith: "cloud:" } }, { action: { contains: ".Describe" } }] },
};

export function auditWhere(teamId: string, f: AuditFilter, cursor?: Cursor | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [{ teamId }];
  if (f.from) and.push({ at: { gte: filterTime(f.from, false) } });
  if (f.to) and.push({ at: { lt: filterTime(f.to, true) } });
  if (f.actor)
    and.push({
      OR: [{ actorId: f.actor }, { actorLabel: f.actor }, ...(f.actorUserId ? [{ actorId: f.actorUserId }] : [])],
    });
  if (f.action)
    and.push(
      f.action.endsWith("*") ? { action: { startsWith: likeLiteral(f.action.slice(0, -1)) } } : { action: f.action },
    );
  if (f.resource) and.push({ targets: { has: f.resource } });
  if (f.deploymentId) and.push({ deploymentId: f.deploymentId });
  if (f.outcome) and.push({ outcome: f.outcome });
  if (f.kind === "changes") and.push(NOT_A_READ);
  if (cursor) {
    const at = new Date(cursor.at);
    // (at, id) < (cursorAt, cursorId), written so the planner gets an index range
    // bound (at <= cursorAt) and the OR only sorts out the rows of that millisecond.
    // A bare OR would make every page scan the index from the newest event.
    and.push({ at: { lte: at } }, { OR: [{ at: { lt: at } }, { id: { lt: BigInt(cursor.id) } }] });
  }
  return { AND: and };
}

export const auditRowShape = {
  id: true,
  seq: true,
  at: true,
  actorType: true,
  actorId: true,
  actorLabel: true,
  action: true,
  targets: true,
  deploymentId: true,
  params: true,
  requestId: true,
  outcome: true,
  errorCode: true,
  errorMessage: true,
  durationMs: true,
  clientIp: true,
  userAgent: true,
  prevHash: true,
  hash: true,
} as const satisfies Prisma.AuditEventSelect;
type AuditRow = Prisma.AuditEventGetPayload<{ select: typeof auditRowShape }>;

/** What crosses into client components: strings, no BigInt, no Date. */
export type AuditEventDto = Omit<AuditRow, "id" | "at"> & { id: string; at: string };
export function toDto(r: AuditRow): AuditEventDto {
  return { ...r, id: String(r.id), at: r.at.toISOString() };
}

export type AuditPage = { events: AuditEventDto[]; nextCursor: string | null };

export const PAGE_SIZE = 50;

export async function listAuditEvents(
  teamId: string,
  f: AuditFilter,
  opts: { cursor?: string | null; limit?: number; db?: Db } = {},
): Promise<AuditPage> {
  const limit = Math.min(Math.max(opts.limit ?? PAGE_SIZE, 1), 500);
  const rows = await (opts.db ?? defaultDb()).auditEvent.findMany({
    where: auditWhere(teamId, f, decodeCursor(opts.cursor)),
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: auditRowShape,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map(toDto),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at.toISOString(), id: String(last.id) }) : null,
  };
}

export async function getAuditEvent(teamId: string, id: string): Promise<AuditEventDto | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const r = await defaultDb().auditEvent.findFirst({ where: { id: BigInt(id), teamId }, select: auditRowShape });
  return r ? toDto(r) : null;
}

/** Distinct actions of the team (for the filter's suggestions). */
export async function listAuditActions(teamId: string, db: Db = defaultDb()): Promise<string[]> {
  const rows = await db.$queryRaw<
    { action: string }[]
  >`SELECT DISTINCT action FROM audit_event WHERE "teamId" = ${teamId} ORDER BY action LIMIT 200`;
  return rows.map((r) => r.action);
}

// ── Address history: every event that touched one address or resource, across deployments ──

export type AddressKind = "ip" | "allocation" | "eni" | "instance";

/** What the search box accepts: an IPv4 address (public or private), eip-…, eni-… or i-…; anything else is null. */
export function addressKind(q: string): AddressKind | null {
  if (isIpv4(q)) return "ip";
  const m = /^(eip|eni|i)-[a-z0-9]{4,64}$/i.exec(q);
  if (!m) return null;
  return ({ eip: "allocation", eni: "eni", i: "instance" } as const)[m[1]!.toLowerCase() as "eip" | "eni" | "i"];
}

export type AddressHistory = {
  query: string;
  kind: AddressKind;
  /** The ids searched for: the query and what is the same address (a public IP's allocation ids and back). */
  aliases: string[];
  /** Oldest first. */
  events: AuditEventDto[];
  /** Names of the deployments the events belong to. */
  deployments: Record<string, string>;
  /** More than `limit` events matched: the oldest `limit` are shown. */
  truncated: boolean;
};

export const HISTORY_LIMIT = 500;

/**
 * A public IP and its allocation id name the same EIP: the history of one is the history of both.
 * The pairs come from the deployments' records (EIPs the user chose as well as those the app
 * allocated) and from the AllocateEipAddress events, whose targets hold both.
 */
async function aliasesOf(db: Db, teamId: string, q: string, kind: AddressKind): Promise<string[]> {
  const found = new Set([q]);
  if (kind !== "ip" && kind !== "allocation") return [...found];
  const probe = JSON.stringify([kind === "ip" ? { ipAddress: q } : { allocationId: q }]);
  const rows = await db.$queryRaw<{ eips: unknown }[]>`
    SELECT resources->'eips' AS eips FROM deployment
    WHERE "teamId" = ${teamId} AND jsonb_typeof(resources->'eips') = 'array' AND resources->'eips' @> ${probe}::jsonb`;
  for (const r of rows)
    for (const e of Array.isArray(r.eips) ? (r.eips as Array<{ allocationId?: unknown; ipAddress?: unknown }>) : [])
      if (e.ipAddress === q || e.allocationId === q)
        for (const v of [e.ipAddress, e.allocationId]) if (typeof v === "string" && v) found.add(v);
  const allocations = await db.auditEvent.findMany({
    where: { teamId, action: "cloud:VPC.AllocateEipAddress", targets: { has: q } },
    select: { targets: true },
    take: 50,
  });
  for (const a of allocations)
    for (const x of a.targets) if (kind === "ip" ? x.startsWith("eip-") : isIpv4(x)) found.add(x);
  return [...found];
}

/**
 * Every event of the team that touched `q` (an IP, eip-…, eni-…, i-…), oldest first, with reads only
 * when asked. Served by the GIN index on `targets` (`targets && ARRAY[…]`) and then the team.
 */
export async function addressHistory(
  teamId: string,
  q: string,
  opts: { reads?: boolean; limit?: number; db?: Db } = {},
): Promise<AddressHistory | null> {
  const query = q.trim();
  const kind = addressKind(query);
  if (!kind) return null;
  const db = opts.db ?? defaultDb();
  const limit = Math.min(Math.max(opts.limit ?? HISTORY_LIMIT, 1), HISTORY_LIMIT);
  const aliases = await aliasesOf(db, teamId, query, kind);
  const rows = await db.auditEvent.findMany({
    where: { AND: [{ teamId }, { targets: { hasSome: aliases } }, ...(opts.reads ? [] : [NOT_A_READ])] },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    take: limit + 1,
    select: auditRowShape,
  });
  const events = rows.slice(0, limit).map(toDto);
  const ids = [...new Set(events.map((e) => e.deploymentId).filter((d): d is string => !!d))];
  const named = ids.length
    ? await db.deployment.findMany({ where: { teamId, id: { in: ids } }, select: { id: true, name: true } })
    : [];
  return {
    query,
    kind,
    aliases,
    events,
    deployments: Object.fromEntries(named.map((d) => [d.id, d.name])),
    truncated: rows.length > limit,
  };
}
