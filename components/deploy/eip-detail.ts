// The cloud check's reason, as the engine records it ("status Available", "bound to eni-…/172.16.0.9",
// lib/deploy/deployment-view.service.ts), in the page's language: Japanese pages said 不合格 + English.
type T = (key: string, values?: Record<string, string>) => string;

export function cloudDetailText(detail: string, t: T): string {
  if (detail === "EIP not found") return t("detail.notFound");
  if (detail === "ENI not attached to the instance") return t("detail.eniDetached");
  if (detail === "bound to nothing") return t("detail.boundNothing");
  const [, word, rest] = /^(status|bound to|mode) (.+)$/.exec(detail) ?? [];
  if (word === "status") return t("detail.status", { status: rest! });
  if (word === "bound to") return t("detail.boundTo", { target: rest! });
  if (word === "mode") return t("detail.mode", { mode: rest! });
  return detail;
}

/** A Cloud Assistant invocation status (Success, Failed, Running…) in the page's language; an unknown one as is. */
export const INVOCATION_STATUSES = [
  "Success",
  "Failed",
  "Running",
  "Pending",
  "Stopped",
  "Timeout",
  "Error",
  "Invalid",
];
export function invocationText(status: string, t: T): string {
  return INVOCATION_STATUSES.includes(status) ? t(`invocation.${status}`) : status;
}
