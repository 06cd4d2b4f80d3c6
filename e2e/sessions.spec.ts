import { expect, test, type Browser } from "@playwright/test";
import { newUser, signIn, signUp } from "./fixtures/users";

/** A second browser signed in as `user`. */
async function elsewhere(browser: Browser, user: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  return { context, page };
}

test("you see where you are signed in, and sign one session or all others out", async ({ page, browser }) => {
  const user = newUser("sessions");
  await signUp(page, user);
  const laptop = await elsewhere(browser, user);
  const phone = await elsewhere(browser, user);

  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
  await expect(page.getByTestId("session-current")).toContainText("This device");
  await expect(page.getByTestId("session")).toHaveCount(2);

  // One of the others: it is signed out at its next request, the rest go on.
  await page
    .getByTestId("session")
    .first()
    .getByRole("button", { name: /^Sign out the session on/ })
    .click();
  await expect(page.getByText("Session signed out.")).toBeVisible();
  await expect(page.getByTestId("session")).toHaveCount(1);
  const [laptopOut, phoneOut] = await Promise.all(
    [laptop.page, phone.page].map(async (p) => {
      await p.goto("/");
      return /\/sign-in/.test(p.url());
    }),
  );
  expect([laptopOut, phoneOut].sort()).toEqual([false, true]);

  // All others, after a confirmation.
  await page.getByRole("button", { name: "Sign out all other sessions" }).click();
  await expect(page.getByRole("dialog")).toContainText("1 other session ends at their next request.");
  await page.getByRole("button", { name: "Sign them out" }).click();
  await expect(page.getByText("1 session signed out.")).toBeVisible();
  for (const p of [laptop.page, phone.page]) {
    await p.goto("/");
    await expect(p).toHaveURL(/\/sign-in/);
  }
  // This device stays signed in, and the trail has both sign-outs.
  await page.goto("/audit");
  await expect(page.getByTestId("audit-table")).toContainText("app:session.revokeOthers");
  await expect(page.getByTestId("audit-table")).toContainText("app:session.revoke");
  await laptop.context.close();
  await phone.context.close();
});

test("the owner signs a member out everywhere; the member stays in the team", async ({ page, browser }) => {
  const owner = newUser("owner");
  await signUp(page, owner);
  await page.getByRole("link", { name: "Team" }).click();
  const member = newUser("member");
  await page.getByLabel("Email").fill(member.email);
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();

  const other = await browser.newContext();
  const guest = await other.newPage();
  await guest.goto(link);
  await guest.getByLabel("Your name").fill(member.name);
  await guest.getByLabel("Password").fill(member.password);
  await guest.getByRole("button", { name: "Create account" }).click();
  await guest.getByRole("button", { name: "Accept invitation" }).click();
  await expect(guest.getByRole("heading", { name: "Deployments" })).toBeVisible();

  await page.reload();
  await page.getByRole("button", { name: `Sign out ${member.email} everywhere` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByText(`${member.email}: 1 session signed out.`)).toBeVisible();
  await guest.goto("/");
  await expect(guest).toHaveURL(/\/sign-in/);
  // Still a member: signing in again lands in the team.
  await signIn(guest, member);
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role: ${member.email}` })).toHaveValue("operator");
  await page.goto("/audit");
  await expect(page.getByTestId("audit-table")).toContainText("app:member.revokeSessions");
  await other.close();
});
