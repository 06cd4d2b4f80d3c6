"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { Field, Input } from "@/components/ui/input";
import { RelativeTime } from "@/components/deploy/status";
import { createWebhookAction, deleteWebhookAction, setDriftScheduleAction } from "@/lib/actions/lifecycle.actions";
import { WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/notify/webhook.schema";

export type NotificationsProps = {
  teamId: string;
  canManage: boolean;
  schedule: { enabled: boolean; intervalMinutes: number; lastRunAt: string | null };
  webhooks: Array<{ id: string; url: string; events: string[]; createdAt: string }>;
  deliveries: Array<{
    id: string;
    url: string;
    event: string;
    status: string;
    attemptCount: number;
    lastStatusCode: number | null;
    createdAt: string;
    lastAttemptAt: string | null;
  }>;
};

const EVENT_KEY = {
  drift: "event_drift",
  "run.failed": "event_runFailed",
  "run.finished": "event_runFinished",
  "fleet.paused": "event_fleetPaused",
  "fleet.failed": "event_fleetFailed",
  "fleet.finished": "event_fleetFinished",
} as const;

/** Settings → team: the scheduled drift check, the team's webhooks (secret shown once) and the delivery log. */
export function NotificationsView(p: NotificationsProps) {
  const t = useTranslations("lifecycle.notify");
  return (
    <div className="space-y-5" data-testid="notifications">
      <h2 className="text-xl font-semibold">{t("title")}</h2>
      {!p.canManage && <p className="text-sm text-muted-fg">{t("adminOnly")}</p>}
      <ScheduleCard {...p} />
      <WebhooksCard {...p} />
      {p.canManage && <DeliveriesCard deliveries={p.deliveries} />}
    </div>
  );
}

function ScheduleCard({ teamId, canManage, schedule }: NotificationsProps) {
  const t = useTranslations("lifecycle.notify");
  const router = useRouter();
  const [enabled, setEnabled] = useState(schedule.enabled);
  const [minutes, setMinutes] = useState(String(schedule.intervalMinutes));
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Card className="space-y-3">
      <h3 className="font-semibold">{t("scheduleTitle")}</h3>
      <p className="text-sm text-muted-fg">{t("scheduleIntro")}</p>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={enabled}
          disabled={!canManage}
          onChange={(e) => setEnabled(e.target.checked)}
          data-testid="drift-enabled"
        />
        {t("enabled")}
      </label>
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-40">
          <Field id="drift-interval" label={t("interval")} error={error ?? undefined}>
            <Input
              id="drift-interval"
              type="number"
              min={5}
              max={1440}
              value={minutes}
              disabled={!canManage || !enabled}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </Field>
        </div>
        {canManage && (
          <Button
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const r = await setDriftScheduleAction({ teamId, enabled, intervalMinutes: Number(minutes) });
                if (!r.ok) return setError(r.error);
                setError(null);
                toast.success(t("saved"));
                router.refresh();
              })
            }
          >
            {t("save")}
          </Button>
        )}
      </div>
      <p className="text-xs text-muted-fg">
        {t("lastRun")}: {schedule.lastRunAt ? <RelativeTime iso={schedule.lastRunAt} /> : t("never")}
      </p>
    </Card>
  );
}

