// Errors users read, in their language. An error written for the user names a
// key of messages/<locale>/errors.json and its ICU values; it is rendered in
// English for logs and audit rows (records, not UI) and in the request's
// language for the browser (toActionError). Pure, no server imports: zod
// schemas that client forms import use it too (lib/validation/messages.ts).
// use-intl/core, not "next-intl": under the react-server condition outside Next
// (the benchmarks), next-intl's entry imports React hooks that do not exist there.
import { createTranslator } from "use-intl/core";
import en from "@/messages/en/errors.json";
import ja from "@/messages/ja/errors.json";
import type { Locale } from "./locales";

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A message of messages/en/errors.json, e.g. "configs.nothingChanged". */
export type ErrorKey = Leaves<typeof en>;

/** Text that can be shown in any supported language, rendered once the language is known. */
export type Translatable = (locale: Locale) => string;

/**
 * A message's values. Numbers are shown as written ("revision 1234", a port,
 * a byte count), not grouped; a Translatable value is rendered in the same language.
 */
export type MessageValues = Record<string, string | number | Translatable>;

type Translate = (key: string, values?: Record<string, string>) => string;
const translators: Record<Locale, Translate> = {
  en: createTranslator({ locale: "en", messages: en }) as unknown as Translate,
  ja: createTranslator({ locale: "ja", messages: ja }) as unknown as Translate,
};

/** `key` of the errors catalog with `values`, in whichever language it is shown. */
export function msg(key: ErrorKey, values: MessageValues = {}): Translatable {
  return (locale) =>
    translators[locale](
      key,
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "function" ? v(locale) : String(v)])),
    );
}

/** Text that is the same in every language: the cloud's own message, a JSON parser's, a resource id. */
export function verbatim(text: string): Translatable {
  return () => text;
}

/** Several texts joined by `separator`, each in the same language. */
export function joined(parts: Translatable[], separator = "; "): Translatable {
  return (locale) => parts.map((p) => p(locale)).join(separator);
}

/** A deployment status as a word in a sentence ("tearing down", 削除中). */
export function statusWord(status: string): Translatable {
  return status in en.status ? msg(`status.${status as keyof typeof en.status}`) : verbatim(status.replace("_", " "));
}
