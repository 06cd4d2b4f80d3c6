// The wizard, quick deploy and the deployment page, as a new user would use them,
// against the emulator started by `npm start` in demo mode.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, resetEmulator, teamWorld, teamWorldAccess } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";
const INSTANCE2 = "i-6we1x9demoweb000002";
const ENI = "eni-6we1x9demosecond001";
const FREE_EIPS = ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"];
const ARTIFACTS = path.join(import.meta.dirname, "artifacts");
fs.mkdirSync(ARTIFACTS, { recursive: true });

/**
 * What "the start" means for teardown: every ENI, EIP and instance with its status and bindings,
 * in the team's own world (`key`), or in the built-in one — seeded alike — before the team exists.
 */
async function world(key?: string) {
  const s = (await emulatorAdmin("GET", "state", undefined, key)) as {
    enis: Record<string, { status: string; instanceId: string; secondaryIps: string[] }>;
    eips: Record<string, { status: string; binding: unknown }>;
    instances: Record<string, { status: string }>;
  };
  return {
    enis: Object.fromEntries(
      Object.entries(s.enis).map(([k, v]) => [
        k,
        { status: v.status, instanceId: v.instanceId, secondaryIps: [...v.secondaryIps].sort() },
      ]),
    ),
    eips: Object.fromEntries(Object.entries(s.eips).map(([k, v]) => [k, { status: v.status, binding: v.binding }])),
    instances: Object.fromEntries(Object.entries(s.instances).map(([k, v]) => [k, v.status])),
  };
}
async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
async function axe(page: Page, what: string, only?: string) {
  // The guest panel (agent status) belongs to lib/guest's UI and is checked by its own spec.
  const builder = new AxeBuilder({ page }).exclude('[data-testid="agent-status"]');
  const r = await (only ? builder.include(only) : builder).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map(
      (v) =>
        `${what}: ${v.id} (${v.impact}) ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(" | ")}`,
    ),
  ).toEqual([]);
}
async function next(page: Page) {
  await page.getByRole("button", { name: "Next", exact: true }).click();
}

test.beforeEach(async () => {
  await resetEmulator();
});

