// Fleets as a user runs them, in the team's own demo world: a fleet of the five instances tagged pool=web
// (picked by tag), one member failing on an injected fault scoped to its instance, the others succeeding,
// the totals; the fault cleared, "Retry failed" brings all five to succeeded; a member's deployment page
// leads back to its fleet; teardown (the fleet's name typed) returns the world to its exact start. Then a
// one-member fleet in Japanese on a phone.
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, teamWorld } from "./fixtures/emulator-admin";
import { BASE_URL } from "../playwright.config";

const FAILING = "i-6we1x9demopool00003";
const WEB_POOL = [1, 2, 3, 4, 5].map((n) => `i-6we1x9demopool0000${n}`);

/** The team world's resources as a comparable snapshot (after every transition has completed). */
async function world(key: string) {
  await emulatorAdmin("POST", "settle", undefined, key);
  const s = (await emulatorAdmin("GET", "state", undefined, key)) as {
    enis: Record<string, { status: string; instanceId: string; secondaryIps: string[] }>;
    eips: Record<string, { status: string; binding: unknown }>;
  };
  return {
    enis: Object.fromEntries(
      Object.entries(s.enis).map(([k, v]) => [
        k,
        { status: v.status, instanceId: v.instanceId, secondaryIps: [...v.secondaryIps].sort() },
      ]),
    ),
    eips: Object.fromEntries(Object.entries(s.eips).map(([k, v]) => [k, { status: v.status, binding: v.binding }])),
  };
}

const memberRow = (page: Page, instanceId: string) =>
  page.locator(`[data-testid="member-row"][data-instance="${instanceId}"]`);

/** Fills the new-fleet form: name, the instances tagged key=value (by "select by tag"), batch size, threshold. */
async function newFleet(
  page: Page,
  o: { name: string; tag: [string, string]; count: number; batch: string; threshold: string },
) {
  await page.getByLabel(/^Fleet name$|^フリート名$/).fill(o.name);
  await page.getByLabel(/^Tag key$|^タグキー$/).selectOption(o.tag[0]);
  await page.getByLabel(/^Tag value$|^タグの値$/).selectOption(o.tag[1]);
  await page.getByRole("button", { name: new RegExp(`${o.tag[0]}=${o.tag[1]}.* \\(${o.count}\\)$`) }).click();
  await expect(page.getByTestId("picker-count")).toContainText(`${o.count}`);
  await page.getByLabel(/^Batch size$|^バッチサイズ$/).fill(o.batch);
  await page.getByLabel(/^Failure threshold$|^失敗しきい値$/).fill(o.threshold);
}

