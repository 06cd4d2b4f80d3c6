import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { grantableRoles, listApiTokens } from "@/lib/auth/api-tokens";
import { env } from "@/lib/server/env";
import { AppShell } from "@/components/shell/app-shell";
import { ApiTokensView } from "@/components/settings/api-tokens-view";

export const metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  const ctx = await requireTeamPage("apiTokens.create");
  const t = await getTranslations("settings.apiTokens");
  const tokens = await listApiTokens(ctx.team.teamId);
  return (
    <AppShell ctx={ctx}>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mb-6 mt-1 text-sm text-muted-fg">{t("intro")}</p>
      <ApiTokensView
        teamId={ctx.team.teamId}
        userId={ctx.user.id}
        tokens={tokens}
        roles={grantableRoles(ctx.role)}
        canRevokeAll={can(ctx.role, "apiTokens.manage")}
        apiBase={`${env().APP_URL.replace(/\/+$/, "")}/api/v1`}
      />
    </AppShell>
  );
}
