"use client";
import { useRef } from "react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { CircleAlert, Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { STEPS } from "./form-model";
import { IssueText } from "./field-issues";
import { useWizardState, type WizardProps, type WizardState } from "./use-wizard-state";
import { WizardStepper } from "./wizard-stepper";
import { WizardSummary } from "./wizard-summary";
import { DeleteDraft } from "./delete-draft";
import { InstanceStep } from "./steps/instance-step";
import { EniStep } from "./steps/eni-step";
import { IpsStep } from "./steps/ips-step";
import { OsStep } from "./steps/os-step";
import { EipsStep } from "./steps/eips-step";
import { RoutesStep } from "./steps/routes-step";
import { ReviewStep } from "./steps/review-step";

export type { AccountOption, ChangeInput, DraftInput } from "./use-wizard-state";

/** The deployment wizard: a stepper on the left, the step in the middle, a live summary on the right. */
export function Wizard(props: WizardProps) {
  const t = useTranslations("wizard");
  const headingRef = useRef<HTMLHeadingElement>(null);
  const w = useWizardState(props, headingRef);
  const { step, inv, stepIssues } = w;

  // minmax(0, 1fr) on phones too: a plain grid column grows to its widest child (the stepper, the instance table).
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[200px_minmax(0,1fr)_300px]">
      <WizardStepper w={w} canApply={props.canApply} />

      <section aria-labelledby="step-heading" className="min-w-0">
        <Card className="space-y-5">
          <header>
            <p className="text-xs font-medium uppercase tracking-wide text-muted-fg">
              {t("stepOf", { n: STEPS.indexOf(step) + 1, total: STEPS.length })}
            </p>
            <h2 id="step-heading" ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
              {t(`steps.${step}.title`)}
            </h2>
            <p className="mt-1 text-sm text-muted-fg">{t(`steps.${step}.what`)}</p>
            <p className="mt-1 text-sm" data-testid="cloud-effect">
              <span className="font-medium">{t("inTheCloud")}</span> {t(`steps.${step}.cloud`)}
            </p>
          </header>

          {inv.isError && step !== "review" && (
            <div role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-3 text-sm">
              <p className="font-medium text-danger">{t("inventoryFailed")}</p>
              <p className="mt-1">{(inv.error as Error).message}</p>
              <Button size="sm" variant="secondary" className="mt-2" onClick={() => inv.refetch()}>
                {t("retry")}
              </Button>
            </div>
          )}

          <CurrentStep w={w} props={props} />

          {step !== "review" && stepIssues.length > 0 && (
            <ul
              className="space-y-1 rounded-md border border-danger/40 bg-danger/5 p-3 text-sm"
              aria-live="polite"
              data-testid="step-issues"
            >
              {stepIssues.map((i, k) => (
                <li key={k} className="flex gap-2">
                  <CircleAlert className="mt-0.5 h-4 w-4 shrink-0 text-danger" aria-hidden />
                  <span>
                    <IssueText issue={i} />
                  </span>
                </li>
              ))}
            </ul>
          )}

          <StepFooter w={w} canApply={props.canApply} teamId={props.teamId} />
          {!props.canApply && <p className="text-sm text-muted-fg">{t("viewerCannotApply")}</p>}
        </Card>
      </section>

      <WizardSummary w={w} />
    </div>
  );
}

function CurrentStep({ w, props: { teamId, accounts, canApply } }: { w: WizardState; props: WizardProps }) {
  const { form, update, inventory, stepIssues: issues } = w;
  const fields = { form, update, inventory };
  switch (w.step) {
    case "instance":
      return <InstanceStep {...fields} accounts={accounts} loading={w.inv.isFetching} issues={issues} />;
    case "eni":
      return <EniStep {...fields} issues={issues} />;
    case "ips":
      return <IpsStep {...fields} issues={issues} />;
    case "os":
      return <OsStep {...fields} teamId={teamId} />;
    case "eips":
      return (
        <EipsStep
          {...fields}
          updateEips={w.updateEips}
          issues={issues}
          teamId={teamId}
          located={w.located}
          setLocated={w.setLocated}
        />
      );
    case "routes":
      return <RoutesStep {...fields} teamId={teamId} />;
    case "review":
      return <ReviewStep w={w} canApply={canApply} />;
  }
}

/** Back, Save draft, and Next (or Apply on the review step). */
function StepFooter({ w, canApply, teamId }: { w: WizardState; canApply: boolean; teamId: string }) {
  const t = useTranslations("wizard");
  const { step, go, pending, review } = w;
  const idx = STEPS.indexOf(step);
  return (
    <footer className="flex flex-wrap items-center gap-2 border-t border-border pt-4">
      {idx > 0 && (
        <Button variant="secondary" onClick={() => go(STEPS[idx - 1]!)}>
          {t("back")}
        </Button>
      )}
      {canApply && !w.change && (
        <Button
          variant="ghost"
          disabled={pending}
          onClick={() => {
            const saved = w.save();
            w.startTransition(async () => {
              if (await saved) toast.success(t("draft.saved"));
            });
          }}
        >
          {t("draft.save")}
        </Button>
      )}
      {canApply && w.draftId && (
        <DeleteDraft teamId={teamId} draftId={w.draftId} name={w.form.name.trim() || t("untitled")} />
      )}
      <span className="ml-auto" />
      {step !== "review" ? (
        <Button onClick={() => go(STEPS[idx + 1]!)}>{t("next")}</Button>
      ) : (
        <Button
          onClick={w.apply}
          disabled={!canApply || w.applying || pending || w.blocking > 0 || !review?.preflight.ok}
          data-testid="apply"
        >
          {w.applying && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
          {w.change ? t("change.apply") : t("apply")}
        </Button>
      )}
    </footer>
  );
}
