"use client";
import { useTranslations } from "next-intl";
import type { Issue } from "./form-model";

/** An issue's message; one of ENI 2 or 3 names its ENI first ("ENI 2: …"). */
export function IssueText({ issue }: { issue: Issue }) {
  const t = useTranslations("wizard.errors");
  const extra = /^extraEnis\.(\d+)\./.exec(issue.field);
  const text = t(issue.key as "nameRequired", issue.values as Record<string, string>);
  return <>{extra ? `${t("onEni", { n: Number(extra[1]) + 2 })}: ${text}` : text}</>;
}

/** The messages of the issues on a field (or inside it: `eips` covers `eips.0`), joined; undefined when none. */
export function fieldError(
  issues: Issue[],
  field: string,
  t: ReturnType<typeof useTranslations<"wizard.errors">>,
): string | undefined {
  const hits = issues.filter((i) => i.field === field || i.field.startsWith(`${field}.`));
  return hits.length
    ? hits.map((i) => t(i.key as "nameRequired", i.values as Record<string, string>)).join(" ")
    : undefined;
}

export const invalidProps = (err?: string, id?: string) =>
  err ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};

/** A region as its select option says it: the localized name with the id, or the id alone. */
export function RegionOptions({ regions }: { regions: Array<{ regionId: string; name: string }> }) {
  return regions.map((r) => (
    <option key={r.regionId} value={r.regionId}>
      {r.name && r.name !== r.regionId ? `${r.name} (${r.regionId})` : r.regionId}
    </option>
  ));
}
