// Single sign-on joining an existing account. The provider has proven the address; a password account made
// here with the same address has not (EIPilot sends no verification mail). Linking such an account as it is
// would let whoever registered that address first keep a password into the user's account (pre-hijacking),
// so on linking an unverified account keeps everything but its password and its other sessions: from then
// on it signs in through the provider. Audited in each of the user's teams.
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { logger } from "@/lib/server/logger";
import { OIDC_PROVIDER_ID } from "./oidc";

export async function onAccountLinked(account: { userId: string; providerId: string }): Promise<void> {
  if (account.providerId !== OIDC_PROVIDER_ID) return;
  const user = await db().user.findUnique({
    where: { id: account.userId },
    select: {
      email: true,
      emailVerified: true,
      accounts: { select: { providerId: true } },
      members: { select: { organizationId: true } },
    },
  });
  if (!user) return;
  const hadPassword = user.accounts.some((a) => a.providerId === "credential");
  if (!hadPassword) return; // a new user made by this very sign-in: nothing to join
  const removePassword = !user.emailVerified;
  await db().$transaction(async (tx) => {
    if (removePassword) {
      await tx.account.deleteMany({ where: { userId: account.userId, providerId: "credential" } });
      await tx.session.deleteMany({ where: { userId: account.userId } });
    }
    await tx.user.update({ where: { id: account.userId }, data: { emailVerified: true } });
  });
  try {
    for (const m of user.members)
      await appendAuditEvent(db(), {
        teamId: m.organizationId,
        ...actorFields({ userId: account.userId, email: user.email, clientIp: null, userAgent: null }),
        action: "app:auth.ssoLinked",
        targets: [account.userId],
        outcome: "success",
        params: { provider: OIDC_PROVIDER_ID, passwordRemoved: removePassword },
      });
  } catch (err) {
    logger.error({ err }, "could not audit a single sign-on link");
  }
}
