import { expect, test } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";

test("switched to 日本語, a form's error from the server is Japanese too", async ({ page }) => {
  await signUp(page, newUser("ja"));
  await page.getByRole("combobox", { name: "Language" }).selectOption("ja");
  await expect(page.getByRole("heading", { name: "デプロイ", exact: true })).toBeVisible();

  await page.goto("/settings/cloud-accounts");
  await page.locator("#name").fill("本番キー");
  await page.locator("#accessKeyId").fill("short");
  await page.locator("#accessKeySecret").fill("staging-secret-value-0001");
  await page.getByRole("button", { name: "クラウドアカウントを追加" }).click();
  // The server refused the AccessKey ID: the field says why, in the page's language.
  await expect(page.locator("#accessKeyId-error")).toHaveText("AccessKey ID は 12〜128 文字の英数字です");
  await expect(page.getByText("An AccessKey ID is 12–128 letters and digits")).toHaveCount(0);
  await expect(page.getByTestId("cloud-account").filter({ hasText: "本番キー" })).toHaveCount(0);
});

test("switching the language on the wizard names the regions in the new language at once", async ({ page }) => {
  await signUp(page, newUser("ja-regions"));
  await page.getByRole("link", { name: "Give an instance several public IPs" }).click();
  await expect(page.locator("#regionId option:checked")).toContainText("Japan (Tokyo)");
  await page.getByRole("combobox", { name: "Language" }).selectOption("ja");
  await expect(page.getByRole("heading", { name: "クラウドアカウント、リージョン、インスタンス" })).toBeVisible();
  // The cloud's own names (DescribeRegions with AcceptLanguage), not only the page's text.
  await expect(page.locator("#regionId option:checked")).toContainText("日本 (東京)", { timeout: 10_000 });
});
