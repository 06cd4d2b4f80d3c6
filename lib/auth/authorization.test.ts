// Roles enforced on the server, everywhere: this test finds every server action
// (every export of every *.actions.ts file on disk) and every route handler
// (app/**/route.ts), and proves each refuses a signed-in member of another team
// and every role below the one it needs — with real better-auth sessions on a
// real database. A new action or route without an entry in the tables below
// fails the test: decide its capability and add it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { ROLES, CAN, type Capability, type Role } from "./permissions";
import { actAs, actionTestDb, ORIGIN, request, signUp as signUpUser } from "@/lib/testing/action-session";
import { userActor } from "@/lib/audit/actor";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
  notFound: () => {
    throw new Error("notFound");
  },
}));

const ROOT = path.resolve(import.meta.dirname, "../..");

// ---------------------------------------------------------------- the tables

type Fixture = { teamA: string; deploymentA: string; configA: string; shareLinkA: string; memberA: string };
/**
 * `name`: the action's stable name (in its log lines); `restore` undoes what the least allowed
 * role really did (so later entries see the same team).
 */
type ActionEntry = {
  name: string;
  capability: Capability;
  input: (f: Fixture) => Record<string, unknown>;
  restore?: (f: Fixture) => Promise<void>;
};

/** Every server action (lib/actions/*.actions.ts): its name, the capability it needs and an input that passes its schema. */
const ACTIONS: Record<string, ActionEntry> = {
  // lib/actions/audit.actions.ts
  "lib/actions/audit.actions.ts#verifyAuditChainAction": {
    name: "audit.verify",
    capability: "audit.read",
    input: (f) => ({ teamId: f.teamA }),
  },
  // lib/actions/configs.actions.ts
  "lib/actions/configs.actions.ts#createConfigAction": {
    name: "configs.create",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, name: "x", spec: {} }),
  },
  "lib/actions/configs.actions.ts#addRevisionAction": {
    name: "configs.addRevision",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, id: f.configA, spec: {} }),
  },
  "lib/actions/configs.actions.ts#updateConfigMetaAction": {
    name: "configs.updateMeta",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, id: f.configA, name: "renamed" }),
  },
  "lib/actions/configs.actions.ts#saveConfigFromDeploymentAction": {
    name: "configs.saveFromDeployment",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, deploymentId: f.deploymentA, name: "x" }),
  },
  "lib/actions/configs.actions.ts#duplicateConfigAction": {
    name: "configs.duplicate",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, id: f.configA }),
  },
  "lib/actions/configs.actions.ts#setArchivedAction": {
    name: "configs.setArchived",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, id: "no-such-config", archived: true }),
  },
  "lib/actions/configs.actions.ts#importConfigsAction": {
    name: "configs.import",
    capability: "configs.manage",
    input: (f) => ({ teamId: f.teamA, text: "{}" }),
  },
  "lib/actions/configs.actions.ts#createShareLinkAction": {
    name: "shareLinks.create",
    capability: "shareLinks.manage",
    input: (f) => ({ teamId: f.teamA, id: "no-such-config", expiresInHours: 1 }),
  },
  "lib/actions/configs.actions.ts#revokeShareLinkAction": {
    name: "shareLinks.revoke",
    capability: "shareLinks.manage",
    input: (f) => ({ teamId: f.teamA, linkId: "no-such-link", configId: f.configA }),
  },
  // lib/actions/api-tokens.actions.ts (Settings → API tokens)
  "lib/actions/api-tokens.actions.ts#createApiTokenAction": {
    name: "apiTokens.create",
    capability: "apiTokens.create",
    input: (f) => ({ teamId: f.teamA, name: "authz-action-token", role: "viewer" }),
  },
  "lib/actions/api-tokens.actions.ts#revokeApiTokenAction": {
    name: "apiTokens.revoke",
    capability: "apiTokens.create",
    input: (f) => ({ teamId: f.teamA, id: "no-such-token" }),
  },
  // lib/actions/teams.actions.ts
  "lib/actions/teams.actions.ts#inviteMemberAction": {
    name: "teams.invite",
    capability: "members.manage",
    input: (f) => ({ teamId: f.teamA, email: "new@example.com", role: "viewer" }),
  },
  "lib/actions/teams.actions.ts#changeMemberRoleAction": {
    name: "teams.changeRole",
    capability: "members.manage",
    input: (f) => ({ teamId: f.teamA, memberId: "no-such-member", role: "viewer" }),
  },
  "lib/actions/teams.actions.ts#removeMemberAction": {
    name: "teams.removeMember",
    capability: "members.manage",
    input: (f) => ({ teamId: f.teamA, memberId: "no-such-member" }),
  },
  "lib/actions/teams.actions.ts#revokeInvitationAction": {
    name: "teams.revokeInvitation",
    capability: "members.manage",
    input: (f) => ({ teamId: f.teamA, invitationId: "no-such-invitation" }),
  },
  // Every role but the owner, who must transfer ownership first. The least role (viewer) really leaves: it is re-added below.
  "lib/actions/teams.actions.ts#leaveTeamAction": {
    name: "teams.leave",
    capability: "team.leave",
    input: (f) => ({ teamId: f.teamA }),
    restore: (f) => rejoin(f.teamA, "viewer"),
  },
  "lib/actions/teams.actions.ts#transferOwnershipAction": {
    name: "teams.transferOwnership",
    capability: "team.transfer",
    input: (f) => ({ teamId: f.teamA, memberId: "no-such-member" }),
  },
  "lib/actions/teams.actions.ts#deleteTeamAction": {
    name: "teams.delete",
    capability: "team.delete",
    input: (f) => ({ teamId: f.teamA, confirmName: "not the name" }),
  },
  // lib/actions/security.actions.ts — one's own account: every role, only the wrong password refuses.
  "lib/actions/security.actions.ts#startTwoFactorAction": {
    name: "security.twoFactorStart",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA, password: "not the password" }),
  },
  "lib/actions/security.actions.ts#confirmTwoFactorAction": {
    name: "security.twoFactorConfirm",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA, code: "000000" }),
  },
  "lib/actions/security.actions.ts#disableTwoFactorAction": {
    name: "security.twoFactorDisable",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA, password: "not the password" }),
  },
  "lib/actions/security.actions.ts#requireTwoFactorAction": {
    name: "teams.requireTwoFactor",
    capability: "team.security",
    input: (f) => ({ teamId: f.teamA, required: false }),
  },
  // lib/actions/sessions.actions.ts
  "lib/actions/sessions.actions.ts#listSessionsAction": {
    name: "sessions.list",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA }),
  },
  "lib/actions/sessions.actions.ts#revokeSessionAction": {
    name: "sessions.revoke",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA, sessionId: "no-such-session" }),
  },
  "lib/actions/sessions.actions.ts#revokeOtherSessionsAction": {
    name: "sessions.revokeOthers",
    capability: "account.manage",
    input: (f) => ({ teamId: f.teamA }),
  },
  "lib/actions/sessions.actions.ts#revokeMemberSessionsAction": {
    name: "teams.revokeMemberSessions",
    capability: "members.sessions",
    input: (f) => ({ teamId: f.teamA, memberId: "no-such-member" }),
  },
  // lib/actions/cloud-accounts.actions.ts
  "lib/actions/cloud-accounts.actions.ts#createCloudAccountAction": {
    name: "cloudAccounts.create",
    capability: "cloudAccounts.manage",
    input: (f) => ({ teamId: f.teamA, account: {} }),
  },
  "lib/actions/cloud-accounts.actions.ts#deleteCloudAccountAction": {
    name: "cloudAccounts.delete",
    capability: "cloudAccounts.manage",
    input: (f) => ({ teamId: f.teamA, id: "no-such-account" }),
  },
  "lib/actions/cloud-accounts.actions.ts#testCloudAccountAction": {
    name: "cloudAccounts.test",
    capability: "cloudAccounts.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-account" }),
  },
  // lib/actions/wizard.actions.ts and deployments.actions.ts (wizard, deployment page)
  "lib/actions/wizard.actions.ts#inventoryAction": {
    name: "deployments.inventory",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, cloudAccountId: "no-such-account", regionId: "ap-northeast-1" }),
  },
  "lib/actions/wizard.actions.ts#locateEipAction": {
    name: "deployments.locateEip",
    capability: "deployments.read",
    input: (f) => ({
      teamId: f.teamA,
      cloudAccountId: "no-such-account",
      regionId: "ap-northeast-1",
      allocationId: "eip-abc",
    }),
  },
  "lib/actions/wizard.actions.ts#saveDraftAction": {
    name: "deployments.saveDraft",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: f.deploymentA, name: "d", spec: {} }),
  },
  "lib/actions/wizard.actions.ts#deleteDraftAction": {
    name: "deployments.deleteDraft",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: f.deploymentA }),
  },
  "lib/actions/wizard.actions.ts#reviewAction": {
    name: "deployments.review",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/wizard.actions.ts#applyAction": {
    name: "deployments.apply",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  // lib/actions/fleets.actions.ts (the fleet pages)
  "lib/actions/fleets.actions.ts#createFleetAction": {
    name: "fleets.create",
    capability: "deployments.apply",
    input: (f) => ({
      teamId: f.teamA,
      fleet: {
        name: "f",
        cloudAccountId: "no-such-account",
        regionId: "ap-northeast-1",
        spec: {
          enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 1 }, eips: [{}] }],
          os: "alinux2",
        },
        instances: { ids: ["i-abc"] },
      },
    }),
  },
  "lib/actions/fleets.actions.ts#preflightFleetAction": {
    name: "fleets.preflight",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#planFleetAction": {
    name: "fleets.plan",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#startFleetAction": {
    name: "fleets.start",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#pauseFleetAction": {
    name: "fleets.pause",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#resumeFleetAction": {
    name: "fleets.resume",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#abortFleetAction": {
    name: "fleets.abort",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#retryFailedFleetAction": {
    name: "fleets.retryFailed",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#changeFleetAction": {
    name: "fleets.change",
    capability: "deployments.apply",
    input: (f) => ({
      teamId: f.teamA,
      id: "no-such-fleet",
      spec: {
        enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 1 }, eips: [{}] }],
        os: "alinux2",
      },
    }),
  },
  "lib/actions/fleets.actions.ts#teardownFleetAction": {
    name: "fleets.teardown",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet", confirmName: "wrong" }),
  },
  "lib/actions/fleets.actions.ts#checkFleetDriftAction": {
    name: "fleets.checkDrift",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#repairFleetAction": {
    name: "fleets.repair",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#guestApplyFleetAction": {
    name: "fleets.guestApply",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet", onlyFailed: true }),
  },
  "lib/actions/fleets.actions.ts#guestVerifyFleetAction": {
    name: "fleets.guestVerify",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet", onlyFailed: false }),
  },
  "lib/actions/fleets.actions.ts#fleetViewAction": {
    name: "fleets.view",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-fleet" }),
  },
  "lib/actions/fleets.actions.ts#listFleetsAction": {
    name: "fleets.list",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA }),
  },
  "lib/actions/deployments.actions.ts#cancelAction": {
    name: "deployments.cancel",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/deployments.actions.ts#resumeAction": {
    name: "deployments.resume",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/deployments.actions.ts#teardownAction": {
    name: "deployments.teardown",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: f.deploymentA, confirmName: "wrong" }),
  },
  "lib/actions/deployments.actions.ts#refreshAction": {
    name: "deployments.refresh",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/deployments.actions.ts#verifyAction": {
    name: "deployments.verify",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/deployments.actions.ts#changeAction": {
    name: "deployments.change",
    capability: "deployments.apply",
    input: (f) => ({
      teamId: f.teamA,
      id: "no-such-deployment",
      spec: {
        specVersion: 2,
        cloudAccountId: "acct",
        regionId: "ap-northeast-1",
        instance: { mode: "existing", instanceId: "i-web1" },
        os: "alinux3",
        enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 1 }, eips: [{}] }],
      },
    }),
  },
  // lib/actions/guest.actions.ts (guest configuration through Cloud Assistant)
  "lib/actions/guest.actions.ts#guestStateAction": {
    name: "guest.state",
    capability: "deployments.read",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/guest.actions.ts#guestApplyAction": {
    name: "guest.apply",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/guest.actions.ts#guestVerifyAction": {
    name: "guest.verify",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/guest.actions.ts#guestRollbackAction": {
    name: "guest.rollback",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  // lib/actions/lifecycle.actions.ts (repair, adopt, webhooks, scheduled drift checks)
  "lib/actions/lifecycle.actions.ts#planRepairAction": {
    name: "deployments.planRepair",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/lifecycle.actions.ts#repairAction": {
    name: "deployments.repair",
    capability: "deployments.apply",
    input: (f) => ({ teamId: f.teamA, id: "no-such-deployment" }),
  },
  "lib/actions/lifecycle.actions.ts#previewAdoptAction": {
    name: "deployments.previewAdopt",
    capability: "deployments.apply",
    input: (f) => ({
      teamId: f.teamA,
      cloudAccountId: "no-such-account",
      regionId: "ap-northeast-1",
      instanceId: "i-x",
    }),
  },
  "lib/actions/lifecycle.actions.ts#adoptAction": {
    name: "deployments.adopt",
    capability: "deployments.apply",
    input: (f) => ({
      teamId: f.teamA,
      cloudAccountId: "no-such-account",
      regionId: "ap-northeast-1",
      instanceId: "i-x",
      name: "adopted",
    }),
  },
  "lib/actions/lifecycle.actions.ts#createWebhookAction": {
    name: "notifications.createWebhook",
    capability: "notifications.manage",
    input: (f) => ({ teamId: f.teamA, url: "https://hooks.example.com/x", events: ["drift"] }),
  },
  "lib/actions/lifecycle.actions.ts#deleteWebhookAction": {
    name: "notifications.deleteWebhook",
    capability: "notifications.manage",
    input: (f) => ({ teamId: f.teamA, id: "no-such-webhook" }),
  },
  "lib/actions/lifecycle.actions.ts#setDriftScheduleAction": {
    name: "notifications.setDriftSchedule",
    capability: "notifications.manage",
    input: (f) => ({ teamId: f.teamA, enabled: true, intervalMinutes: 15 }),
  },
  "lib/actions/wizard.actions.ts#previewBundleAction": {
    name: "deployments.previewBundle",
    capability: "deployments.read",
    input: (f) => ({
      teamId: f.teamA,
      os: "alinux2",
      mac: "00:16:3e:12:34:56",
      primaryIp: "172.16.0.57",
      secondaryIps: [],
      cidr: "172.16.0.0/24",
    }),
  },
};

