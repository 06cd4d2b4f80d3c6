import { expect, test } from "@playwright/test";
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
  expect(link).toMatch(/\/invite\/[\w-]+$/);

  const other = await browser.newContext();
  const guest = await other.newPage();
  await guest.goto(link);
  await expect(guest).toHaveURL(/\/sign-up\?next=/);
  await guest.getByLabel("Your name").fill(invitee.name);
  await guest.getByLabel("Email").fill(invitee.email);
  await guest.getByLabel("Password").fill(invitee.password);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest.getByRole("heading", { name: `Join ${teamName}` })).toBeVisible();
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
  await other.close();
});
