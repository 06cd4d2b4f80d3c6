"use client";
// The whole fleet's pre-flight: the EIPs all members need against the quota, then every finding, each naming
// its member's instance.
import { useLocale, useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import type { FleetPreflight } from "@/lib/fleet/fleet-preflight";

const TONE = { error: "danger", warning: "warning", notice: "info" } as const;

export function PreflightFindings({ result }: { result: FleetPreflight }) {
  const t = useTranslations("fleets.preflight");
  const locale = useLocale() === "ja" ? "ja" : "en";
  return (
    <div className="space-y-2" data-testid="fleet-preflight">
      <p className="text-sm font-medium" role="status">
        {result.ok ? t("ok") : t("blocked")}
      </p>
      <p className="text-sm text-muted-fg" data-testid="preflight-eips">
        {t("eips", result.eips)}
      </p>
      {result.findings.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("none")}</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {result.findings.map((x, k) => (
            <li key={`${x.code}-${x.instanceId ?? ""}-${k}`} className="rounded-md border border-border p-2">
              <Badge tone={TONE[x.severity as keyof typeof TONE] ?? "neutral"}>{t(`severity.${x.severity}`)}</Badge>{" "}
              <span>{x.message[locale]}</span>
              {x.fix[locale] && <span className="mt-1 block text-xs text-muted-fg">{x.fix[locale]}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
