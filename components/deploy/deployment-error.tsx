"use client";
import { useLocale, useTranslations } from "next-intl";
import { XCircle } from "lucide-react";
import { CopyId } from "@/components/ui/copy-id";

/** A failure as the executor records it (on the deployment and on each step). */
export type DeploymentError = {
  code?: string;
  message?: string;
  requestId?: string | null;
  action?: string;
  hint?: { en: string; ja: string };
} | null;

/** Where the deployment failed: the call, the cloud's code and message, its RequestId, and our fix. */
export function DeploymentErrorPanel({ err }: { err: NonNullable<DeploymentError> }) {
  const t = useTranslations("deployment");
  const locale = useLocale() as "en" | "ja";
  return (
    <div
      role="alert"
      className="rounded-md border border-danger/40 bg-danger/5 p-4 text-sm"
      data-testid="deployment-error"
    >
      <p className="flex items-center gap-2 font-medium text-danger">
        <XCircle className="h-4 w-4" aria-hidden />
        {t("failedAt", { action: err.action ?? "—" })}
      </p>
      <p className="mt-1">
        <span className="font-mono">{err.code}</span>: {err.message}
      </p>
      {err.requestId && (
        <p className="mt-1 text-xs">
          RequestId <CopyId value={err.requestId} label={t("copy")} />
        </p>
      )}
      {err.hint && (
        <p className="mt-2">
          <span className="font-medium">{t("fix")}:</span> {err.hint[locale]}
        </p>
      )}
    </div>
  );
}
