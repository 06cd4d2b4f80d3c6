// Two-factor sign-in as a user meets it: set up with the password, switched on by the first code from the
// app, then every sign-in needs a code (or a backup code, once); a team that requires it of owners and
// admins refuses their changes until they have it, on the server. Real better-auth sessions, real database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TOTP } from "otpauth";
import type { Db } from "@/lib/db/client";
import { actAs, actionTestDb, authPost, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const PASSWORD = "correct-horse-battery-staple";
let t: TestDb;
let db: Db;
let actions: typeof import("@/lib/actions/security.actions");
let configs: typeof import("@/lib/actions/configs.actions");
let audit: typeof import("@/lib/actions/audit.actions");

beforeAll(async () => {
  t = await actionTestDb("two-factor-test-secret");
  db = t.db;
  actions = await import("@/lib/actions/security.actions");
  configs = await import("@/lib/actions/configs.actions");
  audit = await import("@/lib/actions/audit.actions");
});
afterAll(async () => t?.close());

const cookiesOf = (res: Response) =>
  (res.headers.getSetCookie?.() ?? [])
    .map((c) => c.split(";")[0]!)
    .filter((c) => !/=$/.test(c))
    .join("; ");
const codeFor = (secret: string, at = Date.now()) =>
  new TOTP({ secret, digits: 6, period: 30 }).generate({ timestamp: at });
const emailOf = async (userId: string) => (await db.user.findUniqueOrThrow({ where: { id: userId } })).email;
const auditActions = async (teamId: string) =>
  (await db.auditEvent.findMany({ where: { teamId }, orderBy: { seq: "asc" }, select: { action: true } })).map(
    (e) => e.action,
  );

/** Password, then (if asked) a code: the session cookie of the finished sign-in. */
async function signIn(email: string, second?: (pending: string) => Promise<Response>) {
  const first = await authPost("/sign-in/email", { email, password: PASSWORD });
  expect(first.status).toBe(200);
  const body = (await first.json()) as { twoFactorRedirect?: boolean };
  if (!body.twoFactorRedirect) return { cookie: cookiesOf(first), asked: false };
  expect(second, "a second factor was asked for").toBeDefined();
  const done = await second!(cookiesOf(first));
  return { cookie: done.status === 200 ? cookiesOf(done) : "", asked: true, status: done.status };
}

async function sessionOf(cookie: string) {
  const { auth } = await import("@/lib/auth/auth");
  return auth().api.getSession({ headers: new Headers({ cookie }) });
}

/** Sets up and switches on two-factor sign-in for a signed-in user; returns the secret and backup codes. */
async function turnOn(user: { cookie: string; teamId: string }) {
  actAs(user.cookie);
  const started = await actions.startTwoFactorAction({ teamId: user.teamId, password: PASSWORD });
  if (!started.ok) throw new Error(started.error);
  const confirmed = await actions.confirmTwoFactorAction({ teamId: user.teamId, code: codeFor(started.data.secret) });
  if (!confirmed.ok) throw new Error(confirmed.error);
  return started.data;
}

describe("two-factor sign-in", () => {
  it("is set up with the password and switched on by the first code; then every sign-in asks for a code", async () => {
    const owner = await signUp(db, "owner");
    const email = await emailOf(owner.userId);
    actAs(owner.cookie);

    const wrong = await actions.startTwoFactorAction({ teamId: owner.teamId, password: "not my password" });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { password: "That password is not right." } });

    const setup = await actions.startTwoFactorAction({ teamId: owner.teamId, password: PASSWORD });
    if (!setup.ok) throw new Error(setup.error);
    expect(setup.data.qrSvg).toMatch(/^<svg/);
    expect(setup.data.secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(setup.data.backupCodes).toHaveLength(10);
    // Not on until a code from the app proves it was scanned.
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).twoFactorEnabled).toBe(false);
    expect((await signIn(email)).asked).toBe(false);
    actAs(owner.cookie);
    const badCode = await actions.confirmTwoFactorAction({ teamId: owner.teamId, code: "12345" });
    expect(badCode).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    const staleCode = await actions.confirmTwoFactorAction({
      teamId: owner.teamId,
      code: codeFor(setup.data.secret, Date.now() - 10 * 60_000),
    });
    expect(staleCode).toMatchObject({ ok: false, fieldErrors: { code: expect.stringContaining("not right") } });
    const on = await actions.confirmTwoFactorAction({ teamId: owner.teamId, code: codeFor(setup.data.secret) });
    expect(on).toMatchObject({ ok: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).twoFactorEnabled).toBe(true);
    expect(await auditActions(owner.teamId)).toContain("app:auth.twoFactorEnabled");

    // The password alone no longer signs in: no session until the code.
    const before = (await auditActions(owner.teamId)).filter((a) => a === "app:auth.signIn").length;
    const refused = await signIn(email, (pending) =>
      authPost("/two-factor/verify-totp", { code: "000000" }, { cookie: pending }),
    );
    expect(refused.status).not.toBe(200);
    const passed = await signIn(email, (pending) =>
      authPost("/two-factor/verify-totp", { code: codeFor(setup.data.secret) }, { cookie: pending }),
    );
    expect((await sessionOf(passed.cookie))?.user.email).toBe(email);
    // One sign-in, one event (the password step's short-lived session is not a sign-in).
    expect((await auditActions(owner.teamId)).filter((a) => a === "app:auth.signIn").length).toBe(before + 1);

    // A backup code works once.
    const code = setup.data.backupCodes[0]!;
    const viaBackup = await signIn(email, (p) => authPost("/two-factor/verify-backup-code", { code }, { cookie: p }));
    expect((await sessionOf(viaBackup.cookie))?.user.email).toBe(email);
    const again = await signIn(email, (p) => authPost("/two-factor/verify-backup-code", { code }, { cookie: p }));
    expect(again.status).not.toBe(200);
  });

  it("a team that requires it refuses its admins' changes until they have it, and keeps them from turning it off", async () => {
    const owner = await signUp(db, "owner2");
    const admin = await signUp(db, "admin2");
    await db.member.create({
      data: { id: `m-${admin.userId}`, organizationId: owner.teamId, userId: admin.userId, role: "admin" },
    });

    // Requiring it without having it would lock the owner out of changes: refused.
    actAs(owner.cookie);
    const selfFirst = await actions.requireTwoFactorAction({ teamId: owner.teamId, required: true });
    expect(selfFirst).toMatchObject({ ok: false, error: expect.stringContaining("your own account first") });

    const { secret } = await turnOn(owner);
    const ownerSession = await signIn(await emailOf(owner.userId), (p) =>
      authPost("/two-factor/verify-totp", { code: codeFor(secret) }, { cookie: p }),
    );
    actAs(ownerSession.cookie);
    expect(await actions.requireTwoFactorAction({ teamId: owner.teamId, required: true })).toMatchObject({ ok: true });
    expect(await auditActions(owner.teamId)).toContain("app:team.requireTwoFactor");

    // The admin without it: reads yes, changes no — and the message says what to do.
    actAs(admin.cookie);
    expect(await audit.verifyAuditChainAction({ teamId: owner.teamId })).toMatchObject({ ok: true });
    const change = await configs.createConfigAction({ teamId: owner.teamId, name: "x", spec: {} });
    expect(change).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
      error: expect.stringContaining("Settings → Security"),
    });
    actAs(admin.cookie, { locale: "ja" });
    const ja = await actions.requireTwoFactorAction({ teamId: owner.teamId, required: false });
    expect(ja).toMatchObject({ ok: false, code: "FORBIDDEN", error: expect.stringContaining("2 要素認証") });
    // Their own team (where nothing is required) is unaffected.
    actAs(admin.cookie);
    expect(await actions.requireTwoFactorAction({ teamId: admin.teamId, required: false })).toMatchObject({ ok: true });

    // The owner cannot turn their own second factor off while the team requires it.
    actAs(ownerSession.cookie);
    const off = await actions.disableTwoFactorAction({ teamId: owner.teamId, password: PASSWORD });
    expect(off).toMatchObject({ ok: false, error: expect.stringContaining("owner2") });
    expect(await actions.requireTwoFactorAction({ teamId: owner.teamId, required: false })).toMatchObject({ ok: true });
    expect(await actions.disableTwoFactorAction({ teamId: owner.teamId, password: PASSWORD })).toMatchObject({
      ok: true,
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).twoFactorEnabled).toBe(false);
    expect(await auditActions(owner.teamId)).toContain("app:auth.twoFactorDisabled");
  });
});
