"use client";
// The root layout itself failed (reading the language, the messages): this page
// stands in for it, so it brings its own <html> and styles and finds the
// language without next-intl — the switcher's cookie, else the browser's.
import { useSyncExternalStore } from "react";
import { FailedPage } from "@/components/shell/status-page";
import { localeCookie, localeOf, type Locale } from "@/lib/i18n/locales";
import en from "@/messages/en/fallback.json";
import ja from "@/messages/ja/fallback.json";
import "./globals.css";

const catalogs = { en, ja } satisfies Record<Locale, typeof en>;

const browserLocale = (): Locale => localeOf(localeCookie(document.cookie), navigator.languages.join(","));
const noSubscription = () => () => {};

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = useSyncExternalStore(noSubscription, browserLocale, () => "en" as const);
  return (
    <html lang={locale}>
      <body className="min-h-screen antialiased">
        <FailedPage text={catalogs[locale].error} digest={error.digest} reset={reset} />
      </body>
    </html>
  );
}
