"use client";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { Check, Link2 } from "lucide-react";
import { cn } from "@/components/ui/cn";
import { STEPS } from "./form-model";
import type { WizardState } from "./use-wizard-state";

/** Arrow keys, Home and End move the focus along the stepper's buttons (a roving tab stop). */
function moveAlong(e: React.KeyboardEvent<HTMLButtonElement>) {
  const buttons = [...(e.currentTarget.closest("ol")?.querySelectorAll("button") ?? [])];
  const at = buttons.indexOf(e.currentTarget);
  const to =
    e.key === "ArrowDown" || e.key === "ArrowRight"
      ? at + 1
      : e.key === "ArrowUp" || e.key === "ArrowLeft"
        ? at - 1
        : e.key === "Home"
          ? 0
          : e.key === "End"
            ? buttons.length - 1
            : null;
  if (to === null || !buttons[to]) return;
  e.preventDefault();
  buttons[to].focus();
}

/** The left column: the steps (done / current / blocked / to do) and the draft's save status. */
export function WizardStepper({ w, canApply }: { w: WizardState; canApply: boolean }) {
  const t = useTranslations("wizard");
  return (
    <nav aria-label={t("stepsLabel")} className="lg:sticky lg:top-4 lg:self-start">
      {/* relative: the steps' sr-only labels are absolutely positioned and would otherwise widen the page past the scroller */}
      <ol className="relative flex gap-1 overflow-x-auto lg:flex-col">
        {STEPS.map((s, i) => {
          const st = w.states[s];
          return (
            <li key={s}>
              <button
                type="button"
                // One Tab stop for the whole stepper (arrow keys move along it): the keyboard reaches
                // the step's first field in a few presses instead of through seven step buttons.
                tabIndex={s === w.step ? 0 : -1}
                onKeyDown={moveAlong}
                onClick={() => w.go(s)}
                aria-current={s === w.step ? "step" : undefined}
                data-state={st}
                className={cn(
                  "flex w-full items-center gap-2 whitespace-nowrap rounded-md px-2 py-1.5 text-left text-sm",
                  s === w.step ? "bg-primary/10 font-medium text-fg" : "text-muted-fg hover:bg-muted",
                )}
              >
                <span
                  aria-hidden
                  className={cn(
                    "flex h-5 w-5 shrink-0 items-center justify-center rounded-full border text-[11px]",
                    st === "done" && "border-success bg-success text-white",
                    st === "blocked" && "border-danger text-danger",
                    st === "current" && "border-primary text-primary",
                    st === "todo" && "border-border",
                  )}
                >
                  {st === "done" ? <Check className="h-3 w-3" /> : st === "blocked" ? "!" : i + 1}
                </span>
                <span>{t(`steps.${s}.short`)}</span>
                <span className="sr-only">({t(`stepState.${st}`)})</span>
              </button>
            </li>
          );
        })}
      </ol>
      <DraftStatus w={w} canApply={canApply} />
    </nav>
  );
}

function DraftStatus({
  w: { draftId, savesInFlight, savedAt, saveError },
  canApply,
}: {
  w: WizardState;
  canApply: boolean;
}) {
  const t = useTranslations("wizard");
  // A viewer's wizard saves nothing (saving needs deployments.apply): it must not say it does.
  if (!canApply)
    return (
      <p role="status" data-testid="draft-status" className="mt-4 text-xs text-muted-fg">
        {t("draft.viewerNotSaved")}
      </p>
    );
  return (
    <div className="mt-4 hidden space-y-1 text-xs text-muted-fg lg:block">
      {draftId ? (
        <>
          <p role="status" data-testid="draft-status">
            {savesInFlight > 0 ? t("draft.saving") : savedAt ? t("draft.saved") : t("draft.resumed")} ·{" "}
            <span className="font-mono">{draftId}</span>
          </p>
          <button
            type="button"
            className="inline-flex items-center gap-1 text-primary hover:underline"
            onClick={() => {
              void navigator.clipboard
                ?.writeText(`${window.location.origin}/deployments/new?draft=${draftId}`)
                .catch(() => {});
              toast.success(t("draft.linkCopied"));
            }}
          >
            <Link2 className="h-3 w-3" aria-hidden />
            {t("draft.copyLink")}
          </button>
        </>
      ) : (
        <p role="status" data-testid="draft-status">
          {savesInFlight > 0 ? t("draft.saving") : t("draft.notSaved")}
        </p>
      )}
      {saveError && (
        <p role="alert" className="text-danger">
          {t("draft.saveFailed")}: {saveError}
        </p>
      )}
    </div>
  );
}
