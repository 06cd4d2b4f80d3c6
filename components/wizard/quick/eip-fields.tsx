"use client";
import { useTranslations } from "next-intl";
import { Field, Input } from "@/components/ui/input";
import { formWarnings } from "../form-model";
import type { QuickDeployState } from "./use-quick-deploy";

/** The EIPs: Available ones to pick and a number of new ones, with the fee notice and the form's warnings. */
export function EipFields({
  q: { inventory, err, effective, picked, setPicked, newEips, setNewEips, setReview },
}: {
  q: QuickDeployState;
}) {
  const t = useTranslations("quick");
  const tw = useTranslations("wizard");
  const te = useTranslations("wizard.errors");
  const availableEips = (inventory?.eips ?? []).filter((e) => e.status === "Available");
  return (
    <fieldset className="min-w-0 space-y-3 rounded-md border border-border p-4">
      <legend className="px-1 text-sm font-semibold">{t("eips")}</legend>
      <p className="text-xs text-muted-fg">{tw("eipStep.fee")}</p>
      {availableEips.length > 0 && (
        <div className="space-y-1">
          <p className="text-sm font-medium">{t("pickEips")}</p>
          <ul className="grid gap-1 sm:grid-cols-2">
            {availableEips.map((e) => (
              <li key={e.allocationId}>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="h-4 w-4"
                    checked={picked.includes(e.allocationId)}
                    onChange={(ev) => {
                      setReview(null);
                      setPicked((p) =>
                        ev.target.checked ? [...p, e.allocationId] : p.filter((x) => x !== e.allocationId),
                      );
                    }}
                  />
                  <span className="font-mono">{e.ipAddress}</span>
                  <span className="font-mono text-xs text-muted-fg">{e.allocationId}</span>
                </label>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Field id="q-new-eips" label={t("newEips")} error={err("eips")}>
        <Input
          id="q-new-eips"
          type="number"
          min={0}
          max={20}
          className="max-w-[8rem]"
          value={String(newEips)}
          onChange={(e) => {
            setReview(null);
            setNewEips(Math.max(0, Number(e.target.value) || 0));
          }}
        />
      </Field>
      <p className="text-xs text-muted-fg">
        {t("eipTotal", {
          count: effective.eips.length,
          slots: effective.ipCount + (effective.usePrimaryIp ? 1 : 0),
        })}
      </p>
      {formWarnings(effective).map((w) => (
        <p key={w.key} className="text-xs text-warning" data-testid="eip-warning">
          {te(w.key as "nameRequired", w.values as Record<string, string>)}
        </p>
      ))}
    </fieldset>
  );
}
