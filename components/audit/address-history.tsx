// One address's history: every event of the team that touched it, oldest first, with who, what,
// the outcome and the cloud's RequestId in the row itself (nothing to open to read them).
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { AddressHistory } from "@/lib/audit/audit.queries";
import { Badge, Card } from "@/components/ui/card";
import { CopyId } from "@/components/ui/copy-id";
import { AuditTime } from "./audit-time";

type Props = { history: AddressHistory; people: Record<string, string>; limit: number };

export function AddressHistoryView({ history, people, limit }: Props) {
  const t = useTranslations("audit.history");
  const to = useTranslations("audit.outcome");
  const others = history.aliases.filter((a) => a !== history.query);
  const inAudit = new URLSearchParams({ resource: history.query, kind: "all" });
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-muted-fg">
        <span data-testid="history-count">{t("count", { count: history.events.length })}</span>
        {others.length > 0 && <span>{t("sameAs", { aliases: others.join(", ") })}</span>}
        <Link className="text-primary underline" href={`/audit?${inAudit}`}>
          {t("openInAudit")}
        </Link>
      </div>
      {history.truncated && (
        <p role="status" className="rounded-md bg-warning/10 px-3 py-2 text-sm">
          {t("truncated", { limit })}
        </p>
      )}
      <Card className="overflow-x-auto p-0">
        {history.events.length === 0 ? (
          <p className="p-6 text-center text-muted-fg">{t("empty", { query: history.query })}</p>
        ) : (
          <table className="w-full text-sm" data-testid="history-table">
            <thead className="bg-muted text-left text-muted-fg">
              <tr>
                {(["time", "actor", "action", "outcome", "requestId", "deployment"] as const).map((c) => (
                  <th key={c} className="px-3 py-2 font-medium">
                    {t(`columns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {history.events.map((e) => (
                <tr key={e.id} className="border-t border-border align-top">
                  <td className="px-3 py-2">
                    <AuditTime at={e.at} />
                  </td>
                  <td className="px-3 py-2">
                    {e.actorLabel ?? (e.actorId ? (people[e.actorId] ?? e.actorId) : "system")}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                  <td className="px-3 py-2">
                    <Badge tone={e.outcome === "success" ? "success" : "danger"}>
                      {to(e.outcome === "success" ? "success" : "failure")}
                    </Badge>
                    {e.errorCode && <span className="ml-2 font-mono text-xs text-danger">{e.errorCode}</span>}
                  </td>
                  <td className="px-3 py-2">{e.requestId ? <CopyId value={e.requestId} /> : "—"}</td>
                  <td className="px-3 py-2">
                    {e.deploymentId ? (
                      <Link
                        className="text-primary underline"
                        href={`/deployments/${encodeURIComponent(e.deploymentId)}`}
                      >
                        {history.deployments[e.deploymentId] ?? e.deploymentId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
