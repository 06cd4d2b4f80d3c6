import { expect, test, type Browser, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";

test("an owner invites by link; the invitee signs up through it and joins as viewer", async ({ page, browser }) => {
  const owner = newUser("inviter");
  await signUp(page, owner);
  const teamName = `${owner.name}'s team`;
  await page.getByRole("link", { name: "Team" }).click();

  const invitee = newUser("invitee");
  await page.getByLabel("Email").fill("not an email");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();

  await page.getByLabel("Email").fill(invitee.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/^http:\/\/[^/]+\/invite\/[\w-]+$/);
  // The pending invitation is listed with the same full link and a copy button.
  await expect(page.getByTestId("pending-invitations")).toContainText(link);
  await expect(page.getByRole("button", { name: `Copy invitation link ${link}` }).first()).toBeVisible();

  const other = await browser.newContext();
  const guest = await other.newPage();
  await guest.goto(link);
  await expect(guest).toHaveURL(/\/sign-up\?next=/);
  // The signed-out invitee learns what the link is for, and the address is filled in.
  await expect(guest.getByTestId("invitation-note")).toContainText(
    `You've been invited to join ${teamName} as Viewer.`,
  );
  await expect(guest.getByTestId("invitation-note")).toContainText(`Invited by ${owner.name} (${owner.email})`);
  await expect(guest.getByLabel("Email")).toHaveValue(invitee.email);
  await guest.getByLabel("Your name").fill(invitee.name);
  await guest.getByLabel("Password").fill(invitee.password);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest.getByRole("heading", { name: `Join ${teamName}` })).toBeVisible();
  await expect(guest.getByTestId("invitation-note")).toContainText("as Viewer");
  await expect(guest.getByTestId("invitation-note")).toContainText(owner.email);
  await guest.getByRole("button", { name: "Accept invitation" }).click();
  await expect(guest.getByRole("heading", { name: "Deployments" })).toBeVisible();
  await expect(guest.getByRole("combobox", { name: "Switch team" })).toHaveValue(/.+/);
  await expect(guest.getByRole("combobox", { name: "Switch team" }).locator("option:checked")).toHaveText(teamName);

  // As a viewer the invitee can read the team's cloud accounts but not change them.
  await guest.getByRole("link", { name: "Cloud accounts" }).click();
  await expect(guest.getByText("Your role can view cloud accounts but not change them.")).toBeVisible();
  await expect(guest.getByRole("button", { name: "Add cloud account" })).toHaveCount(0);

  // The owner sees the new member with the viewer role.
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role: ${invitee.email}` })).toHaveValue("viewer");
  // Changing a role says so, and it sticks.
  await page.getByRole("combobox", { name: `Role: ${invitee.email}` }).selectOption("operator");
  await expect(page.getByText(`${invitee.email} is now Operator.`)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("combobox", { name: `Role: ${invitee.email}` })).toHaveValue("operator");
  await other.close();
});

async function member(browser: Browser, owner: Page, prefix: string, role: "admin" | "viewer") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const user = newUser(prefix);
  await signUp(page, user);
  await owner.goto("/settings/team");
  await owner.getByLabel("Email").fill(user.email);
  await owner.getByLabel("Role", { exact: true }).selectOption(role);
  await owner.getByRole("button", { name: "Create invitation link" }).click();
  await page.goto(await owner.getByTestId("invite-link").inputValue());
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  return { page, user, close: () => context.close() };
}

test("an admin removes a member and revokes an invitation; a viewer leaves; the owner cannot leave", async ({
  page,
  browser,
}) => {
  const owner = newUser("teamowner");
  await signUp(page, owner);
  const teamName = `${owner.name}'s team`;
  const admin = await member(browser, page, "teamadmin", "admin");
  const removed = await member(browser, page, "removed", "viewer");
  const leaver = await member(browser, page, "leaver", "viewer");

  // The owner is told how to leave instead of being offered a button.
  await page.goto("/settings/team");
  await expect(page.getByTestId("owner-cannot-leave")).toContainText("Transfer ownership");
  await expect(page.getByRole("button", { name: "Leave team" })).toHaveCount(0);

  // The admin removes a viewer, after confirming; the viewer's next request is refused.
  const ad = admin.page;
  await ad.goto("/settings/team");
  await expect(ad.getByRole("button", { name: `Remove ${owner.email}` })).toHaveCount(0);
  await ad.getByRole("button", { name: `Remove ${removed.user.email}` }).click();
  await expect(ad.getByRole("dialog")).toContainText(`Remove ${removed.user.email} from the team?`);
  await ad.getByRole("button", { name: "Remove member" }).click();
  await expect(ad.getByText(`${removed.user.email} was removed from the team.`)).toBeVisible();
  await expect(ad.getByRole("combobox", { name: `Role: ${removed.user.email}` })).toHaveCount(0);
  await removed.page.goto("/settings/team");
  await expect(removed.page.getByRole("heading", { name: `Team: ${teamName}` })).toHaveCount(0);
  await expect(
    removed.page.getByRole("combobox", { name: "Switch team" }).locator("option", { hasText: teamName }),
  ).toHaveCount(0);

  // The admin revokes a pending invitation; its link stops working.
  await ad.getByLabel("Email").fill(`never-${Date.now()}@example.com`);
  await ad.getByRole("button", { name: "Create invitation link" }).click();
  const link = await ad.getByTestId("invite-link").inputValue();
  await ad.getByRole("button", { name: /^Revoke the invitation for never-/ }).click();
  await ad.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(ad.getByTestId("pending-invitations")).toHaveCount(0);
  const stranger = await browser.newContext();
  const guest = await stranger.newPage();
  await guest.goto(link);
  await expect(guest).toHaveURL(/\/sign-up\?next=/);
  await expect(guest.getByRole("heading", { name: "Create your EIPilot account" })).toBeVisible();
  await expect(guest.getByTestId("invitation-note")).toHaveCount(0);
  await stranger.close();

  // A viewer leaves on their own.
  await leaver.page.goto("/settings/team");
  await leaver.page.getByRole("button", { name: "Leave team" }).click();
  await leaver.page.getByRole("dialog").getByRole("button", { name: "Leave team" }).click();
  await expect(leaver.page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await expect(
    leaver.page.getByRole("combobox", { name: "Switch team" }).locator("option", { hasText: teamName }),
  ).toHaveCount(0);

  // All of it is in the owner's audit trail.
  await page.goto("/audit");
  for (const action of ["app:member.remove", "app:member.revokeInvite", "app:member.leave"]) {
    await expect(page.getByTestId("audit-table")).toContainText(action);
  }
  await Promise.all([admin.close(), removed.close(), leaver.close()]);
});
