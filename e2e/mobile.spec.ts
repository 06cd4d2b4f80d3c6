// A phone and a keyboard: below 640 px the header folds behind one Menu button; a skip link leads past
// the header; the wizard's first field is a few key presses away (the stepper is one Tab stop).
import { expect, test } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";

test.use({ viewport: { width: 390, height: 844 } });

test("on a phone the menu is folded, and the keyboard reaches the wizard's first field in five presses", async ({
  page,
}) => {
  await signUp(page, newUser("mobile"));
  await page.goto("/deployments/new");
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  // The address history search is in the menu too.
  await expect(page.getByRole("banner").getByRole("searchbox", { name: "Address history" })).toBeVisible();
  await nav.getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  // The next page starts folded.
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeHidden();
  // No sideways scrolling with the header folded.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // Keyboard: Tab → "Skip to content", Enter → the page, then the quick-deploy link, the stepper, the name.
  await page.goto("/deployments/new");
  const name = page.getByLabel("Deployment name");
  await expect(name).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  let presses = 2;
  while (!(await name.evaluate((el) => el === document.activeElement)) && presses < 12) {
    await page.keyboard.press("Tab");
    presses++;
  }
  await expect(name).toBeFocused();
  expect(presses).toBeLessThanOrEqual(5);
  // Arrow keys move along the stepper without leaving it for the page.
  await page.keyboard.press("Shift+Tab");
  const current = page.getByRole("navigation", { name: /steps/i }).locator('button[aria-current="step"]');
  await expect(current).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("navigation", { name: /steps/i }).getByRole("button").nth(1)).toBeFocused();

  // At desktop width there is no Menu button and the navigation is always shown.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
});
