"use client";
// A page that failed while rendering on the server or in the browser. The
// message of a server error is never shown (Next replaces it with a digest in
// production anyway); the digest is the reference to find it in the server log.
import { useTranslations } from "next-intl";
import { FailedPage } from "@/components/shell/status-page";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("fallback.error");
  return (
    <FailedPage
      text={{ title: t("title"), body: t("body"), reference: t("reference"), retry: t("retry"), home: t("home") }}
      digest={error.digest}
      reset={reset}
    />
  );
}
