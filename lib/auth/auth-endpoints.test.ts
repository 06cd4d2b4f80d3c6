import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actionTestDb, authPost, ORIGIN, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));

// Issue 17 #3: better-auth's own endpoints under /api/auth/* changed a team past the app's rules and its
// audit trail (an admin raising their own role, inviting, cancelling invitations, renaming the team).
// Every endpoint better-auth has, enumerated the way lib/auth/authorization.test.ts enumerates actions:
// only the ones the app's UI calls answer over HTTP.
let t: TestDb;
let auth: typeof import("./auth").auth;
let allowed: ReadonlySet<string>;
let owner: Awaited<ReturnType<typeof signUp>>;
let admin: Awaited<ReturnType<typeof signUp>> & { memberId: string };
let viewer: Awaited<ReturnType<typeof signUp>> & { memberId: string };
let invitationId: string;

type Endpoint = { path?: string; options?: { method?: string | string[] } };

beforeAll(async () => {
  t = await actionTestDb("auth-endpoints-secret");
  ({ auth, HTTP_AUTH_PATHS: allowed } = await import("./auth"));
  owner = await signUp(t.db, "owner");
  const join = async (name: string, role: string) => {
    const user = await signUp(t.db, name);
    const m = await t.db.member.create({
      data: { id: `m-${name}`, organizationId: owner.teamId, userId: user.userId, role, createdAt: new Date() },
    });
    return { ...user, memberId: m.id };
  };
  admin = await join("admin", "admin");
  viewer = await join("viewer", "viewer");
  const invitation = await auth().api.createInvitation({
    body: { email: "invitee@example.com", role: "viewer", organizationId: owner.teamId },
    headers: new Headers({ cookie: owner.cookie }),
  });
  invitationId = invitation.id;
});
afterAll(async () => {
  await t?.close();
});

function call(method: string, path: string, cookie: string, body: unknown = {}) {
  return auth().handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method,
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "198.51.100.77", cookie },
      ...(method === "GET" ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** What a team change through better-auth would touch. */
async function teamState() {
  return {
    team: await t.db.organization.findUniqueOrThrow({ where: { id: owner.teamId } }),
    members: await t.db.member.findMany({ where: { organizationId: owner.teamId }, orderBy: { id: "asc" } }),
    invitations: await t.db.invitation.findMany({ where: { organizationId: owner.teamId }, orderBy: { id: "asc" } }),
    audit: await t.db.auditEvent.count({ where: { teamId: owner.teamId } }),
  };
}

describe("better-auth's endpoints over HTTP", () => {
  it("every endpoint outside the allow-list answers 404 to a signed-in admin, by each of its methods", async () => {
    const endpoints = Object.values(auth().api as unknown as Record<string, Endpoint>).filter((e) => e.path);
    expect(endpoints.length).toBeGreaterThan(40);
    const closed = endpoints.filter((e) => !allowed.has(e.path!));
    expect(closed.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        "/organization/update-member-role",
        "/organization/invite-member",
        "/organization/cancel-invitation",
        "/organization/update",
        "/update-user",
        "/organization/create",
      ]),
    );
    const answers: string[] = [];
    for (const e of closed) {
      const methods = [e.options?.method ?? "POST"].flat().filter((m) => m !== "*");
      const path = e.path!.replace(/:[a-z]+/gi, "x");
      for (const method of methods)
        answers.push(`${method} ${path} ${(await call(method, path, admin.cookie)).status}`);
    }
    expect(answers).toEqual(answers.map((a) => a.replace(/\d+$/, "404")));
    // Every allowed path is one better-auth has (a typo would leave the UI's call closed); "/callback/oidc"
    // is its "/callback/:id" for the one provider the app configures.
    const matches = (pattern: string, p: string) =>
      new RegExp(`^${pattern.replace(/:[a-z]+/gi, "[^/]+")}$`, "i").test(p);
    expect([...allowed].filter((p) => !endpoints.some((e) => matches(e.path!, p)))).toEqual([]);
  });

  it("an admin cannot change a role (their own either), invite, cancel an invitation or rename the team", async () => {
    const before = await teamState();
    const attempts: [string, unknown][] = [
      ["/organization/update-member-role", { memberId: admin.memberId, role: "owner", organizationId: owner.teamId }],
      ["/organization/update-member-role", { memberId: viewer.memberId, role: "admin", organizationId: owner.teamId }],
      ["/organization/invite-member", { email: "someone@example.com", role: "admin", organizationId: owner.teamId }],
      ["/organization/cancel-invitation", { invitationId }],
      ["/organization/update", { organizationId: owner.teamId, data: { name: "Renamed" } }],
      ["/organization/remove-member", { memberIdOrEmail: viewer.memberId, organizationId: owner.teamId }],
      ["/organization/delete", { organizationId: owner.teamId }],
    ];
    for (const [path, body] of attempts) {
      const res = await call("POST", path, admin.cookie, body);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    // Nor by spellings the router might read as the same path.
    for (const path of [
      "/organization/update-member-role/",
      "//organization/update-member-role",
      "/organization//update-member-role",
      "/Organization/Update-Member-Role",
      "/organization/update-member-role%2F",
      "/organization%2Fupdate-member-role",
      "/organization/update-member-role?x=/sign-in/email",
    ]) {
      const res = await call("POST", path, admin.cookie, { memberId: admin.memberId, role: "owner" });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect(await teamState()).toEqual(before);
  });

  it("the endpoints the UI uses still work: sign-in, session, team switch, accepting an invitation, sign-out", async () => {
    const signIn = await authPost("/sign-in/email", { email: "nobody@example.com", password: "wrong-password-x" });
    expect(signIn.status).toBe(401);
    const session = await call("GET", "/get-session", admin.cookie);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { id: admin.userId } });
    expect(
      (await call("POST", "/organization/set-active", admin.cookie, { organizationId: owner.teamId })).status,
    ).toBe(200);
    const invitee = await signUp(t.db, "invitee");
    // The app's own invitation (inviteMemberAction) is a server call, not HTTP: still open.
    const invitation = await auth().api.createInvitation({
      body: {
        email: (await t.db.user.findUniqueOrThrow({ where: { id: invitee.userId } })).email,
        role: "viewer",
        organizationId: owner.teamId,
      },
      headers: new Headers({ cookie: owner.cookie }),
    });
    const accepted = await call("POST", "/organization/accept-invitation", invitee.cookie, {
      invitationId: invitation.id,
    });
    expect(accepted.status).toBe(200);
    expect(await t.db.member.count({ where: { organizationId: owner.teamId, userId: invitee.userId } })).toBe(1);
    expect((await call("POST", "/sign-out", admin.cookie)).status).toBe(200);
  });
});
