"use client";
// A fleet's status and a member's state: a word and a colour, never colour alone.
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";

type Tone = "neutral" | "success" | "danger" | "warning" | "info";

const FLEET_TONE: Record<string, Tone> = {
  draft: "neutral",
  rolling_out: "info",
  paused: "warning",
  succeeded: "success",
  failed: "danger",
  aborted: "warning",
  tearing_down: "info",
  torn_down: "neutral",
};

const MEMBER_TONE: Record<string, Tone> = {
  pending: "neutral",
  running: "info",
  succeeded: "success",
  failed: "danger",
  aborted: "warning",
  skipped: "neutral",
};

export function FleetStatusBadge({ status }: { status: string }) {
  const t = useTranslations("fleets.status");
  return (
    <Badge tone={FLEET_TONE[status] ?? "neutral"} data-testid="fleet-status">
      {t.has(status) ? t(status) : status}
    </Badge>
  );
}

export function MemberStateBadge({ state }: { state: string }) {
  const t = useTranslations("fleets.memberState");
  return (
    <Badge tone={MEMBER_TONE[state] ?? "neutral"} data-testid="member-state">
      {t.has(state) ? t(state) : state}
    </Badge>
  );
}
