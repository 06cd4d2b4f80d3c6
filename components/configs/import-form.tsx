"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { importConfigsAction } from "@/lib/actions/configs.actions";
import { CONFIG_FILE_MAX_BYTES } from "@/lib/configs/config.schema";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export function ImportForm({ teamId }: { teamId: string }) {
  const t = useTranslations("configs.import");
  const router = useRouter();
  const [problems, setProblems] = useState<string[]>([]);
  const [pending, start] = useTransition();
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{t("title")}</h2>
      <p className="mb-3 text-xs text-muted-fg">{t("hint")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const file = (e.currentTarget.elements.namedItem("file") as HTMLInputElement).files?.[0];
          if (!file) return;
          // Too large: said here with the file's real size (the server refuses it too, but would see only what was sent).
          if (file.size > CONFIG_FILE_MAX_BYTES)
            return setProblems([t("tooLarge", { size: file.size, max: CONFIG_FILE_MAX_BYTES })]);
          start(async () => {
            const res = await importConfigsAction({ teamId, text: await file.text() });
            if (!res.ok) return setProblems([res.error]);
            if (!res.data.ok) return setProblems(res.data.problems);
            setProblems([]);
            toast.success(t("done", { count: res.data.created.length }));
            router.refresh();
          });
        }}
      >
        <label htmlFor="import-file" className="mb-1 block text-sm font-medium">
          {t("file")}
        </label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept="application/json,.json"
          className="mb-3 block w-full text-sm"
          required
        />
        <Button type="submit" size="sm" disabled={pending}>
          {t("button")}
        </Button>
      </form>
      {problems.length > 0 && (
        <div
          role="alert"
          data-testid="import-problems"
          className="mt-3 rounded-md bg-danger/10 p-3 text-sm text-danger"
        >
          <p className="font-medium">{t("problems")}</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs">
            {problems.slice(0, 50).map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
