"use client";
import { useTranslations } from "next-intl";
import { ArrowRight, Globe, Network, Server } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { NodeState, Topology } from "./topology-model";

const tone: Record<NodeState, string> = {
  existing: "border-border bg-card",
  planned: "border-dashed border-border bg-muted/40 text-muted-fg",
  working: "border-primary bg-primary/5",
  done: "border-success/60 bg-success/5",
  failed: "border-danger bg-danger/5",
  removed: "border-dashed border-border opacity-60 line-through",
  drifted: "border-warning bg-warning/10",
};

function StateWord({ state }: { state: NodeState }) {
  const t = useTranslations("deployment.topology.state");
  const colour = {
    existing: "text-muted-fg",
    planned: "text-muted-fg",
    working: "text-primary",
    done: "text-success",
    failed: "text-danger",
    removed: "text-muted-fg",
    drifted: "text-warning",
  }[state];
  return <span className={cn("text-[11px] font-medium uppercase tracking-wide", colour)}>{t(state)}</span>;
}

/** instance → ENI → private IPs → EIPs; states are words and colours. */
export function TopologyView({
  topology,
  compact = false,
  title,
}: {
  topology: Topology;
  compact?: boolean;
  title?: string;
}) {
  const t = useTranslations("deployment.topology");
  const { instance, enis } = topology;
  return (
    <figure
      aria-label={title ?? t("title")}
      className={cn("text-sm", compact ? "space-y-2" : "space-y-3")}
      data-testid="topology"
    >
      <div className={cn("flex items-center gap-2 rounded-md border px-3 py-2", tone[instance?.state ?? "planned"])}>
        <Server className="h-4 w-4 shrink-0" aria-hidden />
        {/* null: nothing chosen yet (the wizard before an instance is picked), so no state to claim */}
        <span className={cn("min-w-0 flex-1 truncate text-xs", instance && "font-mono")}>
          {instance ? instance.label || t("newInstance") : t("noInstance")}
        </span>
        {instance && <StateWord state={instance.state} />}
      </div>
      {enis.length === 0 && <p className="pl-6 text-xs text-muted-fg">{t("noEni")}</p>}
      {enis.map((eni, ei) => (
        <div key={eni.id || ei} className="ml-3 border-l border-border pl-3">
          <div
            className={cn("flex items-center gap-2 rounded-md border px-3 py-2", tone[eni.state])}
            data-testid="topology-eni"
          >
            <Network className="h-4 w-4 shrink-0" aria-hidden />
            <span className="min-w-0 flex-1 truncate font-mono text-xs">{eni.label || t("newEni")}</span>
            <StateWord state={eni.state} />
          </div>
          <ul className="ml-3 mt-2 space-y-1.5 border-l border-border pl-3">
            {eni.ips.length === 0 && <li className="text-xs text-muted-fg">{t("noIps")}</li>}
            {eni.ips.map((ip, i) => (
              <li key={`${ip.ip}-${i}`} className="flex flex-wrap items-center gap-1.5" data-testid="topology-ip">
                <span
                  className={cn(
                    "inline-flex min-w-[7.5rem] items-center gap-1 rounded border px-2 py-1 font-mono text-xs",
                    tone[ip.state],
                  )}
                >
                  {ip.ip || t("autoIp")}
                  {ip.primary && <span className="font-sans text-[10px] text-muted-fg">{t("primary")}</span>}
                </span>
                <ArrowRight className="h-3 w-3 text-muted-fg" aria-label={t("mapsTo")} />
                {ip.eip ? (
                  <span
                    className={cn(
                      "inline-flex items-center gap-1 rounded border px-2 py-1 font-mono text-xs",
                      tone[ip.eip.state],
                    )}
                    data-testid="topology-eip"
                  >
                    <Globe className="h-3 w-3" aria-hidden />
                    {ip.eip.address || ip.eip.id || t("newEip")}
                    <span className="sr-only">({t(`state.${ip.eip.state}`)})</span>
                  </span>
                ) : (
                  <span className="text-xs text-muted-fg">{t("noEip")}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </figure>
  );
}
