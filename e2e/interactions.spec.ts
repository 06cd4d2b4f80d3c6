// How many interactions the document's scenario costs a user (issue 20, item 3): an existing instance, its
// free ENI, 3 EIPs that already exist, then apply and verify through Cloud Assistant — in quick deploy
// (goal ≤ 6) and in the wizard (goal ≤ 12), from the signed-in dashboard to the verified result.
//
// Counted: every action a user performs — a click (link, button, radio, checkbox), a choice in a drop-down,
// a field typed into (one interaction; its characters are counted as keystrokes beside it). Every
// interaction goes through `user`, so nothing done by the test is left out; waiting and reading are free.
// The counts are written to bench/results/interactions.json, which `npm run bench:wizard` reports.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, resetEmulator } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";
const FREE_EIPS = ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"];
const RESULTS = path.join(import.meta.dirname, "..", "bench", "results", "interactions.json");

type Counted = { interactions: number; keystrokes: number; steps: string[] };

/** The only way these tests act on the page: each call is one interaction a user would make. */
function counter() {
  const c: Counted = { interactions: 0, keystrokes: 0, steps: [] };
  const note = (what: string) => {
    c.interactions++;
    c.steps.push(what);
  };
  return {
    counted: c,
    click: async (l: Locator, what: string) => {
      note(`click ${what}`);
      await l.click();
    },
    choose: async (l: Locator, value: string, what: string) => {
      note(`choose ${what}`);
      await l.selectOption(value);
    },
    type: async (l: Locator, text: string, what: string) => {
      note(`type ${what}`);
      c.keystrokes += text.length;
      await l.fill(text);
    },
  };
}

function record(flow: "quickDeploy" | "wizard", figures: Counted & { goal: number; cloudAssistant: string }) {
  const prev = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as Record<string, unknown>) : {};
  const out = { ...prev, [flow]: { ...figures, measuredAt: new Date().toISOString() } };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2) + "\n");
}

type Lab = { enabled: boolean };

/**
 * The deployment page after Apply: succeeded with the three EIPs on the ENI, then "Apply through Cloud
 * Assistant" (apply.sh, then verify.sh's per-EIP verdicts) when the emulator's lab runs a guest.
 * Returns how the Cloud Assistant part went.
 */
async function appliedAndVerified(page: Page, user: ReturnType<typeof counter>, lab: Lab): Promise<string> {
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("topology-eip")).toHaveCount(3);
  await expect(page.getByTestId("topology-eni").first()).toContainText(ENI);
  await expect(page.locator('[data-check="pass"]')).toHaveCount(3, { timeout: 15_000 });
  const panel = page.getByTestId("guest-panel");
  if (!lab.enabled) {
    // No guest to run scripts on (the lab needs root on Linux): the one click it takes is still counted.
    user.counted.interactions++;
    user.counted.steps.push("click Apply through Cloud Assistant (not performed: emulator lab off)");
    return "counted, not performed: emulator lab mode is off";
  }
  await expect(panel.getByTestId("agent-status")).toHaveAttribute("data-online", "true", { timeout: 30_000 });
  await user.click(panel.getByTestId("guest-apply"), "Apply through Cloud Assistant");
  await expect(panel.locator('[data-testid="guest-result"][data-ok="true"]')).toHaveCount(3, { timeout: 90_000 });
  return "performed: apply.sh and verify.sh through Cloud Assistant, 3 EIPs observed";
}

test.beforeEach(async () => {
  await resetEmulator();
});

test("quick deploy: the document's scenario in at most 6 interactions", async ({ page }) => {
  test.setTimeout(240_000);
  const lab = (await emulatorAdmin("GET", "lab")) as Lab;
  await signUp(page, newUser("count-quick"));
  const user = counter();

  // The dashboard's own button (the empty dashboard offers the same link once more, further down).
  await user.click(page.getByRole("link", { name: "Quick deploy", exact: true }).first(), "Quick deploy");
  await expect(page.getByRole("heading", { name: "Quick deploy" })).toBeVisible();
  await user.choose(page.getByLabel("Instance", { exact: true }), INSTANCE, "the instance");
  // Everything else is filled in, and shown: the zone's free ENI, the team's three Available EIPs.
  await expect(page.getByLabel("Available ENI")).toHaveValue(ENI);
  for (const ip of ["203.0.113.21", "203.0.113.22", "203.0.113.23"])
    await expect(page.getByLabel(new RegExp(ip.replaceAll(".", "\\."))).first()).toBeChecked();
  await user.click(page.getByRole("button", { name: "Review the plan" }), "Review the plan");
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await expect(page.getByTestId("plan-calls")).not.toContainText("AllocateEipAddress");
  await user.click(page.getByTestId("apply"), "Apply");
  const cloudAssistant = await appliedAndVerified(page, user, lab);

  record("quickDeploy", { ...user.counted, goal: 6, cloudAssistant });
  expect(user.counted.interactions, user.counted.steps.join("\n")).toBeLessThanOrEqual(6);
});

test("wizard: the document's scenario in at most 12 interactions", async ({ page }) => {
  test.setTimeout(240_000);
  const lab = (await emulatorAdmin("GET", "lab")) as Lab;
  await signUp(page, newUser("count-wizard"));
  const user = counter();
  const next = (what: string) => user.click(page.getByRole("button", { name: "Next", exact: true }), `Next (${what})`);

  await user.click(page.locator("#main").getByRole("link", { name: "New deployment", exact: true }), "New deployment");
  await user.click(page.locator(`#inst-${INSTANCE}`), "the instance");
  await next("to the ENI");
  await expect(page.locator(`#eni-${ENI}`)).toBeChecked();
  await next("to the private IPs");
  await next("to the guest OS");
  await expect(page.getByTestId("os-warning")).toHaveCount(0);
  await next("to the EIPs");
  for (const [i, id] of FREE_EIPS.entries())
    await expect(page.getByLabel(`EIP ${i + 1}`, { exact: true })).toHaveValue(id);
  await next("to the routes");
  await next("to the review");
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  await user.click(page.getByTestId("apply"), "Apply");
  const cloudAssistant = await appliedAndVerified(page, user, lab);

  record("wizard", { ...user.counted, goal: 12, cloudAssistant });
  expect(user.counted.interactions, user.counted.steps.join("\n")).toBeLessThanOrEqual(12);
});

test("the OS step warns when the chosen family does not fit the instance's OS", async ({ page, context }) => {
  await signUp(page, newUser("oswarn"));
  await page.goto("/deployments/new");
  await page.locator(`#inst-${INSTANCE}`).check();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.locator(`#eni-${ENI}`)).toBeChecked();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Secondary private IPs" })).toBeVisible();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(page.getByLabel("OS family")).toBeVisible();
  await expect(page.getByTestId("os-warning")).toHaveCount(0);
  await page.getByLabel("OS family").selectOption("ubuntu");
  await expect(page.getByTestId("os-warning")).toContainText(
    "You chose Ubuntu (netplan), but the instance runs Alibaba Cloud Linux  2.1903 LTS 64 bit (Alibaba Cloud Linux 2)",
  );
  // A family whose bundle writes the same files is no mistake.
  await page.getByLabel("OS family").selectOption("centos7");
  await expect(page.getByTestId("os-warning")).toHaveCount(0);
  // In Japanese too.
  await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: page.url() }]);
  await page.reload();
  await page.getByLabel("OS ファミリー").selectOption("ubuntu");
  await expect(page.getByTestId("os-warning")).toContainText("Ubuntu（netplan） を選びましたが");
});