type RouteEntry =
  | { public: string }
  | {
      capability: Capability;
      GET: (f: Fixture) => { url: string; params?: Record<string, string> };
      leaks: (f: Fixture) => string[];
    };

/** Every route handler: public (with the reason) or the capability it needs. */
const ROUTES: Record<string, RouteEntry> = {
  "app/api/auth/[...all]/route.ts": { public: "better-auth's own endpoints (sign-up, sign-in); it authenticates" },
  "app/api/health/route.ts": { public: "liveness for load balancers; reveals no team data" },
  "app/api/audit/events/route.ts": {
    capability: "audit.read",
    GET: (f) => ({ url: `/api/audit/events?teamId=${f.teamA}` }),
    leaks: (f) => ["app:config.create", f.configA],
  },
  "app/api/audit/export/route.ts": {
    capability: "audit.read",
    GET: (f) => ({ url: `/api/audit/export?format=ndjson&teamId=${f.teamA}` }),
    leaks: (f) => ["app:config.create", f.configA],
  },
  "app/api/configs/[id]/export/route.ts": {
    capability: "configs.read",
    GET: (f) => ({ url: `/api/configs/${f.configA}/export?format=json&teamId=${f.teamA}`, params: { id: f.configA } }),
    leaks: () => ["Secret config"],
  },
  "app/api/deployments/[id]/progress/route.ts": {
    capability: "deployments.read",
    GET: (f) => ({
      url: `/api/deployments/${f.deploymentA}/progress?teamId=${f.teamA}`,
      params: { id: f.deploymentA },
    }),
    leaks: () => ["secret-deployment"],
  },
  "app/api/deployments/[id]/bundle/route.ts": {
    capability: "deployments.read",
    GET: (f) => ({ url: `/api/deployments/${f.deploymentA}/bundle?teamId=${f.teamA}`, params: { id: f.deploymentA } }),
    leaks: () => ["apply.sh"],
  },
};

