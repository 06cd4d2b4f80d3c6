"use client";
import { useEffect, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import { verifyAction } from "@/lib/actions/deployments.actions";
import { GuestPanel } from "@/components/guest/guest-panel";
import { TopologyView } from "./topology";
import { topologyFromProgress } from "./topology-model";
import { DeploymentHeader } from "./deployment-header";
import { DeploymentErrorPanel, type DeploymentError } from "./deployment-error";
import { StepTimeline } from "./step-timeline";
import { EipResults } from "./eip-results";
import { DriftCard, type Drift } from "./drift-card";
import { withDrift } from "./drift-overlay";
import { ScriptsCard } from "./scripts-card";
import { currentView, deploymentKeys } from "./deployment-keys";

export { deploymentKeys };

async function fetchView(teamId: string, id: string): Promise<View> {
  const r = await fetch(`/api/deployments/${id}/progress?teamId=${encodeURIComponent(teamId)}`, { cache: "no-store" });
  if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${r.status}`);
  return (await r.json()) as View;
}

/** One deployment, kept live while it runs: header and actions, error, steps, EIPs, guest, drift, scripts, topology. */
export function DeploymentView({ teamId, initial, canApply }: { teamId: string; initial: View; canApply: boolean }) {
  const t = useTranslations("deployment");
  const qc = useQueryClient();
  const key = deploymentKeys.one(teamId, initial.id);
  // The page's cache outlives a visit: a view cached before a Change (succeeded, terminal, not polled)
  // would otherwise be shown instead of the run the server just rendered. Once, before the first read.
  useState(() => {
    const cached = qc.getQueryData<View>(key);
    if (cached && currentView(cached, initial) !== cached) qc.setQueryData(key, initial);
  });
  const q = useQuery({
    queryKey: key,
    queryFn: () => fetchView(teamId, initial.id),
    initialData: initial,
    // Polled while a run is active (running, tearing down); a terminal view is not polled.
    refetchInterval: (query) => (query.state.data?.terminal ? false : 1000),
    refetchOnWindowFocus: true,
  });
  const d = q.data;
  const [drift, setDrift] = useState<Drift | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: deploymentKeys.one(teamId, d.id) });
  const autoVerified = useRef(false);

  // The connectivity check runs by itself once the apply has succeeded.
  useEffect(() => {
    if (d.status === "succeeded" && d.phase === "apply" && !d.checks && !autoVerified.current) {
      autoVerified.current = true;
      void verifyAction({ teamId, id: d.id }).then(() => refresh());
    }
  });

  const err = d.error as DeploymentError;
  const running = d.status === "running" || d.status === "tearing_down";
  // The last check's finding (refresh or the schedule) while drifted; a refresh just made shows its own.
  const shownDrift: Drift | null =
    drift ??
    (d.status === "drifted" && d.driftCheckedAt
      ? { drift: d.drift, checkedAt: d.driftCheckedAt, inSync: false }
      : null);
  const topology = withDrift(
    topologyFromProgress({ ...d, spec: d.spec as never }),
    d.status === "drifted" ? d.drift : [],
  );

  return (
    <div className="space-y-5">
      <DeploymentHeader
        teamId={teamId}
        d={d}
        canApply={canApply}
        running={running}
        refresh={refresh}
        setDrift={setDrift}
      />

      {err && <DeploymentErrorPanel err={err} />}

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_340px]">
        <div className="min-w-0 space-y-5">
          <StepTimeline d={d} running={running} />

          {d.status === "drifted" && shownDrift && <DriftCard drift={shownDrift} />}

          <EipResults d={d} />

          {d.status === "succeeded" && d.phase === "apply" && (
            <GuestPanel teamId={teamId} deploymentId={d.id} canApply={canApply} onChanged={refresh} />
          )}

          {shownDrift && d.status !== "drifted" && <DriftCard drift={shownDrift} />}

          <ScriptsCard d={d} teamId={teamId} />
        </div>

        <aside className="space-y-5">
          <Card>
            <h2 className="mb-3 font-semibold">{t("topology.title")}</h2>
            <TopologyView topology={topology} />
          </Card>
        </aside>
      </div>
    </div>
  );
}
