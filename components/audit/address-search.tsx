"use client";
// The address-history search: a plain GET form to /audit/history, so it works from any page in two
// interactions (type, Enter) and without JavaScript.
import { useTranslations } from "next-intl";
import { History } from "lucide-react";
import { Input } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";

export function AddressSearch({
  defaultValue,
  reads,
  className,
  id = "address-search",
}: {
  defaultValue?: string;
  reads?: boolean;
  className?: string;
  id?: string;
}) {
  const t = useTranslations("audit.history");
  return (
    <form role="search" method="get" action="/audit/history" className={cn("flex items-center gap-1", className)}>
      <label htmlFor={id} className="sr-only">
        {t("label")}
      </label>
      <Input
        id={id}
        name="q"
        type="search"
        defaultValue={defaultValue}
        placeholder={t("placeholder")}
        autoComplete="off"
        spellCheck={false}
        className="h-8 w-full min-w-0 font-mono text-xs sm:w-48"
        maxLength={100}
      />
      {reads && <input type="hidden" name="reads" value="1" />}
      <button
        type="submit"
        className="inline-flex h-8 shrink-0 items-center rounded-md px-2 text-muted-fg hover:bg-muted hover:text-fg"
        title={t("search")}
      >
        <History className="h-4 w-4" aria-hidden />
        <span className="sr-only">{t("search")}</span>
      </button>
    </form>
  );
}