test("wizard: three EIPs → apply → every step succeeds → results per EIP → bundle downloads → teardown restores the start", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const start = await world();
  await signUp(page, newUser("wizard"));
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await axe(page, "dashboard (empty)");
  await page.getByRole("link", { name: "Give an instance several public IPs" }).click();

  // 1. instance
  await expect(page.getByRole("heading", { name: "Cloud account, region and instance" })).toBeVisible();
  await expect(page.getByTestId("cloud-effect")).toContainText("DescribeInstances");
  await expect(page.locator("#regionId option:checked")).toContainText("Japan (Tokyo)");
  await page.getByLabel("Search by name, id, type, zone, IP").fill("web-1");
  await page.locator(`#inst-${INSTANCE}`).check();
  // The default name says what the choices make (never "1 EIPs" from a placeholder row) and follows them.
  await expect(page.getByLabel("Deployment name")).toHaveValue(/^demo-web-1 · (no EIPs|1 EIP|\d+ EIPs)$/);
  await page.getByLabel("Search by name, id, type, zone, IP").fill("web-2");
  await page.locator(`#inst-${INSTANCE2}`).check();
  await expect(page.getByLabel("Deployment name")).toHaveValue(/^demo-web-2 · /);
  await page.getByLabel("Search by name, id, type, zone, IP").fill("web-1");
  await page.locator(`#inst-${INSTANCE}`).check();
  await expect(page.getByLabel("Deployment name")).toHaveValue(/^demo-web-1 · /);
  await page.getByLabel("Deployment name").fill(`web-1 three EIPs ${Date.now()}`);
  await shot(page, "wizard-1-instance");
  await axe(page, "wizard step 1");
  await next(page);

  // 2. ENI
  await expect(page.getByTestId("quota-note")).toContainText("ecs.g7.large allows 3 ENIs");
  // The zone's only Available ENI is preselected.
  await expect(page.locator(`#eni-${ENI}`)).toBeChecked();
  await shot(page, "wizard-2-eni");
  await next(page);
  await expect(page).toHaveURL(/draft=/);

  // 3. private IPs (count 2 + the ENI primary = 3 slots)
  await expect(page.getByTestId("cidr-note")).toContainText("172.16.0.0/24");
  await expect(
    page.getByText("0 to 5: ecs.g7.large allows 6 private IPs per ENI, its primary IP included."),
  ).toBeVisible();
  await page.getByLabel("Number of secondary private IPs").fill("2");
  await shot(page, "wizard-3-ips");
  await next(page);

  // 4. guest OS
  await expect(page.getByLabel("OS family")).toBeVisible();
  await expect(page.getByTestId("bundle-viewer")).toBeVisible();
  await expect(page.getByRole("button", { name: "apply.sh", exact: true })).toBeVisible();
  await shot(page, "wizard-4-os");
  await next(page);

  // 5. EIPs
  await expect(page.getByTestId("fee-notice")).toContainText("configuration");
  // one EIP per private IP from the start (2 secondaries + the ENI primary): the team's Available EIPs
  // first, before any new pay-as-you-go one is allocated
  await expect(page.getByTestId("eip-row")).toHaveCount(3);
  for (const [i, id] of FREE_EIPS.entries())
    await expect(page.getByLabel(`EIP ${i + 1}`, { exact: true })).toHaveValue(id);
  await page.getByLabel("EIP 1", { exact: true }).selectOption(FREE_EIPS[0]!);
  await page.getByLabel("EIP 2", { exact: true }).selectOption(FREE_EIPS[1]!);
  await page.getByLabel("EIP 3", { exact: true }).selectOption(FREE_EIPS[2]!);
  // removing one leaves an address without an EIP: a warning, not an error
  await page.getByRole("button", { name: "Remove EIP 3" }).click();
  await expect(page.getByTestId("eip-warning")).toContainText("1 private IP has no EIP");
  await expect(page.getByTestId("summary-issues")).not.toContainText("No problems found");
  await page.getByRole("button", { name: "Add an EIP" }).click();
  await page.getByLabel("EIP 3", { exact: true }).selectOption(FREE_EIPS[2]!);
  await expect(page.getByTestId("eip-warning")).toHaveCount(0);
  await shot(page, "wizard-5-eips");
  await next(page);

  // 6. routes
  await expect(page.getByLabel("Inbound and outbound (policy routes)")).toBeChecked();
  await shot(page, "wizard-6-routes");
  await next(page);

  // 7. review
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await expect(page.getByTestId("plan-calls")).toContainText("AttachNetworkInterface");
  await expect(page.getByTestId("plan-calls")).toContainText("AssociateEipAddress");
  await shot(page, "wizard-7-review");
  await axe(page, "wizard review");
  // Opened again on its review step (a reload, a link from a teammate): the pre-flight runs by itself.
  await page.reload();
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await expect(page.getByTestId("apply")).toBeEnabled();
  await page.getByTestId("apply").click();

  // live progress → succeeded
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  const id = page.url().split("/").pop()!;
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const statuses = await page.getByTestId("step").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
  expect(statuses.length).toBeGreaterThanOrEqual(5);
  expect(statuses.every((s) => s === "succeeded" || s === "noop")).toBe(true);
  await expect(page.getByTestId("topology-eip")).toHaveCount(3);

  // results per EIP: the cloud check passes for each
  await expect(page.getByTestId("eip-result")).toHaveCount(3);
  await expect(page.locator('[data-check="pass"]')).toHaveCount(3, { timeout: 15_000 });
  await shot(page, "deployment-succeeded");
  await axe(page, "deployment page");

  // bundle: the archive and one file
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-archive").click()]);
  expect(download.suggestedFilename()).toMatch(/^eipilot-.*-v1\.tar$/);
  const teamId = await page.getByRole("combobox", { name: "Switch team" }).inputValue();
  // Bundle and progress routes name the team; without it they refuse (no fallback to the active team).
  expect((await page.request.get(`/api/deployments/${id}/progress`)).status()).toBe(400);
  const apply = await page.request.get(`/api/deployments/${id}/bundle?file=apply.sh&teamId=${teamId}`);
  expect(apply.status()).toBe(200);
  expect(await apply.text()).toMatch(/^#!/);
  expect((await page.request.get(`/api/deployments/${id}/progress?teamId=${teamId}`)).status()).toBe(200);
  // A version that is not a positive whole number is bad input (it answered 500 for 1e999), not a server error.
  for (const version of ["1e999", "0", "-1", "1.5", "x"]) {
    const bad = await page.request.get(`/api/deployments/${id}/bundle?teamId=${teamId}&version=${version}`);
    expect(bad.status(), `version=${version}`).toBe(400);
  }
  const v99 = await page.request.get(`/api/deployments/${id}/bundle?teamId=${teamId}&version=99`);
  expect(v99.status()).toBe(404);
  expect((await v99.json()).error).toBe("This deployment has no bundle version 99.");
  // An id that is no deployment of the team is said to be that, not "no bundle yet".
  const unknown = await page.request.get(`/api/deployments/nosuchdeployment/bundle?teamId=${teamId}`);
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error).toBe("Deployment not found.");

  // drift: in sync
  await page.getByRole("button", { name: "Refresh (drift)" }).click();
  await expect(page.getByTestId("drift")).toContainText("In sync");

  // teardown behind a typed confirmation, in a labelled modal dialog: focus starts in the
  // name field, Tab and Shift+Tab stay inside, Escape closes it and focus returns to the trigger
  const trigger = page.getByRole("button", { name: "Tear down" });
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: "Tear down this deployment?" });
  await expect(dialog.getByRole("textbox")).toBeFocused();
  // EIPilot did not apply the guest configuration here: the dialog says to run rollback.sh by hand, and offers it.
  await expect(dialog.getByTestId("teardown-guest")).toHaveAttribute("data-guest", "manual");
  await expect(dialog.getByRole("link", { name: "Show rollback.sh" })).toHaveAttribute(
    "href",
    new RegExp(`/api/deployments/${id}/bundle\\?teamId=${teamId}&version=1&file=rollback\\.sh$`),
  );
  await axe(page, "teardown dialog", '[role="dialog"]');
  const focusInDialog = () => dialog.evaluate((el) => el.contains(document.activeElement));
  for (const key of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    expect(await focusInDialog(), `focus after ${key}`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  await trigger.click();
  await expect(dialog.getByRole("button", { name: "Tear down" })).toBeDisabled();
  const name = (await page.locator("h1").textContent())!;
  // The name can be copied from the dialog, and a pasted one with stray whitespace still counts.
  await expect(dialog.getByRole("button", { name: `Copy ${name}` })).toBeVisible();
  await dialog.getByRole("textbox").fill(`${name}x`);
  await expect(dialog.getByRole("button", { name: "Tear down" })).toBeDisabled();
  await dialog.getByRole("textbox").fill(`  ${name}\n`);
  await dialog.getByRole("button", { name: "Tear down" }).click();
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "torn_down", { timeout: 60_000 });
  // Results per EIP follow: the existing EIPs are unassociated again, nothing is left to check.
  await expect(page.locator('[data-association="unassociated"]')).toHaveCount(3);
  await expect(page.locator('[data-check="pass"]')).toHaveCount(0);
  await expect(page.locator('[data-check="not_applicable"]')).toHaveCount(3);
  await shot(page, "deployment-torn-down");
  await emulatorAdmin("POST", "settle");
  expect(await world(await teamWorld(page))).toEqual(start);

  // dashboard lists it with status word, instance and who
  await page.goto("/");
  const row = page.getByTestId("deployment-row").filter({ hasText: name });
  await expect(row).toContainText("Torn down");
  await expect(row).toContainText(INSTANCE);
  await axe(page, "dashboard");
});

