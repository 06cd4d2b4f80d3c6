// The HTTP API v1's fleets through their route handlers, with real tokens, a real database and the emulator:
// the boundary (401, 403, 404 for another team's fleet, 400 with every problem and its path, 409, 422) and a
// fleet's life over both demo instances (create → get → plan → apply → poll → refresh → teardown).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actionTestDb, ORIGIN, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";
import type { EmulatorHandle } from "@/emulator/server";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field, as a client would
type Call = { status: number; body: any };

let t: TestDb;
let emu: EmulatorHandle;
const tokens: Record<string, string> = {};
let owner: { userId: string; teamId: string };
let outsider: { userId: string; teamId: string };
let accountId: string;
let outsiderFleet: string;

const WEB1 = "i-6we1x9demoweb000001";
const WEB2 = "i-6we1x9demoweb000002";
const SPEC = {
  enis: [{ eni: { mode: "create" }, privateIps: { mode: "count", count: 1 }, eips: [{}, {}] }],
  os: "alinux2",
};

async function call(
  method: string,
  file: string,
  opts: { token?: string | null; params?: Record<string, string>; body?: unknown } = {},
): Promise<Call> {
  const mod = (await import(/* @vite-ignore */ `@/app/api/v1/${file}/route`)) as Record<string, Handler>;
  const url = `${ORIGIN}/api/v1/${file.replace(/\[(\w+)\]/g, (_, k: string) => opts.params?.[k] ?? k)}`;
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await mod[method]!(new Request(url, { method, headers, body }), {
    params: Promise.resolve(opts.params ?? {}),
  });
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, body: type.includes("json") ? await res.json() : null };
}