/**
 * Every HTTP API v1 endpoint (each route.ts under app/api/v1, one row per exported method): public, or the
 * capability it needs and a request (`sessionOnly`: a signed-in user's cookie, not a token).
 */
type ApiEntry =
  | { public: string }
  | {
      name: string;
      capability: Capability;
      request: (f: Fixture) => { params?: Record<string, string>; body?: unknown };
      sessionOnly?: true;
    };
const dep = (f: Fixture) => ({ params: { id: f.deploymentA } });
const fleet = () => ({ params: { id: "no-such-fleet" } });
const API_ROUTES: Record<string, ApiEntry> = {
  "app/api/v1/openapi.json/route.ts#GET": { public: "the API's description; no team data" },
  "app/api/v1/tokens/route.ts#GET": { name: "tokens.list", capability: "apiTokens.create", request: () => ({}) },
  "app/api/v1/tokens/route.ts#POST": {
    name: "tokens.create",
    capability: "apiTokens.create",
    sessionOnly: true,
    request: () => ({ body: { name: `t-${Math.random().toString(36).slice(2, 8)}`, role: "viewer" } }),
  },
  "app/api/v1/tokens/[id]/route.ts#DELETE": {
    name: "tokens.revoke",
    capability: "apiTokens.create",
    request: () => ({ params: { id: "no-such-token" } }),
  },
  "app/api/v1/cloud-accounts/route.ts#GET": {
    name: "cloudAccounts.list",
    capability: "cloudAccounts.read",
    request: () => ({}),
  },
  "app/api/v1/audit/route.ts#GET": { name: "audit.list", capability: "audit.read", request: () => ({}) },
  "app/api/v1/deployments/route.ts#GET": {
    name: "deployments.list",
    capability: "deployments.read",
    request: () => ({}),
  },
  "app/api/v1/deployments/route.ts#POST": {
    name: "deployments.create",
    capability: "deployments.apply",
    request: () => ({ body: { name: "x", spec: {} } }),
  },
  "app/api/v1/deployments/adopt/route.ts#POST": {
    name: "deployments.adopt",
    capability: "deployments.apply",
    request: () => ({ body: {} }),
  },
  "app/api/v1/deployments/[id]/route.ts#GET": { name: "deployments.get", capability: "deployments.read", request: dep },
  "app/api/v1/deployments/[id]/spec/route.ts#PUT": {
    name: "deployments.setSpec",
    capability: "deployments.apply",
    request: (f) => ({ ...dep(f), body: { spec: {} } }),
  },
  "app/api/v1/deployments/[id]/plan/route.ts#POST": {
    name: "deployments.plan",
    capability: "deployments.apply",
    request: (f) => ({ params: { id: f.deploymentA + "-missing" } }),
  },
  "app/api/v1/deployments/[id]/apply/route.ts#POST": {
    name: "deployments.apply",
    capability: "deployments.apply",
    request: dep,
  },
  "app/api/v1/deployments/[id]/refresh/route.ts#POST": {
    name: "deployments.refresh",
    capability: "deployments.read",
    request: dep,
  },
  "app/api/v1/deployments/[id]/repair/route.ts#POST": {
    name: "deployments.repair",
    capability: "deployments.apply",
    request: dep,
  },
  "app/api/v1/deployments/[id]/teardown/route.ts#POST": {
    name: "deployments.teardown",
    capability: "deployments.apply",
    request: (f) => ({ ...dep(f), body: { confirm: "wrong" } }),
  },
  "app/api/v1/fleets/route.ts#GET": {
    name: "fleets.list",
    capability: "deployments.read",
    request: () => ({}),
  },
  "app/api/v1/fleets/route.ts#POST": {
    name: "fleets.create",
    capability: "deployments.apply",
    request: () => ({ body: { name: "x" } }),
  },
  "app/api/v1/fleets/[id]/route.ts#GET": {
    name: "fleets.get",
    capability: "deployments.read",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/plan/route.ts#POST": {
    name: "fleets.plan",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/apply/route.ts#POST": {
    name: "fleets.apply",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/pause/route.ts#POST": {
    name: "fleets.pause",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/resume/route.ts#POST": {
    name: "fleets.resume",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/abort/route.ts#POST": {
    name: "fleets.abort",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/retry-failed/route.ts#POST": {
    name: "fleets.retryFailed",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/spec/route.ts#PUT": {
    name: "fleets.setSpec",
    capability: "deployments.apply",
    request: () => ({ ...fleet(), body: { spec: {} } }),
  },
  "app/api/v1/fleets/[id]/teardown/route.ts#POST": {
    name: "fleets.teardown",
    capability: "deployments.apply",
    request: () => ({ ...fleet(), body: { confirm: "wrong" } }),
  },
  "app/api/v1/fleets/[id]/refresh/route.ts#POST": {
    name: "fleets.refresh",
    capability: "deployments.read",
    request: fleet,
  },
  "app/api/v1/fleets/[id]/repair/route.ts#POST": {
    name: "fleets.repair",
    capability: "deployments.apply",
    request: fleet,
  },
  "app/api/v1/deployments/[id]/bundle/route.ts#GET": {
    name: "deployments.bundle",
    capability: "deployments.read",
    request: dep,
  },
};

