"use client";
import { useLocale, useTranslations } from "next-intl";
import { AlertTriangle, CircleAlert, Info } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { Finding, Plan } from "@/lib/deploy/deployment.service";
import { Badge } from "@/components/ui/card";

export type ReviewResult = {
  preflight: { ok: boolean; findings: Finding[]; checkedAt: string };
  plan: Plan | null;
  ms: number;
};

const SEV = {
  error: { tone: "danger", Icon: CircleAlert },
  warning: { tone: "warning", Icon: AlertTriangle },
  notice: { tone: "info", Icon: Info },
} as const;

export function FindingsList({ findings }: { findings: Finding[] }) {
  const t = useTranslations("wizard.review");
  const locale = useLocale() as "en" | "ja";
  if (!findings.length) return <p className="text-sm text-success">{t("noFindings")}</p>;
  const order = { error: 0, warning: 1, notice: 2 };
  return (
    <ul className="space-y-2" data-testid="findings">
      {[...findings]
        .sort((a, b) => order[a.severity] - order[b.severity])
        .map((f, i) => {
          const { tone, Icon } = SEV[f.severity];
          return (
            <li
              key={`${f.code}-${i}`}
              className={cn(
                "flex gap-2 rounded-md border p-2.5 text-sm",
                f.severity === "error" ? "border-danger/40" : "border-border",
              )}
              data-severity={f.severity}
            >
              <Icon
                className={cn(
                  "mt-0.5 h-4 w-4 shrink-0",
                  tone === "danger" ? "text-danger" : tone === "warning" ? "text-warning" : "text-primary",
                )}
                aria-hidden
              />
              <div className="min-w-0">
                <p>
                  <Badge tone={tone} className="mr-2">
                    {t(`severity.${f.severity}`)}
                  </Badge>
                  {f.message[locale] ?? f.message.en}
                </p>
                <p className="mt-0.5 text-xs text-muted-fg">
                  {t("fix")}: {f.fix[locale] ?? f.fix.en} <span className="font-mono">· {f.code}</span>
                </p>
              </div>
            </li>
          );
        })}
    </ul>
  );
}

function paramText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([k, v]) => v !== undefined && k !== "RegionId" && k !== "Password")
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "object" && v && "$ref" in (v as object) ? `<${String((v as { $ref: string; index?: number }).$ref)}${(v as { index?: number }).index !== undefined ? `#${(v as { index: number }).index + 1}` : ""}>` : Array.isArray(v) ? v.join(",") : String(v)}`,
    )
    .join(" ");
}

/** The exact API calls of the plan, in order; no-ops are shown struck through. */
export function PlanCalls({ plan }: { plan: Plan }) {
  const t = useTranslations("wizard.review");
  const locale = useLocale() as "en" | "ja";
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="plan-calls">
        <caption className="sr-only">{t("planCaption")}</caption>
        <thead className="text-left text-xs text-muted-fg">
          <tr>
            <th scope="col" className="w-8 py-1 pr-2">
              #
            </th>
            <th scope="col" className="py-1 pr-2">
              {t("call")}
            </th>
            <th scope="col" className="py-1">
              {t("what")}
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.steps.map((s, i) => (
            <tr
              key={s.key}
              className={cn("border-t border-border align-top", s.noop && "text-muted-fg")}
              data-testid="plan-step"
              data-action={s.action}
              data-noop={s.noop ? "true" : "false"}
            >
              <td className="py-1.5 pr-2 tabular-nums">{i + 1}</td>
              <td className="py-1.5 pr-2">
                <span className={cn("font-mono text-xs font-medium", s.noop && "line-through")}>{s.action}</span>
                {s.noop && <Badge className="ml-2">{t("noop")}</Badge>}
                <div className="mt-0.5 break-all font-mono text-[11px] text-muted-fg">{paramText(s.params)}</div>
              </td>
              <td className="py-1.5 text-xs">{s.description[locale] ?? s.description.en}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-muted-fg">{t("changes", { count: plan.changes })}</p>
    </div>
  );
}

/** Whether the pre-flight passed and how long it took (the wizard's review step and Quick deploy). */
export function PreflightStatus({ review }: { review: ReviewResult }) {
  const t = useTranslations("wizard.review");
  return (
    <p className="text-xs text-muted-fg" data-testid="preflight-status">
      {review.preflight.ok ? t("passed") : t("failed")} · {t("took", { ms: review.ms })}
    </p>
  );
}
