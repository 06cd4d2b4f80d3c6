import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { currentSessionId } from "@/lib/auth/current-session";
import { listSessions } from "@/lib/teams/sessions.service";
import { AppShell } from "@/components/shell/app-shell";
import { SessionsView } from "@/components/settings/sessions-view";

export const metadata = { title: "Sessions" };
export const dynamic = "force-dynamic";

export default async function SessionsPage() {
  const ctx = await requireTeamPage("account.manage");
  const t = await getTranslations("sessions");
  const sessions = await listSessions(ctx.user.id, await currentSessionId());
  return (
    <AppShell ctx={ctx}>
      <h1 className="mb-6 text-2xl font-semibold">{t("title")}</h1>
      <SessionsView teamId={ctx.team.teamId} sessions={sessions} />
    </AppShell>
  );
}
