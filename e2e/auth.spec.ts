import { expect, test } from "@playwright/test";
import { newUser, signIn, signUp } from "./fixtures/users";

test("sign up creates a team with the demo cloud account; sign out and in again", async ({ page }) => {
  const user = newUser("owner");
  await signUp(page, user);
  await expect(page.getByTestId("current-user")).toHaveText(user.email);
  await expect(page.getByRole("combobox", { name: "Switch team" })).toContainText(`${user.name}'s team`);

  await page.getByRole("link", { name: "Cloud accounts" }).click();
  const demo = page.getByTestId("cloud-account").filter({ hasText: "Demo (emulator)" });
  await expect(demo).toBeVisible();
  await demo.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(/Connected: \d+ regions visible/)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/settings/cloud-accounts");
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, user);
  await expect(page.getByTestId("current-user")).toHaveText(user.email);
});

test("bad input on sign-up and sign-in gets a specific message", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await page.getByLabel("Your name").fill("Someone");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address, like name@example.com.")).toBeVisible();
  await expect(page.getByText("The password must be at least 10 characters.")).toBeVisible();

  const user = newUser("dup");
  await signUp(page, user);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Again");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("another-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("wrong-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
});

test("the server bounds sign-up: an 8 MB name is refused by size, a long one by length, and no account is made", async ({
  request,
  baseURL,
}) => {
  const headers = { origin: baseURL!, "content-type": "application/json" };
  const huge = await request.post("/api/auth/sign-up/email", {
    headers,
    data: { name: "N".repeat(8 * 1024 * 1024), email: "huge-e2e@example.com", password: "long-enough-password" },
  });
  expect(huge.status()).toBe(413);
  expect((await huge.json()).code).toBe("BODY_TOO_LARGE");
  const long = await request.post("/api/auth/sign-up/email", {
    headers,
    data: { name: "N".repeat(101), email: "long-e2e@example.com", password: "long-enough-password" },
  });
  expect(long.status()).toBe(400);
  expect((await long.json()).code).toBe("NAME_TOO_LONG");
  for (const email of ["huge-e2e@example.com", "long-e2e@example.com"]) {
    const signIn = await request.post("/api/auth/sign-in/email", {
      headers,
      data: { email, password: "long-enough-password" },
    });
    expect(signIn.status()).toBe(401);
  }
});

test("?next= after sign-in stays within the app, whatever its spelling", async ({ page, baseURL }) => {
  const user = newUser("next");
  await signUp(page, user);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const origin = new URL(baseURL!).origin;
  // Each of these left the site before: the router decodes %5C to a backslash, which browsers read as a slash.
  // The other "site" is a closed port on loopback, so a test that fails sends nothing beyond this machine.
  for (const next of ["/%5C127.0.0.1:9", "/%2F%2F127.0.0.1:9", "/\\127.0.0.1:9", "/\t/127.0.0.1:9"]) {
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("current-user")).toHaveText(user.email);
    expect(new URL(page.url()).origin, `next=${next}`).toBe(origin);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
  }
  // A path of the app is still followed.
  await page.goto(`/sign-in?next=${encodeURIComponent("/audit")}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/audit$/);
});
