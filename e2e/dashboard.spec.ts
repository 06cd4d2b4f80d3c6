// The dashboard as an operator watches it while a run is on.
import { expect, test } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, resetEmulator } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";

test.beforeEach(async () => {
  await resetEmulator();
});
test.afterEach(async () => {
  await emulatorAdmin("PUT", "latencies", { eniAttach: 1500, eipAssociate: 1000 });
});

test("the dashboard follows a running deployment to its end without a reload", async ({ page }) => {
  await signUp(page, newUser("dash"));
  const name = `dash live ${Date.now()}`;
  await page.goto("/deployments/quick");
  await page.getByLabel("Deployment name").fill(name);
  await page.getByLabel("Instance", { exact: true }).selectOption(INSTANCE);
  // The instance's free ENI and the team's Available EIPs are preselected: nothing else to choose.
  await page.getByRole("button", { name: "Review the plan" }).click();
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  // Slow enough that the run is still on when the dashboard opens.
  await emulatorAdmin("PUT", "latencies", { eniAttach: 6000, eipAssociate: 3000 });
  await page.getByTestId("apply").click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "running");
  await page.getByRole("link", { name: "Deployments", exact: true }).click();
  const row = page.getByTestId("deployment-row").filter({ hasText: name });
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "running");
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 45_000 });
  await expect(row).toContainText("203.0.113.21");
});
