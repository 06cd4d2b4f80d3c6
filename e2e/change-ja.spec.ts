// Change in Japanese, as a user does it: a deployment made through the API (3 EIPs on the demo world's
// Available ENI), then 変更 in the browser — remove one EIP and have it released — the review lists only
// its unassociation and release, 変更を適用 runs them, and the deployment ends with two EIPs.
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { BASE_URL } from "../playwright.config";

const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";

/** The plan's calls that change something (no-ops left out). */
async function changingCalls(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="plan-step"][data-noop="false"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action") ?? ""));
}

test("変更（日本語）: EIP を 1 つ外して解放する — レビューには差分だけ、適用後は EIP 2 個", async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  await signUp(page, newUser("changeja"));
  const made = await page.request.post("/api/v1/tokens", {
    data: { name: "ja-setup", role: "admin" },
    headers: { origin: BASE_URL },
  });
  expect(made.status()).toBe(201);
  const headers = { authorization: `Bearer ${((await made.json()) as { token: string }).token}` };
  const accounts = (await (await page.request.get("/api/v1/cloud-accounts", { headers })).json()) as {
    items: Array<{ id: string; kind: string }>;
  };
  const demo = accounts.items.find((a) => a.kind === "demo")!;
  const spec = {
    specVersion: 2,
    cloudAccountId: demo.id,
    regionId: "ap-northeast-1",
    instance: { mode: "existing", instanceId: INSTANCE },
    os: "alinux2",
    enis: [
      {
        eni: { mode: "existing", networkInterfaceId: ENI },
        privateIps: { mode: "count", count: 2 },
        usePrimaryIp: true,
        eips: [{}, {}, {}],
      },
    ],
  };
  const created = await page.request.post("/api/v1/deployments", { headers, data: { name: "変更テスト", spec } });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  expect((await page.request.post(`/api/v1/deployments/${id}/apply`, { headers })).status()).toBe(202);
  const status = async () =>
    ((await (await page.request.get(`/api/v1/deployments/${id}`, { headers })).json()) as { status: string }).status;
  await expect.poll(status, { timeout: 90_000 }).toBe("succeeded");

  await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: BASE_URL }]);
  await page.goto(`/deployments/${id}`);
  await expect(page.getByTestId("topology-eip")).toHaveCount(3);
  await page.getByTestId("change").click();
  await expect(page.getByRole("heading", { name: "変更テスト を変更" })).toBeVisible();
  const next = () => page.getByRole("button", { name: "次へ", exact: true }).click();
  await next(); // IP
  await next(); // OS
  await next(); // EIP
  await expect(page.getByTestId("eip-row")).toHaveCount(3);
  await page.getByRole("button", { name: "EIP 3 を削除" }).click();
  await expect(page.getByTestId("eip-row")).toHaveCount(2);
  await page.getByLabel(/このデプロイで確保したものを解放する/).check();
  await next(); // ルート
  await next(); // レビュー
  await expect(page.getByTestId("preflight-status")).toHaveText(/プリフライトに合格しました/, { timeout: 30_000 });
  expect((await changingCalls(page)).sort()).toEqual(["ReleaseEipAddress", "UnassociateEipAddress"]);
  await page.getByRole("button", { name: "変更を適用" }).click();

  await expect(page).toHaveURL(new RegExp(`/deployments/${id}$`));
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("topology-eip")).toHaveCount(2);
  const d = (await (await page.request.get(`/api/v1/deployments/${id}`, { headers })).json()) as {
    resources: { enis: Array<{ privateIps: Array<{ eip: unknown }> }> };
  };
  expect(d.resources.enis.flatMap((e) => e.privateIps.filter((p) => p.eip))).toHaveLength(2);
});