function WebhooksCard({ teamId, canManage, webhooks }: NotificationsProps) {
  const t = useTranslations("lifecycle.notify");
  const router = useRouter();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Card className="space-y-3">
      <h3 className="font-semibold">{t("webhooksTitle")}</h3>
      <p className="text-sm text-muted-fg">{t("webhooksIntro")}</p>
      {webhooks.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("none")}</p>
      ) : (
        <ul className="divide-y divide-border text-sm" data-testid="webhooks">
          {webhooks.map((w) => (
            <li key={w.id} className="flex flex-wrap items-center gap-2 py-2">
              <span className="min-w-0 flex-1 break-all font-mono text-xs">{w.url}</span>
              {w.events.map((e) => (
                <Badge key={e}>{t(EVENT_KEY[e as WebhookEvent] ?? "event_drift")}</Badge>
              ))}
              {canManage && (
                <Button
                  variant="secondary"
                  disabled={pending}
                  aria-label={`${t("delete")} ${w.url}`}
                  onClick={() =>
                    startTransition(async () => {
                      const r = await deleteWebhookAction({ teamId, id: w.id });
                      if (!r.ok) return void toast.error(r.error);
                      toast.success(t("deleted"));
                      router.refresh();
                    })
                  }
                >
                  <Trash2 className="h-4 w-4" aria-hidden />
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {secret && (
        <div className="rounded border border-warning/60 p-3 text-sm" data-testid="webhook-secret">
          <p className="font-medium">{t("secretTitle")}</p>
          <p className="text-muted-fg">{t("secretOnce")}</p>
          <CopyId value={secret} />
        </div>
      )}
      {canManage && (
        <div className="space-y-2">
          <Field id="webhook-url" label={t("url")} error={error ?? undefined}>
            <Input
              id="webhook-url"
              value={url}
              placeholder="https://hooks.example.com/eipilot"
              onChange={(e) => setUrl(e.target.value)}
            />
          </Field>
          <fieldset className="flex flex-wrap gap-4 text-sm">
            <legend className="mb-1 text-sm font-medium">{t("events")}</legend>
            {WEBHOOK_EVENTS.map((e) => (
              <label key={e} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={events.includes(e)}
                  onChange={(x) => setEvents((s) => (x.target.checked ? [...s, e] : s.filter((y) => y !== e)))}
                />
                {t(EVENT_KEY[e])}
              </label>
            ))}
          </fieldset>
          <Button
            disabled={pending || !url.trim()}
            onClick={() =>
              startTransition(async () => {
                const r = await createWebhookAction({ teamId, url, events });
                if (!r.ok) return setError(r.error);
                setError(null);
                setUrl("");
                setSecret(r.data.secret);
                router.refresh();
              })
            }
          >
            {t("add")}
          </Button>
        </div>
      )}
    </Card>
  );
}

function DeliveriesCard({ deliveries }: { deliveries: NotificationsProps["deliveries"] }) {
  const t = useTranslations("lifecycle.notify");
  const tone = { delivered: "success", failed: "danger", pending: "warning" } as const;
  return (
    <Card className="p-0">
      <h3 className="border-b border-border px-4 py-3 font-semibold">{t("deliveries")}</h3>
      {deliveries.length === 0 ? (
        <p className="px-4 py-3 text-sm text-muted-fg">{t("noDeliveries")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="webhook-deliveries">
            <thead className="text-left text-xs text-muted-fg">
              <tr>
                <th className="px-4 py-2">{t("col_event")}</th>
                <th className="px-2 py-2">{t("col_time")}</th>
                <th className="px-2 py-2">{t("col_status")}</th>
                <th className="px-2 py-2">{t("col_attempts")}</th>
                <th className="px-2 py-2">{t("col_code")}</th>
                <th className="px-2 py-2">{t("url")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} className="border-t border-border">
                  <td className="px-4 py-2">{t(EVENT_KEY[d.event as WebhookEvent] ?? "event_drift")}</td>
                  <td className="px-2 py-2">
                    <RelativeTime iso={d.lastAttemptAt ?? d.createdAt} />
                  </td>
                  <td className="px-2 py-2">
                    <Badge tone={tone[d.status as keyof typeof tone] ?? "neutral"}>
                      {d.status === "delivered" || d.status === "failed" || d.status === "pending"
                        ? t(`status_${d.status}`)
                        : d.status}
                    </Badge>
                  </td>
                  <td className="px-2 py-2">{d.attemptCount}</td>
                  <td className="px-2 py-2 font-mono">{d.lastStatusCode ?? "—"}</td>
                  <td className="max-w-[16rem] truncate px-2 py-2 font-mono text-xs" title={d.url}>
                    {d.url}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
