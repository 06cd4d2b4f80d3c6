import "server-only";
// The signed-in user of this request, from better-auth's session cookie. Which
// team they act in and with which role is the request boundary's to decide (lib/access).
import { headers } from "next/headers";
import { auth } from "./auth";

export type SessionUser = { id: string; name: string; email: string; twoFactorEnabled?: boolean };

export async function getSessionUser(): Promise<{ user: SessionUser; activeTeamId: string | null } | null> {
  const session = await auth().api.getSession({ headers: await headers() });
  if (!session) return null;
  const { id, name, email } = session.user;
  const twoFactorEnabled = (session.user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled === true;
  return { user: { id, name, email, twoFactorEnabled }, activeTeamId: session.session.activeOrganizationId ?? null };
}
