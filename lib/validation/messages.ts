// Zod messages in the language of the page. A schema's own messages name keys
// of messages/<locale>/errors.json (`zmsg("spec.ipv4")`); zod's built-in ones
// ("Too small: expected string to have >=1 characters") come from zod's own
// locales. `safeParseIn(locale, schema, data)` writes every issue in `locale`;
// any other parse writes English, as before.
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";
import zodJa from "zod/v4/locales/ja.js";
import { msg, type ErrorKey, type MessageValues, type Translatable } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";

// The language of the parse under way. Zod parses synchronously (these schemas
// have no async refinements), so it is set and restored around one parse and
// never seen by another request.
let parsing: Locale = "en";

const builtIn: Record<Locale, z.core.$ZodErrorMap | undefined> = { en: undefined, ja: zodJa().localeError };

/**
 * Every text field has a length limit (lib/validation/bounded.test.ts proves it of every input schema); one
 * it does not name its own message for is refused with "At most N characters (this one has M)", in the
 * language of the parse — instead of zod's "Too big: expected string to have <=N characters". A record's
 * key that fails says so, with the key's own reason.
 */
const appMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "too_big" && issue.origin === "string")
    return ztext("text.tooLong", {
      max: Number(issue.maximum),
      length: typeof issue.input === "string" ? issue.input.length : 0,
    });
  if (issue.code === "invalid_key" && issue.issues[0]?.message)
    return ztext("text.keyProblem", { problem: issue.issues[0].message });
  return undefined;
};
/** `.max(n, tooLong)` where the schema's own message (`z.email(zmsg(…))`) would otherwise stand for it too. */
export const tooLong = { error: appMessages };
// Every parse, wherever it happens (a service parsing a config file, a form on the client).
z.config({ customError: appMessages });

/** A schema's message: `.regex(re, zmsg("spec.ipv4"))`, `.refine(fn, { ...zmsg("spec.eipTwice"), path })`. */
export function zmsg(key: ErrorKey, values?: MessageValues): { error: () => string } {
  return { error: () => msg(key, values)(parsing) };
}

/** A message text for `ctx.addIssue({ message: ztext(...) })` inside a refinement. */
export function ztext(key: ErrorKey, values?: MessageValues): string {
  return msg(key, values)(parsing);
}

/** Parses `data` with every issue's message in `locale`. */
export function safeParseIn<S extends z.ZodType>(
  locale: Locale,
  schema: S,
  data: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  const outer = parsing;
  parsing = locale;
  try {
    // A parse's own error map outranks the global one: it must carry the app's messages too.
    const localeMap = builtIn[locale];
    const result = localeMap
      ? schema.safeParse(data, { error: (issue) => appMessages(issue) ?? localeMap(issue) })
      : schema.safeParse(data);
    // Zod writes the messages when `error` is first read: read it while the language is set.
    if (!result.success) void result.error.issues;
    return result;
  } finally {
    parsing = outer;
  }
}

/**
 * The issues `schema` finds in `data`, as text in any language: "<path>: <message>"
 * joined by "; " (the path prefixed by `prefix`, "file" when empty). Empty when it parses.
 */
export function zodProblems(schema: z.ZodType, data: unknown, prefix = ""): Translatable {
  return (locale) => {
    const r = safeParseIn(locale, schema, data);
    return r.success ? "" : issueLines(r.error, prefix).join("; ");
  };
}

export function issueLines(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ""): string[] {
  return error.issues.map(
    (i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join(".") || "file"}: ${i.message}`,
  );
}
