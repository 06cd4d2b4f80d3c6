// Locale without URL prefixes: the NEXT_LOCALE cookie (the switcher sets it),
// else the browser's Accept-Language, else English.
import { getRequestConfig } from "next-intl/server";
import { loadMessages } from "./messages";
import { requestLocale } from "./request-locale";

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  // `now`: the reference for relative times ("3 minutes ago"), fixed per request
  // so the server's HTML and the browser's first render agree (no hydration
  // mismatch, no ENVIRONMENT_FALLBACK error per call); live views use useNow().
  return { locale, messages: loadMessages(locale), timeZone: "UTC", now: new Date() };
});
