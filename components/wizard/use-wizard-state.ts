import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useTransition,
  type RefObject,
  type TransitionStartFunction,
} from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { applyAction, reviewAction, saveDraftAction } from "@/lib/actions/wizard.actions";
import { changeAction } from "@/lib/actions/deployments.actions";
import type { Inventory } from "@/lib/deploy/inventory.service";
import type { ReviewResult } from "./review-panel";
import {
  defaultDeploymentName,
  defaultEips,
  emptyForm,
  formForChange,
  formFromSpec,
  formWarnings,
  osWarnings,
  soleAvailableEni,
  guardStep,
  isPlaceholderEips,
  parseStep,
  resumeStep,
  specFromForm,
  stepStates,
  totalIssues,
  validate,
  visibleIssues,
  visitedBefore,
  type Deployed,
  type EipRow,
  type LocatedEip,
  type StepId,
  type WizardForm,
} from "./form-model";
import { useInventory } from "./wizard-queries";
import { deploymentKeys } from "@/components/deploy/deployment-keys";

export type AccountOption = { id: string; name: string; defaultRegion: string; kind: string };
/** A saved draft (id) or a new one prefilled from a shared config (id null). */
export type DraftInput = { id: string | null; name: string; spec: Record<string, unknown>; status: string } | null;

/**
 * A Change of a deployment that exists: the wizard opens on its current spec, saves no draft, and its
 * review sets the desired spec and shows the delta plan (deployments.change); Apply starts the change.
 */
export type ChangeInput = {
  id: string;
  name: string;
  spec: Record<string, unknown>;
  deployed: Deployed;
  /** The instance the deployment runs on (a created instance is changed as the existing one it now is). */
  instanceId: string | null;
};

export type WizardProps = {
  teamId: string;
  accounts: AccountOption[];
  canApply: boolean;
  draft: DraftInput;
  initialStep?: StepId | null;
  change?: ChangeInput | null;
};

/** The wizard's address for a step: the current query (draft, config) with `step` set; `draft` once saved. */
function stepHref(step: StepId, draftId: string | null): string {
  const q = new URLSearchParams(window.location.search);
  if (draftId) q.set("draft", draftId);
  q.set("step", step);
  return `${window.location.pathname}?${q.toString()}`;
}

/** The form and what the user has done to it: fields changed (touched), unsaved changes (dirty). */
function useWizardForm({ accounts, draft, change }: Pick<WizardProps, "accounts" | "draft" | "change">) {
  const [form, setForm] = useState<WizardForm>(() => {
    if (change) return formForChange(change.spec, change.name, change.deployed, change.instanceId);
    if (draft) return formFromSpec(draft.spec, draft.name);
    const a = accounts[0];
    return emptyForm({ cloudAccountId: a?.id ?? "", regionId: a?.defaultRegion ?? "" });
  });
  // Fields the user changed: their problems show live.
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [review, setReview] = useState<ReviewResult | null>(null);
  const dirtyRef = useRef(false);

  const update = useCallback((patch: Partial<WizardForm>) => {
    dirtyRef.current = true;
    setTouched((s) => (Object.keys(patch).every((k) => s.has(k)) ? s : new Set([...s, ...Object.keys(patch)])));
    setReview(null);
    setForm((f) => ({ ...f, ...patch }));
  }, []);
  // EIP rows change from the latest rows, not this render's: two rows picked in quick succession both stay.
  const updateEips = useCallback((change: (eips: EipRow[]) => EipRow[]) => {
    dirtyRef.current = true;
    setTouched((s) => (s.has("eips") ? s : new Set([...s, "eips"])));
    setReview(null);
    setForm((f) => ({ ...f, eips: change(f.eips) }));
  }, []);
  return { form, setForm, touched, review, setReview, dirtyRef, update, updateEips };
}

/**
 * Draft saving. Saves run one after another: a quick second Next must update the draft the first one
 * created, not create another (whose older content could then win the URL).
 */
