"use client";
// A page that failed while rendering on the server or in the browser. The
// message of a server error is never shown (Next replaces it with a digest in
// production anyway); the digest is the reference to find it in the server log.
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { StatusPage, statusLink } from "@/components/shell/status-page";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("fallback.error");
  return (
    <StatusPage
      code="500"
      title={t("title")}
      actions={
        <>
          <Button onClick={reset}>{t("retry")}</Button>
          <Link href="/" className={statusLink.secondary}>{t("home")}</Link>
        </>
      }
    >
      <p>{t("body")}</p>
      {error.digest ? <p>{t("reference")} <code className="font-mono text-fg" data-testid="error-digest">{error.digest}</code></p> : null}
    </StatusPage>
  );
}
