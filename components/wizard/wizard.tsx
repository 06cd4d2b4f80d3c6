"use client";
import { useCallback, useEffect, useMemo, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { Check, CircleAlert, Link2, Loader2, Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, Badge } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import { TopologyView } from "@/components/deploy/topology";
import type { Topology } from "@/components/deploy/topology-model";
import {
  applyAction,
  inventoryAction,
  locateEipAction,
  previewBundleAction,
  reviewAction,
  saveDraftAction,
} from "@/lib/actions/wizard.actions";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { BundleViewer } from "./bundle-viewer";
import { FindingsList, PlanCalls, type ReviewResult } from "./review-panel";
import {
  STEPS,
  chosenEni,
  chosenInstance,
  chosenType,
  defaultEips,
  eipTargets,
  formWarnings,
  isPlaceholderEips,
  eniVSwitch,
  exampleAddresses,
  formFromSpec,
  guardStep,
  ipRoom,
  parseAddressList,
  parseStep,
  resolvedOs,
  secondaryCount,
  visibleIssues,
  visitedBefore,
  specFromForm,
  stepStates,
  totalIssues,
  validate,
  type EipRow,
  type Issue,
  type LocatedEip,
  type StepId,
  type WizardForm,
  emptyForm,
} from "./form-model";

export type AccountOption = { id: string; name: string; defaultRegion: string; kind: string };
/** A saved draft (id) or a new one prefilled from a shared config (id null). */
export type DraftInput = { id: string | null; name: string; spec: Record<string, unknown>; status: string } | null;

export const wizardKeys = {
  // The locale too: the cloud names regions and zones in the page's language.
  inventory: (team: string, locale: string, account: string, region: string, instance: string) =>
    ["inventory", team, locale, account, region, instance] as const,
  preview: (team: string, input: unknown) => ["bundle-preview", team, input] as const,
};

async function unwrap<T>(
  p: Promise<{ ok: true; data: T } | { ok: false; error: string; requestId?: string }>,
): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
  return r.data;
}

export function useInventory(
  teamId: string,
  f: Pick<WizardForm, "cloudAccountId" | "regionId" | "instanceId" | "instanceMode">,
) {
  const instanceId = f.instanceMode === "existing" ? f.instanceId : "";
  const locale = useLocale();
  return useQuery({
    queryKey: wizardKeys.inventory(teamId, locale, f.cloudAccountId, f.regionId, instanceId),
    queryFn: () =>
      unwrap(
        inventoryAction({
          teamId,
          cloudAccountId: f.cloudAccountId,
          regionId: f.regionId,
          instanceId: instanceId || null,
        }),
      ),
    enabled: !!f.cloudAccountId && !!f.regionId,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    // Reads only: a transient network error (e.g. a reset keep-alive socket) is worth one quiet retry.
    retry: 1,
  });
}

/** Planned topology from the form (what the summary shows before anything runs). */
export function topologyFromForm(f: WizardForm, inv: Inventory | null): Topology {
  const inst = chosenInstance(f, inv);
  const eni = chosenEni(f, inv);
  const targets = eipTargets(f, inv);
  const ips = targets.map((tg, i) => ({
    ip: tg.auto ? "" : tg.value,
    primary: f.usePrimaryIp && i === 0,
    state: (f.usePrimaryIp && i === 0 && eni ? "existing" : "planned") as "existing" | "planned",
    eip: null as Topology["enis"][number]["ips"][number]["eip"],
  }));
  const explicit = new Set(f.eips.map((e) => e.privateIp).filter(Boolean));
  const free = ips.filter((s) => !s.ip || !explicit.has(s.ip));
  let next = 0;
  for (const e of f.eips) {
    const slot = e.privateIp ? ips.find((s) => s.ip === e.privateIp) : free[next++];
    const found = inv?.eips.find((x) => x.allocationId === e.allocationId);
    if (slot)
      slot.eip = {
        id: e.source === "new" ? "" : e.allocationId,
        address: e.source === "new" ? "" : (found?.ipAddress ?? e.allocationId),
        state: "planned",
      };
  }
  return {
    instance:
      f.instanceMode === "existing"
        ? f.instanceId
          ? {
              id: f.instanceId,
              label: inst ? `${inst.name || inst.instanceId} · ${inst.instanceId}` : f.instanceId,
              state: "existing",
            }
          : null
        : { id: "", label: "", state: "planned" },
    enis:
      f.eniMode === "existing" && !f.eniId
        ? []
        : [
            {
              id: f.eniId,
              label: f.eniMode === "existing" ? f.eniId : "",
              primaryEni: false,
              state: eni && inst && eni.instanceId === inst.instanceId ? "existing" : "planned",
              ips,
            },
          ],
  };
}

function IssueText({ issue }: { issue: Issue }) {
  const t = useTranslations("wizard.errors");
  return <>{t(issue.key as "nameRequired", issue.values as Record<string, string>)}</>;
}

function fieldError(
  issues: Issue[],
  field: string,
  t: ReturnType<typeof useTranslations<"wizard.errors">>,
): string | undefined {
  const hits = issues.filter((i) => i.field === field || i.field.startsWith(`${field}.`));
  return hits.length
    ? hits.map((i) => t(i.key as "nameRequired", i.values as Record<string, string>)).join(" ")
    : undefined;
}

/** The wizard's address for a step: the current query (draft, config) with `step` set; `draft` once saved. */
function stepHref(step: StepId, draftId: string | null): string {
  const q = new URLSearchParams(window.location.search);
  if (draftId) q.set("draft", draftId);
  q.set("step", step);
  return `${window.location.pathname}?${q.toString()}`;
}

