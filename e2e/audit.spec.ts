// Roles and the audit trail, as three people of one team and one outsider would
// see them: an operator deploys, a viewer reads the (verified) audit trail and
// cannot apply, a member of another team sees none of it. Demo mode (emulator).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { resetEmulator } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";

async function person(browser: Browser, prefix: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const user = newUser(prefix);
  await signUp(page, user);
  return { page, user, close: () => context.close() };
}

async function invite(owner: Page, email: string, role: "operator" | "viewer"): Promise<string> {
  await owner.goto("/settings/team");
  await owner.getByLabel("Email").fill(email);
  await owner.getByLabel("Role", { exact: true }).selectOption(role);
  await owner.getByRole("button", { name: "Create invitation link" }).click();
  return owner.getByTestId("invite-link").inputValue();
}

async function accept(page: Page, link: string) {
  await page.goto(link);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
}

test.beforeEach(async () => {
  await resetEmulator();
});

test("operator deploys; viewer reads and verifies the audit trail but cannot apply; another team sees nothing", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const owner = await person(browser, "owner");
  const teamId = await owner.page.getByRole("combobox", { name: "Switch team" }).inputValue();
  const teamName = `${owner.user.name}'s team`;

  const operator = await person(browser, "operator");
  const viewer = await person(browser, "viewer");
  await accept(operator.page, await invite(owner.page, operator.user.email, "operator"));
  await accept(viewer.page, await invite(owner.page, viewer.user.email, "viewer"));
  await expect(operator.page.getByRole("combobox", { name: "Switch team" })).toHaveValue(teamId);

  // The operator deploys one EIP through quick deploy.
  const op = operator.page;
  await op.goto("/deployments/quick");
  await op.getByLabel("Deployment name").fill(`audited ${Date.now()}`);
  await op.getByLabel("Instance", { exact: true }).selectOption(INSTANCE);
  // Quick deploy starts with the instance's free ENI and the team's three Available EIPs: keep one.
  await expect(op.getByLabel("Available ENI")).toHaveValue("eni-6we1x9demosecond001");
  await expect(op.getByLabel(/203\.0\.113\.21/)).toBeChecked();
  await op.getByLabel(/203\.0\.113\.22/).uncheck();
  await op.getByLabel(/203\.0\.113\.23/).uncheck();
  await op.getByRole("button", { name: "Review the plan" }).click();
  await expect(op.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await op.getByTestId("apply").click();
  await expect(op).toHaveURL(/\/deployments\/(?!quick$|new$)[a-z0-9]+$/);
  const deploymentId = op.url().split("/").pop()!;
  await expect(op.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });

  // The viewer reads the audit trail: the operator's cloud calls, with the deployment.
  const vw = viewer.page;
  await expect(vw.getByRole("combobox", { name: "Switch team" })).toHaveValue(teamId);
  // Who asked: the operator's apply event on this deployment…
  await vw.goto(`/audit?deploymentId=${deploymentId}&action=app:deployment.apply`);
  await expect(vw.getByTestId("audit-table")).toContainText(operator.user.email);
  // …and what the cloud was asked to do for it (the executor's calls).
  await vw.goto(`/audit?deploymentId=${deploymentId}&action=cloud:VPC.AssociateEipAddress`);
  const table = vw.getByTestId("audit-table");
  await expect(table).toContainText("cloud:VPC.AssociateEipAddress");
  await table.locator("tbody tr").first().click();
  const drawer = vw.getByRole("dialog", { name: /^Event #\d+$/ });
  await expect(drawer).toContainText(deploymentId);
  await expect(drawer.getByRole("link", { name: "Open deployment" })).toHaveAttribute(
    "href",
    `/deployments/${deploymentId}`,
  );
  await expect(drawer).toContainText(/"Mode": "NAT"/);
  await drawer.getByRole("button", { name: "Close" }).click();
  // closing hands focus back to the row that opened the drawer
  await expect(drawer).toBeHidden();
  await expect(table.locator("tbody tr").first()).toBeFocused();
  // …and from the keyboard: Enter on the focused row opens it again, Escape closes it
  await vw.keyboard.press("Enter");
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(deploymentId);
  await vw.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(table.locator("tbody tr").first()).toBeFocused();

  // Who touched the EIP's address, from any page in two interactions: type it in the header's box, Enter.
  await vw.goto(`/deployments/${deploymentId}`);
  const search = vw.getByRole("banner").getByRole("searchbox", { name: "Address history" });
  await search.fill("203.0.113.21");
  await search.press("Enter");
  await expect(vw).toHaveURL(/\/audit\/history\?q=203\.0\.113\.21/);
  const history = vw.getByTestId("history-table");
  const associated = history.locator("tbody tr").filter({ hasText: "cloud:VPC.AssociateEipAddress" });
  await expect(associated).toHaveCount(1);
  // The run's call names the operator who pressed Apply, not "system", and carries the cloud's RequestId.
  await expect(associated).toContainText(`${operator.user.email} via run 1`);
  await expect(associated.getByRole("button", { name: /^Copy / })).toHaveCount(1);
  await expect(history).not.toContainText(".Describe");
  await expect(history.getByRole("link", { name: /^audited / }).first()).toHaveAttribute(
    "href",
    `/deployments/${deploymentId}`,
  );
  // Bad input: said plainly, nothing listed.
  await vw.goto("/audit/history?q=not-an-ip");
  await expect(vw.locator("main").getByRole("alert")).toContainText("is not an address EIPilot records");

  // The list shows changes by default; the reads (Describe*) behind a toggle. Times are written out.
  await vw.goto("/audit?action=cloud:*");
  await expect(table).toContainText("cloud:VPC.AssociateEipAddress");
  await expect(table).not.toContainText(".Describe");
  await expect(vw.getByTestId("audit-absolute-time").first()).toHaveText(/\d{2}:\d{2}:\d{2} UTC/);
  await vw.getByLabel("Show reads (Describe… calls)").check();
  await vw.getByRole("button", { name: "Apply filters" }).click();
  await expect(vw).toHaveURL(/kind=all/);
  await expect(table).toContainText(".Describe");

  await vw.goto("/audit");
  await expect(vw.getByTestId("audit-table")).toContainText("app:auth.signIn");
  await vw.getByRole("button", { name: "Verify integrity" }).click();
  await expect(vw.getByTestId("verify-result")).toHaveText(/Chain intact: \d+ events verified/);
  await expect(vw.getByTestId("verify-result")).toContainText(/signed checkpoints? holds?|No signed checkpoint yet/);
  // Fewer than AUDIT_CHECKPOINT_EVERY events since the newest checkpoint: counted, not failed.
  await expect(vw.getByTestId("verify-result")).toContainText(
    /#\d+(–#\d+)?, (is|are) not yet covered by a signed checkpoint/,
  );
  // The signing key's fingerprint, to record elsewhere, and its public keys as PEM.
  await expect(vw.getByTestId("signing-key")).toContainText(/SHA256:[A-Za-z0-9+/]{43}/);
  await expect(vw.getByRole("link", { name: "Download public keys (PEM)" })).toHaveAttribute(
    "href",
    /^data:application\/x-pem-file;charset=utf-8,-----BEGIN%20PUBLIC%20KEY-----/,
  );
  // The verification is on the record, and the list shows it without a reload.
  await expect(vw.getByTestId("audit-table").locator("tbody tr").first()).toContainText("app:audit.verify");

  const csv = await vw.request.get(`/api/audit/export?format=csv&teamId=${teamId}&deploymentId=${deploymentId}`);
  expect(csv.status()).toBe(200);
  const csvText = await csv.text();
  expect(csvText.split("\r\n")[0]).toMatch(/^id,seq,at,actorType/);
  expect(csvText).toContain("cloud:VPC.AssociateEipAddress");
  expect(csvText).not.toMatch(/demo-secret|accessKeySecret":"[^[]/i);

  // …but cannot apply: no teardown on the deployment, and the server refuses the plan/apply actions.
  await vw.goto(`/deployments/${deploymentId}`);
  await expect(vw.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded");
  await expect(vw.getByRole("button", { name: "Tear down" })).toHaveCount(0);
  // The form offers no way to apply (the server refusing the same actions for a viewer is
  // proven for every action in lib/auth/authorization.test.ts).
  await vw.goto("/deployments/quick");
  await expect(vw.getByRole("button", { name: "Review the plan" })).toBeDisabled();
  await expect(vw.getByTestId("apply")).toHaveCount(0);

  // A member of another team sees none of it.
  const outsider = await person(browser, "outsider");
  const out = outsider.page;
  await out.goto("/audit");
  await expect(out.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  const body = await out.locator("main").textContent();
  expect(body).not.toContain(operator.user.email);
  expect(body).not.toContain("cloud:VPC.AssociateEipAddress");
  await out.goto(`/audit?deploymentId=${deploymentId}`);
  await expect(out.getByText("No events match these filters.")).toBeVisible();
  expect((await out.request.get(`/api/audit/events?teamId=${teamId}`)).status()).toBe(404);
  expect((await out.request.get(`/api/audit/export?format=ndjson&teamId=${teamId}`)).status()).toBe(404);
  expect((await out.request.get(`/api/deployments/${deploymentId}/progress?teamId=${teamId}`)).status()).toBe(404);
  const resp = await out.goto(`/deployments/${deploymentId}`);
  expect(resp?.status()).toBe(404);
  // The 404 says what may have happened and leads back, in the app's own look.
  await expect(out.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(out.getByTestId("status-page")).not.toContainText(deploymentId);
  await out.getByRole("link", { name: "Go to deployments" }).click();
  await expect(out.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await expect(out.getByRole("combobox", { name: "Switch team" })).not.toContainText(teamName);
  await expect(out.locator("main")).not.toContainText(deploymentId);

  await Promise.all([owner.close(), operator.close(), viewer.close(), outsider.close()]);
});

test("configs: import, diff, exports, share link shown to the public, then revoked", async ({ browser }) => {
  const owner = await person(browser, "cfg");
  const page = owner.page;
  const spec = {
    configSpecVersion: 1,
    regionId: "ap-northeast-1",
    instance: { mode: "existing" },
    eni: { mode: "create" },
    privateIps: { mode: "count", count: 2 },
    eips: [{ source: "allocate" }, { source: "allocate" }],
    os: "alinux2",
  };
  const name = `<script>window.__pwned=1</script> web ${Date.now()}`;
  const file = {
    schemaVersion: 1,
    kind: "eipilot.configs",
    configs: [
      {
        name,
        description: "two EIPs",
        tags: ["web"],
        revisions: [
          { revision: 1, spec },
          { revision: 2, spec: { ...spec, privateIps: { mode: "count", count: 3 } } },
        ],
      },
    ],
  };
  await page.goto("/configs");
  await page.getByLabel("File").setInputFiles({
    name: "bad.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ ...file, schemaVersion: 9 })),
  });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-problems")).toContainText("schemaVersion: 9 is not supported");
  // Too large: the file's real size, not that of the part a browser would send.
  await page
    .getByLabel("File")
    .setInputFiles({ name: "big.json", mimeType: "application/json", buffer: Buffer.alloc(300_000, " ") });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-problems")).toContainText(
    "file: 300,000 bytes is larger than the 262,144 byte limit",
  );
  await page
    .getByLabel("File")
    .setInputFiles({ name: "good.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await page.getByRole("button", { name: "Import" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByTestId("config-name")).toHaveText(name);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.getByTestId("config-diff")).toContainText("privateIps.count");
  await expect(page.getByRole("link", { name: "Start a new deployment from this config" })).toHaveAttribute(
    "href",
    /\/deployments\/new\?config=.+&revision=2/,
  );
  const tf = await page.request.get((await page.getByRole("link", { name: "Terraform" }).getAttribute("href"))!);
  expect(await tf.text()).toContain('instance_type      = "NetworkInterface"');

  await page.getByRole("button", { name: "Create link" }).click();
  const shareUrl = await page.getByTestId("share-links").getByRole("textbox").first().inputValue();
  const stranger = await browser.newContext();
  const sp = await stranger.newPage();
  expect((await sp.goto(shareUrl))?.status()).toBe(200);
  await expect(sp.getByTestId("config-name")).toHaveText(name);
  await expect(sp.getByTestId("spec-summary")).toContainText("ap-northeast-1");
  // Revoking asks first: Cancel leaves the link working.
  await page.getByRole("button", { name: "Revoke" }).click();
  const revoke = page.getByRole("dialog", { name: "Revoke this share link?" });
  await revoke.getByRole("button", { name: "Cancel" }).click();
  await expect(revoke).toBeHidden();
  expect((await sp.reload())?.status()).toBe(200);
  await page.getByRole("button", { name: "Revoke" }).click();
  await revoke.getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByText("Share link revoked.")).toBeVisible();
  await expect(page.getByTestId("share-links")).toContainText("Revoked");
  // refused links answer 404 (crawlers and scripts see it too), with the friendly page
  expect((await sp.reload())?.status()).toBe(404);
  await expect(sp.getByTestId("share-refused")).toHaveText("This share link was revoked by the team that shared it.");
  // A forged signature (a character in the middle of the MAC changed) is refused as invalid.
  const at = shareUrl.length - 10;
  expect(
    (await sp.goto(shareUrl.slice(0, at) + (shareUrl[at] === "A" ? "B" : "A") + shareUrl.slice(at + 1)))?.status(),
  ).toBe(404);
  await expect(sp.getByTestId("share-refused")).toContainText("not valid");
  await stranger.close();
  await owner.close();
});

test("owner transfers ownership; the new owner deletes the team only after typing its name", async ({ browser }) => {
  const owner = await person(browser, "firstowner");
  const next = await person(browser, "nextowner");
  const teamName = `${owner.user.name}'s team`;
  const link = await (async () => {
    await owner.page.goto("/settings/team");
    await owner.page.getByLabel("Email").fill(next.user.email);
    await owner.page.getByLabel("Role", { exact: true }).selectOption("admin");
    await owner.page.getByRole("button", { name: "Create invitation link" }).click();
    return owner.page.getByTestId("invite-link").inputValue();
  })();
  await accept(next.page, link);
  await next.page.goto("/settings/team");
  await expect(next.page.getByRole("heading", { name: "Owner only" })).toHaveCount(0);

  await owner.page.reload();
  await owner.page.getByLabel("New owner").selectOption({ label: next.user.email });
  // Irreversible for the owner: the first click only asks, and Cancel changes nothing.
  await owner.page.getByRole("button", { name: "Transfer ownership" }).click();
  const ask = owner.page.getByRole("dialog", { name: `Make ${next.user.email} the owner?` });
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(ask).toBeHidden();
  await owner.page.reload();
  await expect(owner.page.getByRole("heading", { name: "Owner only" })).toBeVisible();
  await owner.page.getByLabel("New owner").selectOption({ label: next.user.email });
  await owner.page.getByRole("button", { name: "Transfer ownership" }).click();
  await ask.getByRole("button", { name: "Transfer ownership" }).click();
  await expect(owner.page.getByRole("heading", { name: "Owner only" })).toHaveCount(0);

  await next.page.reload();
  const del = next.page.getByRole("button", { name: "Delete team" });
  await expect(del).toBeDisabled();
  await next.page.getByLabel("Team name").fill(teamName);
  await del.click();
  await expect(next.page.getByRole("heading", { name: "Deployments", exact: true })).toBeVisible();
  await expect(next.page.getByText(`Team ${teamName} deleted.`)).toBeVisible();
  await expect(next.page.getByRole("combobox", { name: "Switch team" })).not.toContainText(teamName);
  await Promise.all([owner.close(), next.close()]);
});

test("removing a cloud account asks first and says it is done", async ({ browser }) => {
  const owner = await person(browser, "accounts");
  const page = owner.page;
  await page.goto("/settings/cloud-accounts");
  await page.getByLabel("Name").fill("staging keys");
  // The demo account's card has copy buttons named after its pair too: the form's fields by role.
  await page.getByRole("textbox", { name: "AccessKey ID", exact: true }).fill("LTAI5tStagingKey00001");
  await page.getByLabel("AccessKey secret", { exact: true }).fill("staging-secret-value-0001");
  await page.getByRole("button", { name: "Add cloud account" }).click();
  const account = page.getByTestId("cloud-account").filter({ hasText: "staging keys" });
  await expect(account).toBeVisible();
  await account.getByRole("button", { name: "Remove staging keys" }).click();
  const ask = page.getByRole("dialog", { name: "Remove the cloud account staging keys?" });
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(ask).toBeHidden();
  await page.reload();
  await expect(account).toBeVisible();
  await account.getByRole("button", { name: "Remove staging keys" }).click();
  await ask.getByRole("button", { name: "Remove account" }).click();
  await expect(page.getByText("Cloud account staging keys removed.")).toBeVisible();
  await expect(account).toHaveCount(0);
  await owner.close();
});

test("on a phone (390 px) the team page and a config's page do not scroll sideways", async ({ browser }) => {
  const owner = await person(browser, "phone");
  const member = await person(browser, "phonemember");
  await accept(member.page, await invite(owner.page, member.user.email, "operator"));
  const page = owner.page;
  const spec = {
    configSpecVersion: 1,
    regionId: "ap-northeast-1",
    instance: { mode: "existing" },
    eni: { mode: "existing" },
    privateIps: { mode: "count", count: 2 },
    eips: [{ source: "allocate" }],
    os: "alinux2",
  };
  const revised = {
    ...spec,
    instance: { mode: "create", zoneId: "ap-northeast-1a", instanceType: "ecs.g7.large" },
    privateIps: { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78"] },
  };
  const name = `phone ${Date.now()}`;
  const file = {
    schemaVersion: 1,
    kind: "eipilot.configs",
    configs: [
      {
        name,
        revisions: [
          { revision: 1, spec },
          { revision: 2, spec: revised },
        ],
      },
    ],
  };
  await page.goto("/configs");
  await page
    .getByLabel("File")
    .setInputFiles({ name: "phone.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await page.getByRole("button", { name: "Import" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByTestId("config-diff")).toContainText("instance.systemDiskCategory");
  const configUrl = page.url();

  await page.setViewportSize({ width: 390, height: 844 });
  const sideways = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.goto("/settings/team");
  await expect(page.getByRole("combobox", { name: `Role: ${member.user.email}` })).toBeVisible();
  expect(await sideways()).toBe(0);
  await page.goto(configUrl);
  await expect(page.getByTestId("config-diff")).toBeVisible();
  expect(await sideways()).toBe(0);
  await Promise.all([owner.close(), member.close()]);
});
