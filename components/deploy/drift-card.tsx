"use client";
import { useLocale, useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { RelativeTime } from "./status";

/** What Refresh (drift) found: the cloud compared with what the deployment recorded. */
export type Drift = {
  drift: Array<{
    resource: string;
    field: string;
    expected: string;
    actual: string;
    message: { en: string; ja: string };
  }>;
  checkedAt: string;
  inSync: boolean;
};

export function DriftCard({ drift }: { drift: Drift }) {
  const t = useTranslations("deployment");
  const locale = useLocale() as "en" | "ja";
  return (
    <Card data-testid="drift">
      <h2 className="mb-2 font-semibold">{t("drift.title")}</h2>
      <p className={cn("text-sm", drift.inSync ? "text-success" : "text-warning")}>
        {drift.inSync ? t("drift.inSync") : t("drift.found", { count: drift.drift.length })} ·{" "}
        <RelativeTime iso={drift.checkedAt} />
      </p>
      {drift.drift.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm">
          {drift.drift.map((x, i) => (
            <li key={i} className="rounded border border-warning/40 p-2">
              {x.message[locale]}{" "}
              <span className="font-mono text-xs text-muted-fg">
                ({x.expected} → {x.actual})
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
