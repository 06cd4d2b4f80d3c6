// The HTTP API v1 against the real server (`npm start`, demo mode), as a script would use it: a user
// makes a token in Settings → API tokens (shown once), another with POST /api/v1/tokens from their
// session, then the API creates a v2 deployment on the demo world, plans, applies, polls until it
// succeeded, refreshes, downloads the bundle and tears down; a viewer token is refused on apply and
// a bad spec is answered with every problem.
import zlib from "node:zlib";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { resetEmulator } from "./fixtures/emulator-admin";
import { BASE_URL } from "../playwright.config";

const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";

test.beforeEach(async () => {
  await resetEmulator();
});

async function until(api: APIRequestContext, url: string, auth: Record<string, string>, want: string) {
  let status = "";
  for (let i = 0; i < 240; i++) {
    status = (await (await api.get(url, { headers: auth })).json()).status;
    if (status === want || status === "failed") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return status;
}

test("a token made in Settings drives a deployment through the API; a viewer token cannot apply", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await signUp(page, newUser("api"));

  // Settings → API tokens: the token is shown once, with a copy button, and listed without its value.
  await page.goto("/settings/api-tokens");
  await page.getByLabel("Name").fill("e2e-operator");
  await page.getByLabel("Role").selectOption("operator");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token-value").textContent())!.trim();
  expect(token).toMatch(/^eip_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("button", { name: `Copy token ${token}` })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("token-e2e-operator")).toContainText("never");
  await expect(page.locator("body")).not.toContainText(token);

  // POST /api/v1/tokens with the session cookie, from the app's origin (another origin is refused).
  const refused = await page.request.post("/api/v1/tokens", {
    data: { name: "csrf", role: "viewer" },
    headers: { origin: "https://evil.example" },
  });
  expect(refused.status()).toBe(403);
  const made = await page.request.post("/api/v1/tokens", {
    data: { name: "e2e-viewer", role: "viewer" },
    headers: { origin: BASE_URL },
  });
  expect(made.status()).toBe(201);
  const viewer = (await made.json()).token as string;

  const op = { authorization: `Bearer ${token}` };
  const view = { authorization: `Bearer ${viewer}` };
  expect((await request.get("/api/v1/deployments")).status()).toBe(401);

  const accounts = await (await request.get("/api/v1/cloud-accounts", { headers: op })).json();
  const demo = accounts.items.find((a: { kind: string }) => a.kind === "demo");
  expect(demo.emulator).toMatchObject({ endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });

  const spec = {
    specVersion: 2,
    cloudAccountId: demo.id,
    regionId: "ap-northeast-1",
    instance: { mode: "existing", instanceId: INSTANCE },
    os: "alinux3",
    enis: [
      {
        eni: { mode: "existing", networkInterfaceId: ENI },
        privateIps: { mode: "count", count: 1 },
        usePrimaryIp: true,
        eips: [{}, {}],
      },
    ],
  };
  // A bad spec: every problem, each with its path; nothing created.
  const bad = await request.post("/api/v1/deployments", {
    headers: op,
    data: { name: "", spec: { ...spec, os: "windows", enis: [{ ...spec.enis[0], eni: { mode: "existing" } }] } },
  });
  expect(bad.status()).toBe(400);
  const paths = (await bad.json()).error.problems.map((p: { path: string }) => p.path);
  expect(paths).toEqual(expect.arrayContaining(["name", "spec.os", "spec.enis.0.eni.networkInterfaceId"]));
  // A body over 1 MB is refused by its size (413), before any parsing.
  const big = await request.post("/api/v1/deployments", {
    headers: op,
    data: { name: "n".repeat(2 * 1024 * 1024), spec },
  });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe("BODY_TOO_LARGE");
  expect((await (await request.get("/api/v1/deployments", { headers: op })).json()).items).toEqual([]);

  const created = await request.post("/api/v1/deployments", { headers: op, data: { name: "api-e2e", spec } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const url = `/api/v1/deployments/${id}`;

  const plan = await (await request.post(`${url}/plan`, { headers: op })).json();
  expect(plan.steps.filter((s: { action: string }) => s.action === "AssociateEipAddress")).toHaveLength(2);

  expect((await request.post(`${url}/apply`, { headers: view })).status()).toBe(403);
  const apply = await request.post(`${url}/apply`, { headers: op });
  expect(apply.status()).toBe(202);
  expect(await until(request, url, view, "succeeded")).toBe("succeeded");
  const dep = await (await request.get(url, { headers: view })).json();
  expect(dep.resources.enis[0].networkInterfaceId).toBe(ENI);
  expect(dep.resources.enis[0].privateIps.every((p: { eip: unknown }) => p.eip !== null)).toBe(true);

  const refresh = await (await request.post(`${url}/refresh`, { headers: view })).json();
  expect(refresh).toMatchObject({ inSync: true, drift: [] });

  const bundle = await request.get(`${url}/bundle`, { headers: view });
  expect(bundle.headers()["content-type"]).toBe("application/gzip");
  expect(zlib.gunzipSync(await bundle.body()).toString("latin1")).toContain("/apply.sh");

  const td = await request.post(`${url}/teardown`, { headers: op, data: { confirm: "api-e2e" } });
  expect(td.status()).toBe(202);
  expect(await until(request, url, view, "torn_down")).toBe("torn_down");

  // The token's last use shows in Settings; its writes are in the audit trail under its name.
  await page.goto("/settings/api-tokens");
  await expect(page.getByTestId("token-e2e-operator")).not.toContainText("never");
  const audit = await (await request.get(`/api/v1/audit?action=api:*`, { headers: view })).json();
  expect(audit.items.some((e: { actorLabel: string }) => e.actorLabel.endsWith("(token e2e-operator)"))).toBe(true);
});
