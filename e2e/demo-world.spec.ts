// Each team's demo account is its own account in the emulator: the Cloud accounts page shows the
// team's pair and endpoint, a script uses them with the official SDK, and another team sees none
// of what the first one did.
import { expect, test, type Browser } from "@playwright/test";
import { $Ecs, ecsClient } from "../emulator/sdk";
import { teamWorldAccess } from "./fixtures/emulator-admin";
import { newUser, signUp } from "./fixtures/users";

const TOKYO = "ap-northeast-1";
const ENI = "eni-6we1x9demosecond001";
const INSTANCE = "i-6we1x9demoweb000001";

async function team(browser: Browser, prefix: string) {
  const page = await (await browser.newContext()).newPage();
  await signUp(page, newUser(prefix));
  return page;
}

test("each team sees its own demo pair and world; a script with it acts on that world only", async ({ browser }) => {
  const a = await team(browser, "worlda");
  const b = await team(browser, "worldb");

  await a.goto("/settings/cloud-accounts");
  const panel = a.getByTestId("demo-world");
  await expect(panel).toContainText("Your demo world");
  await expect(panel.getByRole("button", { name: /^AccessKey secret / })).toBeVisible();
  const keyA = await teamWorldAccess(a);
  const keyB = await teamWorldAccess(b);
  expect(keyA.accessKeyId).toMatch(/^LTAI5t[A-Za-z0-9]{18}$/);
  expect(keyA.accessKeyId).not.toBe(keyB.accessKeyId);
  expect(keyA.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
  // The example on the page carries the same values.
  await expect(a.getByTestId("demo-sdk-snippet")).toContainText(`accessKeySecret: "${keyA.accessKeySecret}"`);

  // Team A's script attaches the free ENI in A's world…
  const sdkA = ecsClient(keyA);
  await sdkA.attachNetworkInterface(
    new $Ecs.AttachNetworkInterfaceRequest({ regionId: TOKYO, networkInterfaceId: ENI, instanceId: INSTANCE }),
  );
  const created = await sdkA.createNetworkInterface(
    new $Ecs.CreateNetworkInterfaceRequest({
      regionId: TOKYO,
      vSwitchId: "vsw-6we1x9demotokyoa01",
      securityGroupId: "sg-6we1x9demotokyo00001",
      networkInterfaceName: "made-by-a-script",
    }),
  );
  const eniA = created.body!.networkInterfaceId!;

  // …which team B's world never has: its ENI is still Available, A's new one unknown.
  const sdkB = ecsClient(keyB);
  const seenByB = await sdkB.describeNetworkInterfaces(
    new $Ecs.DescribeNetworkInterfacesRequest({ regionId: TOKYO, networkInterfaceId: [ENI, eniA] }),
  );
  expect(seenByB.body!.networkInterfaceSets!.networkInterfaceSet!.map((n) => [n.networkInterfaceId, n.status])).toEqual(
    [[ENI, "Available"]],
  );
  // Team B acting on A's ENI: the cloud's own NotFound.
  await expect(
    sdkB.deleteNetworkInterface(new $Ecs.DeleteNetworkInterfaceRequest({ regionId: TOKYO, networkInterfaceId: eniA })),
  ).rejects.toMatchObject({ code: "InvalidEniId.NotFound" });

  // In Japanese too.
  await b.goto("/settings/cloud-accounts");
  await b.getByRole("combobox", { name: "Language" }).selectOption("ja");
  await expect(b.getByTestId("demo-world")).toContainText("このチームのデモ環境");
  await expect(b.getByTestId("demo-access-key-id")).toHaveText(keyB.accessKeyId);
});