// ---------------------------------------------------------------- discovery

function walk(dir: string, match: (rel: string) => boolean, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "data", ".git", "test-results", "generated"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, match, out);
    else if (match(path.relative(ROOT, full))) out.push(path.relative(ROOT, full));
  }
  return out.sort();
}
const actionFiles = walk(ROOT, (rel) => rel.endsWith(".actions.ts") && !rel.startsWith("e2e/"));
const allRouteFiles = walk(path.join(ROOT, "app"), (rel) => rel.endsWith("/route.ts"));
const API_DIR = "app/api/v1/";
const routeFiles = allRouteFiles.filter((f) => !f.startsWith(API_DIR));
const apiRouteMethods = allRouteFiles
  .filter((f) => f.startsWith(API_DIR))
  .flatMap((f) =>
    [
      ...fs
        .readFileSync(path.join(ROOT, f), "utf8")
        .matchAll(/export (?:const|function|async function) (GET|POST|PUT|PATCH|DELETE)\b/g),
    ].map((m) => `${f}#${m[1]}`),
  );

// ---------------------------------------------------------------- users and sessions

let t: import("@/lib/testing/test-db").TestDb;
let fixture: Fixture;
const cookies: Partial<Record<Role | "outsider", string>> = {};
/** API tokens of team A with each role, and one of the outsider's own team (admin there). */
const apiTokens: Partial<Record<Role | "outsider", string>> = {};
const users: Partial<Record<Role, string>> = {};
const signUp = (name: string) => signUpUser(t.db, name);

