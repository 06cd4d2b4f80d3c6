"use client";
import { useEffect, useState } from "react";
import { useTranslations } from "next-intl";
import { Check, Copy, Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

export type ViewerFile = { path: string; sha256: string; mode?: string; content?: string };

/** The guest-OS bundle, one file at a time, with copy and download. */
export function BundleViewer({
  files,
  fileUrl,
  archiveUrl,
  initial,
  label,
}: {
  files: ViewerFile[];
  fileUrl?: (path: string) => string;
  archiveUrl?: string;
  initial?: string;
  label?: string;
}) {
  const t = useTranslations("wizard.bundle");
  const [current, setCurrent] = useState(
    initial && files.some((f) => f.path === initial) ? initial : (files[0]?.path ?? ""),
  );
  const file = files.find((f) => f.path === current) ?? files[0];
  const content = useFileContent(file, fileUrl);

  if (!files.length) return <p className="text-sm text-muted-fg">{t("empty")}</p>;

  return (
    <div className="rounded-md border border-border" data-testid="bundle-viewer">
      <div
        className="flex flex-wrap items-center gap-1 border-b border-border bg-muted/50 p-1.5"
        role="group"
        aria-label={label ?? t("files")}
      >
        {files.map((f) => (
          <button
            key={f.path}
            type="button"
            aria-pressed={f.path === file?.path}
            onClick={() => setCurrent(f.path)}
            className={cn(
              "rounded px-2 py-1 font-mono text-xs",
              f.path === file?.path ? "bg-card text-fg shadow-sm ring-1 ring-border" : "text-muted-fg hover:bg-card",
            )}
          >
            {f.path}
          </button>
        ))}
      </div>
      {file && (
        <div>
          <FileToolbar file={file} content={content} fileUrl={fileUrl} archiveUrl={archiveUrl} />
          <pre
            tabIndex={0}
            aria-label={file.path}
            className="max-h-96 overflow-auto p-3 font-mono text-xs leading-relaxed"
          >
            {content ?? t("loading")}
          </pre>
        </div>
      )}
    </div>
  );
}

/** The file's text: inline in the bundle, or fetched once from `fileUrl` ("" when that fails). */
function useFileContent(file: ViewerFile | undefined, fileUrl?: (path: string) => string): string | undefined {
  const [fetched, setFetched] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!file || file.content !== undefined || fetched[file.path] !== undefined || !fileUrl) return;
    let live = true;
    fetch(fileUrl(file.path))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((text) => live && setFetched((m) => ({ ...m, [file.path]: text })))
      .catch(() => live && setFetched((m) => ({ ...m, [file.path]: "" })));
    return () => {
      live = false;
    };
  }, [file, fetched, fileUrl]);
  return file?.content ?? (file ? fetched[file.path] : undefined);
}

function FileToolbar({
  file,
  content,
  fileUrl,
  archiveUrl,
}: {
  file: ViewerFile;
  content: string | undefined;
  fileUrl?: (path: string) => string;
  archiveUrl?: string;
}) {
  const t = useTranslations("wizard.bundle");
  const [copied, setCopied] = useState(false);

  function download() {
    if (fileUrl && file.content === undefined) {
      window.location.href = fileUrl(file.path);
      return;
    }
    const blob = new Blob([content ?? ""], { type: "text/plain" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = file.path.split("/").pop() ?? "file";
    a.click();
    URL.revokeObjectURL(a.href);
  }

  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-border px-3 py-1.5 text-xs text-muted-fg">
      <span className="font-mono">sha256 {file.sha256.slice(0, 16)}…</span>
      {file.mode && <span className="font-mono">{file.mode}</span>}
      <span className="ml-auto flex gap-1">
        <Button
          size="sm"
          variant="ghost"
          onClick={async () => {
            await navigator.clipboard?.writeText(content ?? "").catch(() => {});
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
          aria-label={t("copyFile", { file: file.path })}
        >
          {copied ? <Check className="h-3.5 w-3.5" aria-hidden /> : <Copy className="h-3.5 w-3.5" aria-hidden />}
          {copied ? t("copied") : t("copy")}
        </Button>
        <Button size="sm" variant="ghost" onClick={download} aria-label={t("downloadFile", { file: file.path })}>
          <Download className="h-3.5 w-3.5" aria-hidden />
          {t("download")}
        </Button>
        {archiveUrl && (
          <a
            href={archiveUrl}
            className="inline-flex h-8 items-center gap-1 rounded-md px-3 text-sm font-medium hover:bg-muted"
            data-testid="download-archive"
          >
            <Download className="h-3.5 w-3.5" aria-hidden />
            {t("downloadAll")}
          </a>
        )}
      </span>
    </div>
  );
}
