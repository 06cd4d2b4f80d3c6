// Lab mode through the UI: wizard with three EIPs → apply → "Apply through Cloud Assistant" →
// the page shows each EIP as observed by the what-is-my-IP service → a policy rule deleted in
// the instance's namespace behind EIPilot's back → Verify fails for that EIP → roll back.
// Needs `npm start` as root on Linux (emulator --lab); skipped with a message otherwise.
import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, resetEmulator, teamWorld } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";
const FREE_EIPS = ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"];

type Lab = { enabled: boolean; echoUrl: string | null; instances?: Record<string, { namespace: string }> };
async function next(page: Page) {
  await page.getByRole("button", { name: "Next", exact: true }).click();
}

/** Skips without lab mode; otherwise a fresh emulator world (no faults) and its lab status. */
async function labReady(): Promise<Lab> {
  test.setTimeout(240_000);
  const lab = (await emulatorAdmin("GET", "lab")) as Lab;
  test.skip(!lab.enabled, "emulator lab mode is off (npm start needs root on Linux); see the npm start log for why");
  await resetEmulator();
  await emulatorAdmin("GET", "lab");
  return lab;
}

/** Wizard with three existing EIPs on the instance's secondary ENI → Apply → succeeded. */
async function deployThreeEips(page: Page, name: string) {
  await page.goto("/deployments/new");
  await page.locator(`#inst-${INSTANCE}`).check();
  await page.getByLabel("Deployment name").fill(name);
  await next(page);
  await page.locator(`#eni-${ENI}`).check();
  await next(page);
  await page.getByLabel("Number of secondary private IPs").fill("2");
  await next(page);
  await next(page);
  // The step starts with one EIP row per private IP (2 secondaries + the ENI primary).
  await page.getByLabel("EIP 1", { exact: true }).selectOption(FREE_EIPS[0]!);
  await page.getByLabel("EIP 2", { exact: true }).selectOption(FREE_EIPS[1]!);
  await page.getByLabel("EIP 3", { exact: true }).selectOption(FREE_EIPS[2]!);
  await next(page);
  await next(page);
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await page.getByTestId("apply").click();
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
}

test("lab: Results per EIP follow the guest checks; teardown rolls the guest back through Cloud Assistant first", async ({
  page,
}) => {
  await labReady();

  await signUp(page, newUser("labtd"));
  const name = `lab teardown ${Date.now()}`;
  await deployThreeEips(page, name);
  await expect(page.locator('[data-check="pass"]')).toHaveCount(3, { timeout: 15_000 });

  // Apply through Cloud Assistant: the Guest check column shows the result at once (no reload)…
  const panel = page.getByTestId("guest-panel");
  await expect(panel.getByTestId("agent-status")).toHaveAttribute("data-online", "true", { timeout: 30_000 });
  await panel.getByTestId("guest-apply").click();
  await expect(panel.locator('[data-testid="guest-result"][data-ok="true"]')).toHaveCount(3, { timeout: 90_000 });
  await expect(page.locator('[data-guest-check="pass"]')).toHaveCount(3);
  // …and "Re-run verify" (the cloud-side check) keeps it, after a reload too.
  await page.getByRole("button", { name: "Re-run verify" }).click();
  await expect(page.getByText("Verification finished.")).toBeVisible();
  await expect(page.locator('[data-guest-check="pass"]')).toHaveCount(3);
  await page.reload();
  await expect(page.locator('[data-guest-check="pass"]')).toHaveCount(3);

  // Teardown: the dialog says rollback.sh runs through Cloud Assistant first.
  await page.getByRole("button", { name: "Tear down" }).click();
  const dialog = page.getByRole("dialog", { name: "Tear down this deployment?" });
  await expect(dialog.getByTestId("teardown-guest")).toHaveAttribute("data-guest", "cloud-assistant");
  await expect(dialog.getByTestId("teardown-guest")).toContainText("rollback.sh");
  await dialog.getByRole("textbox").fill(name);
  await dialog.getByRole("button", { name: "Tear down" }).click();
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "torn_down", { timeout: 90_000 });
  await expect(page.locator('[data-testid="step"][data-key="guest.rollback"]')).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await expect(page.locator('[data-association="unassociated"]')).toHaveCount(3);
  await expect(page.locator('[data-guest-check="not_applicable"]')).toHaveCount(3);
  const ns = ((await emulatorAdmin("GET", "lab", undefined, await teamWorld(page))) as Lab).instances![INSTANCE]!
    .namespace;
  const rules = execFileSync("ip", ["netns", "exec", ns, "ip", "rule", "show"], { encoding: "utf8" });
  expect(rules).not.toContain("lookup 1001");
});

test("lab: apply through Cloud Assistant, each EIP observed, a broken rule fails verify, roll back", async ({
  page,
}) => {
  const lab = await labReady();

  await signUp(page, newUser("labca"));
  await deployThreeEips(page, `lab cloud assistant ${Date.now()}`);

  // The agent is online in lab mode: the panel offers Cloud Assistant.
  const panel = page.getByTestId("guest-panel");
  await expect(panel.getByTestId("agent-status")).toHaveAttribute("data-online", "true", { timeout: 30_000 });
  await expect(panel).toContainText(lab.echoUrl!);
  await panel.getByTestId("guest-apply").click();
  await expect(panel.getByTestId("guest-result")).toHaveCount(3, { timeout: 90_000 });
  await expect(panel.locator('[data-testid="guest-result"][data-ok="true"]')).toHaveCount(3);
  // Each row: observed = expected EIP, as seen by the what-is-my-IP service.
  const rows = await panel
    .getByTestId("guest-result")
    .evaluateAll((els) =>
      els.map((e) => Array.from(e.querySelectorAll("td")).map((td) => td.textContent?.trim() ?? "")),
    );
  const state = (await emulatorAdmin("GET", "state", undefined, await teamWorld(page))) as {
    eips: Record<string, { ipAddress: string; binding: { privateIpAddress: string } | null }>;
  };
  const want = Object.fromEntries(
    FREE_EIPS.map((id) => [state.eips[id]!.binding!.privateIpAddress, state.eips[id]!.ipAddress]),
  );
  expect(Object.fromEntries(rows.map((r) => [r[0], r[2]]))).toEqual(want);
  for (const r of rows) expect(r[1]).toBe(r[2]);

  // Behind EIPilot's back: delete one address's policy rule in the instance's namespace.
  const ns = ((await emulatorAdmin("GET", "lab", undefined, await teamWorld(page))) as Lab).instances![INSTANCE]!
    .namespace;
  const broken = rows[1]![0]!;
  execFileSync("ip", ["netns", "exec", ns, "ip", "rule", "del", "from", broken, "lookup", "1001"]);
  await panel.getByTestId("guest-verify").click();
  await expect(panel.locator(`[data-testid="guest-result"][data-ip="${broken}"]`)).toHaveAttribute("data-ok", "false", {
    timeout: 90_000,
  });
  await expect(panel.locator('[data-testid="guest-result"][data-ok="true"]')).toHaveCount(2);

  // Roll back through Cloud Assistant (two clicks: nothing irreversible on one).
  await panel.getByTestId("guest-rollback").click();
  await panel.getByTestId("guest-rollback-confirm").click();
  await expect(panel.getByTestId("guest-rolled-back")).toBeVisible({ timeout: 90_000 });
  const rules = execFileSync("ip", ["netns", "exec", ns, "ip", "rule", "show"], { encoding: "utf8" });
  for (const ip of Object.keys(want)) expect(rules).not.toContain(ip);
});
