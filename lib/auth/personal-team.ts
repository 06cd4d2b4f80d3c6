// Every new user gets a team of their own as owner (so the first user of a fresh
// install owns the first team). Here in lib/auth, not lib/teams: better-auth's
// sign-up hook and the page guard both need it, and lib/teams sits above lib/auth.
import crypto from "node:crypto";
import { db, type Tx } from "@/lib/db/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, userActor } from "@/lib/audit/actor";
import { ensureDemoCloudAccount } from "@/lib/cloud/accounts";
import type { Locale } from "@/lib/i18n/locales";

function slugify(text: string): string {
  const base = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
  return base || "team";
}

type NewOwner = { id: string; name: string; email: string };

/**
 * The personal team every user gets: named after them in the language they signed up in, they
 * own it; its audit event commits with it (appended last, as the audit chain asks).
 */
async function createPersonalTeam(tx: Tx, user: NewOwner, locale: Locale = "en") {
  const who = user.name || user.email.split("@")[0];
  const name = locale === "ja" ? `${who} のチーム` : `${who}'s team`;
  const team = await tx.organization.create({
    data: {
      id: crypto.randomUUID(),
      name,
      slug: `${slugify(who || "team")}-${crypto.randomBytes(3).toString("hex")}`,
      members: { create: { id: crypto.randomUUID(), userId: user.id, role: "owner" } },
    },
  });
  await appendAuditEventIn(tx, {
    teamId: team.id,
    ...actorFields(userActor(user.id, user.email)),
    action: "app:team.create",
    outcome: "success",
    params: { name },
  });
  return team;
}

/** Sign-up (better-auth's user hook): the new user's personal team. */
export async function onUserCreated(user: NewOwner, locale: Locale = "en") {
  const team = await db().$transaction((tx) => createPersonalTeam(tx, user, locale));
  await ensureDemoCloudAccount(team.id);
  return team;
}

/**
 * A signed-in user left with no team (they deleted their only team, or were
 * removed from it or left it) gets a personal team again, as at sign-up, instead
 * of nowhere to go, named in the language of the page they opened. Serialized
 * per user: two pages loading at once make one team.
 */
export async function ensurePersonalTeam(user: NewOwner, locale: Locale = "en"): Promise<void> {
  const created = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${"personal-team:" + user.id}))`;
    if ((await tx.member.count({ where: { userId: user.id } })) > 0) return null;
    return createPersonalTeam(tx, user, locale);
  });
  if (created) await ensureDemoCloudAccount(created.id);
}
