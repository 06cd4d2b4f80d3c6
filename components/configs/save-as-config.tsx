"use client";
import { useState, useTransition } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { saveConfigFromDeploymentAction } from "@/lib/actions/configs.actions";
import { CONFIG_NAME_MAX } from "@/lib/configs/config.schema";
import { configNameProblem } from "@/lib/configs/form-checks";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";

/** "Save as config" on a deployment: its shape goes into the team's library. */
export function SaveAsConfig({
  teamId,
  deploymentId,
  defaultName,
}: {
  teamId: string;
  deploymentId: string;
  defaultName: string;
}) {
  const t = useTranslations("configs.saveFromDeployment");
  const tf = useTranslations("configs.formErrors");
  const [name, setName] = useState(defaultName);
  const [error, setError] = useState<string>();
  const [savedId, setSavedId] = useState<string>();
  const [pending, startTransition] = useTransition();
  return (
    <Card className="mt-6">
      <h2 className="font-semibold">{t("title")}</h2>
      <p className="mb-3 text-sm text-muted-fg">{t("intro")}</p>
      <form
        noValidate
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const problem = configNameProblem(name);
          if (problem) return setError(tf(problem.key, problem.values));
          startTransition(async () => {
            const res = await saveConfigFromDeploymentAction({ teamId, deploymentId, name: name.trim() });
            if (!res.ok) {
              setError(res.error);
              return;
            }
            setError(undefined);
            setSavedId(res.data.id);
            toast.success(t("saved"));
          });
        }}
      >
        <div className="min-w-64 flex-1">
          <Field id="config-name" label={t("name")} error={error}>
            <Input
              id="config-name"
              value={name}
              maxLength={CONFIG_NAME_MAX}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </Field>
        </div>
        <Button type="submit" variant="secondary" disabled={pending || !name.trim()}>
          {t("save")}
        </Button>
        {savedId && (
          <Link className="text-sm font-medium text-primary underline" href={`/configs/${savedId}`}>
            {t("open")}
          </Link>
        )}
      </form>
    </Card>
  );
}
