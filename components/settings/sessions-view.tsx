"use client";
// Settings → Sessions: where you are signed in; sign one session or every
// other one out. The server checks and audits each (sessions.actions.ts).
import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/teams/confirm-button";
import { revokeOtherSessionsAction, revokeSessionAction } from "@/lib/actions/sessions.actions";
import type { SessionDto } from "@/lib/teams/sessions.service";

export function SessionsView({ teamId, sessions }: { teamId: string; sessions: SessionDto[] }) {
  const t = useTranslations("sessions");
  const format = useFormatter();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const others = sessions.filter((s) => !s.current).length;
  const when = (iso: string) => (
    <time dateTime={iso} title={iso}>
      {format.relativeTime(new Date(iso))}
    </time>
  );
  return (
    <Card className="min-w-0 space-y-4">
      <p className="text-sm text-muted-fg">{t("intro")}</p>
      <div className="relative overflow-x-auto">
        <table className="w-full text-sm [&_td]:pr-3 [&_th]:pr-3" data-testid="sessions-table">
          <thead className="text-left text-muted-fg">
            <tr>
              <th className="py-1">{t("device")}</th>
              <th>{t("address")}</th>
              <th>{t("signedIn")}</th>
              <th>{t("lastActive")}</th>
              <th>
                <span className="sr-only">{t("actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} className="border-t border-border" data-testid={s.current ? "session-current" : "session"}>
                <td className="max-w-md py-2 break-words">
                  {s.userAgent ?? t("unknownDevice")} {s.current && <Badge tone="success">{t("current")}</Badge>}
                </td>
                <td className="font-mono text-xs">{s.ipAddress ?? "—"}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td className="text-right">
                  {!s.current && (
                    <Button
                      variant="secondary"
                      size="sm"
                      disabled={pending}
                      aria-label={t("revokeLabel", { device: s.userAgent ?? t("unknownDevice") })}
                      onClick={() =>
                        startTransition(async () => {
                          const res = await revokeSessionAction({ teamId, sessionId: s.id });
                          if (!res.ok) toast.error(res.error);
                          else toast.success(t("revoked"));
                          router.refresh();
                        })
                      }
                    >
                      {t("revoke")}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others > 0 && (
        <ConfirmButton
          trigger={t("revokeOthers")}
          triggerVariant="danger"
          title={t("revokeOthersTitle")}
          body={t("revokeOthersBody", { count: others })}
          confirm={t("revokeOthersConfirm")}
          onConfirm={async () => {
            const res = await revokeOtherSessionsAction({ teamId });
            if (!res.ok) return res.error;
            toast.success(t("revokedOthers", { count: res.data.revoked }));
            router.refresh();
            return null;
          }}
        />
      )}
    </Card>
  );
}
