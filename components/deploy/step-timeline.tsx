"use client";
import { useLocale, useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { Badge, Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { cn } from "@/components/ui/cn";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import { fillRefLabels } from "@/lib/deploy/planner";
import { StepBadge } from "./status";
import type { DeploymentError as Err } from "./deployment-error";

/** The current phase's steps (apply or teardown) with the progress bar: what ran, how often, with which RequestId. */
export function StepTimeline({ d, running }: { d: View; running: boolean }) {
  const t = useTranslations("deployment");
  const phaseSteps = d.steps.filter((s) => s.phase === d.phase);
  const done = phaseSteps.filter((s) => ["succeeded", "noop"].includes(s.status)).length;
  const retried = phaseSteps.filter((s) => s.attempts > 1).length;
  return (
    <Card className="p-0">
      <div className="flex flex-wrap items-center gap-3 border-b border-border px-4 py-3">
        <h2 className="font-semibold">{d.phase === "teardown" ? t("timelineTeardown") : t("timeline")}</h2>
        <span className="text-sm text-muted-fg" data-testid="progress-count">
          {t("progress", { done, total: phaseSteps.length })}
        </span>
        {retried > 0 && (
          <Badge tone="warning" data-testid="retried">
            {t("retried", { count: retried })}
          </Badge>
        )}
        {running && <Loader2 className="h-4 w-4 animate-spin text-primary" aria-label={t("live")} />}
        <div
          className="ml-auto h-1.5 w-40 overflow-hidden rounded bg-muted"
          role="progressbar"
          aria-label={t("timeline")}
          aria-valuemin={0}
          aria-valuemax={phaseSteps.length || 1}
          aria-valuenow={done}
        >
          <div
            className="h-full bg-primary transition-all"
            style={{ width: `${phaseSteps.length ? (100 * done) / phaseSteps.length : 0}%` }}
          />
        </div>
      </div>
      {phaseSteps.length === 0 ? (
        <p className="p-4 text-sm text-muted-fg">{t("noSteps")}</p>
      ) : (
        <ol className="divide-y divide-border" data-testid="steps">
          {phaseSteps.map((s, i) => (
            <StepRow key={s.key} d={d} step={s} index={i} />
          ))}
        </ol>
      )}
    </Card>
  );
}

function StepRow({ d, step: s, index: i }: { d: View; step: View["steps"][number]; index: number }) {
  const t = useTranslations("deployment");
  const locale = useLocale() as "en" | "ja";
  const e = s.error as Err;
  const desc = d.descriptions[`${s.phase}:${s.key}`];
  return (
    <li
      className="grid grid-cols-[1.5rem_minmax(0,1fr)_auto] gap-x-3 px-4 py-2.5 text-sm"
      data-testid="step"
      data-key={s.key}
      data-status={s.status}
    >
      <span className="pt-0.5 text-xs tabular-nums text-muted-fg">{i + 1}</span>
      <div className="min-w-0">
        <p className={cn(s.status === "noop" && "text-muted-fg")}>
          {desc ? fillRefLabels(desc[locale], d.resources) : s.key}
        </p>
        <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-muted-fg">
          <span className="font-mono">{s.action}</span>
          {s.attempts > 0 && <span data-testid="attempts">{t("attempts", { count: s.attempts })}</span>}
          {s.durationMs !== null && <span>{(s.durationMs / 1000).toFixed(1)} s</span>}
          {s.requestIds.filter(Boolean).length > 0 && (
            <span className="inline-flex items-center gap-1">
              RequestId <CopyId value={s.requestIds.filter(Boolean).at(-1)!} label={t("copy")} />
              {s.requestIds.filter(Boolean).length > 1 && <span>(+{s.requestIds.filter(Boolean).length - 1})</span>}
            </span>
          )}
        </p>
        {e && (
          <div className="mt-1 rounded border border-danger/30 bg-danger/5 p-2 text-xs">
            <p>
              <span className="font-mono">{e.code}</span>: {e.message}
            </p>
            {e.requestId && (
              <p>
                RequestId <span className="font-mono">{e.requestId}</span>
              </p>
            )}
            {e.hint && (
              <p className="mt-1">
                {t("fix")}: {e.hint[locale]}
              </p>
            )}
          </div>
        )}
      </div>
      <StepBadge status={s.status} />
    </li>
  );
}