function useDraftSave({
  teamId,
  canApply,
  draft,
  form,
  inventory,
  dirtyRef,
  stepRef,
  changeId,
}: Pick<WizardProps, "teamId" | "canApply" | "draft"> & {
  form: WizardForm;
  inventory: Inventory | null;
  dirtyRef: RefObject<boolean>;
  stepRef: RefObject<StepId>;
  changeId: string | null;
}) {
  const t = useTranslations("wizard");
  const [draftId, setDraftId] = useState<string | null>(draft?.id ?? null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  // Saves still on their way to the server: the status says "Saving…" and leaving the page asks first.
  const [savesInFlight, setSavesInFlight] = useState(0);
  const savedId = useRef<string | null>(draft?.id ?? null);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const save = useCallback(
    (current: WizardForm = form): Promise<string | null> => {
      // A Change is no draft: its spec is set by its review (deployments.change).
      if (changeId) return Promise.resolve(changeId);
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
        dirtyRef.current = false;
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
    [canApply, draftId, form, inventory, teamId, t, dirtyRef, stepRef, changeId],
  );

  // A reload or a closed tab while a save is on its way would lose what the user just typed.
  useEffect(() => {
    if (savesInFlight === 0) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [savesInFlight]);

  return { draftId, saveError, savedAt, savesInFlight, save };
}

/** The step on screen and the steps the user has left or tried to leave (all their problems show). */
function useStepState({ draft, initialStep, form }: Pick<WizardProps, "draft" | "initialStep"> & { form: WizardForm }) {
  // The step lives in the URL (?step=…): a reload keeps it and Back/Forward move between steps. A step
  // whose earlier steps still have problems falls back to the first of those.
  const [step, setStep] = useState<StepId>(() =>
    initialStep ? guardStep(initialStep, validate(form, null)) : draft?.id ? resumeStep(form) : "instance",
  );
  // A resumed draft shows the problems of the step it opens on.
  const [visited, setVisited] = useState<Set<StepId>>(() =>
    draft?.id ? new Set([...visitedBefore(step), step]) : visitedBefore(step),
  );
  const stepRef = useRef<StepId>(step);
  return { step, setStep, visited, setVisited, stepRef };
}

/** The pre-flight and the plan: of the draft as stored, or saved first (runReview). */
function useReview({
  teamId,
  canApply,
  draftId,
  step,
  save,
  setReview,
  startTransition,
  changeSpec,
}: Pick<WizardProps, "teamId" | "canApply"> & {
  draftId: string | null;
  step: StepId;
  save: () => Promise<string | null>;
  setReview: (r: ReviewResult) => void;
  startTransition: TransitionStartFunction;
  /** A Change: the spec its review sets (null otherwise). */
  changeSpec: { id: string; spec: () => Record<string, unknown> } | null;
}) {
  const [reviewError, setReviewError] = useState<string | null>(null);
  /** Pre-flight and plan of the draft as stored. */
  const reviewStored = useCallback(
    async (id: string) => {
      setReviewError(null);
      const r = await reviewAction({ teamId, id });
      if (!r.ok) setReviewError(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
      else setReview(r.data);
    },
    [teamId, setReview],
  );
  const runReview = useCallback(async () => {
    if (changeSpec) {
      setReviewError(null);
      const r = await changeAction({ teamId, id: changeSpec.id, spec: changeSpec.spec() });
      if (!r.ok) setReviewError(r.error + (r.requestId ? ` (RequestId ${r.requestId})` : ""));
      else setReview(r.data);
      return;
    }
    const id = await save();
    if (id) await reviewStored(id);
  }, [save, reviewStored, changeSpec, teamId, setReview]);

  // A draft opened on its review step (a reload, a link shared in the team): the pre-flight and the
  // plan are fetched as when Next led there, instead of an empty review with Apply disabled.
  // Nothing is saved first: the draft was just read, and the inventory its spec is built with is not loaded yet.
  const openedOn = useRef(step);
  useEffect(() => {
    if (openedOn.current !== "review" || !draftId || !canApply) return;
    openedOn.current = "instance"; // once
    startTransition(() => reviewStored(draftId));
  }, [draftId, canApply, reviewStored, startTransition]);
  return { reviewError, setReviewError, runReview };
}

/** Moving between steps: Next/Back/the stepper (go) and the browser's Back/Forward. */
function useStepNavigation({
  steps: { step, setStep, visited, setVisited, stepRef },
  forms: { form, setForm, touched, dirtyRef },
  issues,
  inventory,
  draftId,
  save,
  runReview,
  startTransition,
  headingRef,
}: {
  steps: ReturnType<typeof useStepState>;
  forms: ReturnType<typeof useWizardForm>;
  issues: ReturnType<typeof validate>;
  inventory: Inventory | null;
  draftId: string | null;
  save: (current?: WizardForm) => Promise<string | null>;
  runReview: () => Promise<void>;
  startTransition: TransitionStartFunction;
  headingRef: RefObject<HTMLHeadingElement | null>;
}) {
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
  }, [issues, draftId, setStep, setVisited, stepRef]);

  return function go(target: StepId) {
    const next = guardStep(target, issues);
    setVisited((v) => new Set([...v, step]));
    if (next !== step) window.history.pushState(null, "", stepHref(next, draftId));
    stepRef.current = next;
    setStep(next);
    // First time on the EIP step (also of a draft resumed before it): one new EIP per private IP instead of the placeholder row.
    let current = form;
    // Not on a Change: its rows are the deployment's EIPs.
    if (
      next === "eips" &&
      !form.deployed &&
      !visited.has("eips") &&
      !touched.has("eips") &&
      isPlaceholderEips(form.eips)
    ) {
      dirtyRef.current = true;
      const available = (inventory?.eips ?? []).filter((e) => e.status === "Available").map((e) => e.allocationId);
      current = { ...form, eips: defaultEips(form, available) };
      setForm(current);
    }
    // The save starts outside the transition so that "Saving…" shows at once (a transition's updates wait for its end).
    const saved = dirtyRef.current && current.cloudAccountId ? save(current) : null;
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
  };
}

/**
 * The whole wizard's state: the form, the step (kept in the URL), draft saving, the inventory, and the
 * pre-flight review. The components only render it.
 */
export function useWizardState(
  { teamId, accounts, canApply, draft, initialStep = null, change = null }: WizardProps,
  /** The step's heading, focused after each move (made by the component that renders it). */
  headingRef: RefObject<HTMLHeadingElement | null>,
) {
  const router = useRouter();
  const qc = useQueryClient();
  const tw = useTranslations("wizard");
  const typed = useWizardForm({ accounts, draft, change });
  const inv = useInventory(teamId, typed.form);
  const inventory = inv.data ?? null;
  // Until the user types a name (a new deployment), it is derived from the choices and follows them.
  const autoName = !draft && !change && !typed.touched.has("name");
  // While no ENI is picked (a new deployment; choosing an instance clears the pick): the only Available one
  // in the instance's zone, shown picked.
  const autoEni = !change && typed.form.eniMode === "existing" && !typed.form.eniId;
  const form = useMemo(() => {
    const eniId = autoEni ? (soleAvailableEni(typed.form, inventory)?.networkInterfaceId ?? "") : typed.form.eniId;
    const f = eniId === typed.form.eniId ? typed.form : { ...typed.form, eniId };
    return autoName ? { ...f, name: defaultDeploymentName(f, inventory, tw) } : f;
  }, [autoName, autoEni, typed.form, inventory, tw]);
  const forms = { ...typed, form };
  const { touched, review, setReview, dirtyRef } = forms;
  // A Change opens on the ENIs (its instance is fixed).
  const steps = useStepState({ draft, initialStep: initialStep ?? (change ? "eni" : null), form });
  const { step, visited, stepRef } = steps;
  const [located, setLocated] = useState<Record<string, LocatedEip>>({});
  const [pending, startTransition] = useTransition();
  const [applying, setApplying] = useState(false);

  const issues = useMemo(() => validate(form, inventory, located), [form, inventory, located]);
  const changeId = change?.id ?? null;
  const drafts = useDraftSave({ teamId, canApply, draft, form, inventory, dirtyRef, stepRef, changeId });
  const { draftId, save } = drafts;
  const changeSpec = useMemo(
    () => (changeId ? { id: changeId, spec: () => specFromForm(form, inventory) } : null),
    [changeId, form, inventory],
  );
  const reviews = useReview({ teamId, canApply, draftId, step, save, setReview, startTransition, changeSpec });
  const { setReviewError, runReview } = reviews;
  const go = useStepNavigation({
    steps,
    forms,
    issues,
    inventory,
    draftId,
    save,
    runReview,
    startTransition,
    headingRef,
  });

  async function apply() {
    if (!draftId && !changeId) return;
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
    // A Change of a deployment seen earlier in this tab: its cached (terminal, unpolled) view goes, so the
    // page opens on the run just started and polls it.
    qc.removeQueries({ queryKey: deploymentKeys.one(teamId, r.data.deploymentId) });
    router.push(`/deployments/${r.data.deploymentId}`);
  }

  return {
    ...drafts,
    change,
    form,
    update: forms.update,
    updateEips: forms.updateEips,
    step,
    states: stepStates(step, visited, issues),
    go,
    inv,
    inventory,
    issues,
    stepIssues: visibleIssues(issues[step], visited.has(step), touched),
    blocking: totalIssues(issues),
    warnings: [...formWarnings(form), ...osWarnings(form, inventory)],
    // Nothing typed and Next not pressed yet: what is missing is a to-do list, not an alarm.
    pristine: touched.size === 0 && visited.size === 0,
    located,
    setLocated,
    review,
    reviewError: reviews.reviewError,
    runReview,
    pending,
    startTransition,
    applying,
    apply,
  };
}

export type WizardState = ReturnType<typeof useWizardState>;
