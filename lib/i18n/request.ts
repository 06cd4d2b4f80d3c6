// Locale without URL prefixes: the NEXT_LOCALE cookie (the switcher sets it),
// else the browser's Accept-Language, else English.
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALES, type Locale, pickLocale } from "./locales";
import { loadMessages } from "./messages";

export default getRequestConfig(async () => {
  const cookie = (await cookies()).get("NEXT_LOCALE")?.value;
  const locale: Locale = LOCALES.includes(cookie as Locale) ? (cookie as Locale) : pickLocale((await headers()).get("accept-language"));
  return { locale, messages: loadMessages(locale), timeZone: "UTC" };
});
