"use client";
import { useTranslations } from "next-intl";
import { CheckCircle2, CircleAlert } from "lucide-react";
import { Badge, Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import type { DeploymentView as View } from "@/lib/deploy/deployment-view.service";
import { RelativeTime, StepBadge } from "./status";

/** One row per EIP of the spec: its address, private IP, association, and the cloud's and the guest's checks. */
export function EipResults({ d }: { d: View }) {
  const t = useTranslations("deployment.eips");
  const rows = d.eipResults;
  if (!rows.length) return null;
  return (
    <Card className="p-0">
      <div className="flex flex-wrap items-center gap-2 border-b border-border px-4 py-3">
        <h2 className="font-semibold">{t("title")}</h2>
        {d.checks && d.status !== "torn_down" && (
          <span className="text-xs text-muted-fg">
            {t("checked")} <RelativeTime iso={d.checks.checkedAt} />
          </span>
        )}
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="eip-results">
          <thead className="text-left text-xs text-muted-fg">
            <tr>
              <th scope="col" className="px-4 py-2">
                {t("eip")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("privateIp")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("association")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("cloudCheck")}
              </th>
              <th scope="col" className="px-2 py-2">
                {t("guestCheck")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <EipResultRow
                key={`${e.eniIndex}:${e.specIndex}`}
                e={e}
                drifted={d.status === "drifted" && d.drift.some((x) => x.resource === e.allocationId)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="border-t border-border px-4 py-2 text-xs text-muted-fg">
        {d.status === "torn_down" ? t("explainTornDown") : t("explain")}
      </p>
    </Card>
  );
}

function EipResultRow({ e, drifted }: { e: View["eipResults"][number]; drifted: boolean }) {
  const t = useTranslations("deployment.eips");
  const tl = useTranslations("lifecycle.drifted");
  return (
    <tr className="border-t border-border" data-testid="eip-result">
      <td className="px-4 py-2">
        <span className="font-mono">{e.ipAddress || "—"}</span>
        <span className="block">
          {e.allocationId ? (
            <CopyId value={e.allocationId} />
          ) : (
            <span className="text-xs text-muted-fg">{t("notAllocated")}</span>
          )}
        </span>
        {e.allocatedByUs && e.allocationId && <Badge className="mt-0.5">{t("allocated")}</Badge>}
      </td>
      <td className="px-2 py-2 font-mono">{e.privateIp || "—"}</td>
      <td className="px-2 py-2" data-association={drifted ? "drifted" : e.association}>
        {drifted ? (
          <Badge tone="warning">{tl("badge")}</Badge>
        ) : e.association === "unassociated" || e.association === "released" ? (
          <Badge>{t(`association_${e.association}`)}</Badge>
        ) : (
          <StepBadge status={e.association} />
        )}
      </td>
      <td className="px-2 py-2">
        {e.cloud.verdict === "pass" && (
          <span className="inline-flex items-center gap-1 text-success" data-check="pass">
            <CheckCircle2 className="h-4 w-4" aria-hidden />
            {t("pass")}
          </span>
        )}
        {e.cloud.verdict === "fail" && (
          <span className="inline-flex items-center gap-1 text-danger" data-check="fail">
            <CircleAlert className="h-4 w-4" aria-hidden />
            {t("fail")}: {e.cloud.detail}
          </span>
        )}
        {e.cloud.verdict === "not_checked" && <span className="text-muted-fg">{t("notChecked")}</span>}
        {e.cloud.verdict === "not_applicable" && (
          <span className="text-muted-fg" data-check="not_applicable">
            {t("notApplicable")}
          </span>
        )}
      </td>
      <td className="px-2 py-2 text-xs" data-guest-check={e.guest.verdict}>
        {e.guest.verdict === "pass" && (
          <span className="inline-flex items-center gap-1 text-success">
            <CheckCircle2 className="h-4 w-4" aria-hidden />
            {t("guest.pass")}
          </span>
        )}
        {e.guest.verdict === "fail" && (
          <span className="inline-flex items-center gap-1 text-danger">
            <CircleAlert className="h-4 w-4" aria-hidden />
            {t("guest.fail")}
            {e.guest.detail && `: ${e.guest.detail}`}
          </span>
        )}
        {["not_run", "rolled_back", "not_applicable"].includes(e.guest.verdict) && (
          <span className="text-muted-fg">
            {t(`guest.${e.guest.verdict as "not_run" | "rolled_back" | "not_applicable"}`)}
          </span>
        )}
      </td>
    </tr>
  );
}
