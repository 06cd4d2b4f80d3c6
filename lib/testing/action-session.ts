// Calling server actions in a test as a signed-in user: real better-auth
// sessions on the test database, and next/headers answering with the cookie of
// whoever the test acts as. In the test file:
//
//   vi.mock("server-only", () => ({}));
//   vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
//   vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
//
// then `actAs(user.cookie)` before calling an action (`actAs(user.cookie, { locale: "ja" })`
// from a page switched to Japanese).
import type { Db } from "@/lib/db/client";
import type { TestDb } from "@/lib/testing/test-db";

export const ORIGIN = "http://localhost:3000";

/** The request the next action sees. */
export const request = { headers: new Headers() };

/** Stands in for next/headers. */
export const nextHeaders = {
  headers: async () => request.headers,
  cookies: async () => ({
    get: (name: string) => {
      const m = (request.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(name + "="));
      return m ? { name, value: m.slice(name.length + 1) } : undefined;
    },
    getAll: () => [],
    set: () => {},
    delete: () => {},
    has: () => false,
  }),
};

/**
 * Acts as the holder of `cookie`, or as nobody. `locale`: the page's language, as the
 * switcher sets it (NEXT_LOCALE cookie); `acceptLanguage`: the browser's header.
 */
export function actAs(cookie: string | null, page: { locale?: "en" | "ja"; acceptLanguage?: string } = {}) {
  const cookies = [cookie, page.locale && `NEXT_LOCALE=${page.locale}`].filter(Boolean).join("; ");
  request.headers = new Headers({
    ...(cookies ? { cookie: cookies } : {}),
    ...(page.acceptLanguage ? { "accept-language": page.acceptLanguage } : {}),
  });
}

/** POSTs to better-auth's own handler, as /api/auth/* would receive it. */
export async function authPost(
  path: string,
  body: unknown,
  init: { ip?: string; cookie?: string } = {},
): Promise<Response> {
  const { auth } = await import("@/lib/auth/auth");
  return auth().handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        "x-forwarded-for": init.ip ?? "198.51.100.1",
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      body: JSON.stringify(body),
    }),
  );
}

/** A fresh test database for signed-in action calls: sign-ups are not rate-limited, no emulator (teams get no demo account). */
export async function actionTestDb(appSecret: string): Promise<TestDb> {
  process.env.APP_SECRET = appSecret.padEnd(48, "x");
  process.env.AUTH_SIGNIN_LIMIT = "1000";
  delete process.env.EMULATOR_ENDPOINT;
  const { createTestDb } = await import("@/lib/testing/test-db");
  return createTestDb();
}

let ipCounter = 10;

/** Signs a new user up (who owns a new team) and returns the session cookie. */
export async function signUp(db: Db, name: string): Promise<{ userId: string; cookie: string; teamId: string }> {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const res = await authPost(
    "/sign-up/email",
    { name, email, password: "correct-horse-battery-staple" },
    { ip: `198.51.100.${ipCounter++}` },
  );
  if (res.status !== 200) throw new Error(`sign-up of ${name} answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get("set-cookie") ?? ""])
    .map((c) => c.split(";")[0])
    .join("; ");
  const user = await db.user.findUniqueOrThrow({
    where: { email },
    select: { id: true, members: { select: { organizationId: true } } },
  });
  return { userId: user.id, cookie, teamId: user.members[0]!.organizationId };
}
