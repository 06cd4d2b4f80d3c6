import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

// better-auth through its real HTTP handler (the one /api/auth/* serves), on a
// fresh database: what a browser would get back.
let t: TestDb;
let auth: typeof import("./auth").auth;
const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  process.env.APP_SECRET = "auth-test-secret-".padEnd(48, "y");
  process.env.EMULATOR_ENDPOINT = "127.0.0.1:9"; // demo mode: teams get the demo account
  t = await createTestDb();
  ({ auth } = await import("./auth"));
});
afterAll(async () => {
  await t?.close();
});

function post(path: string, body: unknown, ip = "203.0.113.7", headers: Record<string, string> = {}) {
  return auth().handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": ip, ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("accounts and teams", () => {
  it("sign-up makes the user owner of a new team that has the demo cloud account", async () => {
    const res = await post(
      "/sign-up/email",
      { name: "Alice", email: "alice@example.com", password: "correct-horse-battery" },
      "198.51.100.1",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(res.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "alice@example.com" } });
    const member = await t.db.member.findFirstOrThrow({ where: { userId: user.id }, include: { organization: true } });
    expect(member.role).toBe("owner");
    expect(member.organization.name).toBe("Alice's team");
    expect(
      await t.db.cloudAccount.findMany({
        where: { teamId: member.organizationId },
        select: { name: true, kind: true },
      }),
    ).toEqual([{ name: "Demo (emulator)", kind: "demo" }]);
    const password = await t.db.account.findFirstOrThrow({ where: { userId: user.id }, select: { password: true } });
    expect(password.password).not.toContain("correct-horse-battery");
  });

  it("names the new team in the language of the sign-up page", async () => {
    const teamOf = async (email: string) =>
      (await t.db.member.findFirstOrThrow({ where: { user: { email } }, include: { organization: true } })).organization
        .name;
    expect(
      (
        await post(
          "/sign-up/email",
          { name: "花子", email: "hanako@example.com", password: "correct-horse-battery" },
          "198.51.100.11",
          { "accept-language": "ja-JP,ja;q=0.9" },
        )
      ).status,
    ).toBe(200);
    expect(await teamOf("hanako@example.com")).toBe("花子 のチーム");
    // The switcher's choice wins over the browser's language.
    expect(
      (
        await post(
          "/sign-up/email",
          { name: "Taro", email: "taro@example.com", password: "correct-horse-battery" },
          "198.51.100.12",
          { "accept-language": "en-US", cookie: "theme=dark; NEXT_LOCALE=ja" },
        )
      ).status,
    ).toBe(200);
    expect(await teamOf("taro@example.com")).toBe("Taro のチーム");
    expect(
      (
        await post(
          "/sign-up/email",
          { name: "Carol", email: "carol@example.com", password: "correct-horse-battery" },
          "198.51.100.13",
          { "accept-language": "ja", cookie: "NEXT_LOCALE=en" },
        )
      ).status,
    ).toBe(200);
    expect(await teamOf("carol@example.com")).toBe("Carol's team");
  });

  it("refuses a duplicate email, a short password and an invalid email without creating anything", async () => {
    const users = await t.db.user.count();
    const teams = await t.db.organization.count();
    const dup = await post(
      "/sign-up/email",
      { name: "Alice 2", email: "alice@example.com", password: "another-long-password" },
      "198.51.100.2",
    );
    expect(dup.status).toBe(422);
    expect((await dup.json()).code).toMatch(/USER_ALREADY_EXISTS/);
    const short = await post(
      "/sign-up/email",
      { name: "Bob", email: "bob@example.com", password: "short" },
      "198.51.100.3",
    );
    expect(short.status).toBe(400);
    expect((await short.json()).code).toBe("PASSWORD_TOO_SHORT");
    const bad = await post(
      "/sign-up/email",
      { name: "Bob", email: "not-an-email", password: "long-enough-password" },
      "198.51.100.4",
    );
    expect(bad.status).toBe(400);
    expect(await t.db.user.count()).toBe(users);
    expect(await t.db.organization.count()).toBe(teams);
  });

  it("refuses an 8 MB name (the body's size), a long name and an over-long email with the specific reason, creating nothing", async () => {
    const users = await t.db.user.count();
    const teams = await t.db.organization.count();
    const events = await t.db.auditEvent.count();
    const huge = await post(
      "/sign-up/email",
      { name: "N".repeat(8 * 1024 * 1024), email: "huge@example.com", password: "long-enough-password" },
      "198.51.100.5",
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({
      code: "BODY_TOO_LARGE",
      message: "The request body is larger than the 65536 byte limit.",
    });
    // Sent in chunks, without a Content-Length: read no further than the limit.
    const chunked = await auth().handler(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "198.51.100.8" },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"name":"'));
            for (let i = 0; i < 100; i++) c.enqueue(new TextEncoder().encode("N".repeat(80 * 1024)));
            c.enqueue(new TextEncoder().encode('","email":"chunked@example.com","password":"long-enough-password"}'));
            c.close();
          },
        }),
        duplex: "half",
      } as RequestInit),
    );
    expect(chunked.status).toBe(413);
    const long = await post(
      "/sign-up/email",
      { name: "N".repeat(101), email: "long@example.com", password: "long-enough-password" },
      "198.51.100.9",
    );
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ code: "NAME_TOO_LONG", message: expect.stringContaining("at most 100") });
    const longEmail = await post(
      "/sign-up/email",
      { name: "Long", email: `${"e".repeat(250)}@example.com`, password: "long-enough-password" },
      "198.51.100.6",
    );
    expect(longEmail.status).toBe(400);
    expect((await longEmail.json()).code).toBe("EMAIL_TOO_LONG");
    expect(await t.db.user.count()).toBe(users);
    expect(await t.db.auditEvent.count()).toBe(events);
    const atLimit = await post(
      "/sign-up/email",
      { name: "M".repeat(100), email: "limit@example.com", password: "long-enough-password" },
      "198.51.100.7",
    );
    expect(atLimit.status).toBe(200);
    expect(await t.db.user.count()).toBe(users + 1);
    expect(await t.db.organization.count()).toBe(teams + 1);
  });

  it("answers a wrong password with INVALID_EMAIL_OR_PASSWORD and rate-limits repeated attempts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await post(
        "/sign-in/email",
        { email: "alice@example.com", password: `wrong-password-${i}` },
        "192.0.2.50",
      );
      statuses.push(res.status);
      if (i === 0) expect((await res.json()).code).toBe("INVALID_EMAIL_OR_PASSWORD");
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // another client address is not affected
    const ok = await post(
      "/sign-in/email",
      { email: "alice@example.com", password: "correct-horse-battery" },
      "192.0.2.51",
    );
    expect(ok.status).toBe(200);
  });
});