test("bad input on every step shows the specific message and blocks Apply", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, newUser("badinput"));
  // An EIP in another region (cn-hangzhou), allocated behind EIPilot's back with the team's own demo pair.
  const { vpcClient, $Vpc } = await import("../emulator/sdk");
  const far = await vpcClient({ ...(await teamWorldAccess(page)), regionId: "cn-hangzhou" }).allocateEipAddress(
    new $Vpc.AllocateEipAddressRequest({ regionId: "cn-hangzhou", bandwidth: "5" }),
  );
  const farId = far.body!.allocationId!;
  await page.goto("/deployments/new");
  // 1. nothing is flagged before the user does something; Next with no instance stays on step 1 and says why
  await expect(page.getByTestId("step-issues")).toHaveCount(0);
  await page.getByLabel("Deployment name").fill("");
  await next(page);
  await expect(page.getByRole("heading", { name: "Cloud account, region and instance" })).toBeVisible();
  await expect(page.getByTestId("step-issues")).toContainText("Choose the instance that gets the public IPs.");
  await expect(page.getByTestId("step-issues")).toContainText("Give the deployment a name.");
  await page.locator(`#inst-${INSTANCE}`).check();
  await next(page);

  // 2. an ENI in the wrong zone (a new ENI in zone b for an instance in zone a)
  await page.getByLabel("Create a new ENI").check();
  await page.getByLabel("vSwitch").selectOption("vsw-6we1x9demotokyob01");
  await expect(page.getByTestId("step-issues")).toContainText(
    "is in zone ap-northeast-1b but the instance is in ap-northeast-1a",
  );
  await shot(page, "bad-2-wrong-zone");
  await page.getByLabel("Use an Available ENI").check();
  await page.locator(`#eni-${ENI}`).check();
  await next(page);

  // 3. outside the CIDR, a duplicate (Next stays on the step, the preview never shows the generator's text), then too many for the quota
  await page.getByLabel("List the addresses").check();
  await page.locator("#ipAddresses").fill("10.0.0.5\n172.16.0.70");
  await expect(page.getByTestId("step-issues")).toContainText("10.0.0.5 is outside the vSwitch CIDR 172.16.0.0/24.");
  await shot(page, "bad-3-outside-cidr");
  await page.locator("#ipAddresses").fill("172.16.0.70\n172.16.0.70");
  await next(page);
  await expect(page.getByRole("heading", { name: "Secondary private IPs" })).toBeVisible();
  await expect(page.getByTestId("step-issues")).toContainText("172.16.0.70");
  await expect(page.locator("#ipAddresses")).toBeFocused();
  await page.getByRole("button", { name: /Guest OS/ }).click();
  await expect(page.getByRole("heading", { name: "Secondary private IPs" })).toBeVisible();
  await expect(page.getByText("invalid routes spec")).toHaveCount(0);
  await page.getByLabel("Let the cloud pick idle addresses").check();
  await page.getByLabel("Number of secondary private IPs").fill("9");
  await expect(page.getByTestId("step-issues")).toContainText(
    "Too many addresses: ecs.g7.large allows 6 private IPs per ENI and this needs 10.",
  );
  await shot(page, "bad-3-quota");
  await page.getByLabel("Number of secondary private IPs").fill("2");
  await next(page);
  await next(page);

  // 5. an EIP from another region
  await page.getByLabel("EIP 1", { exact: true }).selectOption("__id");
  await page.getByLabel("Allocation ID").fill(farId);
  await page.getByLabel("Allocation ID").blur();
  await expect(page.getByTestId("step-issues")).toContainText(`${farId} is in cn-hangzhou, not ap-northeast-1`);
  await shot(page, "bad-5-eip-region");
  // Next and the stepper's Review both stay on the step with the problem
  await next(page);
  await page.getByRole("button", { name: /Review/ }).click();
  await expect(page.getByRole("heading", { name: "Elastic IP addresses" })).toBeVisible();
  await expect(page).toHaveURL(/step=eips/);
  await axe(page, "wizard step with errors");
  // errors never lose what the user typed: once the status says so, the draft resumes on the same step with the same input
  await expect(page.getByTestId("draft-status")).toContainText("Draft saved");
  const url = page.url();
  expect(url).toMatch(/draft=/);
  await page.goto(url);
  await expect(page.getByRole("heading", { name: "Elastic IP addresses" })).toBeVisible();
  await expect(page.getByLabel("EIP 1", { exact: true })).toHaveValue(farId);
  await expect(page.getByTestId("step-issues")).toContainText(farId);
});

