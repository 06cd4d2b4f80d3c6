import "server-only";
// Every /api/v1 answer for an error has one shape:
//   { "error": { "code", "message", "problems": [{ "path", "message" }], …extra } }
// 400 bad JSON or bad input (every zod problem with its dotted path), 401 no valid token,
// 403 below the role, 404 unknown id (another team's id looks the same), 409 a run in progress
// or a status that does not allow it, 422 pre-flight errors (with `findings`), 502 the cloud
// refused (its code and RequestId), 500 anything else (with `ref`, the id of its log line).
import crypto from "node:crypto";
import { CloudError, UserFacingCloudError } from "@/lib/cloud/errors";
import { UserFacingError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { msg, type Translatable } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";
import type { ErrorSite } from "./action-errors";

export type Problem = { path: string; message: string };

/** Bad input: every problem found, each with its path ("spec.enis.1.eni.vSwitchId"; "" for the whole body). */
export class ApiInputError extends UserFacingError {
  constructor(
    readonly problems: (locale: Locale) => Problem[],
    text: Translatable = msg("invalidInput"),
  ) {
    super(text, { code: "INVALID_INPUT" });
    this.name = "ApiInputError";
  }
}

/** A zod error's issues as problems ("spec.enis.0.eips", "" for the body itself). */
export function zodProblems(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ""): Problem[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/** The HTTP status of a UserFacingError's code (RunRefused's codes included). */
const STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  INVALID_JSON: 400,
  BODY_TOO_LARGE: 413,
  CONFIRMATION_MISMATCH: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BAD_STATUS: 409,
  LOCKED: 409,
  NOTHING_TO_DO: 409,
  ALREADY_MANAGED: 409,
  NOTHING_TO_ADOPT: 422,
  PREFLIGHT_FAILED: 422,
  NO_ACCOUNT: 422,
};

export function apiStatus(code: string | undefined): number {
  return STATUS[code ?? ""] ?? 400;
}

type Finding = {
  severity: string;
  code: string;
  message: { en: string; ja: string };
  fix?: { en: string; ja: string };
};

function isFindings(v: unknown): v is Finding[] {
  return Array.isArray(v) && v.every((f) => f && typeof f === "object" && "severity" in f && "message" in f);
}

/** Pre-flight findings as the API shows them: the message (and fix) in the request's language. */
export function findingsIn(findings: Finding[], locale: Locale) {
  return findings.map((f) => ({
    severity: f.severity,
    code: f.code,
    message: f.message[locale],
    ...(f.fix ? { fix: f.fix[locale] } : {}),
  }));
}

function json(status: number, error: Record<string, unknown>): Response {
  return Response.json({ error: { problems: [], ...error } }, { status, headers: { "cache-control": "no-store" } });
}

export function apiErrorResponse(error: unknown, locale: Locale, site: ErrorSite = {}): Response {
  if (error instanceof CloudError) error = new UserFacingCloudError(error);
  if (error instanceof UserFacingCloudError) {
    return json(502, {
      code: error.code,
      message: error.message,
      requestId: error.requestId ?? undefined,
      hint: error.hint[locale],
    });
  }
  if (error instanceof ApiInputError)
    return json(400, { code: "INVALID_INPUT", message: error.text(locale), problems: error.problems(locale) });
  if (error instanceof UserFacingError) {
    const { code, field } = error.details;
    const message = error.text(locale);
    const status = apiStatus(code);
    const context = (error as { context?: unknown }).context;
    return json(status, {
      code: code ?? "INVALID_INPUT",
      message,
      problems: status === 400 ? [{ path: field ?? "", message }] : [],
      ...(code === "PREFLIGHT_FAILED" && isFindings(context) ? { findings: findingsIn(context, locale) } : {}),
    });
  }
  const ref = crypto.randomBytes(4).toString("hex");
  logger.error(
    { err: error, ref, action: site.action ?? "unnamed", requestId: site.requestId ?? "none" },
    "unexpected error in API request",
  );
  return json(500, { code: "INTERNAL", message: msg("internal", { ref })(locale), ref });
}
