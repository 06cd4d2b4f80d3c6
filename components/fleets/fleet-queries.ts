// React Query keys and the one unwrap of an action's answer for the fleet pages.
import { useQuery } from "@tanstack/react-query";
import { fleetViewAction } from "@/lib/actions/fleets.actions";
import type { FleetView } from "@/lib/fleet/fleet-view";

export const fleetKeys = {
  one: (team: string, id: string) => ["fleet", team, id] as const,
};

type Answer<T> = { ok: true; data: T } | { ok: false; error: string; requestId?: string };

export async function unwrap<T>(p: Promise<Answer<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
  return r.data;
}

/** The fleet, polled every 2 s while a rollout (or teardown, or repair) is in progress. */
export function useFleet(teamId: string, initial: FleetView) {
  return useQuery({
    queryKey: fleetKeys.one(teamId, initial.id),
    queryFn: () => unwrap(fleetViewAction({ teamId, id: initial.id })),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.terminal ? false : 2000),
    retry: 1,
  });
}
