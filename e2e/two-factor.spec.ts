// Two-factor sign-in in the browser: set up on Settings → Security with an authenticator app (the test
// computes its codes from the key the page shows), then signing in needs the code, or a backup code once.
import { expect, test } from "@playwright/test";
import { TOTP } from "otpauth";
import { newUser, signUp } from "./fixtures/users";

const code = (secret: string) => new TOTP({ secret, digits: 6, period: 30 }).generate();

test("two-factor sign-in: set up with the app, then a code (or a backup code, once) after the password", async ({
  page,
}) => {
  const user = newUser("twofa");
  await signUp(page, user);
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByTestId("two-factor-status")).toHaveText("Off");

  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Set up" }).click();
  await expect(page.getByText("That password is not right.")).toBeVisible();
  await page.getByLabel("Your password").fill(user.password);
  await page.getByRole("button", { name: "Set up" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const backupCodes = (await page.getByTestId("backup-codes").locator("li").allTextContents()).map((c) => c.trim());
  expect(backupCodes).toHaveLength(10);
  await page.getByLabel("Code from the app").fill("123456");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText(/That code is not right/)).toBeVisible();
  await page.getByLabel("Code from the app").fill(code(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("two-factor-status")).toHaveText("On");

  // Signing in: the password, then the code.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText(/That code is not right/)).toBeVisible();
  await page.getByLabel("Authentication code").fill(code(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();

  // A backup code instead of the app.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Use a backup code instead" }).click();
  await page.getByLabel("Backup code").fill(backupCodes[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
});
