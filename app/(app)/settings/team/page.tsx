import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listInvitations, listMembers } from "@/lib/teams/team.service";
import { AppShell } from "@/components/shell/app-shell";
import { TeamView } from "@/components/settings/team-view";
import { OwnerZone } from "@/components/teams/owner-zone";
import { LeaveTeam } from "@/components/teams/leave-team";
import { NotificationsView } from "@/components/settings/notifications-view";
import { getDriftSchedule } from "@/lib/deploy/drift-schedule.service";
import { listDeliveries, listWebhooks } from "@/lib/notify/webhooks.service";

export const metadata = { title: "Team" };

export default async function TeamPage() {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("settings.team");
  const canManage = can(ctx.role, "members.manage");
  const canNotify = can(ctx.role, "notifications.manage");
  const [members, invitations, schedule, webhooks, deliveries] = await Promise.all([
    listMembers(ctx.team.teamId),
    canManage ? listInvitations(ctx.team.teamId) : [],
    getDriftSchedule(ctx.team.teamId),
    listWebhooks(ctx.team.teamId),
    // The log names receivers' URLs (whose paths can be secrets): owners and admins only.
    canNotify ? listDeliveries(ctx.team.teamId, { limit: 50 }) : [],
  ]);
  return (
    <AppShell ctx={ctx}>
      <h1 className="mb-6 text-2xl font-semibold">
        {t("title")}: {ctx.team.teamName}
      </h1>
      <TeamView
        teamId={ctx.team.teamId}
        teamName={ctx.team.teamName}
        canManage={canManage}
        canRevokeSessions={can(ctx.role, "members.sessions")}
        members={members.map((m) => ({
          id: m.id,
          role: m.role,
          name: m.user.name,
          email: m.user.email,
          createdAt: m.createdAt.toISOString(),
          isMe: m.user.id === ctx.user.id,
        }))}
        invitations={invitations.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.role ?? "viewer",
          url: i.url,
          expiresAt: i.expiresAt.toISOString(),
        }))}
      />
      <div className="mt-6">
        <NotificationsView
          teamId={ctx.team.teamId}
          canManage={canNotify}
          schedule={{
            enabled: schedule.enabled,
            intervalMinutes: schedule.intervalMinutes,
            lastRunAt: schedule.lastRunAt?.toISOString() ?? null,
          }}
          webhooks={(canNotify ? webhooks : []).map((w) => ({
            id: w.id,
            url: w.url,
            events: w.events,
            createdAt: w.createdAt.toISOString(),
          }))}
          deliveries={deliveries.map((d) => ({
            id: d.id,
            url: d.url,
            event: d.event,
            status: d.status,
            attemptCount: d.attemptCount,
            lastStatusCode: d.lastStatusCode,
            createdAt: d.createdAt.toISOString(),
            lastAttemptAt: d.attempts.at(-1)?.at ?? null,
          }))}
        />
      </div>
      <div className="mt-6">
        <LeaveTeam teamId={ctx.team.teamId} teamName={ctx.team.teamName} isOwner={ctx.role === "owner"} />
      </div>
      {can(ctx.role, "team.delete") && (
        <div className="mt-6">
          <OwnerZone
            teamId={ctx.team.teamId}
            teamName={ctx.team.teamName}
            members={members.filter((m) => m.role !== "owner").map((m) => ({ id: m.id, email: m.user.email }))}
          />
        </div>
      )}
    </AppShell>
  );
}