function as(who: Role | "outsider" | "anonymous") {
  actAs(who === "anonymous" ? null : cookies[who]!);
}

beforeAll(async () => {
  t = await actionTestDb("authz-test-secret-");
  const owner = await signUp("owner");
  cookies.owner = owner.cookie;
  const teamA = owner.teamId;
  for (const role of ["admin", "operator", "viewer"] as const) {
    const u = await signUp(role);
    cookies[role] = u.cookie;
    users[role] = u.userId;
    await t.db.member.create({ data: { id: `m-${role}`, organizationId: teamA, userId: u.userId, role } });
    // Their active team is team A (as after switching teams in the UI).
    await t.db.session.updateMany({ where: { userId: u.userId }, data: { activeOrganizationId: teamA } });
  }
  const outsider = await signUp("outsider");
  cookies.outsider = outsider.cookie;
  const { createApiToken } = await import("@/lib/auth/api-tokens");
  const ownerActor = userActor(owner.userId, "owner@example.com");
  for (const role of ROLES)
    apiTokens[role] = (await createApiToken(teamA, ownerActor, "owner", { name: `authz-${role}`, role })).token;
  apiTokens.outsider = (
    await createApiToken(outsider.teamId, userActor(outsider.userId), "owner", {
      name: "authz-outsider",
      role: "admin",
    })
  ).token;

  const { createConfig } = await import("@/lib/configs/config.service");
  const { createShareLink } = await import("@/lib/configs/share-link.service");
  const cfg = await createConfig(teamA, userActor(owner.userId), {
    name: "Secret config",
    spec: {
      configSpecVersion: 1,
      regionId: "ap-northeast-1",
      instance: { mode: "existing" },
      eni: { mode: "create" },
      privateIps: { mode: "count", count: 1 },
      eips: [{ source: "allocate" }],
      os: "alinux2",
    },
  });
  const link = await createShareLink(teamA, userActor(owner.userId), cfg.id, { expiresInHours: 1 });
  const dep = await t.db.deployment.create({
    data: { teamId: teamA, name: "secret-deployment", spec: { specVersion: 1 } as never },
    select: { id: true },
  });
  fixture = { teamA, deploymentA: dep.id, configA: cfg.id, shareLinkA: link.id, memberA: "m-viewer" };
});
afterAll(async () => {
  await t?.close();
});

