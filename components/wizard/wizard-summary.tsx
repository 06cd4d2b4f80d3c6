"use client";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { TopologyView } from "@/components/deploy/topology";
import { enisOf, isMultiEni, resolvedOs, secondaryCount, secondaryCountOf } from "./form-model";
import { topologyFromForm } from "./form-topology";
import { IssueText } from "./field-issues";
import type { WizardState } from "./use-wizard-state";

/** The right column: the plan so far (instance → ENI → IPs → EIPs) and the pre-flight's findings. */
export function WizardSummary({ w }: { w: WizardState }) {
  const t = useTranslations("wizard");
  const { form, inventory, blocking, warnings, pristine, review } = w;
  // Only what the user chose: an EIP row still waiting for its choice is not "existing".
  const rows = enisOf(form).flatMap((e) => e.eips);
  const summaryEips = {
    existing: rows.filter((e) => e.source !== "new" && e.allocationId.trim()).length,
    fresh: rows.filter((e) => e.source === "new").length,
  };
  return (
    <aside aria-label={t("summary.title")} className="space-y-4 lg:sticky lg:top-4 lg:self-start">
      <Card className="space-y-3 p-4">
        <h2 className="text-sm font-semibold">{t("summary.title")}</h2>
        <TopologyView topology={topologyFromForm(form, inventory)} compact title={t("summary.topology")} />
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
          <dt className="text-muted-fg">{t("summary.region")}</dt>
          <dd className="font-mono">{form.regionId || "—"}</dd>
          <dt className="text-muted-fg">{t("summary.os")}</dt>
          <dd>{t(`os.${resolvedOs(form, inventory)}`)}</dd>
          {isMultiEni(form) ? (
            <>
              <dt className="text-muted-fg">{t("summary.enis")}</dt>
              <dd data-testid="summary-enis">
                {enisOf(form).map((e) => (
                  <span key={e.index} className="block">
                    {t("summary.eniLine", {
                      n: e.index + 1,
                      ips: secondaryCountOf(e) + (e.usePrimaryIp ? 1 : 0),
                      eips: e.eips.length,
                    })}
                    {e.eniMode === "primary" ? ` (${t("summary.primaryEni")})` : ""}
                  </span>
                ))}
              </dd>
            </>
          ) : (
            <>
              <dt className="text-muted-fg">{t("summary.ips")}</dt>
              <dd>
                {secondaryCount(form)}
                {form.usePrimaryIp ? ` + ${t("summary.primary")}` : ""}
              </dd>
            </>
          )}
          <dt className="text-muted-fg">{t("summary.eips")}</dt>
          <dd>{summaryEips.existing + summaryEips.fresh ? t("summary.eipCount", summaryEips) : "—"}</dd>
          <dt className="text-muted-fg">{t("summary.traffic")}</dt>
          <dd>{t(`traffic.${form.traffic}.short`)}</dd>
        </dl>
        <p
          className={cn(
            "text-xs",
            blocking ? (pristine ? "text-muted-fg" : "text-danger") : warnings.length ? "text-warning" : "text-success",
          )}
          data-testid="summary-issues"
        >
          {blocking
            ? t("summary.issues", { count: blocking })
            : warnings.length
              ? warnings.map((w) => <IssueText key={w.key} issue={w} />)
              : t("summary.noIssues")}
        </p>
      </Card>
      {review && (
        <Card className="p-4">
          <h2 className="mb-2 text-sm font-semibold">{t("summary.findings")}</h2>
          <p className="text-xs text-muted-fg">
            {t("summary.findingCounts", {
              errors: review.preflight.findings.filter((f) => f.severity === "error").length,
              warnings: review.preflight.findings.filter((f) => f.severity === "warning").length,
              notices: review.preflight.findings.filter((f) => f.severity === "notice").length,
            })}
          </p>
          {review.plan && (
            <p className="mt-1 text-xs text-muted-fg">{t("review.changes", { count: review.plan.changes })}</p>
          )}
        </Card>
      )}
    </aside>
  );
}
