"use client";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { TopologyView } from "@/components/deploy/topology";
import { FindingsList, PlanCalls, PreflightStatus } from "./review-panel";
import { resolvedOs, totalIssues } from "./form-model";
import { topologyFromForm } from "./form-topology";
import type { AccountOption } from "./use-wizard-state";
import { useQuickDeploy, type QuickDeployState } from "./quick/use-quick-deploy";
import { BasicsFields } from "./quick/basics-fields";
import { InstanceFields } from "./quick/instance-fields";
import { EniFields } from "./quick/eni-fields";
import { EipFields } from "./quick/eip-fields";

/** One form for the whole job (what the document's ROS template offers), then the same review and progress. */
export function QuickDeploy({
  teamId,
  accounts,
  canApply,
}: {
  teamId: string;
  accounts: AccountOption[];
  canApply: boolean;
}) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const q = useQuickDeploy({ teamId, accounts });
  const { form, update, inventory, inv, err, effective, issues, all, error, touched, review, pending } = q;
  const fields = { form, update, inventory, err };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
      <div className="space-y-5">
        <Card className="space-y-5">
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              q.startTransition(q.doReview);
            }}
            className="space-y-5"
          >
            <BasicsFields {...fields} accounts={accounts} setPicked={q.setPicked} suggestedName={effective.name} />
            {inv.isError && (
              <p role="alert" className="text-sm text-danger">
                {(inv.error as Error).message}
              </p>
            )}

            <InstanceFields {...fields} />

            <EniFields {...fields} effective={effective} />

            <EipFields q={q} />

            {error && (
              <p role="alert" className="text-sm text-danger">
                {error}
              </p>
            )}
            {touched && totalIssues(issues) > 0 && (
              <p role="alert" className="text-sm text-danger">
                {tw("review.fixFirst", { count: totalIssues(issues) })}{" "}
                {all.map((i) => te(i.key as "nameRequired", i.values as Record<string, string>)).join(" ")}
              </p>
            )}
            <div className="flex gap-2">
              <Button type="submit" variant={review ? "secondary" : "primary"} disabled={pending || !canApply}>
                {pending && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
                {review ? t("reviewAgain") : t("review")}
              </Button>
            </div>
          </form>
        </Card>

        <QuickReview q={q} canApply={canApply} />
      </div>
      <aside aria-label={tw("summary.title")} className="lg:sticky lg:top-4 lg:self-start">
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold">{tw("summary.title")}</h2>
          <TopologyView topology={topologyFromForm(effective, inventory)} compact title={tw("summary.topology")} />
          <p className="text-xs text-muted-fg">
            {tw("summary.os")}: {tw(`os.${resolvedOs(effective, inventory)}`)}
          </p>
        </Card>
      </aside>
    </div>
  );
}

/** The pre-flight and the plan of the saved draft, and Apply. */
function QuickReview({
  q: { review, reviewRef, pending, startTransition, apply },
  canApply,
}: {
  q: QuickDeployState;
  canApply: boolean;
}) {
  const tw = useTranslations("wizard");
  if (!review) return null;
  return (
    <Card className="space-y-4" data-testid="quick-review">
      <h2 ref={reviewRef} tabIndex={-1} className="text-lg font-semibold outline-none">
        {tw("steps.review.title")}
      </h2>
      <p className="text-sm text-muted-fg" data-testid="cloud-effect">
        <span className="font-medium">{tw("inTheCloud")}</span> {tw("steps.review.cloud")}
      </p>
      <PreflightStatus review={review} />
      <FindingsList findings={review.preflight.findings} />
      {review.plan && <PlanCalls plan={review.plan} />}
      <Button
        onClick={() => startTransition(apply)}
        disabled={pending || !review.preflight.ok || !canApply}
        data-testid="apply"
      >
        {tw("apply")}
      </Button>
    </Card>
  );
}
