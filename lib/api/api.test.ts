// The HTTP API v1 through its route handlers, with real better-auth sessions, real tokens, a real
// database and the emulator: the boundary (401/403/404/409/422, every problem with its path), token
// hashing, the role ceiling, revocation, and one deployment's life (create v2 → plan → apply → poll →
// refresh → bundle → teardown), each write audited with the token's name.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import crypto from "node:crypto";
import zlib from "node:zlib";
import { actAs, actionTestDb, ORIGIN, request, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";
import type { EmulatorHandle } from "@/emulator/server";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as a client would
type Call = { status: number; body: any; headers: Headers; raw: Response };

let t: TestDb;
let emu: EmulatorHandle;
const tokens: Record<string, string> = {};
let owner: { userId: string; cookie: string; teamId: string };
let admin: { userId: string; cookie: string };
let outsider: { userId: string; cookie: string; teamId: string };
let outsiderDeployment: string;
let accountId: string;
let teamCreds: { accessKeyId: string; accessKeySecret: string };

const route = async (file: string) =>
  (await import(/* @vite-ignore */ `@/app/api/v1/${file}/route`)) as Record<string, Handler>;

/** Calls a v1 route handler as the server would, with `token` (or none) and a JSON body. */
async function call(
  method: string,
  file: string,
  opts: {
    token?: string | null;
    params?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    query?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Call> {
  const mod = await route(file);
  const handler = mod[method]!;
  const url = `${ORIGIN}/api/v1/${file.replace(/\[(\w+)\]/g, (_, k: string) => opts.params?.[k] ?? k)}${opts.query ?? ""}`;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await handler(new Request(url, { method, headers, body }), {
    params: Promise.resolve(opts.params ?? {}),
  });
  const type = res.headers.get("content-type") ?? "";
  const parsed = type.includes("json") ? await res.clone().json() : null;
  return { status: res.status, body: parsed, headers: res.headers, raw: res };
}

/** Polls GET …/{id} until `want` (or failed), as a script would. */
async function waitFor(id: string, want: string): Promise<string> {
  let status = "";
  for (let i = 0; i < 300; i++) {
    status = (await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id } })).body.status;
    if (status === want || status === "failed") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

/** The team's demo world (each team's demo account has a world of its own in the emulator). */
const world = () => emu.worlds.find(teamCreds.accessKeyId);

/** A call made directly through the SDK with the team's demo pair, as someone would in the console or a script. */
async function sdk(action: string, params: Record<string, unknown>) {
  const { cloudCall } = await import("@/lib/cloud/call");
  const ctx = {
    db: t.db,
    teamId: owner.teamId,
    creds: { accessKeyId: teamCreds.accessKeyId, accessKeySecret: teamCreds.accessKeySecret, endpoint: emu.endpoint },
    regionId: "ap-northeast-1",
  };
  const body = await cloudCall(ctx, action as never, { RegionId: "ap-northeast-1", ...params } as never);
  emu.settle();
  return body as Record<string, unknown>;
}

function v2Spec(over: Record<string, unknown> = {}) {
  return {
    specVersion: 2,
    cloudAccountId: accountId,
    regionId: "ap-northeast-1",
    instance: { mode: "existing", instanceId: "i-6we1x9demoweb000001" },
    os: "alinux3",
    enis: [
      {
        eni: { mode: "existing", networkInterfaceId: "eni-6we1x9demosecond001" },
        privateIps: { mode: "count", count: 1 },
        usePrimaryIp: true,
        eips: [{}, {}],
      },
    ],
    ...over,
  };
}

beforeAll(async () => {
  t = await actionTestDb("api-test-secret-");
  const { startEmulator } = await import("@/emulator/server");
  const { TEST_SEED, FAST } = await import("@/lib/deploy/testing/harness");
  // AssociateEipAddress takes a while: a second apply arrives while the first still runs.
  emu = await startEmulator({ seed: TEST_SEED, latencies: { ...FAST, eipAssociate: 1500 } });
  process.env.EMULATOR_ENDPOINT = emu.endpoint;
  const { ensureDeployEngine } = await import("@/lib/deploy/engine");
  const { configureDeployEngine } = await import("@/lib/deploy/deployment.service");
  ensureDeployEngine();
  configureDeployEngine({ waitScale: 0.01, pollCapMs: 50, retryBaseMs: 5, retryCapMs: 50, leaseMs: 10_000 });

  owner = await signUp(t.db, "owner");
  admin = await signUp(t.db, "admin");
  await t.db.member.create({
    data: { id: "m-admin", organizationId: owner.teamId, userId: admin.userId, role: "admin" },
  });
  outsider = await signUp(t.db, "outsider");
  accountId = (await t.db.cloudAccount.findFirstOrThrow({ where: { teamId: owner.teamId, kind: "demo" } })).id;
  const { loadCloudCredentials } = await import("@/lib/cloud/accounts");
  teamCreds = await loadCloudCredentials(owner.teamId, accountId);

  const { createApiToken } = await import("@/lib/auth/api-tokens");
  const ownerUser = await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } });
  const actor = { userId: owner.userId, email: ownerUser.email, clientIp: null, userAgent: null };
  for (const role of ["admin", "operator", "viewer"] as const)
    tokens[role] = (await createApiToken(owner.teamId, actor, "owner", { name: `${role}-token`, role })).token;
  const adminUser = await t.db.user.findUniqueOrThrow({ where: { id: admin.userId } });
  tokens.adminsOwn = (
    await createApiToken(owner.teamId, { ...actor, userId: admin.userId, email: adminUser.email }, "admin", {
      name: "admins-own",
      role: "admin",
    })
  ).token;
  const outsiderUser = await t.db.user.findUniqueOrThrow({ where: { id: outsider.userId } });
  tokens.outsider = (
    await createApiToken(outsider.teamId, { ...actor, userId: outsider.userId, email: outsiderUser.email }, "owner", {
      name: "outsider-token",
      role: "admin",
    })
  ).token;
  outsiderDeployment = (
    await t.db.deployment.create({
      data: { teamId: outsider.teamId, name: "their-deployment", spec: { specVersion: 1 } as never },
      select: { id: true },
    })
  ).id;
}, 300_000);

