import "server-only";
import { cookies, headers } from "next/headers";
import { localeOf, type Locale } from "./locales";

/** The language of the page that sent this request: what next-intl renders it in, and what its errors are written in. */
export async function requestLocale(): Promise<Locale> {
  return localeOf((await cookies()).get("NEXT_LOCALE")?.value, (await headers()).get("accept-language"));
}
