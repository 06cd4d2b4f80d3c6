"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { LogOut } from "lucide-react";

// Plain requests to better-auth's own endpoints (same origin; it checks the
// session, the membership and the Origin header), so the shell ships no auth client.
async function authPost(path: string, body: unknown = {}): Promise<boolean> {
  const res = await fetch(`/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return res.ok;
}

export function TeamSwitcher({
  teams,
  activeTeamId,
}: {
  teams: { teamId: string; teamName: string; role: string }[];
  activeTeamId: string;
}) {
  const router = useRouter();
  const t = useTranslations("common.nav");
  return (
    <select
      aria-label={t("switchTeam")}
      className="min-w-0 max-w-40 truncate rounded border border-border bg-card px-2 py-1 text-sm"
      value={activeTeamId}
      onChange={async (e) => {
        if (await authPost("/organization/set-active", { organizationId: e.target.value })) router.refresh();
      }}
    >
      {teams.map((team) => (
        <option key={team.teamId} value={team.teamId}>
          {team.teamName}
        </option>
      ))}
    </select>
  );
}

export function SignOutButton() {
  const router = useRouter();
  const t = useTranslations("common.nav");
  return (
    <button
      type="button"
      className="inline-flex shrink-0 items-center gap-1 whitespace-nowrap rounded-md px-2 py-1 text-sm text-muted-fg hover:bg-muted"
      onClick={async () => {
        await authPost("/sign-out");
        router.replace("/sign-in");
        router.refresh();
      }}
    >
      <LogOut className="h-4 w-4" aria-hidden /> {t("signOut")}
    </button>
  );
}
