// Errors a server action or route handler returns are written in the language of
// the page that called it (the NEXT_LOCALE cookie the switcher sets, else the
// browser's Accept-Language), on a real database with real sessions.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
let owner: { userId: string; cookie: string; teamId: string };
let viewer: { cookie: string };
let configId: string;

const spec = {
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "existing" },
  privateIps: { mode: "count", count: 1 },
  eips: [{ source: "allocate" }],
  os: "alinux2",
};
const badAccount = {
  kind: "access_key",
  name: "prod",
  defaultRegion: "ap-northeast-1",
  accessKeyId: "short",
  accessKeySecret: "s".repeat(20),
};

beforeAll(async () => {
  t = await actionTestDb("action-errors-test-secret-");
  owner = await signUp(t.db, "owner");
  const v = await signUp(t.db, "viewer");
  await t.db.member.create({
    data: { id: "m-viewer", organizationId: owner.teamId, userId: v.userId, role: "viewer" },
  });
  await t.db.session.updateMany({ where: { userId: v.userId }, data: { activeOrganizationId: owner.teamId } });
  viewer = v;
  actAs(owner.cookie);
  const { createConfigAction } = await import("@/lib/actions/configs.actions");
  const r = await createConfigAction({ teamId: owner.teamId, name: "web", spec });
  if (!r.ok) throw new Error(r.error);
  configId = r.data.id;
});
afterAll(async () => {
  await t?.close();
});

