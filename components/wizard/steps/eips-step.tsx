"use client";
import { useTranslations } from "next-intl";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/input";
import { locateEipAction } from "@/lib/actions/wizard.actions";
import type { Inventory } from "@/lib/deploy/inventory.service";
import { eipTargets, formWarnings, type EipRow, type LocatedEip, type WizardForm } from "../form-model";
import { fieldError, IssueText } from "../field-issues";
import type { StepProps } from "./step-props";
import { HintCheckbox } from "@/components/ui/hint-checkbox";

type UpdateEips = (change: (eips: EipRow[]) => EipRow[]) => void;

type Located = {
  located: Record<string, LocatedEip>;
  setLocated: React.Dispatch<React.SetStateAction<Record<string, LocatedEip>>>;
};

/** An allocation id typed by hand and not in the region's list: where is it (another region, nowhere)? */
function useEipLookup({
  teamId,
  form,
  inventory,
  located,
  setLocated,
}: Located & { teamId: string; form: WizardForm; inventory: Inventory | null }) {
  return async function lookup(id: string) {
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
  };
}

/** The quota counts every EIP the account holds in the region, Available ones too: say so, and split them. */
export function eipQuotaText(
  t: (key: "eipStep.quota", values: Record<string, number>) => string,
  inventory: Pick<Inventory, "eipTotal"> | null,
  available: number,
): string {
  const total = inventory?.eipTotal ?? 0;
  return t("eipStep.quota", { total, quota: 20, bound: Math.max(total - available, 0), available });
}

export function EipsStep({
  form,
  update,
  updateEips,
  inventory,
  issues = [],
  teamId,
  located,
  setLocated,
}: StepProps & {
  updateEips: UpdateEips;
  teamId: string;
} & Located) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const available = (inventory?.eips ?? []).filter((e) => e.status === "Available");
  const listError = fieldError(
    issues.filter((i) => i.field === "eips"),
    "eips",
    te,
  );
  const lookup = useEipLookup({ teamId, form, inventory, located, setLocated });
  return (
    <div className="space-y-4">
      <div className="rounded-md border border-warning/40 bg-warning/5 p-3 text-sm" data-testid="fee-notice">
        <p>{t("eipStep.fee")}</p>
        <p className="mt-1 text-muted-fg" data-testid="eip-quota">
          {eipQuotaText(t, inventory, available.length)}{" "}
          <a className="text-primary underline" href={t("eipStep.pricingUrl")} target="_blank" rel="noreferrer">
            {t("eipStep.pricing")}
          </a>
        </p>
      </div>
      {form.deployed && <ReleaseRemoved form={form} update={update} />}
      {listError && (
        <p role="alert" className="text-sm text-danger">
          {listError}
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
        {form.eips.map((row, i) => (
          <EipRowItem
            key={i}
            index={i}
            row={row}
            form={form}
            inventory={inventory}
            updateEips={updateEips}
            lookup={lookup}
            error={fieldError(
              issues.filter((x) => x.field === `eips.${i}`),
              `eips.${i}`,
              te,
            )}
          />
        ))}
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
      {form.eips.some((e) => e.source === "new") && <NewEipOptions form={form} update={update} issues={issues} />}
    </div>
  );
}

/** One EIP: which one (an Available one, a new one, one by id) and the private IP it goes to. */
function EipRowItem({
  index: i,
  row,
  form,
  inventory,
  updateEips,
  lookup,
  error: rowErr,
}: {
  index: number;
  row: EipRow;
  form: WizardForm;
  inventory: Inventory | null;
  updateEips: UpdateEips;
  lookup: (id: string) => Promise<void>;
  error: string | undefined;
}) {
  const t = useTranslations("wizard");
  const targets = eipTargets(form, inventory).filter((x) => !x.auto);
  const setRow = (patch: Partial<EipRow>) =>
    updateEips((rows) => rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <li className="rounded-md border border-border p-3" data-testid="eip-row">
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <EipChoice index={i} row={row} form={form} inventory={inventory} setRow={setRow} error={rowErr} />
        <Field id={`eip-target-${i}`} label={t("eipStep.target")}>
          <Select id={`eip-target-${i}`} value={row.privateIp} onChange={(e) => setRow({ privateIp: e.target.value })}>
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
              onChange={(e) => setRow({ allocationId: e.target.value.trim() })}
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
}

/** Bandwidth and billing of the EIPs to allocate (shown only when there are some). */
function NewEipOptions({ form, update, issues = [] }: Omit<StepProps, "inventory">) {
  const t = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  return (
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
  );
}

/** Which EIP a row is: one of the region's Available ones (not taken by another row), a new one, or one by id. */
function EipChoice({
  index: i,
  row,
  form,
  inventory,
  setRow,
  error: rowErr,
}: {
  index: number;
  row: EipRow;
  form: WizardForm;
  inventory: Inventory | null;
  setRow: (patch: Partial<EipRow>) => void;
  error: string | undefined;
}) {
  const t = useTranslations("wizard");
  const available = (inventory?.eips ?? []).filter((e) => e.status === "Available");
  const taken = new Set(form.eips.map((e) => e.allocationId).filter(Boolean));
  const value = row.source === "new" ? "__new" : row.source === "id" ? "__id" : row.allocationId;
  return (
    <Field id={`eip-${i}`} label={t("eipStep.eipLabel", { n: i + 1 })}>
      <Select
        id={`eip-${i}`}
        value={value}
        aria-invalid={rowErr ? true : undefined}
        aria-describedby={rowErr ? `eip-row-${i}-error` : undefined}
        onChange={(e) => {
          const v = e.target.value;
          setRow(
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
  );
}

/** A change: what becomes of the EIPs this deployment allocated that the change removes or replaces. */
function ReleaseRemoved({ form, update }: Pick<StepProps, "form" | "update">) {
  const t = useTranslations("wizard");
  return (
    <HintCheckbox
      id="release-removed-hint"
      boxed
      checked={form.releaseRemovedEips}
      onChange={(releaseRemovedEips) => update({ releaseRemovedEips })}
      label={t("change.releaseRemoved")}
      hint={t("change.releaseRemovedHint")}
    />
  );
}
