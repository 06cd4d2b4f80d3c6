// Several ENIs (spec v2) and Change, as a user would do them in the demo world: demo-web-1 is an
// ecs.g7.large (3 ENIs with the primary, 6 private IPs per ENI) in zone ap-northeast-1a, with one
// Available secondary ENI in vsw-a; so the existing ENI plus one new ENI fit.
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { resetEmulator } from "./fixtures/emulator-admin";

const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";
const VSW_A = "vsw-6we1x9demotokyoa01";
const VSW_B = "vsw-6we1x9demotokyob01";

async function next(page: Page) {
  await page.getByRole("button", { name: "Next", exact: true }).click();
}
/** The plan's calls that change something (no-ops left out). */
async function changingCalls(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="plan-step"][data-noop="false"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action") ?? ""));
}

test.beforeEach(async () => {
  await resetEmulator();
});

test("wizard: existing ENI + a new ENI → deploy → topology shows both → Change +1 EIP → review lists only the delta → apply", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signUp(page, newUser("multieni"));
  await page.goto("/deployments/new");

  // 1. instance
  await page.getByLabel("Search by name, id, type, zone, IP").fill("web-1");
  await page.locator(`#inst-${INSTANCE}`).check();
  const name = `web-1 two ENIs ${Date.now()}`;
  await page.getByLabel("Deployment name").fill(name);
  await next(page);

  // 2. ENIs: the Available one, and a second one created by EIPilot
  await expect(page.getByTestId("quota-note")).toContainText("ecs.g7.large allows 3 ENIs");
  await page.locator(`#eni-${ENI}`).check();
  await expect(page.getByTestId("extra-enis")).toContainText("2 ENI slots left on this instance type.");
  await page.getByTestId("add-eni").click();
  const card = page.getByTestId("extra-eni");
  await expect(card).toHaveCount(1);
  // The other vSwitch is in another zone: refused with the reason, on the card and in the step's list.
  await page.locator("#extra-0-vSwitchId").selectOption(VSW_B);
  await expect(card).toContainText(
    `vSwitch ${VSW_B} is in zone ap-northeast-1b but the instance is in ap-northeast-1a`,
  );
  await expect(page.getByTestId("step-issues")).toContainText("ENI 2:");
  await page.locator("#extra-0-vSwitchId").selectOption(VSW_A);
  await expect(page.getByTestId("step-issues")).toHaveCount(0);
  // ENI 2 starts with one secondary IP and an EIP for each of its two addresses.
  await expect(page.locator("#extra-0-ipCount")).toHaveValue("1");
  await expect(page.getByTestId("extra-eip-row")).toHaveCount(2);
  await expect(page.getByTestId("summary-enis")).toContainText("ENI 2: 2 addresses · 2 EIPs");
  await expect(page.getByTestId("topology-eni")).toHaveCount(2);
  await next(page);

  // 3. ENI 1's private IPs: 2 secondaries (3 addresses)
  await page.getByLabel("Number of secondary private IPs").fill("2");
  await next(page);
  // 4. guest OS
  await next(page);
  // 5. ENI 1's EIPs: two of its three addresses (one left for the change)
  await expect(page.getByTestId("eip-row")).toHaveCount(3);
  await page.getByRole("button", { name: "Remove EIP 3" }).click();
  await expect(page.getByTestId("eip-row")).toHaveCount(2);
  await next(page);
  // 6. routes
  await next(page);

  // 7. review: one ENI created and attached, the existing one attached
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  const first = await changingCalls(page);
  expect(first).toContain("CreateNetworkInterface");
  expect(first.filter((a) => a === "AttachNetworkInterface")).toHaveLength(2);
  expect(first.filter((a) => a === "AssociateEipAddress")).toHaveLength(4);
  await page.getByTestId("apply").click();

  // deployed: both ENIs in the topology, four EIPs
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
  const id = page.url().split("/").pop()!;
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("topology-eni")).toHaveCount(2);
  await expect(page.getByTestId("topology-eni").first()).toContainText(ENI);
  await expect(page.getByTestId("topology-eip")).toHaveCount(4);

  // Change: the wizard opens on the deployment as it is (no draft)
  await page.getByTestId("change").click();
  await expect(page).toHaveURL(new RegExp(`/deployments/new\\?change=${id}`));
  await expect(page.getByRole("heading", { name: `Change ${name}` })).toBeVisible();
  await expect(page.getByTestId("extra-eni")).toHaveCount(1);
  await expect(page.locator(`#eni-${ENI}`)).toBeChecked();
  await expect(page.getByRole("button", { name: "Save draft" })).toHaveCount(0);
  await next(page); // ips
  await expect(page.getByLabel("Number of secondary private IPs")).toHaveValue("2");
  await next(page); // os
  await next(page); // eips
  await expect(page.getByTestId("eip-row")).toHaveCount(2);
  await page.getByRole("button", { name: "Add an EIP" }).click();
  await expect(page.getByTestId("eip-row")).toHaveCount(3);
  await page.getByLabel("EIP 3", { exact: true }).selectOption("__new");
  await next(page); // routes
  await next(page); // review

  // The review lists only the delta: a new EIP for the free address, nothing for the ENIs.
  await expect(page.getByTestId("preflight-status")).toHaveText(/Pre-flight passed/, { timeout: 30_000 });
  const delta = await changingCalls(page);
  expect(delta).toEqual(expect.arrayContaining(["AllocateEipAddress", "AssociateEipAddress"]));
  expect(delta.filter((a) => a === "AssociateEipAddress")).toHaveLength(1);
  for (const untouched of ["CreateNetworkInterface", "AttachNetworkInterface", "AssignPrivateIpAddresses"])
    expect(delta).not.toContain(untouched);
  await page.getByRole("button", { name: "Apply change" }).click();

  await expect(page).toHaveURL(new RegExp(`/deployments/${id}$`));
  // No reload: the page opens on the change's run (not the view cached before the Change) and polls it to the end.
  await expect(page.getByTestId("topology-eip")).toHaveCount(5, { timeout: 90_000 });
  await expect(page.locator("h1 + [data-status]")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("topology-eni")).toHaveCount(2);
});