test("quick deploy in Japanese: new ENI, two existing EIPs and one new → applied → torn down", async ({
  page,
  context,
}) => {
  test.setTimeout(150_000);
  const start = await world();
  await signUp(page, newUser("quick"));
  await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: page.url() }]);
  await page.goto("/deployments/quick");
  await expect(page.getByRole("heading", { name: "クイックデプロイ" })).toBeVisible();
  await page.getByLabel("デプロイ名").fill(`クイック ${Date.now()}`);
  await page.getByLabel("インスタンス", { exact: true }).selectOption(INSTANCE2);
  // The instance's zone has one free ENI, so it is preselected: this deployment asks for a new one instead.
  await expect(page.locator('input[name="q-eni"][value="existing"]')).toBeChecked();
  await page.locator('input[name="q-eni"][value="create"]').check();
  await page.getByLabel("vSwitch", { exact: true }).selectOption("vsw-6we1x9demotokyoa01");
  await page.getByLabel("セカンダリプライベート IP の数").fill("2");
  // The team's three Available EIPs start ticked; two of them and a new one.
  await expect(page.getByLabel(/203\.0\.113\.23/)).toBeChecked();
  await page.getByLabel(/203\.0\.113\.23/).uncheck();
  await page.getByLabel("新しく確保する従量課金 EIP の数").fill("1");
  await shot(page, "quick-ja-form");
  await axe(page, "quick deploy (ja)");
  await page.getByRole("button", { name: "プランを確認" }).click();
  await expect(page.getByTestId("preflight-status")).toHaveText(/プリフライトに合格しました/, { timeout: 30_000 });
  await expect(page.getByTestId("plan-calls")).toContainText("CreateNetworkInterface");
  await expect(page.getByTestId("plan-calls")).not.toContainText("を 0 個割り当て");
  await expect(page.getByTestId("quick-review").getByTestId("cloud-effect")).toContainText(
    "クラウドで行われること: 「適用」を押すまで何も変更されません",
  );
  await expect(page.getByTestId("plan-calls")).toContainText("AllocateEipAddress");
  await shot(page, "quick-ja-review");
  await page.getByTestId("apply").click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.locator("h1 + [data-status]")).toHaveText(/成功/);
  // the steps name the real ENI, addresses and EIPs once they are known, not the plan's placeholders
  await expect(page.getByTestId("steps")).not.toContainText("<new ENI>");
  await expect(page.getByTestId("steps")).not.toContainText("<new secondary IP");
  await expect(page.getByTestId("steps")).not.toContainText("<new EIP");
  // (on a Japanese page the plan's placeholders are Japanese: <新しい ENI>, <新しいセカンダリ IP #1>, <新しい EIP #1>)
  await expect(page.getByTestId("steps")).not.toContainText("<新しい");
  await expect(page.getByTestId("eip-result")).toHaveCount(3);
  await expect(page.locator('[data-check="pass"]')).toHaveCount(3, { timeout: 15_000 });
  await shot(page, "quick-ja-succeeded");
  await axe(page, "deployment page (ja)");
  await page.getByRole("button", { name: "削除（元に戻す）" }).click();
  const name = (await page.locator("h1").textContent())!;
  await page.getByRole("dialog").getByRole("textbox").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "削除する" }).click();
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "torn_down", { timeout: 60_000 });
  await emulatorAdmin("POST", "settle");
  expect(await world(await teamWorld(page))).toEqual(start);
});

