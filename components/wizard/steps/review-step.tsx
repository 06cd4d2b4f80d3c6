"use client";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { STEPS } from "../form-model";
import { IssueText } from "../field-issues";
import { FindingsList, PlanCalls, PreflightStatus } from "../review-panel";
import type { WizardState } from "../use-wizard-state";

/** What still blocks the form (each a link to its step), the pre-flight's findings and the plan. */
export function ReviewStep({ w, canApply }: { w: WizardState; canApply: boolean }) {
  const t = useTranslations("wizard");
  const { blocking, issues, go, review, reviewError, pending } = w;
  return (
    <div className="space-y-5">
      {blocking > 0 && (
        <div
          role="alert"
          className="rounded-md border border-danger/40 bg-danger/5 p-3 text-sm"
          data-testid="form-issues"
        >
          <p className="font-medium text-danger">{t("review.fixFirst", { count: blocking })}</p>
          <ul className="mt-2 space-y-1">
            {STEPS.filter((s) => issues[s].length).map((s) =>
              issues[s].map((i, k) => (
                <li key={`${s}-${k}`}>
                  <button type="button" className="text-left underline decoration-dotted" onClick={() => go(s)}>
                    {t(`steps.${s}.short`)}
                  </button>
                  : <IssueText issue={i} />
                </li>
              )),
            )}
          </ul>
        </div>
      )}
      <div>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h3 className="font-medium">{t("review.preflight")}</h3>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => w.startTransition(w.runReview)}
            disabled={pending || !canApply}
          >
            {pending ? <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden /> : null}
            {t("review.rerun")}
          </Button>
        </div>
        {pending && !review && (
          <p className="text-sm text-muted-fg" role="status">
            <Loader2 className="mr-1 inline h-3.5 w-3.5 animate-spin" aria-hidden />
            {t("review.checking")}
          </p>
        )}
        {reviewError && (
          <p role="alert" className="text-sm text-danger">
            {reviewError}
          </p>
        )}
        {review && (
          <div className="space-y-1">
            <PreflightStatus review={review} />
            <FindingsList findings={review.preflight.findings} />
          </div>
        )}
      </div>
      {review?.plan && (
        <div>
          <h3 className="mb-2 font-medium">{t("review.plan")}</h3>
          <PlanCalls plan={review.plan} />
        </div>
      )}
    </div>
  );
}