test("a 5-instance fleet by tag: one member fails on an injected fault, Retry failed finishes it, teardown returns to the start", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signUp(page, newUser("fleet"));
  const key = await teamWorld(page);
  const start = await world(key);

  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Fleets" }).click();
  await expect(page.getByRole("heading", { name: "Fleets", exact: true })).toBeVisible();
  await expect(page.getByTestId("fleets-empty")).toBeVisible();
  await page.getByRole("link", { name: "New fleet" }).click();
  await expect(page.getByRole("heading", { name: "New fleet", exact: true })).toBeVisible();
  // The picker lists the region's instances with their tags; the filters narrow them.
  await expect(page.getByTestId("picker-row")).toHaveCount(8, { timeout: 30_000 });
  await page.getByLabel("Search by instance id or name").fill("pool-batch");
  await expect(page.getByTestId("picker-row")).toHaveCount(1);
  await page.getByLabel("Search by instance id or name").fill("");
  const name = `web pool ${Date.now()}`;
  await newFleet(page, { name, tag: ["pool", "web"], count: 5, batch: "2", threshold: "2" });
  await expect(page.getByTestId("picker-count")).toHaveText(/^5 selected/);

  await page.getByRole("button", { name: "Pre-flight", exact: true }).click();
  await expect(page.getByTestId("fleet-preflight")).toContainText("Pre-flight passed", { timeout: 60_000 });
  // Two new EIPs on each of five instances, counted together against the quota.
  await expect(page.getByTestId("preflight-eips")).toContainText("10 new EIPs for the fleet");

  // One member's calls fail (scoped to its instance), the others go through.
  await emulatorAdmin(
    "PUT",
    "faults",
    { errors: { [`AttachNetworkInterface@${FAILING}`]: { "InvalidInstance.Injected": 1 } } },
    key,
  );
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page).toHaveURL(/\/fleets\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("fleet-status")).toHaveText("Failed", { timeout: 180_000 });
  await expect(memberRow(page, FAILING).getByTestId("member-state")).toHaveText("Failed");
  await expect(page.getByTestId("state-count-succeeded")).toContainText("4");
  await expect(page.getByTestId("state-count-failed")).toContainText("1");
  await expect(page.getByTestId("total-associated")).toContainText("8");
  // Filters: the failed one alone, then everyone.
  await page.getByRole("button", { name: "Failed (1)" }).click();
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  await page.getByRole("button", { name: "All (5)" }).click();
  await expect(page.getByTestId("member-row")).toHaveCount(5);
  expect(
    await page.getByTestId("member-row").evaluateAll((r) => r.map((x) => x.getAttribute("data-instance")).sort()),
  ).toEqual(WEB_POOL);

  await emulatorAdmin("PUT", "faults", {}, key);
  await page.getByRole("button", { name: "Retry failed" }).click();
  await expect(page.getByTestId("fleet-status")).toHaveText("Succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("state-count-succeeded")).toContainText("5");
  await expect(page.getByTestId("total-allocated")).toContainText("10");
  await expect(page.getByTestId("total-associated")).toContainText("10");

  // A member's deployment page leads back to the fleet.
  await memberRow(page, FAILING).getByRole("link").click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await page.getByTestId("fleet-link").getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();

  // The list shows it with its members by state.
  await page.goto("/fleets");
  await expect(page.getByTestId("fleet-row")).toContainText(name);
  await expect(page.getByTestId("fleet-row")).toContainText("5 members");
  await page.getByRole("link", { name }).click();

  await page.getByRole("button", { name: "Tear down" }).click();
  const confirm = page.getByRole("button", { name: "Tear down the fleet" });
  await expect(confirm).toBeDisabled();
  await page.getByLabel(`Type the fleet's name, ${name}, to confirm`).fill(name);
  await confirm.click();
  await expect(page.getByTestId("fleet-status")).toHaveText("Torn down", { timeout: 180_000 });
  await expect(page.getByTestId("total-allocated")).toContainText("0");
  expect(await world(key)).toEqual(start);
});

test("フリート（日本語・スマートフォン）: タグで 1 台を選び、展開して削除する", async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, newUser("fleetja"));
  const key = await teamWorld(page);
  const start = await world(key);
  await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: BASE_URL }]);
  await page.goto("/fleets");
  await expect(page.getByRole("heading", { name: "フリート", exact: true })).toBeVisible();
  await expect(page.getByTestId("fleets-empty")).toContainText("フリートはまだありません");
  await page.getByRole("link", { name: "新しいフリート" }).click();
  await expect(page.getByTestId("picker-row")).toHaveCount(8, { timeout: 30_000 });
  const name = `batch ${Date.now()}`;
  await newFleet(page, { name, tag: ["pool", "batch"], count: 1, batch: "1", threshold: "1" });
  await page.getByRole("button", { name: "プリフライト", exact: true }).click();
  await expect(page.getByTestId("fleet-preflight")).toContainText("プリフライトに合格しました", { timeout: 60_000 });
  await page.getByRole("button", { name: "展開を開始" }).click();
  await expect(page.getByTestId("fleet-status")).toHaveText("成功", { timeout: 120_000 });
  await expect(page.getByTestId("fleet-totals")).toContainText("関連付け済み EIP");
  await expect(page.getByRole("button", { name: "すべて (1)" })).toBeVisible();
  // No sideways scrolling on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByRole("button", { name: "削除", exact: true }).click();
  await page.getByLabel(`確認のためフリート名 ${name} を入力してください`).fill(name);
  await page.getByRole("button", { name: "フリートを削除" }).click();
  await expect(page.getByTestId("fleet-status")).toHaveText("削除済み", { timeout: 120_000 });
  expect(await world(key)).toEqual(start);
});