test("with emulator faults injected the run still ends green and shows the retries", async ({ page }) => {
  test.setTimeout(150_000);
  await signUp(page, newUser("faults"));
  await page.goto("/deployments/quick");
  await page.getByLabel("Instance", { exact: true }).selectOption(INSTANCE);
  // A new ENI (not the zone's free one, which is preselected): the faults below hit its creation and attachment.
  await page.locator('input[name="q-eni"][value="create"]').check();
  await page.getByLabel("vSwitch", { exact: true }).selectOption("vsw-6we1x9demotokyoa01");
  await page.getByLabel(/203\.0\.113\.21/).check();
  await page.getByLabel(/203\.0\.113\.22/).check();
  await page.getByLabel(/203\.0\.113\.23/).check();
  await page.getByRole("button", { name: "Review the plan" }).click();
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await emulatorAdmin("PUT", "faults", {
    seed: 7,
    errors: {
      CreateNetworkInterface: { "Throttling.User": 0.6 },
      AttachNetworkInterface: { ServiceUnavailable: 0.6 },
      AssociateEipAddress: { "Throttling.User": 0.5, InternalError: 0.2 },
    },
  });
  await page.getByTestId("apply").click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await emulatorAdmin("PUT", "faults", {});
  await expect(page.getByTestId("retried")).toBeVisible();
  const attempts = await page.getByTestId("attempts").allTextContents();
  expect(attempts.some((a) => /^[2-9]\d* attempts$/.test(a))).toBe(true);
  await shot(page, "faults-succeeded");
});