describe("action errors in the page's language", () => {
  it("invalid input: the field errors of a form are Japanese on a Japanese page, English otherwise", async () => {
    const { createCloudAccountAction } = await import("@/lib/actions/cloud-accounts.actions");
    actAs(owner.cookie, { locale: "ja" });
    expect(await createCloudAccountAction({ teamId: owner.teamId, account: badAccount })).toMatchObject({
      ok: false,
      code: "INVALID_INPUT",
      error: "AccessKey ID は 12〜128 文字の英数字です",
      fieldErrors: { accessKeyId: "AccessKey ID は 12〜128 文字の英数字です" },
    });
    actAs(owner.cookie);
    expect(await createCloudAccountAction({ teamId: owner.teamId, account: badAccount })).toMatchObject({
      ok: false,
      error: "An AccessKey ID is 12–128 letters and digits",
      fieldErrors: { accessKeyId: "An AccessKey ID is 12–128 letters and digits" },
    });

    // The action's own input schema (teamAction), with one of zod's built-in messages.
    const { inviteMemberAction } = await import("@/lib/actions/teams.actions");
    actAs(owner.cookie, { locale: "ja" });
    expect(await inviteMemberAction({ teamId: owner.teamId, email: "not-an-address", role: "viewer" })).toMatchObject({
      ok: false,
      code: "INVALID_INPUT",
      fieldErrors: { email: "有効なメールアドレスを入力してください" },
    });
    const { createShareLinkAction } = await import("@/lib/actions/configs.actions");
    expect(await createShareLinkAction({ teamId: owner.teamId, id: configId, expiresInHours: 0 })).toMatchObject({
      ok: false,
      fieldErrors: { expiresInHours: "共有リンクの有効期間は 1〜720 時間です。" },
    });
  });

  it("a role that may not: refused in Japanese, naming the role in Japanese; the browser's language counts when no page choice is stored", async () => {
    const { inviteMemberAction } = await import("@/lib/actions/teams.actions");
    actAs(viewer.cookie, { locale: "ja" });
    expect(await inviteMemberAction({ teamId: owner.teamId, email: "x@example.com", role: "viewer" })).toEqual({
      ok: false,
      code: "FORBIDDEN",
      error: "あなたのロール (閲覧者) ではこの操作はできません。",
    });
    actAs(viewer.cookie, { acceptLanguage: "ja-JP,ja;q=0.9,en;q=0.8" });
    expect(await inviteMemberAction({ teamId: owner.teamId, email: "x@example.com", role: "viewer" })).toMatchObject({
      error: "あなたのロール (閲覧者) ではこの操作はできません。",
    });
    // The switcher's choice wins over the browser's.
    actAs(viewer.cookie, { locale: "en", acceptLanguage: "ja" });
    expect(await inviteMemberAction({ teamId: owner.teamId, email: "x@example.com", role: "viewer" })).toMatchObject({
      error: "Your role (viewer) cannot do this.",
    });
  });

  it("a conflict: 'Nothing changed since revision N' in Japanese, with the spec field named", async () => {
    const { addRevisionAction } = await import("@/lib/actions/configs.actions");
    actAs(owner.cookie, { locale: "ja" });
    expect(await addRevisionAction({ teamId: owner.teamId, id: configId, spec })).toEqual({
      ok: false,
      code: "NO_CHANGE",
      error: "リビジョン 1 から何も変わっていません。先に構成を編集してください。",
      fieldErrors: { spec: "リビジョン 1 から何も変わっていません。先に構成を編集してください。" },
    });
    actAs(owner.cookie);
    expect(await addRevisionAction({ teamId: owner.teamId, id: configId, spec })).toMatchObject({
      error: "Nothing changed since revision 1: edit the spec first.",
    });

    // A spec zod refuses: our own and zod's messages, in Japanese.
    actAs(owner.cookie, { locale: "ja" });
    const r = await addRevisionAction({
      teamId: owner.teamId,
      id: configId,
      spec: {
        ...spec,
        regionId: "Tokyo",
        eips: [{ source: "allocate" }, { source: "allocate" }, { source: "allocate" }],
      },
    });
    expect(r).toMatchObject({ ok: false, code: "INVALID_INPUT" });
    expect(!r.ok && r.error).toBe(
      "構成として正しくありません: spec.regionId: ap-northeast-1 のようなリージョン ID を指定してください; spec.eips: EIP が 3 個ありますが、割り当てられるプライベート IP は 2 個だけです",
    );
  });

  it("an unexpected error is 'Something went wrong' with its reference, in Japanese", async () => {
    const { toActionError } = await import("@/lib/access/action-errors");
    const e = toActionError(new Error("boom"), "ja");
    expect(e.error).toMatch(/^問題が発生しました \(参照 [0-9a-f]{8}\)$/);
    expect(toActionError(new Error("boom"), "en").error).toMatch(/^Something went wrong \(ref [0-9a-f]{8}\)$/);
  });

  it("route handlers and import problems answer in the page's language too", async () => {
    const { GET } = await import("@/app/api/configs/[id]/export/route");
    actAs(owner.cookie, { locale: "ja" });
    const res = await GET(
      new Request(`http://localhost/api/configs/${configId}/export?format=pdf&teamId=${owner.teamId}`),
      { params: Promise.resolve({ id: configId }) },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "INVALID_INPUT",
      error: "不明なエクスポート形式か、パラメーターが正しくありません。",
    });

    // No team named: refused, never served for the session's active team.
    actAs(owner.cookie, { locale: "en" });
    const noTeam = await GET(new Request(`http://localhost/api/configs/${configId}/export?format=json`), {
      params: Promise.resolve({ id: configId }),
    });
    expect(noTeam.status).toBe(400);
    expect(await noTeam.json()).toEqual({
      code: "INVALID_INPUT",
      error: "Name the team: add teamId (the team's id) to the address.",
    });
    actAs(owner.cookie, { locale: "ja" });

    const { importConfigsAction } = await import("@/lib/actions/configs.actions");
    const file = {
      schemaVersion: 1,
      kind: "eipilot.configs",
      configs: [
        {
          name: "",
          revisions: [
            { revision: 1, spec },
            { revision: 1, spec },
          ],
        },
      ],
    };
    expect(await importConfigsAction({ teamId: owner.teamId, text: "{" })).toMatchObject({
      ok: true,
      data: { ok: false, problems: [expect.stringMatching(/^file: 正しい JSON ではありません \(/)] },
    });
    expect(await importConfigsAction({ teamId: owner.teamId, text: JSON.stringify(file) })).toMatchObject({
      ok: true,
      data: { ok: false, problems: ["configs.0.name: 構成に名前を付けてください。"] },
    });
  });
});
