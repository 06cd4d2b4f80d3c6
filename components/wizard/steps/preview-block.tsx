"use client";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { BundleViewer } from "../bundle-viewer";
import type { usePreview } from "../wizard-queries";

/** The guest bundle the form would produce (OS and routes steps), or why there is none yet. */
export function PreviewBlock({
  preview,
  files,
}: {
  preview: ReturnType<typeof usePreview>;
  files: Array<{ path: string; sha256: string; mode: string; content: string }>;
}) {
  const t = useTranslations("wizard");
  if (!preview.input) return <p className="text-sm text-muted-fg">{t("preview.needEni")}</p>;
  // The generator's own message names its internal spec ("invalid routes spec: interfaces[0]…"): not for users.
  if (preview.isError)
    return (
      <p role="alert" className="text-sm text-danger">
        {t("preview.failed")}
      </p>
    );
  if (!preview.data)
    return (
      <p className="text-sm text-muted-fg" role="status">
        <Loader2 className="mr-1 inline h-3.5 w-3.5 animate-spin" aria-hidden />
        {t("preview.loading")}
      </p>
    );
  return (
    <div className="space-y-2">
      {preview.input.example && <p className="text-xs text-warning">{t("preview.example")}</p>}
      <p className="text-xs text-muted-fg">
        {t("preview.version", { version: preview.data.version, sha: preview.data.sha256.slice(0, 12) })}
      </p>
      <BundleViewer files={files} label={t("preview.files")} />
    </div>
  );
}
