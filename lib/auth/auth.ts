// Accounts, sessions and teams through better-auth (no home-made password
// hashing or session crypto). A team is better-auth's "organization".
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { genericOAuth, organization, twoFactor } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements, ownerAc, adminAc, memberAc } from "better-auth/plugins/organization/access";
import { nextCookies } from "better-auth/next-js";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { db } from "@/lib/db/client";
import { appSecret, env } from "@/lib/server/env";
import { onUserCreated } from "./personal-team";
import { auditTwoFactorChange, refuseDisableWhileRequired } from "./two-factor";
import { OIDC_PROVIDER_ID } from "./oidc";
import { onAccountLinked } from "./sso-link";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { logger } from "@/lib/server/logger";
import { EMAIL_MAX, PASSWORD_MAX, PERSON_NAME_MAX, findUnstorable, textProblem } from "@/lib/validation/text";
import { readBodyBytes } from "@/lib/server/request-body";
import { localeCookie, localeOf, type Locale } from "@/lib/i18n/locales";

function signUpLocale(headers: Headers | undefined): Locale {
  return localeOf(localeCookie(headers?.get("cookie")), headers?.get("accept-language"));
}

async function auditSignIn(
  session: { userId: string; ipAddress?: string | null; userAgent?: string | null },
  path: string | undefined,
) {
  const user = await db().user.findUnique({
    where: { id: session.userId },
    select: { email: true, twoFactorEnabled: true, members: { select: { organizationId: true } } },
  });
  // With two-factor sign-in the password step's session is deleted at once and a second one made
  // when the code is verified: that one is the sign-in.
  if (user?.twoFactorEnabled && path === "/sign-in/email") return;
  for (const m of user?.members ?? []) {
    await appendAuditEvent(db(), {
      teamId: m.organizationId,
      ...actorFields({
        userId: session.userId,
        email: user?.email ?? null,
        clientIp: session.ipAddress ?? null,
        userAgent: session.userAgent ?? null,
      }),
      action: "app:auth.signIn",
      outcome: "success",
    });
  }
}

/**
 * better-auth stores what it is sent (a user's name and image, a team's name,
 * slug and logo) and answers 500 on a NUL, or stores U+FFFD for an unpaired
 * surrogate. Before any endpoint runs: a name (sign-up, profile, team) is one
 * line of plain text, and nothing else in the body holds what the database
 * cannot store. Passwords are only ever hashed, never stored: not checked.
 */
function refuseUnstorableText(body: unknown): void {
  if (!body || typeof body !== "object") return;
  const {
    password: _password,
    newPassword: _newPassword,
    currentPassword: _currentPassword,
    ...rest
  } = body as Record<string, unknown>;
  for (const name of [rest.name, (rest.data as Record<string, unknown> | undefined)?.name]) {
    if (typeof name === "string" && name.length > PERSON_NAME_MAX)
      throw new APIError("BAD_REQUEST", {
        code: "NAME_TOO_LONG",
        message: `The name must be at most ${PERSON_NAME_MAX} characters (this one has ${name.length}).`,
      });
    const problem = typeof name === "string" ? textProblem(name, "line") : null;
    if (problem) throw new APIError("BAD_REQUEST", { code: "INVALID_NAME", message: `The name ${problem}.` });
  }
  if (typeof rest.email === "string" && rest.email.length > EMAIL_MAX)
    throw new APIError("BAD_REQUEST", {
      code: "EMAIL_TOO_LONG",
      message: `The email address must be at most ${EMAIL_MAX} characters.`,
    });
  const found = findUnstorable(rest);
  if (found)
    throw new APIError("BAD_REQUEST", {
      code: "INVALID_TEXT",
      message: `${found.path.length ? `The field ${found.path.join(".")}` : "The request"} ${found.problem}.`,
    });
}

/** Every better-auth request, before its endpoint: the text rules, and the app's rule on turning 2FA off. */
const beforeEndpoints = createAuthMiddleware(async (ctx) => {
  refuseUnstorableText(ctx.body);
  if (ctx.path === "/two-factor/disable") {
    const session = await getSessionFromCtx(ctx);
    if (session) await refuseDisableWhileRequired(session.user.id);
  }
});

/**
 * Single sign-on with any OpenID Connect provider, from the environment (OIDC_ISSUER, OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET). Code flow with PKCE; the id token is verified against the provider's keys. A
 * provider that no longer knows the user refuses the next sign-in; an existing account with the same
 * (provider-verified) email is linked rather than duplicated.
 */
function oidcPlugins(): BetterAuthPlugin[] {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return [];
  return [
    genericOAuth({
      config: [
        {
          providerId: OIDC_PROVIDER_ID,
          name: e.OIDC_NAME,
          discoveryUrl: `${e.OIDC_ISSUER.replace(/\/+$/, "")}/.well-known/openid-configuration`,
          clientId: e.OIDC_CLIENT_ID,
          clientSecret: e.OIDC_CLIENT_SECRET,
          scopes: ["openid", "email", "profile"],
          pkce: true,
        },
      ],
    }),
  ];
}

/**
 * The only better-auth endpoints reachable over HTTP (/api/auth/*): the ones the app's own UI calls
 * (components/auth/auth-form.tsx, components/shell/account-menu.tsx, components/settings/accept-invitation.tsx).
 * Every other one, such as organization/update-member-role, invite-member or update, would change a team
 * past the app's rules (lib/teams/team.service.ts) and its audit trail, so it answers 404, and so does any
 * endpoint a future better-auth adds. The server's own calls (auth().api.*) are not HTTP requests: unaffected.
 */
