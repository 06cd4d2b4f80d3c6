// Locale without URL prefixes: the NEXT_LOCALE cookie (the switcher sets it),
// else the browser's Accept-Language, else English.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALES, type Locale, pickLocale } from "./locales";
import { loadMessages } from "./messages";

export default getRequestConfig(async () => {
  const cookie = (await cookies()).get("NEXT_LOCALE")?.value;
  const locale: Locale = LOCALES.includes(cookie as Locale) ? (cookie as Locale) : pickLocale((await headers()).get("accept-language"));
  // `now`: the reference for relative times ("3 minutes ago"), fixed per request
  // so the server's HTML and the browser's first render agree (no hydration
  // mismatch, no ENVIRONMENT_FALLBACK error per call); live views use useNow().
  return { locale, messages: loadMessages(locale), timeZone: "UTC", now: new Date() };
});