test("the wizard fits a phone: no sideways scrolling at 390 px", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, newUser("phone"));
  await page.goto("/deployments/new");
  await expect(page.getByRole("heading", { name: "Cloud account, region and instance" })).toBeVisible();
  await expect(page.locator(`#inst-${INSTANCE}`)).toBeVisible();
  await shot(page, "wizard-phone");
  // the instance table scrolls inside its own box; the page itself does not
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("saving the draft does not make the server render the wizard again: what is chosen meanwhile stays", async ({
  page,
}) => {
  await signUp(page, newUser("keep"));
  await page.goto("/deployments/new");
  // A refetch of this page (its URL now names the draft) would race the user's next clicks.
  const refetches: string[] = [];
  page.on("request", (r) => {
    if (/\/deployments\/new\?.*draft=.*_rsc=/.test(r.url())) refetches.push(r.url());
  });
  await page.locator(`#inst-${INSTANCE}`).check();
  const name = `kept ${Date.now()}`;
  await page.getByLabel("Deployment name").fill(name);
  await next(page);
  // Chosen while the save that creates the draft is still on its way.
  await page.getByLabel("Create a new ENI").check();
  const heading = await page.locator("#step-heading").elementHandle();
  await expect(page.getByTestId("draft-status")).toContainText("Draft saved");
  await expect(page).toHaveURL(/draft=/);
  await page.waitForLoadState("networkidle");
  expect(refetches).toEqual([]);
  // The same wizard, still as the user left it.
  expect(await heading!.evaluate((h) => h.isConnected)).toBe(true);
  await expect(page.getByLabel("Create a new ENI")).toBeChecked();
  // The dashboard, reached in the app, lists the new draft all the same.
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Deployments" }).click();
  await expect(page.getByTestId("deployment-row").filter({ hasText: name })).toContainText("Draft");
});
