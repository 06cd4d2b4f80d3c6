// The client's address comes from the socket: a forged X-Forwarded-For neither
// escapes the sign-in rate limit nor lands in sessions and the audit trail, and
// a request id the client sends is never the one the server uses.
import { expect, test } from "@playwright/test";
import { startOwnServer, type OwnServer } from "./fixtures/own-server";

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startOwnServer({ AUTH_SIGNIN_LIMIT: "3" });
});
test.afterAll(() => server?.stop());

const signIn = (xff: string) =>
  fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, "x-forwarded-for": xff },
    body: JSON.stringify({ email: "nobody@example.com", password: "wrong-password-123" }),
  });

test("a different X-Forwarded-For on each attempt does not escape the sign-in rate limit", async () => {
  const statuses: number[] = [];
  for (let i = 1; i <= 6; i++) statuses.push((await signIn(`198.51.100.${i}`)).status);
  expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
  expect(statuses.slice(3)).toEqual([429, 429, 429]);
});

test("the server answers with a request id of its own, whatever the client sent", async () => {
  const res = await fetch(`${server.url}/api/health`, { headers: { "x-request-id": "chosen-by-the-client-0001" } });
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(id).not.toBe("chosen-by-the-client-0001");
});

test("sessions and the audit trail record the socket's address, not the forged one", async ({ page }) => {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.66" });
  const id = `${Date.now().toString(36)}`;
  await page.goto(`${server.url}/sign-up`);
  await page.getByLabel("Your name").fill(`xff ${id}`);
  await page.getByLabel("Email").fill(`xff-${id}@example.com`);
  await page.getByLabel("Password").fill(`Correct-Horse-${id}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await page.goto(`${server.url}/audit`);
  const table = page.getByTestId("audit-table");
  await table.locator("tbody tr").filter({ hasText: "app:auth.signIn" }).first().click();
  const drawer = page.getByRole("dialog", { name: /^Event #\d+$/ });
  await expect(drawer).toContainText("127.0.0.1");
  await expect(drawer).not.toContainText("203.0.113.66");
});