export function Wizard({
  teamId,
  accounts,
  canApply,
  draft,
  initialStep = null,
}: {
  teamId: string;
  accounts: AccountOption[];
  canApply: boolean;
  draft: DraftInput;
  initialStep?: StepId | null;
}) {
  const t = useTranslations("wizard");
  const router = useRouter();
  const [form, setForm] = useState<WizardForm>(() => {
    if (draft) return formFromSpec(draft.spec, draft.name);
    const a = accounts[0];
    return emptyForm({ cloudAccountId: a?.id ?? "", regionId: a?.defaultRegion ?? "" });
  });
  const [draftId, setDraftId] = useState<string | null>(draft?.id ?? null);
  // The step lives in the URL (?step=…): a reload keeps it and Back/Forward move between steps. A step
  // whose earlier steps still have problems falls back to the first of those.
  const [step, setStep] = useState<StepId>(() =>
    initialStep ? guardStep(initialStep, validate(form, null)) : "instance",
  );
  // Steps the user has left or tried to leave (all their problems show) and fields the user changed
  // (their problems show live). A resumed draft shows the problems of the step it opens on.
  const [visited, setVisited] = useState<Set<StepId>>(() =>
    draft?.id ? new Set([...visitedBefore(step), step]) : visitedBefore(step),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const stepRef = useRef<StepId>(step);
  const [located, setLocated] = useState<Record<string, LocatedEip>>({});
  const [review, setReview] = useState<ReviewResult | null>(null);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  // Saves still on their way to the server: the status says "Saving…" and leaving the page asks first.
  const [savesInFlight, setSavesInFlight] = useState(0);
  const [pending, startTransition] = useTransition();
  const [applying, setApplying] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const dirty = useRef(false);

  const inv = useInventory(teamId, form);
  const inventory = inv.data ?? null;
  const issues = useMemo(() => validate(form, inventory, located), [form, inventory, located]);
  const states = stepStates(step, visited, issues);
  const blocking = totalIssues(issues);
  const warnings = formWarnings(form);

  const update = useCallback((patch: Partial<WizardForm>) => {
    dirty.current = true;
    setTouched((s) => (Object.keys(patch).every((k) => s.has(k)) ? s : new Set([...s, ...Object.keys(patch)])));
    setReview(null);
    setForm((f) => ({ ...f, ...patch }));
  }, []);
  // EIP rows change from the latest rows, not this render's: two rows picked in quick succession both stay.
  const updateEips = useCallback((change: (eips: EipRow[]) => EipRow[]) => {
    dirty.current = true;
    setTouched((s) => (s.has("eips") ? s : new Set([...s, "eips"])));
    setReview(null);
    setForm((f) => ({ ...f, eips: change(f.eips) }));
  }, []);

  // Saves run one after another: a quick second Next must update the draft the first one created,
  // not create another (whose older content could then win the URL).
  const savedId = useRef<string | null>(draft?.id ?? null);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const save = useCallback(
    (current: WizardForm = form): Promise<string | null> => {
      if (!canApply) return Promise.resolve(draftId);
      setSavesInFlight((n) => n + 1);
      const run = saving.current.then(async () => {
        const id = savedId.current;
        const name = current.name.trim() || t("untitled");
        const r = await saveDraftAction({ teamId, id, name, spec: specFromForm(current, inventory) });
        if (!r.ok) {
          setSaveError(r.error);
          return null;
        }
        setSaveError(null);
        dirty.current = false;
        setSavedAt(new Date().toISOString());
        if (r.data.id !== id) {
          savedId.current = r.data.id;
          setDraftId(r.data.id);
          window.history.replaceState(null, "", stepHref(stepRef.current, r.data.id));
        }
        return r.data.id;
      });
      saving.current = run.catch(() => null).finally(() => setSavesInFlight((n) => n - 1));
      return run;
    },
    [canApply, draftId, form, inventory, teamId, t],
  );

  // A reload or a closed tab while a save is on its way would lose what the user just typed.
  useEffect(() => {
    if (savesInFlight === 0) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [savesInFlight]);

  /** Pre-flight and plan of the draft as stored. */
  const reviewStored = useCallback(
    async (id: string) => {
      setReviewError(null);
      const r = await reviewAction({ teamId, id });
      if (!r.ok) setReviewError(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
      else setReview(r.data);
    },
    [teamId],
  );
  const runReview = useCallback(async () => {
    const id = await save();
    if (id) await reviewStored(id);
  }, [save, reviewStored]);

  // A draft opened on its review step (a reload, a link shared in the team): the pre-flight and the
  // plan are fetched as when Next led there, instead of an empty review with Apply disabled.
  // Nothing is saved first: the draft was just read, and the inventory its spec is built with is not loaded yet.
  const openedOn = useRef(step);
  useEffect(() => {
    if (openedOn.current !== "review" || !draftId || !canApply) return;
    openedOn.current = "instance"; // once
    startTransition(() => reviewStored(draftId));
  }, [draftId, canApply, reviewStored]);

  // Back/Forward: show the step the history entry names (guarded like any other move), without a new entry.
  useEffect(() => {
    const onPop = () => {
      const wanted = guardStep(
        parseStep(new URLSearchParams(window.location.search).get("step")) ?? "instance",
        issues,
      );
      setVisited((v) => new Set([...v, stepRef.current]));
      stepRef.current = wanted;
      setStep(wanted);
      const href = stepHref(wanted, draftId);
      if (href !== window.location.pathname + window.location.search) window.history.replaceState(null, "", href);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, [issues, draftId]);

  function go(target: StepId) {
    const next = guardStep(target, issues);
    setVisited((v) => new Set([...v, step]));
    if (next !== step) window.history.pushState(null, "", stepHref(next, draftId));
    stepRef.current = next;
    setStep(next);
    // First time on the EIP step (also of a draft resumed before it): one new EIP per private IP instead of the placeholder row.
    let current = form;
    if (next === "eips" && !visited.has("eips") && !touched.has("eips") && isPlaceholderEips(form.eips)) {
      dirty.current = true;
      current = { ...form, eips: defaultEips(form) };
      setForm(current);
    }
    // The save starts outside the transition so that "Saving…" shows at once (a transition's updates wait for its end).
    const saved = dirty.current && current.cloudAccountId ? save(current) : null;
    startTransition(async () => {
      await saved;
      if (next === "review") await runReview();
    });
    // Blocked (Next on a step with problems): the problems are listed now; focus the first field at fault.
    const blocked = next === step && target !== step;
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        (
          (blocked
            ? document.querySelector<HTMLElement>('section[aria-labelledby="step-heading"] [aria-invalid="true"]')
            : null) ?? headingRef.current
        )?.focus(),
      ),
    );
  }

  const idx = STEPS.indexOf(step);
  const stepIssues = visibleIssues(issues[step], visited.has(step), touched);
  // Nothing typed and Next not pressed yet: what is missing is a to-do list, not an alarm.
  const pristine = touched.size === 0 && visited.size === 0;

  async function apply() {
    if (!draftId) return;
    setApplying(true);
    const id = await save();
    if (!id) {
      setApplying(false);
      return;
    }
    const r = await applyAction({ teamId, id });
    if (!r.ok) {
      setApplying(false);
      toast.error(r.error);
      setReviewError(r.error);
      await runReview();
      return;
    }
    router.push(`/deployments/${r.data.deploymentId}`);
  }

  const summary = topologyFromForm(form, inventory);
  // Only what the user chose: an EIP row still waiting for its choice is not "existing".
  const summaryEips = {
    existing: form.eips.filter((e) => e.source !== "new" && e.allocationId.trim()).length,
    fresh: form.eips.filter((e) => e.source === "new").length,
  };

  // minmax(0, 1fr) on phones too: a plain grid column grows to its widest child (the stepper, the instance table).
  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[200px_minmax(0,1fr)_300px]">
      {/* Stepper */}
      <nav aria-label={t("stepsLabel")} className="lg:sticky lg:top-4 lg:self-start">
        {/* relative: the steps' sr-only labels are absolutely positioned and would otherwise widen the page past the scroller */}
        <ol className="relative flex gap-1 overflow-x-auto lg:flex-col">
          {STEPS.map((s, i) => {
            const st = states[s];
            return (
              <li key={s}>
                <button
                  type="button"
                  onClick={() => go(s)}
                  aria-current={s === step ? "step" : undefined}
                  data-state={st}
                  className={cn(
                    "flex w-full items-center gap-2 whitespace-nowrap rounded-md px-2 py-1.5 text-left text-sm",
                    s === step ? "bg-primary/10 font-medium text-fg" : "text-muted-fg hover:bg-muted",
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
      </nav>

      {/* Step */}
      <section aria-labelledby="step-heading" className="min-w-0">
        <Card className="space-y-5">
          <header>
            <p className="text-xs font-medium uppercase tracking-wide text-muted-fg">
              {t("stepOf", { n: idx + 1, total: STEPS.length })}
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

          {step === "instance" && (
            <StepInstance
              form={form}
              update={update}
              accounts={accounts}
              inventory={inventory}
              loading={inv.isFetching}
              issues={stepIssues}
            />
          )}
          {step === "eni" && <StepEni form={form} update={update} inventory={inventory} issues={stepIssues} />}
          {step === "ips" && <StepIps form={form} update={update} inventory={inventory} issues={stepIssues} />}
          {step === "os" && <StepOs form={form} update={update} inventory={inventory} teamId={teamId} />}
          {step === "eips" && (
            <StepEips
              form={form}
              update={update}
              updateEips={updateEips}
              inventory={inventory}
              issues={stepIssues}
              teamId={teamId}
              located={located}
              setLocated={setLocated}
            />
          )}
          {step === "routes" && <StepRoutes form={form} update={update} inventory={inventory} teamId={teamId} />}
          {step === "review" && (
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
                    onClick={() => startTransition(runReview)}
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
                    <p className="text-xs text-muted-fg" data-testid="preflight-status">
                      {review.preflight.ok ? t("review.passed") : t("review.failed")} ·{" "}
                      {t("review.took", { ms: review.ms })}
                    </p>
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
          )}

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

          <footer className="flex flex-wrap items-center gap-2 border-t border-border pt-4">
            {idx > 0 && (
              <Button variant="secondary" onClick={() => go(STEPS[idx - 1]!)}>
                {t("back")}
              </Button>
            )}
            {canApply && (
              <Button
                variant="ghost"
                disabled={pending}
                onClick={() => {
                  const saved = save();
                  startTransition(async () => {
                    if (await saved) toast.success(t("draft.saved"));
                  });
                }}
              >
                {t("draft.save")}
              </Button>
            )}
            <span className="ml-auto" />
            {step !== "review" ? (
              <Button onClick={() => go(STEPS[idx + 1]!)}>{t("next")}</Button>
            ) : (
              <Button
                onClick={apply}
                disabled={!canApply || applying || pending || blocking > 0 || !review?.preflight.ok}
                data-testid="apply"
              >
                {applying && <Loader2 className="h-4 w-4 animate-spin" aria-hidden />}
                {t("apply")}
              </Button>
            )}
          </footer>
          {!canApply && <p className="text-sm text-muted-fg">{t("viewerCannotApply")}</p>}
        </Card>
      </section>

      {/* Live summary */}
      <aside aria-label={t("summary.title")} className="space-y-4 lg:sticky lg:top-4 lg:self-start">
        <Card className="space-y-3 p-4">
          <h2 className="text-sm font-semibold">{t("summary.title")}</h2>
          <TopologyView topology={summary} compact title={t("summary.topology")} />
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
            <dt className="text-muted-fg">{t("summary.region")}</dt>
            <dd className="font-mono">{form.regionId || "—"}</dd>
            <dt className="text-muted-fg">{t("summary.os")}</dt>
            <dd>{t(`os.${resolvedOs(form, inventory)}`)}</dd>
            <dt className="text-muted-fg">{t("summary.ips")}</dt>
            <dd>
              {secondaryCount(form)}
              {form.usePrimaryIp ? ` + ${t("summary.primary")}` : ""}
            </dd>
            <dt className="text-muted-fg">{t("summary.eips")}</dt>
            <dd>{summaryEips.existing + summaryEips.fresh ? t("summary.eipCount", summaryEips) : "—"}</dd>
            <dt className="text-muted-fg">{t("summary.traffic")}</dt>
            <dd>{t(`traffic.${form.traffic}.short`)}</dd>
          </dl>
          <p
            className={cn(
              "text-xs",
              blocking
                ? pristine
                  ? "text-muted-fg"
                  : "text-danger"
                : warnings.length
                  ? "text-warning"
                  : "text-success",
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
    </div>
  );
}

// ---------------------------------------------------------------- steps

type StepProps = {
  form: WizardForm;
  update: (p: Partial<WizardForm>) => void;
  inventory: Inventory | null;
  issues?: Issue[];
};

const invalidProps = (err?: string, id?: string) =>
  err ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};

function StepInstance({
  form,
  update,
  accounts,
  inventory,
  loading,
  issues = [],
}: StepProps & { accounts: AccountOption[]; loading: boolean }) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const [q, setQ] = useState("");
  const err = (f: string) => fieldError(issues, f, te);
  const list = (inventory?.instances ?? []).filter(
    (i) =>
      !q ||
      `${i.instanceId} ${i.name} ${i.instanceType} ${i.zoneId} ${i.osName} ${i.primaryIp}`
        .toLowerCase()
        .includes(q.toLowerCase()),
  );
  const regions = inventory?.regions ?? (form.regionId ? [{ regionId: form.regionId, name: form.regionId }] : []);
  return (
    <div className="space-y-4">
      <Field id="name" label={t("fields.name")} error={err("name")}>
        <Input
          id="name"
          value={form.name}
          onChange={(e) => update({ name: e.target.value })}
          maxLength={120}
          {...invalidProps(err("name"), "name")}
        />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="cloudAccountId" label={t("fields.account")} error={err("cloudAccountId")}>
          <Select
            id="cloudAccountId"
            value={form.cloudAccountId}
            onChange={(e) => {
              const a = accounts.find((x) => x.id === e.target.value);
              update({
                cloudAccountId: e.target.value,
                regionId: a?.defaultRegion ?? form.regionId,
                instanceId: "",
                eniId: "",
              });
            }}
            {...invalidProps(err("cloudAccountId"), "cloudAccountId")}
          >
            {accounts.length === 0 && <option value="">{t("fields.noAccounts")}</option>}
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="regionId" label={t("fields.region")} error={err("regionId")}>
          <Select
            id="regionId"
            value={form.regionId}
            onChange={(e) =>
              update({
                regionId: e.target.value,
                instanceId: "",
                eniId: "",
                vSwitchId: "",
                securityGroupId: "",
                eips: form.eips.map((x) => ({ ...x, allocationId: x.source === "existing" ? "" : x.allocationId })),
              })
            }
          >
            {regions.map((r) => (
              <option key={r.regionId} value={r.regionId}>
                {r.name && r.name !== r.regionId ? `${r.name} (${r.regionId})` : r.regionId}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <fieldset className="min-w-0 space-y-2">
        <legend className="text-sm font-medium">{t("fields.instance")}</legend>
        <div className="flex items-center gap-2">
          <label htmlFor="instance-search" className="sr-only">
            {t("fields.searchInstances")}
          </label>
          <Input
            id="instance-search"
            type="search"
            placeholder={t("fields.searchInstances")}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="max-w-xs"
          />
          {loading && <Loader2 className="h-4 w-4 animate-spin text-muted-fg" aria-label={t("loading")} />}
        </div>
        {err("instanceId") && (
          <p id="instanceId-error" role="alert" className="text-sm text-danger">
            {err("instanceId")}
          </p>
        )}
        <div className="overflow-x-auto rounded-md border border-border">
          <table className="w-full text-sm">
            <caption className="sr-only">{t("fields.instanceTable")}</caption>
            <thead className="bg-muted/60 text-left text-xs text-muted-fg">
              <tr>
                <th scope="col" className="w-8 px-2 py-1.5">
                  <span className="sr-only">{t("fields.select")}</span>
                </th>
                <th scope="col" className="px-2 py-1.5">
                  {t("cols.instance")}
                </th>
                <th scope="col" className="px-2 py-1.5">
                  {t("cols.type")}
                </th>
                <th scope="col" className="px-2 py-1.5">
                  {t("cols.zone")}
                </th>
                <th scope="col" className="px-2 py-1.5">
                  {t("cols.status")}
                </th>
                <th scope="col" className="px-2 py-1.5">
                  {t("cols.os")}
                </th>
                <th scope="col" className="px-2 py-1.5 text-right">
                  {t("cols.enis")}
                </th>
                <th scope="col" className="px-2 py-1.5 text-right">
                  {t("cols.eips")}
                </th>
              </tr>
            </thead>
            <tbody>
              {!inventory && !loading && (
                <tr>
                  <td colSpan={8} className="px-2 py-4 text-center text-muted-fg">
                    {t("fields.pickAccount")}
                  </td>
                </tr>
              )}
              {inventory && list.length === 0 && (
                <tr>
                  <td colSpan={8} className="px-2 py-4 text-center text-muted-fg">
                    {q ? t("fields.noMatch") : t("fields.noInstances")}
                  </td>
                </tr>
              )}
              {list.map((i) => (
                <tr
                  key={i.instanceId}
                  className={cn("border-t border-border", form.instanceId === i.instanceId && "bg-primary/5")}
                  data-testid="instance-row"
                >
                  <td className="px-2 py-1.5">
                    <input
                      type="radio"
                      name="instance"
                      id={`inst-${i.instanceId}`}
                      checked={form.instanceId === i.instanceId}
                      onChange={() =>
                        update({
                          instanceId: i.instanceId,
                          eniId: "",
                          instanceMode: "existing",
                          name: form.name || `${i.name || i.instanceId} · ${form.eips.length} EIPs`,
                        })
                      }
                      className="h-4 w-4 accent-[var(--primary)]"
                    />
                  </td>
                  <td className="px-2 py-1.5">
                    <label htmlFor={`inst-${i.instanceId}`} className="cursor-pointer">
                      <span className="font-medium">{i.name || "—"}</span>
                      <span className="block font-mono text-xs text-muted-fg">
                        {i.instanceId} · {i.primaryIp}
                      </span>
                    </label>
                  </td>
                  <td className="px-2 py-1.5 font-mono text-xs">{i.instanceType}</td>
                  <td className="px-2 py-1.5 font-mono text-xs">{i.zoneId}</td>
                  <td className="px-2 py-1.5">
                    <Badge tone={i.status === "Running" ? "success" : i.status === "Stopped" ? "neutral" : "warning"}>
                      {i.status}
                    </Badge>
                  </td>
                  <td className="px-2 py-1.5 text-xs">{i.osName || i.imageId}</td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{i.eniCount}</td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{i.eipCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>
    </div>
  );
}

function QuotaNote({ form, inventory }: { form: WizardForm; inventory: Inventory | null }) {
  const t = useTranslations("wizard");
  const type = chosenType(form, inventory);
  const inst = chosenInstance(form, inventory);
  if (!type) return null;
  const enisNow =
    inventory?.instance?.instance.instanceId === inst?.instanceId
      ? inventory?.instance?.enis.length || inst?.eniCount || 1
      : (inst?.eniCount ?? 1);
  return (
    <div className="rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="quota-note">
      <p>{t("quota.eni", { type: type.instanceTypeId, quota: type.eniQuantity, now: enisNow })}</p>
      <p>{t("quota.ips", { quota: type.eniPrivateIpAddressQuantity })}</p>
      <p className={type.stoppedOnly ? "text-warning" : "text-muted-fg"}>
        {type.stoppedOnly ? t("quota.stoppedOnly") : t("quota.hotAttach")}
      </p>
    </div>
  );
}

function StepEni({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const inst = chosenInstance(form, inventory);
  const type = chosenType(form, inventory);
  const enis = (inventory?.enis ?? []).filter((e) => e.type !== "Primary");
  const vpc = inst?.vpcId;
  const vsws = (inventory?.vSwitches ?? []).filter((v) => !vpc || v.vpcId === vpc);
  const sgs = (inventory?.securityGroups ?? []).filter((g) => !vpc || g.vpcId === vpc);
  return (
    <div className="space-y-4">
      <QuotaNote form={form} inventory={inventory} />
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">{t("eni.mode")}</legend>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="eniMode"
            checked={form.eniMode === "existing"}
            onChange={() => update({ eniMode: "existing" })}
            className="h-4 w-4"
          />
          {t("eni.existing")}
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="eniMode"
            checked={form.eniMode === "create"}
            onChange={() =>
              update({
                eniMode: "create",
                vSwitchId: form.vSwitchId || inst?.vSwitchId || "",
                securityGroupId: form.securityGroupId || sgs[0]?.securityGroupId || "",
              })
            }
            className="h-4 w-4"
          />
          {t("eni.create")}
        </label>
      </fieldset>
      {form.eniMode === "existing" ? (
        <fieldset className="min-w-0 space-y-2">
          <legend className="text-sm font-medium">{t("eni.pick")}</legend>
          {err("eniId") && (
            <p id="eniId-error" role="alert" className="text-sm text-danger">
              {err("eniId")}
            </p>
          )}
          {enis.length === 0 && <p className="text-sm text-muted-fg">{t("eni.none")}</p>}
          <ul className="divide-y divide-border rounded-md border border-border">
            {enis.map((e) => {
              const other = !!inst && (e.zoneId !== inst.zoneId || e.vpcId !== inst.vpcId);
              return (
                <li
                  key={e.networkInterfaceId}
                  className={cn(
                    "flex flex-wrap items-center gap-3 px-3 py-2 text-sm",
                    form.eniId === e.networkInterfaceId && "bg-primary/5",
                  )}
                  data-testid="eni-row"
                >
                  <input
                    type="radio"
                    name="eni"
                    id={`eni-${e.networkInterfaceId}`}
                    checked={form.eniId === e.networkInterfaceId}
                    onChange={() => update({ eniId: e.networkInterfaceId })}
                    className="h-4 w-4"
                  />
                  <label htmlFor={`eni-${e.networkInterfaceId}`} className="min-w-0 flex-1 cursor-pointer">
                    <span className="font-mono text-xs">{e.networkInterfaceId}</span>
                    <span className="block text-xs text-muted-fg">
                      {e.primaryIp} · {e.vSwitchId} · {e.zoneId} · {t("eni.ipsCount", { count: e.privateIps.length })}
                    </span>
                  </label>
                  <Badge tone={e.status === "Available" ? "success" : "info"}>{e.status}</Badge>
                  {other && <Badge tone="warning">{t("eni.otherZone")}</Badge>}
                  {inst && e.instanceId === inst.instanceId && <Badge tone="info">{t("eni.alreadyAttached")}</Badge>}
                </li>
              );
            })}
          </ul>
        </fieldset>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="vSwitchId"
            label={t("eni.vSwitch")}
            error={err("vSwitchId")}
            hint={t("eni.vSwitchHint", { zone: inst?.zoneId ?? "—" })}
          >
            <Select
              id="vSwitchId"
              value={form.vSwitchId}
              onChange={(e) => update({ vSwitchId: e.target.value })}
              {...invalidProps(err("vSwitchId"), "vSwitchId")}
            >
              <option value="">{t("choose")}</option>
              {vsws.map((v) => (
                <option
                  key={v.vSwitchId}
                  value={v.vSwitchId}
                >{`${v.name || v.vSwitchId} · ${v.zoneId} · ${v.cidrBlock} · ${t("eni.free", { count: v.availableIpAddressCount })}`}</option>
              ))}
            </Select>
          </Field>
          <Field id="securityGroupId" label={t("eni.securityGroup")} error={err("securityGroupId")}>
            <Select
              id="securityGroupId"
              value={form.securityGroupId}
              onChange={(e) => update({ securityGroupId: e.target.value })}
              {...invalidProps(err("securityGroupId"), "securityGroupId")}
            >
              <option value="">{t("choose")}</option>
              {sgs.map((g) => (
                <option
                  key={g.securityGroupId}
                  value={g.securityGroupId}
                >{`${g.name || g.securityGroupId} (${g.securityGroupId})`}</option>
              ))}
            </Select>
          </Field>
        </div>
      )}
      {type?.stoppedOnly && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4"
            checked={form.allowStopInstance}
            onChange={(e) => update({ allowStopInstance: e.target.checked })}
            aria-describedby={err("allowStopInstance") ? "allowStopInstance-error" : undefined}
          />
          <span>{t("eni.allowStop")}</span>
        </label>
      )}
    </div>
  );
}

function StepIps({ form, update, inventory, issues = [] }: StepProps) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const err = (f: string) => fieldError(issues, f, te);
  const vsw = eniVSwitch(form, inventory);
  const eni = chosenEni(form, inventory);
  const room = ipRoom(form, inventory);
  return (
    <div className="space-y-4">
      <div className="rounded-md border border-border bg-muted/40 p-3 text-sm" data-testid="cidr-note">
        {vsw
          ? t("ips.cidr", { vSwitch: vsw.vSwitchId, cidr: vsw.cidrBlock, free: vsw.availableIpAddressCount })
          : t("ips.noVSwitch")}
        {eni && (
          <span className="block text-muted-fg">
            {t("ips.eniHas", { eni: eni.networkInterfaceId, ips: eni.privateIps.map((p) => p.ip).join(", ") })}
          </span>
        )}
      </div>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">{t("ips.mode")}</legend>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="ipMode"
            checked={form.ipMode === "count"}
            onChange={() => update({ ipMode: "count" })}
            className="h-4 w-4"
          />
          {t("ips.count")}
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name="ipMode"
            checked={form.ipMode === "explicit"}
            onChange={() => update({ ipMode: "explicit" })}
            className="h-4 w-4"
          />
          {t("ips.explicit")}
        </label>
      </fieldset>
      {form.ipMode === "count" ? (
        <Field
          id="ipCount"
          label={t("ips.countLabel")}
          error={err("ipCount")}
          hint={
            room ? t("ips.countHintType", { max: room.max, type: room.type, quota: room.quota }) : t("ips.countHint")
          }
        >
          <Input
            id="ipCount"
            type="number"
            min={0}
            max={room?.max ?? 49}
            inputMode="numeric"
            className="max-w-[8rem]"
            value={String(form.ipCount)}
            onChange={(e) => update({ ipCount: e.target.value === "" ? 0 : Number(e.target.value) })}
            {...invalidProps(err("ipCount"), "ipCount")}
          />
        </Field>
      ) : (
        <Field
          id="ipAddresses"
          label={t("ips.addressesLabel")}
          error={err("ipAddresses")}
          hint={t("ips.addressesHint")}
        >
          <textarea
            id="ipAddresses"
            rows={5}
            className="w-full rounded-md border border-border bg-card p-3 font-mono text-sm aria-[invalid=true]:border-danger"
            value={form.ipAddresses}
            onChange={(e) => update({ ipAddresses: e.target.value })}
            placeholder={vsw ? exampleAddresses(vsw.cidrBlock, [], 2).join("\n") : "172.16.0.100"}
            {...invalidProps(err("ipAddresses"), "ipAddresses")}
          />
        </Field>
      )}
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4"
          checked={form.usePrimaryIp}
          onChange={(e) => update({ usePrimaryIp: e.target.checked })}
        />
        <span>
          {t("ips.usePrimary")}
          <span className="block text-xs text-muted-fg">{t("ips.usePrimaryHint")}</span>
        </span>
      </label>
    </div>
  );
}

/** The routes spec for a preview: real ENI facts where known, example addresses otherwise. */
function usePreview(teamId: string, form: WizardForm, inventory: Inventory | null) {
  const eni = chosenEni(form, inventory);
  const vsw = eniVSwitch(form, inventory);
  const os = resolvedOs(form, inventory);
  const input = useMemo(() => {
    if (!vsw) return null;
    const used = [...(eni?.privateIps.map((p) => p.ip) ?? []), ...(inventory?.instances.map((i) => i.primaryIp) ?? [])];
    const primaryIp = eni?.primaryIp ?? exampleAddresses(vsw.cidrBlock, used, 1)[0] ?? "";
    const explicit =
      form.ipMode === "explicit"
        ? [...new Set(parseAddressList(form.ipAddresses).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)))]
        : [];
    const secondaries =
      form.ipMode === "explicit"
        ? explicit
        : exampleAddresses(vsw.cidrBlock, [...used, primaryIp], secondaryCount(form));
    return {
      os,
      mac: eni?.macAddress ?? "",
      primaryIp,
      secondaryIps: secondaries,
      cidr: vsw.cidrBlock,
      example: !eni || form.ipMode === "count",
    };
  }, [eni, vsw, os, form.ipMode, form.ipAddresses, form.ipCount, inventory]); // eslint-disable-line react-hooks/exhaustive-deps
  const q = useQuery({
    queryKey: wizardKeys.preview(teamId, input),
    queryFn: () =>
      unwrap(
        previewBundleAction({
          teamId,
          os: input!.os,
          mac: input!.mac,
          primaryIp: input!.primaryIp,
          secondaryIps: input!.secondaryIps,
          cidr: input!.cidr,
        }),
      ),
    enabled: !!input?.primaryIp,
    retry: false,
    staleTime: Infinity,
  });
  return { input, ...q };
}

function StepOs({ form, update, inventory, teamId }: StepProps & { teamId: string }) {
  const t = useTranslations("wizard");
  const detected = resolvedOs({ ...form, os: "" }, inventory);
  const preview = usePreview(teamId, form, inventory);
  const files = (preview.data?.files ?? []).filter((f) => f.path === "apply.sh" || f.path.startsWith("files/"));
  return (
    <div className="space-y-4">
      <Field id="os" label={t("osStep.family")} hint={t("osStep.detected", { os: t(`os.${detected}`) })}>
        <Select
          id="os"
          value={form.os}
          onChange={(e) => update({ os: e.target.value as WizardForm["os"] })}
          className="max-w-sm"
        >
          <option value="">{t("osStep.auto", { os: t(`os.${detected}`) })}</option>
          {OS_FAMILIES.map((o) => (
            <option key={o} value={o}>
              {t(`os.${o}`)}
            </option>
          ))}
        </Select>
      </Field>
      <p className="text-sm text-muted-fg">{t(`osStep.persist.${resolvedOs(form, inventory)}`)}</p>
      <PreviewBlock preview={preview} files={files} />
    </div>
  );
}

function PreviewBlock({
  preview,
  files,
}: {
  preview: ReturnType<typeof usePreview>;
  files: Array<{ path: string; sha256: string; mode: string; content: string }>;
}) {
  const t = useTranslations("wizard");
  if (!preview.input) return <p className="text-sm text-muted-fg">{t("preview.needEni")}</p>;
  // The generator's own message names its internal spec ("invalid routes spec: interfaces[0]…"): not for users.
  if (preview.isError)
    return (
      <p role="alert" className="text-sm text-danger">
        {t("preview.failed")}
      </p>
    );
  if (!preview.data)
    return (
      <p className="text-sm text-muted-fg" role="status">
        <Loader2 className="mr-1 inline h-3.5 w-3.5 animate-spin" aria-hidden />
        {t("preview.loading")}
      </p>
    );
  return (
    <div className="space-y-2">
      {preview.input.example && <p className="text-xs text-warning">{t("preview.example")}</p>}
      <p className="text-xs text-muted-fg">
        {t("preview.version", { version: preview.data.version, sha: preview.data.sha256.slice(0, 12) })}
      </p>
      <BundleViewer files={files} label={t("preview.files")} />
    </div>
  );
}

function StepEips({
  form,
  update,
  updateEips,
  inventory,
  issues = [],
  teamId,
  located,
  setLocated,
}: StepProps & {
  updateEips: (change: (eips: EipRow[]) => EipRow[]) => void;
  teamId: string;
  located: Record<string, LocatedEip>;
  setLocated: React.Dispatch<React.SetStateAction<Record<string, LocatedEip>>>;
}) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const available = (inventory?.eips ?? []).filter((e) => e.status === "Available");
  const targets = eipTargets(form, inventory).filter((x) => !x.auto);
  const setRow = (i: number, patch: Partial<EipRow>) =>
    updateEips((rows) => rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const taken = new Set(form.eips.map((e) => e.allocationId).filter(Boolean));
  async function lookup(id: string) {
    if (!/^eip-[a-z0-9]+$/.test(id) || located[id] !== undefined || inventory?.eips.some((e) => e.allocationId === id))
      return;
    const r = await locateEipAction({
      teamId,
      cloudAccountId: form.cloudAccountId,
      regionId: form.regionId,
      allocationId: id,
    });
    if (r.ok)
      setLocated((m) => ({
        ...m,
        [id]: r.data
          ? { allocationId: id, regionId: r.data.regionId, status: r.data.status, ipAddress: r.data.ipAddress }
          : null,
      }));
  }
  return (
    <div className="space-y-4">
      <div className="rounded-md border border-warning/40 bg-warning/5 p-3 text-sm" data-testid="fee-notice">
        <p>{t("eipStep.fee")}</p>
        <p className="mt-1 text-muted-fg">
          {t("eipStep.quota", { used: inventory?.eipTotal ?? 0, quota: 20, available: available.length })}
        </p>
      </div>
      {fieldError(
        issues.filter((i) => i.field === "eips"),
        "eips",
        te,
      ) && (
        <p role="alert" className="text-sm text-danger">
          {fieldError(
            issues.filter((i) => i.field === "eips"),
            "eips",
            te,
          )}
        </p>
      )}
      {formWarnings(form).map((w) => (
        <p
          key={w.key}
          className="rounded-md border border-warning/40 bg-warning/5 p-2 text-sm text-warning"
          data-testid="eip-warning"
        >
          <IssueText issue={w} />
        </p>
      ))}
      <ol className="space-y-3">
        {form.eips.map((row, i) => {
          const rowErr = fieldError(
            issues.filter((x) => x.field === `eips.${i}`),
            `eips.${i}`,
            te,
          );
          const value = row.source === "new" ? "__new" : row.source === "id" ? "__id" : row.allocationId;
          return (
            <li key={i} className="rounded-md border border-border p-3" data-testid="eip-row">
              <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
                <Field id={`eip-${i}`} label={t("eipStep.eipLabel", { n: i + 1 })}>
                  <Select
                    id={`eip-${i}`}
                    value={value}
                    aria-invalid={rowErr ? true : undefined}
                    aria-describedby={rowErr ? `eip-row-${i}-error` : undefined}
                    onChange={(e) => {
                      const v = e.target.value;
                      setRow(
                        i,
                        v === "__new"
                          ? { source: "new", allocationId: "" }
                          : v === "__id"
                            ? { source: "id", allocationId: "" }
                            : { source: "existing", allocationId: v },
                      );
                    }}
                  >
                    <option value="">{t("choose")}</option>
                    {available
                      .filter((e) => e.allocationId === row.allocationId || !taken.has(e.allocationId))
                      .map((e) => (
                        <option
                          key={e.allocationId}
                          value={e.allocationId}
                        >{`${e.ipAddress} · ${e.allocationId} · ${e.bandwidth} Mbit/s`}</option>
                      ))}
                    {row.source === "existing" &&
                      row.allocationId &&
                      !available.some((e) => e.allocationId === row.allocationId) && (
                        <option value={row.allocationId}>{row.allocationId}</option>
                      )}
                    <option value="__new">{t("eipStep.allocate")}</option>
                    <option value="__id">{t("eipStep.byId")}</option>
                  </Select>
                </Field>
                <Field id={`eip-target-${i}`} label={t("eipStep.target")}>
                  <Select
                    id={`eip-target-${i}`}
                    value={row.privateIp}
                    onChange={(e) => setRow(i, { privateIp: e.target.value })}
                  >
                    <option value="">{t("eipStep.nextFree")}</option>
                    {targets.map((x) => (
                      <option key={x.value} value={x.value}>
                        {x.label}
                      </option>
                    ))}
                    {row.privateIp && !targets.some((x) => x.value === row.privateIp) && (
                      <option value={row.privateIp}>{row.privateIp}</option>
                    )}
                  </Select>
                </Field>
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={t("eipStep.remove", { n: i + 1 })}
                  onClick={() => updateEips((rows) => rows.filter((_, k) => k !== i))}
                  disabled={form.eips.length === 1}
                >
                  <Trash2 className="h-4 w-4" aria-hidden />
                </Button>
              </div>
              {row.source === "id" && (
                <div className="mt-3 max-w-sm">
                  <Field id={`eip-id-${i}`} label={t("eipStep.allocationId")}>
                    <Input
                      id={`eip-id-${i}`}
                      className="font-mono"
                      value={row.allocationId}
                      placeholder="eip-…"
                      onChange={(e) => setRow(i, { allocationId: e.target.value.trim() })}
                      onBlur={(e) => void lookup(e.target.value.trim())}
                    />
                  </Field>
                </div>
              )}
              {rowErr && (
                <p id={`eip-row-${i}-error`} role="alert" className="mt-2 text-sm text-danger">
                  {rowErr}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <Button
        variant="secondary"
        size="sm"
        onClick={() =>
          updateEips((rows) => [
            ...rows,
            {
              source: available.length > rows.filter((e) => e.source === "existing").length ? "existing" : "new",
              allocationId: "",
              privateIp: "",
            },
          ])
        }
        disabled={form.eips.length >= 50}
      >
        <Plus className="h-4 w-4" aria-hidden />
        {t("eipStep.add")}
      </Button>
      {form.eips.some((e) => e.source === "new") && (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="bandwidth" label={t("eipStep.bandwidth")} error={fieldError(issues, "bandwidth", te)}>
            <Input
              id="bandwidth"
              type="number"
              min={1}
              max={500}
              value={String(form.bandwidth)}
              onChange={(e) => update({ bandwidth: Number(e.target.value) || 0 })}
            />
          </Field>
          <Field id="internetChargeType" label={t("eipStep.charge")}>
            <Select
              id="internetChargeType"
              value={form.internetChargeType}
              onChange={(e) => update({ internetChargeType: e.target.value as WizardForm["internetChargeType"] })}
            >
              <option value="PayByTraffic">{t("eipStep.payByTraffic")}</option>
              <option value="PayByBandwidth">{t("eipStep.payByBandwidth")}</option>
            </Select>
          </Field>
        </div>
      )}
    </div>
  );
}

function StepRoutes({ form, update, inventory, teamId }: StepProps & { teamId: string }) {
  const t = useTranslations("wizard");
  const preview = usePreview(teamId, form, inventory);
  return (
    <div className="space-y-4">
      <fieldset className="min-w-0 space-y-2">
        <legend className="text-sm font-medium">{t("routesStep.traffic")}</legend>
        {(["policy-routes", "inbound-only"] as const).map((m) => (
          <label
            key={m}
            className={cn(
              "flex items-start gap-2 rounded-md border p-3 text-sm",
              form.traffic === m ? "border-primary bg-primary/5" : "border-border",
            )}
          >
            <input
              type="radio"
              name="traffic"
              className="mt-0.5 h-4 w-4"
              checked={form.traffic === m}
              onChange={() => update({ traffic: m })}
            />
            <span>
              <span className="font-medium">{t(`traffic.${m}.short`)}</span>
              <span className="block text-muted-fg">{t(`traffic.${m}.long`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {form.traffic === "policy-routes" ? (
        <PreviewBlock preview={preview} files={preview.data?.files ?? []} />
      ) : (
        <p className="text-sm text-muted-fg">{t("routesStep.inboundOnly")}</p>
      )}
    </div>
  );
}
