import "server-only";
// What a request says about where it came from, read once by the request boundary.
import { headers } from "next/headers";
import type { UserActor } from "@/lib/audit/actor";
import type { Locale } from "@/lib/i18n/locales";
import { requestLocale } from "@/lib/i18n/request-locale";

/** `locale`: the language of the page that called (its errors are written in it). */
export type RequestMeta = {
  clientIp: string | null;
  userAgent: string | null;
  /** The x-request-id proxy.ts gave this request. */
  requestId: string | null;
  locale: Locale;
};

export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  return {
    clientIp: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? h.get("x-real-ip"),
    userAgent: h.get("user-agent"),
    requestId: h.get("x-request-id"),
    locale: await requestLocale(),
  };
}

/** The audit actor of a signed-in user's request: built once here, passed to every service that records an event. */
export function requestActor(user: { id: string; email: string }, meta: RequestMeta): UserActor {
  return { userId: user.id, email: user.email, clientIp: meta.clientIp, userAgent: meta.userAgent };
}
