// Text a user types and we store. PostgreSQL's text and jsonb refuse U+0000,
// and a UTF-16 surrogate without its pair is not Unicode at all: a text column
// silently stores U+FFFD instead, jsonb refuses it. Validation refuses both
// with a message that names the field, before anything is written — instead of
// an internal database error halfway through an action.
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";

/** Unpaired UTF-16 surrogates: a high one not followed by a low one, a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Names are one line: every C0 control character and DEL. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Multi-line text (a description, a revision message) keeps tab, line feed and carriage return. */
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** What PostgreSQL cannot store at all, whatever the field. */
const UNSTORABLE = /\u0000/;

export type TextRule = "line" | "multiline" | "storable";

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Why `s` is refused under `rule`, as the end of a sentence about the field
 * ("must not contain …"), or null when it is fine. "line": no control
 * characters; "multiline": tab and line breaks allowed; "storable": only what
 * the database cannot hold (NUL), for free-form data such as a draft spec.
 * Unpaired surrogates are refused under every rule.
 */
export function textProblem(s: string, rule: TextRule = "line"): string | null {
  const control = (rule === "line" ? CONTROL : rule === "multiline" ? CONTROL_BUT_WHITESPACE : UNSTORABLE).exec(s);
  if (control) return `must not contain control characters (found ${codePoint(control[0])})`;
  const lone = LONE_SURROGATE.exec(s);
  if (lone) return `must be valid Unicode text (found an unpaired surrogate, ${codePoint(lone[0])})`;
  return null;
}

/**
 * A string field of user text, refused with "<subject> must not contain …".
 * `trim` trims before the check, so a pasted trailing line break is dropped,
 * not refused. Chain `.min()` / `.max()` after it.
 *
 *   name: plainText("The deployment name", { trim: true }).min(1, "Give the deployment a name.").max(120)
 */
export function plainText(subject: string, { rule = "line", trim = false }: { rule?: TextRule; trim?: boolean } = {}) {
  return (trim ? z.string().trim() : z.string()).superRefine((s, ctx) => {
    const problem = textProblem(s, rule);
    if (problem) ctx.addIssue({ code: "custom", message: `${subject} ${problem}.` });
  });
}

/**
 * The first string in a JSON value — a value or an object key, at any depth —
 * that the database cannot store, with its path; null when there is none.
 */
export function findUnstorable(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; problem: string } | null {
  if (typeof value === "string") {
    const problem = textProblem(value, "storable");
    return problem ? { path, problem } : null;
  }
  if (value === null || typeof value !== "object") return null;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof key === "string") {
      const problem = textProblem(key, "storable");
      // The path stops at the object: the key itself is not fit to be shown.
      if (problem) return { path, problem: `has a key that ${problem}` };
    }
    const found = findUnstorable(v, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** Refines free-form JSON (a draft spec): "<subject> at <path> must not contain …". */
export function refuseUnstorable(subject: string) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    const found = findUnstorable(value);
    if (found) ctx.addIssue({ code: "custom", path: found.path, message: `${subject}${found.path.length ? ` at ${found.path.join(".")}` : ""} ${found.problem}.` });
  };
}