afterAll(async () => {
  await emu?.close();
  await t?.close();
});

describe("tokens", () => {
  it("are eip_ + 32 random bytes, stored only as their SHA-256 with a short visible prefix", async () => {
    const token = tokens.operator!;
    expect(token).toMatch(/^eip_[A-Za-z0-9_-]{43}$/);
    const row = await t.db.apiToken.findFirstOrThrow({ where: { name: "operator-token" } });
    expect(row.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(row.prefix).toBe(token.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
  });

  it("POST /tokens: a signed-in user from the app's origin gets 201 {id, token} once; the token then works", async () => {
    actAs(owner.cookie);
    const made = await call("POST", "tokens", { body: { name: "ci", role: "operator" }, headers: { origin: ORIGIN } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.any(String), token: expect.stringMatching(/^eip_/) });
    actAs(null);
    const list = await call("GET", "tokens", { token: made.body.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { name: string }) => x.name)).toContain("ci");
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);
    const row = await t.db.apiToken.findFirstOrThrow({ where: { id: made.body.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("POST /tokens refuses another origin (CSRF), a role above the creator's, a token instead of a session, bad input", async () => {
    actAs(owner.cookie);
    const csrf = await call("POST", "tokens", {
      body: { name: "x", role: "viewer" },
      headers: { origin: "https://evil.example" },
    });
    expect(csrf.status).toBe(403);
    const noOrigin = await call("POST", "tokens", { body: { name: "x", role: "viewer" } });
    expect(noOrigin.status).toBe(403);
    const bad = await call("POST", "tokens", { body: { role: "root" }, headers: { origin: ORIGIN } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(["name", "role"]);
    // An admin cannot make an owner token.
    actAs(admin.cookie);
    await t.db.session.updateMany({ where: { userId: admin.userId }, data: { activeOrganizationId: owner.teamId } });
    const high = await call("POST", "tokens", {
      body: { name: "too-high", role: "owner" },
      headers: { origin: ORIGIN },
    });
    expect(high.status).toBe(403);
    expect(high.body.error.message).toContain("admin");
    actAs(null);
    const withToken = await call("POST", "tokens", { token: tokens.admin, body: { name: "minted", role: "viewer" } });
    expect(withToken.status).toBe(403);
    expect(await t.db.apiToken.count({ where: { name: { in: ["x", "too-high", "minted"] } } })).toBe(0);
  });

  it("401 without a token, with a malformed or unknown one; a revoked token stops working at once", async () => {
    actAs(null);
    for (const token of [null, "nope", "eip_" + "A".repeat(43)]) {
      const r = await call("GET", "deployments", { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String), problems: [] } });
    }
    actAs(owner.cookie);
    const made = await call("POST", "tokens", {
      body: { name: "short-lived", role: "viewer" },
      headers: { origin: ORIGIN },
    });
    actAs(null);
    expect((await call("GET", "deployments", { token: made.body.token })).status).toBe(200);
    const revoked = await call("DELETE", "tokens/[id]", { token: made.body.token, params: { id: made.body.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await call("GET", "deployments", { token: made.body.token })).status).toBe(401);
  });

  it("a token never acts above its creator's current role; it dies with the creator's membership", async () => {
    actAs(null);
    expect(
      (await call("POST", "deployments/[id]/apply", { token: tokens.adminsOwn, params: { id: "nope" } })).status,
    ).toBe(404);
    await t.db.member.update({ where: { id: "m-admin" }, data: { role: "viewer" } });
    const demoted = await call("POST", "deployments/[id]/apply", { token: tokens.adminsOwn, params: { id: "nope" } });
    expect(demoted.status).toBe(403);
    expect((await call("GET", "deployments", { token: tokens.adminsOwn })).status).toBe(200);
    await t.db.member.delete({ where: { id: "m-admin" } });
    expect((await call("GET", "deployments", { token: tokens.adminsOwn })).status).toBe(401);
  });

  it("a route without a dynamic segment works when Next.js passes no params (production server)", async () => {
    const { GET } = await route("deployments");
    const res = await GET!(
      new Request(`${ORIGIN}/api/v1/deployments`, { headers: { authorization: `Bearer ${tokens.viewer}` } }),
      undefined as never,
    );
    expect(res.status).toBe(200);
  });

  it("pages' server actions refuse a token (they take a session cookie only)", async () => {
    request.headers = new Headers({ authorization: `Bearer ${tokens.admin}` });
    const { applyAction } = await import("@/lib/actions/wizard.actions");
    expect(await applyAction({ teamId: owner.teamId, id: "whatever" })).toMatchObject({
      ok: false,
      code: "UNAUTHENTICATED",
    });
  });
});

describe("errors", () => {
  it("403 below the role, audited with the token's name", async () => {
    actAs(null);
    const r = await call("POST", "deployments", { token: tokens.viewer, body: { name: "x", spec: v2Spec() } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("FORBIDDEN");
    const ev = await t.db.auditEvent.findFirstOrThrow({
      where: { teamId: owner.teamId, action: "api:deployments.create" },
    });
    expect(ev.outcome).toBe("failure");
    expect(ev.actorLabel).toMatch(/\(token viewer-token\)$/);
  });

  it("400 for bad JSON, and every problem of a bad spec with its path; nothing is created", async () => {
    const before = await t.db.deployment.count();
    const json = await call("POST", "deployments", { token: tokens.operator, rawBody: '{"name": "x", ' });
    expect(json.status).toBe(400);
    expect(json.body.error.problems).toHaveLength(1);
    const spec = v2Spec({ os: "windows", regionId: "" });
    (spec.enis as Array<Record<string, unknown>>)[0]!.eni = { mode: "existing", networkInterfaceId: "nic-1" };
    const bad = await call("POST", "deployments", { token: tokens.operator, body: { name: "", spec } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_INPUT");
    const paths = bad.body.error.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["name", "spec.os", "spec.regionId", "spec.enis.0.eni.networkInterfaceId"]),
    );
    for (const p of bad.body.error.problems) expect(p.message).toEqual(expect.any(String));
    expect(await t.db.deployment.count()).toBe(before);
  });

  it("413 for a body over 1 MB, 400 naming the field for an over-long name (in the request's language); nothing is created", async () => {
    const before = await t.db.deployment.count();
    const big = await call("POST", "deployments", {
      token: tokens.operator,
      rawBody: JSON.stringify({ name: "n".repeat(2 * 1024 * 1024), spec: v2Spec() }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({
      code: "BODY_TOO_LARGE",
      message: "The request body is larger than the 1048576 byte limit.",
    });
    for (const [lang, message] of [
      ["en", "At most 120 characters (this one has 500)."],
      ["ja", "120 文字以内にしてください (500 文字あります)。"],
    ] as const) {
      actAs(null, { locale: lang });
      const long = await call("POST", "deployments", {
        token: tokens.operator,
        body: { name: "n".repeat(500), spec: v2Spec() },
      });
      expect(long.status).toBe(400);
      expect(long.body.error.problems).toEqual([{ path: "name", message }]);
    }
    actAs(null);
    expect(await t.db.deployment.count()).toBe(before);
  });

  it("404 for an unknown id and for another team's id, with the same body", async () => {
    const unknown = await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id: "no-such-id" } });
    const foreign = await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id: outsiderDeployment } });
    expect(unknown.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(unknown.body);
    const list = await call("GET", "deployments", { token: tokens.viewer });
    expect(JSON.stringify(list.body)).not.toContain(outsiderDeployment);
  });

  it("422 when pre-flight finds errors, with the findings; nothing runs", async () => {
    const spec = v2Spec({ instance: { mode: "existing", instanceId: "i-doesnotexist1" } });
    const made = await call("POST", "deployments", { token: tokens.operator, body: { name: "no-instance", spec } });
    expect(made.status).toBe(201);
    const r = await call("POST", "deployments/[id]/apply", { token: tokens.operator, params: { id: made.body.id } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("PREFLIGHT_FAILED");
    expect(r.body.error.findings.some((f: { severity: string }) => f.severity === "error")).toBe(true);
    const got = await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id: made.body.id } });
    expect(got.body.status).toBe("draft");
  });
});

describe("a deployment's life through the API", () => {
  it("cloud accounts list the demo account with its emulator", async () => {
    const r = await call("GET", "cloud-accounts", { token: tokens.viewer });
    expect(r.status).toBe(200);
    const demo = r.body.items.find((a: { kind: string }) => a.kind === "demo");
    expect(demo).toMatchObject({ id: expect.any(String), name: expect.any(String), kind: "demo" });
    expect(demo.emulator).toMatchObject({
      endpoint: emu.endpoint,
      accessKeyId: expect.any(String),
      accessKeySecret: expect.any(String),
    });
    expect(demo.id).toBe(accountId);
  });

  it("create (v2) → plan → apply (202; a second apply 409) → poll until succeeded → refresh → bundle → teardown", async () => {
    const created = await call("POST", "deployments", {
      token: tokens.operator,
      body: { name: "web-ips", spec: v2Spec() },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), status: "draft" });
    const id = created.body.id as string;
    const params = { id };

    const got = await call("GET", "deployments/[id]", { token: tokens.viewer, params });
    expect(got.body).toMatchObject({ id, name: "web-ips", status: "draft", drift: [] });
    expect(got.body.spec).toMatchObject({
      specVersion: 2,
      enis: [{ eni: { networkInterfaceId: "eni-6we1x9demosecond001" } }],
    });

    const plan = await call("POST", "deployments/[id]/plan", { token: tokens.operator, params });
    expect(plan.status).toBe(200);
    expect(plan.body.findings.filter((f: { severity: string }) => f.severity === "error")).toEqual([]);
    const actions = plan.body.steps.map((s: { action: string }) => s.action);
    expect(actions.filter((a: string) => a === "AssociateEipAddress")).toHaveLength(2);
    expect(actions.filter((a: string) => a === "AllocateEipAddress")).toHaveLength(2);

    const viewerApply = await call("POST", "deployments/[id]/apply", { token: tokens.viewer, params });
    expect(viewerApply.status).toBe(403);
    const apply = await call("POST", "deployments/[id]/apply", { token: tokens.operator, params });
    expect(apply.status).toBe(202);
    expect(apply.body).toEqual({ id, status: "applying" });
    const again = await call("POST", "deployments/[id]/apply", { token: tokens.operator, params });
    expect(again.status).toBe(409);

    let status = "applying";
    for (let i = 0; i < 200 && status === "applying"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body.status;
    }
    expect(status).toBe("succeeded");
    const done = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body;
    expect(done.resources.instanceId).toBe("i-6we1x9demoweb000001");
    expect(done.resources.enis).toHaveLength(1);
    const ips = done.resources.enis[0].privateIps;
    expect(ips).toHaveLength(2);
    expect(ips.filter((p: { primary: boolean }) => p.primary)).toHaveLength(1);
    for (const p of ips)
      expect(p.eip).toEqual({ allocationId: expect.stringMatching(/^eip-/), ipAddress: expect.any(String) });
    const live = world().state();
    for (const p of ips) expect(live.eips[p.eip.allocationId]!.binding?.privateIpAddress).toBe(p.address);

    const refresh = await call("POST", "deployments/[id]/refresh", { token: tokens.viewer, params });
    expect(refresh.status).toBe(200);
    expect(refresh.body).toMatchObject({ inSync: true, drift: [] });

    const bundle = await call("GET", "deployments/[id]/bundle", { token: tokens.viewer, params });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toBe("application/gzip");
    const tar = zlib.gunzipSync(Buffer.from(await bundle.raw.arrayBuffer())).toString("latin1");
    expect(tar).toContain("/apply.sh");
    expect(tar).toContain("/rollback.sh");
    expect(
      (await call("GET", "deployments/[id]/bundle", { token: tokens.viewer, params, query: "?revision=9" })).status,
    ).toBe(404);
    const badRev = await call("GET", "deployments/[id]/bundle", { token: tokens.viewer, params, query: "?revision=x" });
    expect(badRev.body.error.problems).toEqual([{ path: "revision", message: expect.any(String) }]);

    const wrong = await call("POST", "deployments/[id]/teardown", {
      token: tokens.operator,
      params,
      body: { confirm: "web" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.problems[0].path).toBe("confirm");
    expect((await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body.status).toBe("succeeded");
    const td = await call("POST", "deployments/[id]/teardown", {
      token: tokens.operator,
      params,
      body: { confirm: "web-ips" },
    });
    expect(td.status).toBe(202);
    expect(td.body).toEqual({ id, status: "tearing_down" });
    for (let i = 0; i < 200 && status !== "torn_down"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body.status;
    }
    expect(status).toBe("torn_down");

    // Every write made with a token is in the trail under its name, the engine's own events too.
    const audit = await call("GET", "audit", {
      token: tokens.viewer,
      query: `?deploymentId=${id}&action=app:deployment.apply`,
    });
    expect(audit.status).toBe(200);
    const labels = audit.body.items.filter((e: { action: string }) => e.action === "app:deployment.apply");
    expect(labels[0].actorLabel).toMatch(/\(token operator-token\)$/);
    const api = await call("GET", "audit", { token: tokens.viewer, query: "?action=api:*" });
    const names = new Set(api.body.items.map((e: { action: string }) => e.action));
    for (const a of [
      "api:deployments.create",
      "api:deployments.plan",
      "api:deployments.apply",
      "api:deployments.teardown",
    ])
      expect(names).toContain(a);
    const badFilter = await call("GET", "audit", { token: tokens.viewer, query: "?outcome=maybe&limit=0" });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(["limit", "outcome"]);
  }, 120_000);

  it("drift made through the SDK: refresh marks it drifted (GET shows it), repair puts it back (202), in sync again", async () => {
    const created = await call("POST", "deployments", {
      token: tokens.operator,
      body: { name: "drifty", spec: v2Spec() },
    });
    const params = { id: created.body.id as string };
    expect((await call("POST", "deployments/[id]/apply", { token: tokens.operator, params })).status).toBe(202);
    expect(await waitFor(params.id, "succeeded")).toBe("succeeded");
    // Not in sync: repair has nothing to do.
    expect((await call("POST", "deployments/[id]/repair", { token: tokens.operator, params })).status).toBe(409);

    const eip = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body.resources.enis[0]
      .privateIps[0].eip.allocationId as string;
    await sdk("UnassociateEipAddress", {
      AllocationId: eip,
      InstanceId: "eni-6we1x9demosecond001",
      InstanceType: "NetworkInterface",
    });
    const refresh = await call("POST", "deployments/[id]/refresh", { token: tokens.viewer, params });
    expect(refresh.body.inSync).toBe(false);
    expect(refresh.body.drift.length).toBeGreaterThan(0);
    const drifted = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body;
    expect(drifted.status).toBe("drifted");
    expect(drifted.drift).toEqual(refresh.body.drift);

    expect((await call("POST", "deployments/[id]/repair", { token: tokens.viewer, params })).status).toBe(403);
    const repair = await call("POST", "deployments/[id]/repair", { token: tokens.operator, params });
    expect(repair.status).toBe(202);
    expect(repair.body.steps.map((x: { action: string }) => x.action)).toEqual(["AssociateEipAddress"]);
    expect(await waitFor(params.id, "succeeded")).toBe("succeeded");
    expect(world().state().eips[eip]!.binding?.instanceId).toBe("eni-6we1x9demosecond001");
    const after = await call("POST", "deployments/[id]/refresh", { token: tokens.viewer, params });
    expect(after.body).toMatchObject({ inSync: true, drift: [] });

    const td = await call("POST", "deployments/[id]/teardown", {
      token: tokens.operator,
      params,
      body: { confirm: "drifty" },
    });
    expect(td.status).toBe(202);
    expect(await waitFor(params.id, "torn_down")).toBe("torn_down");
  }, 120_000);

  it("a change: PUT spec on a succeeded deployment answers the delta (+1 EIP: assign, allocate, associate), apply runs it", async () => {
    const created = await call("POST", "deployments", {
      token: tokens.operator,
      body: { name: "growing", spec: v2Spec() },
    });
    const params = { id: created.body.id as string };
    expect((await call("POST", "deployments/[id]/apply", { token: tokens.operator, params })).status).toBe(202);
    // While the run goes on, the spec cannot change.
    const busy = await call("PUT", "deployments/[id]/spec", {
      token: tokens.operator,
      params,
      body: { spec: v2Spec() },
    });
    expect(busy.status).toBe(409);
    expect(await waitFor(params.id, "succeeded")).toBe("succeeded");

    const more = v2Spec();
    const eni = (more.enis as Array<Record<string, unknown>>)[0]!;
    eni.privateIps = { mode: "count", count: 2 };
    eni.eips = [{}, {}, {}];
    const put = await call("PUT", "deployments/[id]/spec", { token: tokens.operator, params, body: { spec: more } });
    expect(put.status).toBe(200);
    expect(put.body.status).toBe("succeeded");
    expect(put.body.steps.map((x: { action: string }) => x.action).sort()).toEqual([
      "AllocateEipAddress",
      "AssignPrivateIpAddresses",
      "AssociateEipAddress",
    ]);
    const plan = await call("POST", "deployments/[id]/plan", { token: tokens.operator, params });
    expect(plan.body.steps.map((x: { action: string }) => x.action)).toEqual(
      put.body.steps.map((x: { action: string }) => x.action),
    );
    expect((await call("POST", "deployments/[id]/apply", { token: tokens.operator, params })).status).toBe(202);
    expect(await waitFor(params.id, "succeeded")).toBe("succeeded");
    const got = (await call("GET", "deployments/[id]", { token: tokens.viewer, params })).body;
    expect(got.spec.enis[0].eips).toHaveLength(3);
    const ips = got.resources.enis[0].privateIps;
    expect(ips).toHaveLength(3);
    for (const p of ips) expect(world().state().eips[p.eip.allocationId]!.binding?.privateIpAddress).toBe(p.address);

    const td = await call("POST", "deployments/[id]/teardown", {
      token: tokens.operator,
      params,
      body: { confirm: "growing" },
    });
    expect(td.status).toBe(202);
    expect(await waitFor(params.id, "torn_down")).toBe("torn_down");
  }, 120_000);

  it("adopt: a setup built by hand through the SDK becomes a succeeded deployment with no mutating call", async () => {
    const body = {
      name: "by-hand",
      cloudAccountId: accountId,
      regionId: "ap-northeast-1",
      instanceId: "i-6we1x9demoweb000001",
    };
    const bad = await call("POST", "deployments/adopt", { token: tokens.operator, body: { ...body, instanceId: "x" } });
    expect(bad.body.error.problems.map((p: { path: string }) => p.path)).toEqual(["instanceId"]);
    await sdk("AttachNetworkInterface", {
      InstanceId: "i-6we1x9demoweb000001",
      NetworkInterfaceId: "eni-6we1x9demosecond001",
    });
    await sdk("AssignPrivateIpAddresses", {
      NetworkInterfaceId: "eni-6we1x9demosecond001",
      PrivateIpAddress: ["172.16.0.90"],
    });
    const allocationId = String(
      (await sdk("AllocateEipAddress", { Bandwidth: "5", InternetChargeType: "PayByTraffic" })).AllocationId,
    );
    await sdk("AssociateEipAddress", {
      AllocationId: allocationId,
      InstanceId: "eni-6we1x9demosecond001",
      InstanceType: "NetworkInterface",
      Mode: "NAT",
      PrivateIpAddress: "172.16.0.90",
    });
    const since = emu.requests().length;
    const adopted = await call("POST", "deployments/adopt", { token: tokens.operator, body });
    expect(adopted.status).toBe(201);
    expect(adopted.body).toMatchObject({ id: expect.any(String), status: "succeeded", spec: { specVersion: 2 } });
    expect(
      emu
        .requests()
        .slice(since)
        .filter((c) => !/^Describe/.test(c.action)),
    ).toEqual([]);
    const got = (await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id: adopted.body.id } })).body;
    expect(got.status).toBe("succeeded");
    const eni = got.resources.enis.find(
      (e: { networkInterfaceId: string }) => e.networkInterfaceId === "eni-6we1x9demosecond001",
    );
    expect(eni.privateIps).toContainEqual({
      address: "172.16.0.90",
      primary: false,
      eip: { allocationId, ipAddress: expect.any(String) },
    });
    // The same instance again: another deployment manages it now.
    expect((await call("POST", "deployments/adopt", { token: tokens.operator, body })).status).toBe(409);
  }, 120_000);
});