/** Puts a role's user back into team A, as a member with team A active. */
async function rejoin(teamA: string, role: "admin" | "operator" | "viewer") {
  const userId = users[role]!;
  await t.db.member.upsert({
    where: { id: `m-${role}` },
    create: { id: `m-${role}`, organizationId: teamA, userId, role },
    update: { role },
  });
  await t.db.session.updateMany({ where: { userId }, data: { activeOrganizationId: teamA } });
}

const below = (c: Capability): Role[] => ROLES.filter((r) => !(CAN[c] as readonly Role[]).includes(r));
const isAuthzRefusal = (r: { ok: boolean; code?: string; error?: string }) =>
  !r.ok && (r.code === "FORBIDDEN" || r.error === "Team not found." || r.code === "UNAUTHENTICATED");

// ---------------------------------------------------------------- server actions

describe("server actions", () => {
  it("every export of every *.actions.ts file has an entry, and every entry exists", async () => {
    const found: string[] = [];
    for (const file of actionFiles) {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) if (typeof value === "function") found.push(`${file}#${name}`);
    }
    const missing = found.filter((k) => !ACTIONS[k]);
    expect(missing, `add these actions to ACTIONS in ${path.relative(ROOT, import.meta.filename)}`).toEqual([]);
    expect(
      Object.keys(ACTIONS).filter((k) => !found.includes(k)),
      "stale ACTIONS entries",
    ).toEqual([]);
  });

  for (const [key, entry] of Object.entries(ACTIONS)) {
    const [file, name] = key.split("#") as [string, string];
    it(`${name} (${entry.capability}) refuses another team's member, lower roles and anonymous callers`, async () => {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<
        string,
        (input: unknown) => Promise<{ ok: boolean; code?: string; error?: string }>
      >;
      const action = mod[name]!;
      expect(typeof action).toBe("function");
      // The table says what the code says: the action's own name and capability.
      const { actionDefinition } = await import("@/lib/access/team-action");
      expect(actionDefinition(action)).toEqual({ name: entry.name, capability: entry.capability });
      const input = entry.input(fixture);

      as("anonymous");
      expect(await action(input)).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });

      as("outsider");
      const foreign = await action(input);
      expect(foreign, "a member of another team").toMatchObject({
        ok: false,
        code: "NOT_FOUND",
        error: "Team not found.",
      });

      for (const role of below(entry.capability)) {
        as(role);
        expect(await action(input), `role ${role}`).toMatchObject({ ok: false, code: "FORBIDDEN" });
      }
      // The table is not stricter than the code: the least role allowed gets past authorization.
      const least = [...(CAN[entry.capability] as readonly Role[])].reverse()[0]!;
      as(least);
      const allowed = await action(input);
      await entry.restore?.(fixture);
      expect(isAuthzRefusal(allowed), `role ${least} should pass authorization: ${JSON.stringify(allowed)}`).toBe(
        false,
      );
    });
  }
});

