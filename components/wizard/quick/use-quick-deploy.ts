import { useMemo, useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { applyAction, reviewAction, saveDraftAction } from "@/lib/actions/wizard.actions";
import type { Inventory } from "@/lib/deploy/inventory.service";
import type { ReviewResult } from "../review-panel";
import { emptyForm, specFromForm, STEPS, totalIssues, type Issue, type WizardForm } from "../form-model";
import { useInventory } from "../wizard-queries";
import { defaultPicks, effectiveForm, quickDefaults, quickIssues, quickNetwork } from "./quick-model";

export { quickNetwork };
import type { AccountOption } from "../use-wizard-state";

/** What every Quick deploy field group gets: the form, its setter, the inventory and the field's error. */
export type QuickFieldsProps = {
  form: WizardForm;
  update: (p: Partial<WizardForm>) => void;
  inventory: Inventory | null;
  err: (field: string) => string | undefined;
};

/** The EIPs ticked: the team's Available EIPs (defaultPicks) until the user ticks or unticks one. */
function usePicks(form: WizardForm, inventory: Inventory | null) {
  const [pickedByUser, setPickedByUser] = useState<string[] | null>(null);
  const defaults = useMemo(() => defaultPicks(form, inventory), [form, inventory]);
  /** A new list, or a change of the latest list (the defaults until the first tick); null: back to the defaults. */
  const setPicked = (next: string[] | null | ((p: string[]) => string[])) =>
    setPickedByUser((prev) => (typeof next === "function" ? next(prev ?? defaults) : next));
  return { picked: pickedByUser ?? defaults, setPicked };
}

/**
 * Quick deploy's state: one form for the whole job; the EIPs are picked ones plus a number of new ones.
 * Review saves a draft and runs its pre-flight; Apply starts it.
 */
export function useQuickDeploy({ teamId, accounts }: { teamId: string; accounts: AccountOption[] }) {
  const te = useTranslations("wizard.errors");
  const tw = useTranslations("wizard");
  const router = useRouter();
  const a = accounts[0];
  const [form, setForm] = useState<WizardForm>(() =>
    emptyForm({ cloudAccountId: a?.id ?? "", regionId: a?.defaultRegion ?? "", eniMode: "create", eips: [] }),
  );
  const [newEips, setNewEips] = useState(0);
  const [countTyped, setCountTyped] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set());
  const [draftId, setDraftId] = useState<string | null>(null);
  const [review, setReview] = useState<ReviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [pending, startTransition] = useTransition();
  const reviewRef = useRef<HTMLHeadingElement>(null);

  const inv = useInventory(teamId, form);
  const inventory = inv.data ?? null;
  const defaulted = useMemo(() => quickDefaults(form, inventory, chosen), [form, inventory, chosen]);
  const { picked, setPicked } = usePicks(defaulted, inventory);
  const effective = useMemo(
    () => effectiveForm(defaulted, picked, newEips, inventory, tw, countTyped),
    [defaulted, picked, newEips, inventory, tw, countTyped],
  );
  const issues = useMemo(() => quickIssues(effective, inventory), [effective, inventory]);
  const all: Issue[] = STEPS.flatMap((s) => issues[s]);
  const err = (field: string) =>
    touched
      ? all
          .filter((i) => i.field === field || i.field.startsWith(`${field}.`))
          .map((i) => te(i.key as "nameRequired", i.values as Record<string, string>))
          .join(" ") || undefined
      : undefined;
  const update = (p: Partial<WizardForm>) => {
    setReview(null);
    if ("ipCount" in p) setCountTyped(true);
    setChosen((c) => (Object.keys(p).every((k) => c.has(k)) ? c : new Set([...c, ...Object.keys(p)])));
    setForm((f) => ({ ...f, ...p }));
  };

  async function doReview() {
    setTouched(true);
    setError(null);
    if (totalIssues(issues) > 0) return;
    const name = effective.name;
    const saved = await saveDraftAction({
      teamId,
      id: draftId,
      name,
      spec: specFromForm({ ...effective, name }, inventory),
    });
    if (!saved.ok) {
      setError(saved.error);
      return;
    }
    setDraftId(saved.data.id);
    const r = await reviewAction({ teamId, id: saved.data.id });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setReview(r.data);
    requestAnimationFrame(() => reviewRef.current?.focus());
  }

  async function apply() {
    if (!draftId) return;
    const r = await applyAction({ teamId, id: draftId });
    if (!r.ok) {
      toast.error(r.error);
      setError(r.error);
      return;
    }
    router.push(`/deployments/${r.data.deploymentId}`);
  }

  return {
    form,
    update,
    inventory,
    inv,
    effective,
    issues,
    all,
    err,
    error,
    touched,
    newEips,
    setNewEips,
    picked,
    setPicked,
    review,
    setReview,
    pending,
    startTransition,
    reviewRef,
    doReview,
    apply,
  };
}

export type QuickDeployState = ReturnType<typeof useQuickDeploy>;
