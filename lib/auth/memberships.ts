// A user's teams and their role in each, read from the database on every
// request (never trusted from the client). A team is better-auth's "organization".
import { db } from "@/lib/db/client";
import { isRole, type Role } from "./permissions";

export type Membership = {
  teamId: string;
  teamName: string;
  teamSlug: string;
  role: Role;
  /** The team asks its owners and admins to sign in with a second factor. */
  requireTwoFactor: boolean;
};

export async function listMemberships(userId: string): Promise<Membership[]> {
  const rows = await db().member.findMany({
    where: { userId },
    orderBy: { createdAt: "asc" },
    select: { role: true, organization: { select: { id: true, name: true, slug: true, requireTwoFactor: true } } },
  });
  return rows
    .filter((r) => isRole(r.role))
    .map((r) => ({
      teamId: r.organization.id,
      teamName: r.organization.name,
      teamSlug: r.organization.slug,
      role: r.role as Role,
      requireTwoFactor: r.organization.requireTwoFactor,
    }));
}

export async function getMembership(userId: string, teamId: string): Promise<Membership | null> {
  return (await listMemberships(userId)).find((m) => m.teamId === teamId) ?? null;
}
