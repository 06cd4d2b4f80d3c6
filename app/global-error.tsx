"use client";
// The root layout itself failed (reading the language, the messages): this page
// stands in for it, so it brings its own <html> and styles and finds the
// language without next-intl — the switcher's cookie, else the browser's.
import { useSyncExternalStore } from "react";
import Link from "next/link";
import { StatusPage, statusLink } from "@/components/shell/status-page";
import { Button } from "@/components/ui/button";
import { localeOf, type Locale } from "@/lib/i18n/locales";
import en from "@/messages/en/fallback.json";
import ja from "@/messages/ja/fallback.json";
import "./globals.css";

const catalogs = { en, ja } satisfies Record<Locale, typeof en>;

function browserLocale(): Locale {
  const cookie = /(?:^|;\s*)NEXT_LOCALE=([^;]*)/.exec(document.cookie)?.[1];
  return localeOf(cookie, navigator.languages.join(","));
}
const noSubscription = () => () => {};

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = useSyncExternalStore(noSubscription, browserLocale, () => "en" as const);
  const t = catalogs[locale].error;
  return (
    <html lang={locale}>
      <body className="min-h-screen antialiased">
        <StatusPage
          code="500"
          title={t.title}
          actions={
            <>
              <Button onClick={reset}>{t.retry}</Button>
              <Link href="/" className={statusLink.secondary}>{t.home}</Link>
            </>
          }
        >
          <p>{t.body}</p>
          {error.digest ? <p>{t.reference} <code className="font-mono text-fg">{error.digest}</code></p> : null}
        </StatusPage>
      </body>
    </html>
  );
}
