"use client";
import { useState } from "react";
import { Check, Copy } from "lucide-react";
import { useTranslations } from "next-intl";

/** A small button that copies `value`; named "<label> <value>" (label: "Copy" in the page's language) for assistive technology. */
export function CopyButton({ value, label }: { value: string; label?: string }) {
  const t = useTranslations("common");
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={`${label ?? t("actions.copy")} ${value}`}
      className="rounded p-0.5 text-muted-fg hover:bg-muted"
      onClick={async () => {
        await navigator.clipboard?.writeText(value).catch(() => {});
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? <Check className="h-3 w-3" aria-hidden /> : <Copy className="h-3 w-3" aria-hidden />}
    </button>
  );
}

/** A resource id in monospace with a copy button. */
export function CopyId({ value, label }: { value: string; label?: string }) {
  return (
    <span className="inline-flex max-w-full items-center gap-1 break-all font-mono text-xs">
      {value}
      <CopyButton value={value} label={label} />
    </span>
  );
}
