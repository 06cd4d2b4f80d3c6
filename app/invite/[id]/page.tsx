import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getSessionUser } from "@/lib/auth/session";
import { findPendingInvitation } from "@/lib/teams/team.service";
import { Card } from "@/components/ui/card";
import { AcceptInvitation } from "@/components/settings/accept-invitation";
import { InvitationNote } from "@/components/teams/invitation-note";

export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSessionUser();
  // Signed out: the sign-up form shows this invitation and starts with its address.
  if (!session) redirect(`/sign-up?next=${encodeURIComponent(`/invite/${id}`)}`);
  const t = await getTranslations("settings.team");
  const ti = await getTranslations("teams.invitation");
  const invitation = await findPendingInvitation(id);
  const mine = invitation && invitation.email.toLowerCase() === session.user.email.toLowerCase();
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted p-4">
      <Card className="w-full max-w-md">
        {invitation && mine ? (
          <>
            <h1 className="mb-4 text-xl font-semibold">{t("acceptTitle", { team: invitation.teamName })}</h1>
            <div className="mb-4">
              <InvitationNote invitation={invitation} />
            </div>
            <AcceptInvitation id={invitation.id} label={t("accept")} />
          </>
        ) : invitation ? (
          <p role="alert">{ti("wrongAccount", { email: invitation.email, me: session.user.email })}</p>
        ) : (
          <p role="alert">{t("inviteInvalid")}</p>
        )}
      </Card>
    </main>
  );
}
