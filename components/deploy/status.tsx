"use client";
import { useFormatter, useNow, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";

export const STATUS_TONE: Record<string, "neutral" | "success" | "danger" | "warning" | "info"> = {
  draft: "neutral",
  ready: "info",
  running: "info",
  succeeded: "success",
  drifted: "warning",
  failed: "danger",
  cancelled: "warning",
  tearing_down: "info",
  torn_down: "neutral",
};
const STATUSES = [
  "draft",
  "ready",
  "running",
  "succeeded",
  "drifted",
  "failed",
  "cancelled",
  "tearing_down",
  "torn_down",
] as const;
type Status = (typeof STATUSES)[number];

/** Status is a word and a colour, never colour alone. */
export function StatusBadge({ status, className }: { status: string; className?: string }) {
  const t = useTranslations("common.status");
  const known = (STATUSES as readonly string[]).includes(status);
  return (
    <Badge tone={STATUS_TONE[status] ?? "neutral"} className={className} data-status={status}>
      {(status === "running" || status === "tearing_down") && (
        <span aria-hidden className="mr-1.5 inline-block h-1.5 w-1.5 animate-pulse rounded-full bg-current" />
      )}
      {known ? t(status as Status) : status}
    </Badge>
  );
}

const STEP_TONE: Record<string, "neutral" | "success" | "danger" | "warning" | "info"> = {
  pending: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  skipped: "warning",
  noop: "neutral",
};
const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "noop"] as const;
export function StepBadge({ status }: { status: string }) {
  const t = useTranslations("deployment.stepStatus");
  return (
    <Badge tone={STEP_TONE[status] ?? "neutral"} data-step-status={status}>
      {(STEP_STATUSES as readonly string[]).includes(status) ? t(status as (typeof STEP_STATUSES)[number]) : status}
    </Badge>
  );
}

/** Relative time, the exact time on hover. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const format = useFormatter();
  const now = useNow({ updateInterval: 15_000 });
  if (!iso) return <span>—</span>;
  const d = new Date(iso);
  // `now` advances every 15 s: something that happened since then is "now", not "in 3 seconds".
  const reference = d > now ? d : now;
  return (
    <time dateTime={iso} title={format.dateTime(d, { dateStyle: "medium", timeStyle: "medium" })}>
      {format.relativeTime(d, reference)}
    </time>
  );
}
