// Adopt and repair as a user would, against the emulator `npm start` runs in demo mode: a setup built by hand
// through the official SDK is adopted from the dashboard (no mutating call in the emulator's request log),
// then a colleague's console change (drift through the emulator's admin API) is found by Refresh and put back
// by Repair after its plan was shown. Once in English, once in Japanese.
import { expect, test, type Page } from "@playwright/test";
import { newUser, signUp } from "./fixtures/users";
import { emulatorAdmin, resetEmulator, teamWorldAccess } from "./fixtures/emulator-admin";
import { $Ecs, $Vpc, ecsClient, vpcClient } from "../emulator/sdk";

const REGION = "ap-northeast-1";
const INSTANCE = "i-6we1x9demoweb000001";
const ENI = "eni-6we1x9demosecond001";
const IPS = ["172.16.0.90", "172.16.0.91"];

type Entry = { seq: number; action: string };

type Access = { endpoint: string; accessKeyId: string; accessKeySecret: string };

/** The document's manual procedure through the SDKs, in the team's own demo world: attach, assign two IPs, three NAT-mode EIPs. */
async function buildByHand(access: Access): Promise<string[]> {
  const o = { ...access, endpoint: access.endpoint.replace(/^https?:\/\//, "") };
  const ecs = ecsClient(o);
  const vpc = vpcClient(o);
  const settle = () => emulatorAdmin("POST", "settle");
  await ecs.attachNetworkInterface(
    new $Ecs.AttachNetworkInterfaceRequest({ regionId: REGION, instanceId: INSTANCE, networkInterfaceId: ENI }),
  );
  await settle();
  await ecs.assignPrivateIpAddresses(
    new $Ecs.AssignPrivateIpAddressesRequest({ regionId: REGION, networkInterfaceId: ENI, privateIpAddress: IPS }),
  );
  const ids: string[] = [];
  for (const ip of ["172.16.0.60", ...IPS]) {
    const a = await vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: REGION, bandwidth: "5" }));
    const id = a.body!.allocationId!;
    await vpc.associateEipAddress(
      new $Vpc.AssociateEipAddressRequest({
        regionId: REGION,
        allocationId: id,
        instanceId: ENI,
        instanceType: "NetworkInterface",
        mode: "NAT",
        privateIpAddress: ip,
      }),
    );
    await settle();
    ids.push(id);
  }
  return ids;
}

async function lastSeq(world: string): Promise<number> {
  const log = (await emulatorAdmin("GET", "requests", undefined, world)) as unknown as Entry[] | { requests: Entry[] };
  const list = Array.isArray(log) ? log : log.requests;
  return list.at(-1)?.seq ?? 0;
}
async function mutatingSince(world: string, seq: number): Promise<string[]> {
  const log = (await emulatorAdmin("GET", `requests?since=${seq}`, undefined, world)) as unknown as
    Entry[] | { requests: Entry[] };
  const list = Array.isArray(log) ? log : log.requests;
  return list.map((e) => e.action).filter((a) => !/^Describe/.test(a));
}

async function adopt(page: Page, labels: { adopt: string; preview: string; confirm: string }) {
  await page.getByRole("link", { name: labels.adopt }).click();
  await page.locator("#adopt-instance").selectOption(INSTANCE);
  await page.getByTestId("adopt-preview").click();
  const summary = page.getByTestId("adopt-summary");
  await expect(summary.getByTestId("adopt-eni")).toHaveCount(1);
  await expect(summary).toContainText(ENI);
  for (const ip of IPS) await expect(summary).toContainText(ip);
  // The instance's own public IP (the seed's EIP on web-1) is left alone, and said so.
  await expect(summary.getByTestId("adopt-left-alone")).toContainText("eip-6we1x9demoprimary01");
  await page.locator("#adopt-name").fill(`adopted-${Date.now().toString(36)}`);
  await page.getByTestId("adopt-confirm").click();
  await expect(page).toHaveURL(/\/deployments\/[a-z0-9]+$/);
}

for (const lang of ["en", "ja"] as const) {
  test(`adopt a hand-built setup, then repair a console change (${lang})`, async ({ page }) => {
    test.setTimeout(180_000);
    await resetEmulator();
    await signUp(page, newUser(`adopt-${lang}`));
    const access = await teamWorldAccess(page);
    const world = access.accessKeyId;
    const eips = await buildByHand(access);
    if (lang === "ja") await page.getByRole("combobox", { name: "Language" }).selectOption("ja");
    const L =
      lang === "en"
        ? {
            adopt: "Adopt an existing setup",
            preview: "Preview",
            confirm: "Adopt",
            refresh: "Refresh",
            drifted: "drifted",
            succeeded: "succeeded",
          }
        : {
            adopt: "既存の構成を取り込む",
            preview: "プレビュー",
            confirm: "取り込む",
            refresh: "更新",
            drifted: "ドリフト検出",
            succeeded: "成功",
          };

    const since = await lastSeq(world);
    await adopt(page, L);
    const status = page.locator("header [data-status]").first();
    await expect(status).toHaveAttribute("data-status", "succeeded");
    expect(await mutatingSince(world, since)).toEqual([]);

    // A colleague unassociates one EIP in the console.
    await emulatorAdmin("POST", "drift", { op: "unassociateEip", allocationId: eips[1] }, world);
    await page.getByRole("button", { name: new RegExp(L.refresh) }).click();
    await expect(status).toHaveAttribute("data-status", "drifted");
    await expect(status).toHaveText(new RegExp(L.drifted));
    await expect(page.getByTestId("eip-results").locator('[data-association="drifted"]')).toHaveCount(1);

    // Repair shows the one call it will make before anything runs.
    const before = await lastSeq(world);
    await page.getByTestId("repair").click();
    const dialog = page.getByTestId("repair-dialog");
    await expect(dialog.getByTestId("repair-calls").locator("li")).toHaveCount(1);
    await expect(dialog.getByTestId("repair-calls")).toContainText("AssociateEipAddress");
    expect(await mutatingSince(world, before)).toEqual([]);
    await dialog.getByRole("button", { name: /1/ }).last().click();
    await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    expect(await mutatingSince(world, before)).toEqual(["AssociateEipAddress"]);
    const state = (await emulatorAdmin("GET", "state", undefined, world)) as {
      eips: Record<string, { binding: { instanceId: string } | null }>;
    };
    expect(state.eips[eips[1]!]!.binding?.instanceId).toBe(ENI);
  });
}