async function waitFor(id: string, want: string): Promise<string> {
  let status = "";
  for (let i = 0; i < 600; i++) {
    status = (await call("GET", "fleets/[id]", { token: tokens.viewer, params: { id } })).body.status;
    if (status === want || ["failed", "paused", "aborted"].includes(status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return status;
}

beforeAll(async () => {
  t = await actionTestDb("fleet-api-test-secret-");
  const { startEmulator } = await import("@/emulator/server");
  const { TEST_SEED, FAST } = await import("@/lib/deploy/testing/harness");
  emu = await startEmulator({ seed: TEST_SEED, latencies: FAST });
  process.env.EMULATOR_ENDPOINT = emu.endpoint;
  const { ensureDeployEngine } = await import("@/lib/deploy/engine");
  const { configureDeployEngine } = await import("@/lib/deploy/deployment.service");
  const { configureFleets } = await import("@/lib/fleet/runtime");
  ensureDeployEngine();
  configureDeployEngine({ waitScale: 0.01, pollCapMs: 50, retryBaseMs: 5, retryCapMs: 50, leaseMs: 10_000 });
  configureFleets({ pollMs: 20 });

  owner = await signUp(t.db, "owner");
  outsider = await signUp(t.db, "outsider");
  accountId = (await t.db.cloudAccount.findFirstOrThrow({ where: { teamId: owner.teamId, kind: "demo" } })).id;
  const { createApiToken } = await import("@/lib/auth/api-tokens");
  const actor = { userId: owner.userId, email: null, clientIp: null, userAgent: null };
  for (const role of ["operator", "viewer"] as const)
    tokens[role] = (await createApiToken(owner.teamId, actor, "owner", { name: `${role}-token`, role })).token;
  tokens.outsider = (
    await createApiToken(outsider.teamId, { ...actor, userId: outsider.userId }, "owner", {
      name: "outsider-token",
      role: "admin",
    })
  ).token;
  const outsiderAccount = await t.db.cloudAccount.findFirstOrThrow({ where: { teamId: outsider.teamId } });
  outsiderFleet = (
    await t.db.fleet.create({
      data: {
        teamId: outsider.teamId,
        cloudAccountId: outsiderAccount.id,
        regionId: "ap-northeast-1",
        name: "their-fleet",
        spec: SPEC as never,
        selector: { ids: [WEB1], placements: {} } as never,
      },
    })
  ).id;
}, 300_000);

afterAll(async () => {
  await emu?.close();
  await t?.close();
});

const create = (body: unknown, token = tokens.operator) => call("POST", "fleets", { token, body });
const fleetBody = (over: Record<string, unknown> = {}) => ({
  name: "edge",
  cloudAccountId: accountId,
  regionId: "ap-northeast-1",
  spec: SPEC,
  instances: { ids: [WEB1, WEB2] },
  rollout: { batchSize: 1, failureThreshold: 1 },
  ...over,
});

describe("fleets API: the boundary", () => {
  it("401 without a token, 403 for a viewer's write, 404 for another team's fleet (every verb)", async () => {
    expect((await call("GET", "fleets", {})).status).toBe(401);
    expect((await create(fleetBody(), tokens.viewer)).status).toBe(403);
    expect((await call("GET", "fleets/[id]", { token: tokens.viewer, params: { id: outsiderFleet } })).status).toBe(
      404,
    );
    for (const verb of ["plan", "apply", "pause", "resume", "abort", "retry-failed", "refresh", "repair"]) {
      const r = await call("POST", `fleets/[id]/${verb}`, { token: tokens.operator, params: { id: outsiderFleet } });
      expect(r.status, verb).toBe(404);
      expect(r.body.error.code, verb).toBe("NOT_FOUND");
    }
    const teardown = await call("POST", "fleets/[id]/teardown", {
      token: tokens.operator,
      params: { id: outsiderFleet },
      body: { confirm: "their-fleet" },
    });
    expect(teardown.status).toBe(404);
    const spec = await call("PUT", "fleets/[id]/spec", {
      token: tokens.operator,
      params: { id: outsiderFleet },
      body: { spec: SPEC },
    });
    expect(spec.status).toBe(404);
    // The outsider's own list does not show ours, ours not theirs.
    const list = await call("GET", "fleets", { token: tokens.viewer });
    expect(list.body.items.map((f: { id: string }) => f.id)).not.toContain(outsiderFleet);
  });

  it("400 with every problem and its path", async () => {
    const r = await create({
      name: "",
      cloudAccountId: accountId,
      regionId: "ap-northeast-1",
      spec: { enis: [{ eni: { mode: "existing", networkInterfaceId: "eni-abc" }, eips: [{}] }], os: "alinux2" },
      instances: { ids: ["not-an-instance"] },
      rollout: { batchSize: 0 },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("INVALID_INPUT");
    const paths = r.body.error.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["name", "spec.enis.0.eni.mode", "instances.ids.0", "rollout.batchSize"]),
    );
    // Both a spec and a config, or neither.
    const neither = await create(fleetBody({ spec: undefined }));
    expect(neither.status).toBe(400);
    expect(neither.body.error.problems[0].message).toMatch(/spec or a configId/);
  });

  it("422 naming the instances that do not exist in the region", async () => {
    const r = await create(fleetBody({ instances: { ids: [WEB1, "i-nosuchinstance9"] } }));
    expect(r.status).toBe(422);
    expect(r.body.error.message).toContain("i-nosuchinstance9");
  });
});

describe("fleets API: a fleet's life", () => {
  it("create → get → plan → apply → poll → refresh → teardown", async () => {
    const made = await create(fleetBody());
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ status: "draft", members: 2 });
    const id = made.body.id as string;

    const got = await call("GET", "fleets/[id]", { token: tokens.viewer, params: { id } });
    expect(got.status).toBe(200);
    expect(got.body.members.map((m: { instanceId: string; position: number }) => [m.instanceId, m.position])).toEqual([
      [WEB1, 0],
      [WEB2, 1],
    ]);
    const deploymentIds = got.body.members.map((m: { deploymentId: string }) => m.deploymentId);
    expect(got.body.members.every((m: { deploymentStatus: string }) => m.deploymentStatus === "draft")).toBe(true);

    // Another operation than the rollout's own is refused while nothing runs: 409.
    expect((await call("POST", "fleets/[id]/pause", { token: tokens.operator, params: { id } })).status).toBe(409);
    expect((await call("POST", "fleets/[id]/retry-failed", { token: tokens.operator, params: { id } })).status).toBe(
      409,
    );

    const plan = await call("POST", "fleets/[id]/plan", { token: tokens.operator, params: { id } });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.ok).toBe(true);
    expect(plan.body.eips.toAllocate).toBe(4);
    expect(plan.body.members).toHaveLength(2);
    const actions = plan.body.members[0].steps.map((s: { action: string }) => s.action);
    expect(actions).toEqual(expect.arrayContaining(["CreateNetworkInterface", "AttachNetworkInterface"]));
    expect(actions.filter((a: string) => a === "AssociateEipAddress")).toHaveLength(2);

    const apply = await call("POST", "fleets/[id]/apply", { token: tokens.operator, params: { id } });
    expect(apply.status).toBe(202);
    expect(apply.body).toMatchObject({ id, status: "rolling_out", members: 2 });
    expect(await waitFor(id, "succeeded")).toBe("succeeded");
    const done = await call("GET", "fleets/[id]", { token: tokens.viewer, params: { id } });
    expect(done.body.totals.eips).toMatchObject({ planned: 4, allocated: 4, associated: 4 });
    expect(done.body.totals.byState.succeeded).toBe(2);
    // Each member is a deployment of its own, readable through the deployments API.
    const dep = await call("GET", "deployments/[id]", { token: tokens.viewer, params: { id: deploymentIds[1] } });
    expect(dep.body).toMatchObject({ name: `edge / ${WEB2}`, status: "succeeded", instanceId: WEB2 });

    const refresh = await call("POST", "fleets/[id]/refresh", { token: tokens.viewer, params: { id } });
    expect(refresh.status).toBe(200);
    expect(refresh.body).toMatchObject({ drifted: 0, inSync: 2, notChecked: 0 });
    const repair = await call("POST", "fleets/[id]/repair", { token: tokens.operator, params: { id } });
    expect(repair.status).toBe(409);

    const wrong = await call("POST", "fleets/[id]/teardown", {
      token: tokens.operator,
      params: { id },
      body: { confirm: "nope" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.problems[0].path).toBe("confirm");
    const down = await call("POST", "fleets/[id]/teardown", {
      token: tokens.operator,
      params: { id },
      body: { confirm: "edge" },
    });
    expect(down.status).toBe(202);
    expect(await waitFor(id, "torn_down")).toBe("torn_down");
    // Each write made with a token is in the trail with the token's name.
    const trail = await t.db.auditEvent.findMany({
      where: { teamId: owner.teamId, action: "api:fleets.apply", outcome: "success" },
    });
    expect(trail).toHaveLength(1);
    expect(trail[0]!.actorLabel).toContain("operator-token");
  });
});