export const HTTP_AUTH_PATHS: ReadonlySet<string> = new Set([
  "/sign-up/email",
  "/sign-in/email",
  "/sign-out",
  "/get-session",
  "/organization/set-active",
  "/organization/accept-invitation",
  // The second step of a sign-in with two-factor authentication (components/auth/two-factor-step.tsx).
  // Turning it on and off goes through the app's own actions (lib/actions/security.actions.ts), audited.
  "/two-factor/verify-totp",
  "/two-factor/verify-backup-code",
  // Single sign-on (OpenID Connect, when configured): the start and the provider's way back.
  "/sign-in/social",
  `/callback/${OIDC_PROVIDER_ID}`,
]);

/** The largest body a sign-in, sign-up or callback needs is well under 1 KB: a name, an email, a password. */
export const AUTH_BODY_MAX = 64 * 1024;

/** A plugin only for its onRequest, which better-auth runs for HTTP requests alone, before routing. */
const httpAllowList = {
  id: "eipilot-http-allow-list",
  onRequest: async (request: Request, ctx: { baseURL: string }) => {
    const basePath = new URL(ctx.baseURL).pathname.replace(/\/+$/, "");
    const { pathname } = new URL(request.url);
    const path = pathname.startsWith(basePath + "/") ? pathname.slice(basePath.length) : null;
    if (path === null || !HTTP_AUTH_PATHS.has(path))
      return { response: Response.json({ code: "NOT_FOUND", message: "Not found" }, { status: 404 }) };
    if (request.method === "GET" || request.method === "HEAD") return;
    // Read no further than the limit, then hand better-auth the same bytes.
    const body = await readBodyBytes(request, AUTH_BODY_MAX);
    if (body === null)
      return {
        response: Response.json(
          { code: "BODY_TOO_LARGE", message: `The request body is larger than the ${AUTH_BODY_MAX} byte limit.` },
          { status: 413 },
        ),
      };
    return { request: new Request(request, { body }) };
  },
} satisfies BetterAuthPlugin;

const ac = createAccessControl(defaultStatements);
export const teamRoles = {
  owner: ac.newRole(ownerAc.statements),
  admin: ac.newRole(adminAc.statements),
  operator: ac.newRole(memberAc.statements),
  viewer: ac.newRole(memberAc.statements),
};

/** Sign-in and sign-up attempts per minute and client address (AUTH_SIGNIN_LIMIT, default 5). */
function signInLimit(): number {
  const n = Number(process.env.AUTH_SIGNIN_LIMIT ?? 5);
  return Number.isInteger(n) && n > 0 ? n : 5;
}

function createAuth() {
  const production = env().NODE_ENV === "production";
  return betterAuth({
    appName: "EIPilot",
    baseURL: env().APP_URL,
    secret: appSecret(),
    database: prismaAdapter(db(), { provider: "postgresql" }),
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: PASSWORD_MAX, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    advanced: {
      useSecureCookies: production && env().APP_URL.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] },
    },
    // The browser may also reach a local server as 127.0.0.1 rather than localhost.
    // Linking: someone who signed up with a password and later uses single sign-on with the same
    // address keeps one account (and their teams). Only the configured provider is trusted for it.
    // (an unverified local account loses its password on linking: lib/auth/sso-link.ts).
    account: {
      accountLinking: { enabled: true, trustedProviders: [OIDC_PROVIDER_ID], requireLocalEmailVerified: false },
    },
    trustedOrigins: [env().APP_URL, `http://localhost:${env().PORT}`, `http://127.0.0.1:${env().PORT}`],
    hooks: { before: beforeEndpoints },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: signInLimit() },
        "/sign-up/email": { window: 60, max: signInLimit() },
      },
    },
    databaseHooks: {
      // The personal team is named in the language of the sign-up page (the switcher's cookie, else the browser's).
      user: {
        create: {
          after: async (user, ctx) => {
            await onUserCreated(user, signUpLocale(ctx?.headers));
          },
        },
        update: { after: (user, ctx) => auditTwoFactorChange(user, ctx) },
      },
      account: { create: { after: (account) => onAccountLinked(account) } },
      session: {
        create: {
          before: async (session) => {
            // Start every session in the user's first team.
            const member = await db().member.findFirst({
              where: { userId: session.userId },
              orderBy: { createdAt: "asc" },
            });
            return { data: { ...session, activeOrganizationId: member?.organizationId ?? null } };
          },
          // Every sign-in (and the automatic one after sign-up) enters the audit
          // trail of each team the user belongs to. Never blocks the sign-in.
          after: async (session, ctx) => {
            try {
              await auditSignIn(session, ctx?.path);
            } catch (err) {
              logger.error({ err }, "could not audit a sign-in");
            }
          },
        },
      },
    },
    plugins: [
      httpAllowList,
      organization({
        ac,
        roles: teamRoles,
        creatorRole: "owner",
        allowUserToCreateOrganization: true,
        invitationExpiresIn: 60 * 60 * 24 * 7,
      }),
      // TOTP with backup codes. The secret and the codes are stored encrypted with the app secret;
      // a sign-in of a user who turned it on answers { twoFactorRedirect } and waits for a code.
      twoFactor({ issuer: "EIPilot", backupCodeOptions: { amount: 10, length: 10 } }),
      ...oidcPlugins(),
      nextCookies(),
    ],
  });
}

type Auth = ReturnType<typeof createAuth>;
const holder = globalThis as unknown as { __eipilotAuth?: Auth };

export function auth(): Auth {
  holder.__eipilotAuth ??= createAuth();
  return holder.__eipilotAuth;
}
