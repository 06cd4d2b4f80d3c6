// Issue 17 #8: hostile input to server actions answers "invalid input" with the reason, never a bare 500.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
let owner: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  t = await actionTestDb("hostile-input-actions-secret-");
  owner = await signUp(t.db, "owner");
});
afterAll(async () => {
  await t?.close();
});

/** `levels` arrays or objects, each inside the next. */
function nested(levels: number, kind: "array" | "object"): unknown {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

describe("arguments nested thousands of levels deep", () => {
  it("are refused as invalid input with the reason, in the page's language, before parsing", async () => {
    const { createConfigAction, importConfigsAction } = await import("./configs.actions");
    const { inviteMemberAction } = await import("./teams.actions");
    const before = await t.db.configTemplate.count();
    for (const deep of [nested(5000, "array"), nested(5000, "object"), nested(100_000, "array")]) {
      for (const locale of ["en", "ja"] as const) {
        actAs(owner.cookie, { locale });
        const answers = [
          await createConfigAction({ teamId: owner.teamId, name: "Deep", spec: deep } as never),
          await importConfigsAction({ teamId: owner.teamId, text: "{}", extra: deep } as never),
          await inviteMemberAction(deep as never),
        ];
        for (const r of answers)
          expect(r).toEqual({
            ok: false,
            code: "INVALID_INPUT",
            error:
              locale === "en"
                ? "The input is nested more than 64 levels deep."
                : "入力の入れ子が 64 段を超えています。",
            fieldErrors: {},
          });
      }
    }
    expect(await t.db.configTemplate.count()).toBe(before);
  });

  it("a config file nested as deep is refused with the reason; ordinary nesting still parses", async () => {
    const { importConfigsAction, createConfigAction } = await import("./configs.actions");
    actAs(owner.cookie);
    expect(await importConfigsAction({ teamId: owner.teamId, text: "[".repeat(5000) + "]".repeat(5000) })).toEqual({
      ok: true,
      data: { ok: false, problems: ["file: nested more than 64 levels deep"] },
    });
    expect(
      await createConfigAction({ teamId: owner.teamId, name: "Shallow", spec: nested(60, "object") } as never),
    ).toMatchObject({
      ok: false,
      code: "INVALID_INPUT",
      fieldErrors: { spec: expect.stringContaining("The spec is not a valid config") },
    });
  });
});

describe("a 10 MB config import", () => {
  it("answers the file-size message, in the page's language", async () => {
    const { importConfigsAction } = await import("./configs.actions");
    const text = `{"configs":[{"name":"${"x".repeat(10 * 1024 * 1024)}"}]}`;
    const size = Buffer.byteLength(text);
    for (const [locale, message] of [
      ["en", `file: ${size} bytes is larger than the 262144 byte limit`],
      ["ja", `file: ${size} バイトは上限の 262144 バイトを超えています`],
    ] as const) {
      actAs(owner.cookie, { locale });
      const r = await importConfigsAction({ teamId: owner.teamId, text });
      expect(r).toMatchObject({ ok: false, code: "INVALID_INPUT", error: message });
    }
  });
});

// Issue 17 #6: every text field has a limit (lib/validation/bounded.test.ts proves it of every schema); here, through
// the actions a user reaches, an over-long value is refused with the field's own message and nothing changes.
describe("over-long text", () => {
  it("is refused with the specific message, in the page's language, and nothing is written", async () => {
    const { createApiTokenAction } = await import("./api-tokens.actions");
    const { createWebhookAction } = await import("./lifecycle.actions");
    const { createCloudAccountAction } = await import("./cloud-accounts.actions");
    const { createConfigAction } = await import("./configs.actions");
    const { saveDraftAction } = await import("./wizard.actions");
    const huge = "x".repeat(8 * 1024 * 1024);
    const counts = async () =>
      Promise.all([
        t.db.apiToken.count(),
        t.db.webhook.count(),
        t.db.cloudAccount.count(),
        t.db.configTemplate.count(),
        t.db.deployment.count(),
        t.db.auditEvent.count(),
      ]);
    const before = await counts();
    const teamId = owner.teamId;
    const cases = [
      {
        act: () => createApiTokenAction({ teamId, name: huge, role: "viewer" }),
        field: "name",
        en: `At most 100 characters (this one has ${huge.length}).`,
        ja: `100 文字以内にしてください (${huge.length} 文字あります)。`,
      },
      {
        act: () => createWebhookAction({ teamId, url: `https://example.com/${huge}`, events: ["drift"] }),
        field: "url",
        en: "The URL is longer than 2000 characters.",
        ja: "URL が 2000 文字を超えています。",
      },
      {
        act: () => createConfigAction({ teamId, name: "Tagged", tags: ["t".repeat(65)], spec: {} } as never),
        field: "tags.0",
        en: "At most 64 characters (this one has 65).",
        ja: "64 文字以内にしてください (65 文字あります)。",
      },
      {
        act: () => saveDraftAction({ teamId, name: "Draft", spec: { [huge]: 1 } } as never),
        field: `spec.${huge}`,
        en: `A key: At most 64 characters (this one has ${huge.length}).`,
        ja: `キー: 64 文字以内にしてください (${huge.length} 文字あります)。`,
      },
    ];
    for (const locale of ["en", "ja"] as const) {
      actAs(owner.cookie, { locale });
      for (const c of cases) {
        const r = await c.act();
        expect(r).toMatchObject({ ok: false, code: "INVALID_INPUT", error: c[locale] });
        expect((r as { fieldErrors: Record<string, string> }).fieldErrors[c.field]).toBe(c[locale]);
      }
      // A cloud account's fields are checked by the service, with the account form's messages.
      const account = await createCloudAccountAction({
        teamId,
        account: {
          kind: "access_key",
          name: huge,
          defaultRegion: "cn-hangzhou",
          accessKeyId: "LTAI5tExample1",
          accessKeySecret: "s".repeat(30),
        },
      });
      expect(account).toMatchObject({ ok: false });
      expect(JSON.stringify(account)).toContain(
        locale === "en" ? "At most 60 characters" : "60 文字以内で入力してください",
      );
    }
    expect(await counts()).toEqual(before);
  });
});
