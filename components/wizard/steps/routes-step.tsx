"use client";
import { useTranslations } from "next-intl";
import { cn } from "@/components/ui/cn";
import { HintCheckbox } from "@/components/ui/hint-checkbox";
import { usePreview } from "../wizard-queries";
import { PreviewBlock } from "./preview-block";
import type { StepProps } from "./step-props";

export function RoutesStep({ form, update, inventory, teamId }: StepProps & { teamId: string }) {
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
        <>
          <HintCheckbox
            id="guest-agent-hint"
            boxed
            checked={form.guestAgent}
            onChange={(guestAgent) => update({ guestAgent })}
            label={t("routesStep.guestAgent")}
            hint={t("routesStep.guestAgentHint")}
          />
          <PreviewBlock preview={preview} files={preview.data?.files ?? []} />
        </>
      ) : (
        <p className="text-sm text-muted-fg">{t("routesStep.inboundOnly")}</p>
      )}
    </div>
  );
}