// ---------------------------------------------------------------- route handlers

describe("route handlers", () => {
  it("every app/**/route.ts has an entry, and every entry exists", () => {
    expect(
      routeFiles.filter((f) => !ROUTES[f]),
      "add these routes to ROUTES",
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((k) => !routeFiles.includes(k)),
      "stale ROUTES entries",
    ).toEqual([]);
  });

  for (const [file, entry] of Object.entries(ROUTES)) {
    if ("public" in entry) continue;
    it(`${file} (${entry.capability}) refuses another team's member, lower roles and anonymous callers`, async () => {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
      const methods = Object.keys(mod).filter((k) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(k));
      expect(methods, "only GET is tabled; add the others").toEqual(["GET"]);
      const GET = mod.GET as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
      const call = async () => {
        const { url, params } = entry.GET(fixture);
        const res = await GET(new Request(ORIGIN + url, { headers: request.headers }), {
          params: Promise.resolve(params ?? {}),
        });
        return { status: res.status, body: await res.text() };
      };
      as("anonymous");
      expect((await call()).status).toBe(401);

      as("outsider");
      const foreign = await call();
      expect([403, 404], `a member of another team got ${foreign.status}`).toContain(foreign.status);
      for (const leak of entry.leaks(fixture)) expect(foreign.body).not.toContain(leak);

      for (const role of below(entry.capability)) {
        as(role);
        expect((await call()).status, `role ${role}`).toBe(403);
      }
      const least = [...(CAN[entry.capability] as readonly Role[])].reverse()[0]!;
      as(least);
      expect([401, 403]).not.toContain((await call()).status);
    });
  }
});

