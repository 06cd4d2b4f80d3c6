// The fleet page's member filters (pure): all, failed, in progress (waiting or running), succeeded.
import type { MemberState } from "@/lib/fleet/fleet.schema";

export const MEMBER_FILTERS = ["all", "failed", "inProgress", "succeeded"] as const;
export type MemberFilter = (typeof MEMBER_FILTERS)[number];

const IN: Record<Exclude<MemberFilter, "all">, readonly MemberState[]> = {
  failed: ["failed"],
  inProgress: ["pending", "running"],
  succeeded: ["succeeded"],
};

export function filterMembers<T extends { state: MemberState }>(members: T[], f: MemberFilter): T[] {
  return f === "all" ? members : members.filter((m) => IN[f].includes(m.state));
}

/** How many members each filter shows. */
export function memberFilterCounts(members: Array<{ state: MemberState }>): Record<MemberFilter, number> {
  return Object.fromEntries(MEMBER_FILTERS.map((f) => [f, filterMembers(members, f).length])) as Record<
    MemberFilter,
    number
  >;
}

/** What a fleet in this status allows (a viewer gets none of it: the page passes canApply). */
export function fleetControls(status: string, failed: number) {
  const stopped = ["succeeded", "failed", "paused", "aborted"].includes(status);
  return {
    start: status === "draft",
    pause: status === "rolling_out",
    resume: status === "paused",
    abort: status === "rolling_out" || status === "paused",
    retryFailed: failed > 0 && stopped,
    change: stopped,
    teardown: stopped || status === "draft",
    drift: stopped,
    guest: stopped,
  };
}
