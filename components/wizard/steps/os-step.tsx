"use client";
import { useTranslations } from "next-intl";
import { Field, Select } from "@/components/ui/input";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { osWarnings, resolvedOs, type WizardForm } from "../form-model";
import { IssueText } from "../field-issues";
import { usePreview } from "../wizard-queries";
import { PreviewBlock } from "./preview-block";
import type { StepProps } from "./step-props";

export function OsStep({ form, update, inventory, teamId }: StepProps & { teamId: string }) {
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
      {osWarnings(form, inventory).map((w) => (
        <p key={w.key} role="alert" className="text-sm text-warning" data-testid="os-warning">
          <IssueText issue={w} />
        </p>
      ))}
      <p className="text-sm text-muted-fg">{t(`osStep.persist.${resolvedOs(form, inventory)}`)}</p>
      <PreviewBlock preview={preview} files={files} />
    </div>
  );
}
