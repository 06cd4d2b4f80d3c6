// Single sign-on with a real OpenID Connect provider started by the test: a new user signs in and gets a
// team; someone who already had a password account with the same address keeps it (linked, one account,
// its unverified password dropped);
// a user removed at the provider cannot sign in the next time. The app runs as an `npm start` of its own,
// configured by environment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME).
import { expect, test, type Page } from "@playwright/test";
import { startOwnServer, type OwnServer } from "./fixtures/own-server";
import { freePort, startOidcProvider, type OidcAccount } from "./fixtures/oidc-provider";

const stamp = Date.now().toString(36);
const accounts = new Map<string, OidcAccount>([
  ["alice", { email: `alice-${stamp}@example.com`, name: "Alice SSO" }],
  ["bob", { email: `bob-${stamp}@example.com`, name: "Bob SSO" }],
]);
let app: OwnServer;
let idp: Awaited<ReturnType<typeof startOidcProvider>>;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const idpPort = await freePort();
  app = await startOwnServer({
    OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
    OIDC_CLIENT_ID: "eipilot-e2e",
    OIDC_CLIENT_SECRET: "eipilot-e2e-client-secret",
    OIDC_NAME: "Test IdP",
    AUTH_SIGNIN_LIMIT: "1000",
  });
  idp = await startOidcProvider({
    port: idpPort,
    clientId: "eipilot-e2e",
    clientSecret: "eipilot-e2e-client-secret",
    redirectUri: `${app.url}/api/auth/callback/oidc`,
    accounts,
  });
});
test.afterAll(async () => {
  await idp?.stop();
  app?.stop();
});

/** From the app's sign-in page through the provider's login and consent, back to the app. */
async function ssoSignIn(page: Page, login: string) {
  await page.goto(`${app.url}/sign-in`);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  const consent = page.getByRole("button", { name: "Continue" });
  await page.waitForURL((u) => u.origin === app.url || u.pathname.includes("interaction"));
  if (await consent.isVisible().catch(() => false)) await consent.click();
}

test("single sign-on: a new user, a linked password account, a user removed at the provider", async ({ browser }) => {
  test.setTimeout(240_000);
  // Alice is new here: signed in by the provider, with a team of her own.
  const alice = await browser.newPage();
  await ssoSignIn(alice, "alice");
  await expect(alice.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await expect(alice.getByTestId("current-user")).toHaveText(accounts.get("alice")!.email);

  // Bob signed up with a password first; single sign-on with the same address is the same account.
  const bob = await browser.newPage();
  await bob.goto(`${app.url}/sign-up`);
  await bob.getByLabel("Your name").fill("Bob Password");
  await bob.getByLabel("Email").fill(accounts.get("bob")!.email);
  await bob.getByLabel("Password").fill("Correct-Horse-Battery");
  await bob.getByRole("button", { name: "Create account" }).click();
  await expect(bob.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  const teamBefore = await bob.getByRole("combobox").first().inputValue();
  await bob.getByRole("button", { name: "Sign out" }).click();
  await ssoSignIn(bob, "bob");
  await expect(bob.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await expect(bob.getByTestId("current-user")).toHaveText(accounts.get("bob")!.email);
  expect(await bob.getByRole("combobox").first().inputValue()).toBe(teamBefore);
  // The address was never verified here, so the password made with it no longer signs in (pre-hijacking).
  await bob.getByRole("button", { name: "Sign out" }).click();
  await bob.goto(`${app.url}/sign-in`);
  await bob.getByLabel("Email").fill(accounts.get("bob")!.email);
  await bob.getByLabel("Password").fill("Correct-Horse-Battery");
  await bob.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(bob.getByRole("alert").filter({ hasText: /password/i })).toBeVisible();

  // Alice leaves the company: the provider no longer knows her, so the next sign-in does not let her in —
  // whether the provider says so on its own page (it still had her session) or sends her back refused.
  accounts.delete("alice");
  await alice.getByRole("button", { name: "Sign out" }).click();
  await alice.goto(`${app.url}/sign-in`);
  await alice.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(alice.getByText(/something went wrong|did not sign you in/).first()).toBeVisible({ timeout: 30_000 });
  await alice.goto(`${app.url}/`);
  await expect(alice).toHaveURL(/\/sign-in/);
});
