export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

/** The first supported language in an Accept-Language header, by quality. */
export function pickLocale(acceptLanguage: string | null | undefined): Locale {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { lang: (tag ?? "").toLowerCase().split("-")[0], q: Number.isFinite(q) ? q : 0 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (LOCALES.includes(lang as Locale)) return lang as Locale;
  return "en";
}

/** The NEXT_LOCALE cookie's value (the switcher sets it) in a Cookie header or in document.cookie. */
export function localeCookie(cookies: string | null | undefined): string | undefined {
  return cookies?.match(/(?:^|;\s*)NEXT_LOCALE=([^;]+)/)?.[1];
}

/** The NEXT_LOCALE cookie (the switcher sets it), else the browser's Accept-Language, else English. */
export function localeOf(cookie: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  return LOCALES.includes(cookie as Locale) ? (cookie as Locale) : pickLocale(acceptLanguage);
}
