"use client";
// The fleet page: status and pause reason, totals (EIPs allocated / associated / verified, members by state),
// the controls (none for a viewer) and every member with its state, linked to its deployment page. Polled
// while a rollout, teardown or repair is in progress.
import { useState } from "react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { cn } from "@/components/ui/cn";
import { RelativeTime, StatusBadge } from "@/components/deploy/status";
import type { FleetView } from "@/lib/fleet/fleet-view";
import { MEMBER_STATES } from "@/lib/fleet/fleet.schema";
import { FleetControls } from "./fleet-controls";
import { FleetStatusBadge, MemberStateBadge } from "./fleet-status";
import { filterMembers, MEMBER_FILTERS, memberFilterCounts, type MemberFilter } from "./member-filter";
import { useFleet } from "./fleet-queries";
import { PreflightFindings } from "./preflight-findings";
import type { FleetPreflight } from "@/lib/fleet/fleet-preflight";

export function FleetPage({ teamId, initial, canApply }: { teamId: string; initial: FleetView; canApply: boolean }) {
  const t = useTranslations("fleets.view");
  const locale = useLocale() === "ja" ? "ja" : "en";
  const { data: f, error } = useFleet(teamId, initial);
  return (
    <div className="space-y-5">
      <nav aria-label={t("breadcrumb")} className="text-sm text-muted-fg">
        <Link href="/fleets" className="hover:underline">
          {t("fleets")}
        </Link>{" "}
        / <span className="text-fg">{f.name}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold break-words">{f.name}</h1>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-muted-fg">
            <FleetStatusBadge status={f.status} />
            <span>{t("where", { region: f.regionId, batch: f.batchSize, threshold: f.failureThreshold })}</span>
            <span>
              {t("created")} <RelativeTime iso={f.createdAt} />
            </span>
          </p>
        </div>
      </div>
      {f.pauseReason && f.status === "paused" && (
        <p
          role="status"
          data-testid="pause-reason"
          className="rounded-md border border-warning/40 bg-warning/5 p-3 text-sm"
        >
          {t("pausedBecause", { reason: f.pauseReason.message[locale] })}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-danger">
          {error.message}
        </p>
      )}
      <Totals f={f} />
      {canApply && <FleetControls teamId={teamId} f={f} />}
      {f.status === "draft" && Boolean(f.preflight) && (
        <Card>
          <PreflightFindings result={f.preflight as FleetPreflight} />
        </Card>
      )}
      <Members f={f} />
    </div>
  );
}

function Totals({ f }: { f: FleetView }) {
  const t = useTranslations("fleets.view");
  const e = f.totals.eips;
  const cells: Array<[string, string, number]> = [
    ["members", t("totals.members"), f.totals.members],
    ["planned", t("totals.planned"), e.planned],
    ["allocated", t("totals.allocated"), e.allocated],
    ["associated", t("totals.associated"), e.associated],
    ["verified", t("totals.verified"), e.verified],
  ];
  return (
    <Card className="space-y-3" data-testid="fleet-totals">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {cells.map(([key, label, n]) => (
          <div key={key} data-testid={`total-${key}`}>
            <dt className="text-xs text-muted-fg">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{n}</dd>
          </div>
        ))}
      </dl>
      <p className="flex flex-wrap gap-2 text-sm" data-testid="members-by-state">
        {MEMBER_STATES.filter((s) => f.totals.byState[s] > 0).map((s) => (
          <span key={s} className="flex items-center gap-1" data-testid={`state-count-${s}`}>
            <MemberStateBadge state={s} /> <span className="tabular-nums">{f.totals.byState[s]}</span>
          </span>
        ))}
      </p>
    </Card>
  );
}

function Members({ f }: { f: FleetView }) {
  const t = useTranslations("fleets.view");
  const [filter, setFilter] = useState<MemberFilter>("all");
  const counts = memberFilterCounts(f.members);
  const shown = filterMembers(f.members, filter);
  return (
    <Card className="p-0">
      <div
        className="flex flex-wrap items-center gap-2 border-b border-border p-3"
        role="group"
        aria-label={t("filter")}
      >
        <h2 className="mr-2 font-semibold">{t("members")}</h2>
        {MEMBER_FILTERS.map((x) => (
          <button
            key={x}
            type="button"
            aria-pressed={filter === x}
            onClick={() => setFilter(x)}
            className={cn(
              "rounded-md border border-border px-2 py-1 text-sm",
              filter === x ? "bg-primary/10 font-medium" : "hover:bg-muted",
            )}
          >
            {t(`filters.${x}`, { count: counts[x] })}
          </button>
        ))}
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="members-table">
          <caption className="sr-only">{t("members")}</caption>
          <thead className="bg-muted/60 text-left text-xs text-muted-fg">
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("cols.instance")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("cols.state")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("cols.deployment")}
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                {t("cols.eips")}
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-muted-fg">
                  {t("noMembers")}
                </td>
              </tr>
            )}
            {shown.map((m) => (
              <MemberRow key={m.id} m={m} />
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function MemberRow({ m }: { m: FleetView["members"][number] }) {
  const t = useTranslations("fleets.view");
  const locale = useLocale() === "ja" ? "ja" : "en";
  const err = memberError(m.error, locale);
  return (
    <tr className="border-t border-border align-top" data-testid="member-row" data-instance={m.instanceId}>
      <td className="px-3 py-2">
        <CopyId value={m.instanceId} />
        {m.canary && <span className="ml-1 text-xs text-muted-fg">{t("canary")}</span>}
      </td>
      <td className="px-3 py-2">
        <MemberStateBadge state={m.state} />
        {err && m.state === "failed" && <span className="mt-1 block max-w-md text-xs text-danger">{err}</span>}
      </td>
      <td className="px-3 py-2">
        <Link href={`/deployments/${m.deployment.id}`} className="font-medium hover:underline">
          {m.deployment.name}
        </Link>
        <span className="ml-2">
          <StatusBadge status={m.deployment.status} />
        </span>
      </td>
      <td className="px-3 py-2 text-right tabular-nums">
        {t("eipCounts", { associated: m.eips.associated, planned: m.eips.planned })}
      </td>
    </tr>
  );
}

/** A member's stored error: a message in both languages, or a plain string. */
function memberError(e: unknown, locale: "en" | "ja"): string | null {
  if (!e) return null;
  if (typeof e === "string") return e;
  if (typeof e === "object") {
    const o = e as { message?: unknown };
    if (typeof o.message === "string") return o.message;
    if (o.message && typeof o.message === "object") {
      const m = o.message as Partial<Record<"en" | "ja", string>>;
      return m[locale] ?? m.en ?? null;
    }
  }
  return null;
}
