import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { Card } from "@/components/ui/card";
import { AcceptInvitation } from "@/components/settings/accept-invitation";

export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSessionUser();
  if (!session) redirect(`/sign-up?next=${encodeURIComponent(`/invite/${id}`)}`);
  const t = await getTranslations("settings.team");
  const invitation = await db().invitation.findFirst({
    where: { id, status: "pending", expiresAt: { gt: new Date() }, email: session.user.email.toLowerCase() },
    select: { id: true, role: true, organization: { select: { name: true } } },
  });
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted p-4">
      <Card className="max-w-md">
        {invitation ? (
          <>
            <h1 className="mb-4 text-xl font-semibold">{t("acceptTitle", { team: invitation.organization.name })}</h1>
            <AcceptInvitation id={invitation.id} label={t("accept")} />
          </>
        ) : (
          <p role="alert">{t("inviteInvalid")}</p>
        )}
      </Card>
    </main>
  );
}
