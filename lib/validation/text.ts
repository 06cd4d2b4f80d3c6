// Text a user types and we store. PostgreSQL's text and jsonb refuse U+0000,
// and a UTF-16 surrogate without its pair is not Unicode at all: a text column
// silently stores U+FFFD instead, jsonb refuses it. Validation refuses both
// with a message that names the field, before anything is written — instead of
// an internal database error halfway through an action.
// Pure zod, no server imports: client forms import it too.
import { z } from "zod";
import { msg, type Translatable } from "@/lib/i18n/errors";
import { ztext } from "./messages";

/** Unpaired UTF-16 surrogates: a high one not followed by a low one, a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Names are one line: every C0 control character and DEL. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Multi-line text (a description, a revision message) keeps tab, line feed and carriage return. */
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** What PostgreSQL cannot store at all, whatever the field. */
const UNSTORABLE = /\u0000/;

export type TextRule = "line" | "multiline" | "storable";

/** A person's name (sign-up, profile): it is copied into team names and every audit row they write. */
export const PERSON_NAME_MAX = 100;
/** better-auth's maxPasswordLength (lib/auth/auth.ts): longer is refused at sign-up, so it cannot be right. */
export const PASSWORD_MAX = 128;
/** RFC 5321's limit for an email address (a forward path of 256 octets less the angle brackets). */
export const EMAIL_MAX = 254;

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** What is wrong with a text: a control character, or an unpaired surrogate; `codePoint` names it ("U+000A"). */
export type TextIssue = { kind: "control" | "surrogate"; codePoint: string };

/**
 * What refuses `s` under `rule`, or null when it is fine. "line": no control
 * characters; "multiline": tab and line breaks allowed; "storable": only what
 * the database cannot hold (NUL), for free-form data such as a draft spec.
 * Unpaired surrogates are refused under every rule.
 */
export function textIssue(s: string, rule: TextRule = "line"): TextIssue | null {
  const control = (rule === "line" ? CONTROL : rule === "multiline" ? CONTROL_BUT_WHITESPACE : UNSTORABLE).exec(s);
  if (control) return { kind: "control", codePoint: codePoint(control[0]) };
  const lone = LONE_SURROGATE.exec(s);
  if (lone) return { kind: "surrogate", codePoint: codePoint(lone[0]) };
  return null;
}

/** textIssue in English, as the end of a sentence about the field ("must not contain …"): for logs and better-auth's refusals. */
export function textProblem(s: string, rule: TextRule = "line"): string | null {
  const issue = textIssue(s, rule);
  return issue && englishProblem(issue);
}

function englishProblem(issue: TextIssue): string {
  return issue.kind === "control"
    ? `must not contain control characters (found ${issue.codePoint})`
    : `must be valid Unicode text (found an unpaired surrogate, ${issue.codePoint})`;
}

/** "<subject> must not contain …", in the language of the parse. */
function textIssueMessage(subject: Translatable, issue: TextIssue, inKey = false): string {
  const key = inKey
    ? issue.kind === "control"
      ? "text.keyControl"
      : "text.keySurrogate"
    : issue.kind === "control"
      ? "text.control"
      : "text.surrogate";
  return ztext(key, { subject, codePoint: issue.codePoint });
}

/** The fields plainText names: keys of errors.json's "fields". */
export type FieldName = keyof (typeof import("@/messages/en/errors.json"))["fields"];

/**
 * A string field of user text, refused with "<subject> must not contain …"
 * (`subject`: fields.<subject> of the errors catalog, in the language of the parse).
 * `trim` trims before the check, so a pasted trailing line break is dropped,
 * not refused. Chain `.min()` / `.max()` after it.
 *
 *   name: plainText("deploymentName", { trim: true }).min(1, zmsg("deploy.nameRequired")).max(120)
 */
export function plainText(
  subject: FieldName,
  { rule = "line", trim = false }: { rule?: TextRule; trim?: boolean } = {},
) {
  return (trim ? z.string().trim() : z.string()).superRefine((s, ctx) => {
    const issue = textIssue(s, rule);
    if (issue) ctx.addIssue({ code: "custom", message: textIssueMessage(msg(`fields.${subject}`), issue) });
  });
}

/**
 * The first string in a JSON value — a value or an object key (`inKey`), at any
 * depth — that the database cannot store, with its path; null when there is none.
 */
function locateUnstorable(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; issue: TextIssue; inKey: boolean } | null {
  if (typeof value === "string") {
    const issue = textIssue(value, "storable");
    return issue ? { path, issue, inKey: false } : null;
  }
  if (value === null || typeof value !== "object") return null;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof key === "string") {
      const issue = textIssue(key, "storable");
      // The path stops at the object: the key itself is not fit to be shown.
      if (issue) return { path, issue, inKey: true };
    }
    const found = locateUnstorable(v, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** locateUnstorable in English ("has a key that must …"): for better-auth's refusals. */
export function findUnstorable(value: unknown): { path: (string | number)[]; problem: string } | null {
  const found = locateUnstorable(value);
  if (!found) return null;
  const problem = englishProblem(found.issue);
  return { path: found.path, problem: found.inKey ? `has a key that ${problem}` : problem };
}

/** Refines free-form JSON (a draft spec): "<subject> at <path> must not contain …". */
export function refuseUnstorable(subject: FieldName) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    const found = locateUnstorable(value);
    if (!found) return;
    const named = msg(`fields.${subject}`);
    const at = found.path.length ? msg("text.at", { subject: named, path: found.path.join(".") }) : named;
    ctx.addIssue({ code: "custom", path: found.path, message: textIssueMessage(at, found.issue, found.inKey) });
  };
}