// ---------------------------------------------------------------- HTTP API v1 (tokens)

describe("HTTP API v1", () => {
  it("every method of every route.ts under app/api/v1 has an entry, and every entry exists", () => {
    expect(
      apiRouteMethods.filter((k) => !API_ROUTES[k]),
      "add these to API_ROUTES",
    ).toEqual([]);
    expect(
      Object.keys(API_ROUTES).filter((k) => !apiRouteMethods.includes(k)),
      "stale API_ROUTES entries",
    ).toEqual([]);
  });

  for (const [key, entry] of Object.entries(API_ROUTES)) {
    if ("public" in entry) continue;
    const [file, method] = key.split("#") as [string, string];
    it(`${method} ${file} (${entry.capability}) refuses no token, another team's token and lower roles`, async () => {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
      const { apiRouteDefinition } = await import("@/lib/access/api-route");
      const handler = mod[method] as (
        req: Request,
        ctx: { params: Promise<Record<string, string>> },
      ) => Promise<Response>;
      expect(apiRouteDefinition(handler)).toMatchObject({ name: entry.name, capability: entry.capability });
      const call = async (who: Role | "outsider" | "anonymous") => {
        const { params, body } = entry.request(fixture);
        const headers: Record<string, string> = { "content-type": "application/json", origin: ORIGIN };
        if (entry.sessionOnly) as(who);
        else {
          as("anonymous");
          if (who !== "anonymous") headers.authorization = `Bearer ${apiTokens[who]}`;
        }
        const url = `${ORIGIN}/api/v1/x${entry.sessionOnly && who === "outsider" ? `?teamId=${fixture.teamA}` : ""}`;
        const res = await handler(
          new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
          { params: Promise.resolve(params ?? {}) },
        );
        return { status: res.status, body: await res.text() };
      };
      expect((await call("anonymous")).status).toBe(401);

      // Another team's member (or token) sees nothing of team A: its ids do not exist for them.
      const foreign = await call("outsider");
      if (entry.request(fixture).params?.id === fixture.deploymentA) expect(foreign.status).toBe(404);
      for (const leak of ["secret-deployment", fixture.deploymentA, "authz-viewer"])
        expect(foreign.body).not.toContain(leak);

      for (const role of below(entry.capability)) expect((await call(role)).status, `role ${role}`).toBe(403);
      const least = [...(CAN[entry.capability] as readonly Role[])].reverse()[0]!;
      const allowed = await call(least);
      expect([401, 403], `role ${least}: ${allowed.body}`).not.toContain(allowed.status);
    });
  }
});
