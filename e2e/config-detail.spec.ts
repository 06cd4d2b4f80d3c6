// A config's page as a Japanese team reads it (issue 20, item 14): the messages EIPilot wrote on its revisions
// in Japanese, the compare selects showing what the diff compares (after a new revision is saved too), and the
// guest bundle form with empty fields and its examples as hints, not as grey values inside the fields.
import { expect, test } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";

const spec = (count: number) => ({
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "create", name: "web-eni" },
  privateIps: { mode: "count", count },
  usePrimaryIp: true,
  eips: Array.from({ length: count + 1 }, () => ({ source: "allocate" })),
  os: "alinux2",
  traffic: "policy-routes",
});

test("config page in Japanese: EIPilot's revision messages, compare in sync, bundle hints", async ({
  page,
  context,
}) => {
  await signUp(page, newUser("cfgja"));
  await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: page.url() }]);
  const name = `web ${Date.now()}`;
  const file = {
    schemaVersion: 1,
    kind: "eipilot.configs",
    configs: [
      {
        name,
        description: "",
        tags: [],
        revisions: [
          { revision: 1, message: "", spec: spec(1) },
          { revision: 2, message: "", spec: spec(2) },
        ],
      },
    ],
  };
  await page.goto("/configs");
  await page.locator("#import-file").setInputFiles({
    name: "configs.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await page.locator("#import-file").evaluate((el) => (el as HTMLInputElement).form!.requestSubmit());
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/configs\/[a-z0-9]+$/);

  // The messages EIPilot wrote ("Imported revision N") read in Japanese.
  await expect(page.getByTestId("revision-message")).toHaveText([
    "インポートしたリビジョン 2",
    "インポートしたリビジョン 1",
  ]);

  // Compare: 1 → 2 by default; choosing compares at once and the URL keeps it.
  await expect(page.getByTestId("compare-from")).toHaveValue("1");
  await expect(page.getByTestId("compare-to")).toHaveValue("2");
  await expect(page.getByTestId("config-diff")).toBeVisible();
  await page.getByTestId("compare-from").selectOption("2");
  await expect(page).toHaveURL(/from=2/);
  await expect(page.getByTestId("config-diff")).toHaveCount(0);

  // A new revision: the page moves on to compare 2 → 3, and so do the selects.
  await page.goto(page.url().replace(/\?.*$/, ""));
  await page.locator("#rev-spec").fill(JSON.stringify(spec(3)));
  await page.locator("#rev-message").fill("アドレスを 1 つ追加");
  await page.locator("#rev-message").press("Tab");
  await page
    .locator("form")
    .filter({ has: page.locator("#rev-spec") })
    .getByRole("button")
    .click();
  await expect(page.getByTestId("revision-message").first()).toHaveText("アドレスを 1 つ追加");
  await expect(page.getByTestId("compare-from")).toHaveValue("2");
  await expect(page.getByTestId("compare-to")).toHaveValue("3");
  await expect(page.getByTestId("config-diff")).toBeVisible();

  // The bundle form: empty fields (no grey example that reads as a value), the examples under them.
  const form = page.getByTestId("bundle-form");
  for (const id of ["b-mac", "b-primaryIp", "b-secondaryIps", "b-gateway"]) {
    await expect(form.locator(`#${id}`)).toHaveValue("");
    await expect(form.locator(`#${id}`)).not.toHaveAttribute("placeholder", /.+/);
  }
  await expect(form.locator("#b-mac-hint")).toContainText("例: 00:16:3e:12:34:56");
  await expect(form.locator("#b-gateway-hint")).toContainText("172.16.0.253");
});
