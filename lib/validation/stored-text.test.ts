// Every place a user's text is stored refuses what PostgreSQL cannot store —
// U+0000, and an unpaired UTF-16 surrogate (a text column silently keeps U+FFFD
// instead, jsonb refuses it) — with a validation message naming the field,
// never an internal error, and writes nothing. Through the real server actions
// and better-auth's handler, signed in, on PGlite or PostgreSQL.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, authPost, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
let owner: { userId: string; cookie: string; teamId: string };
let draftId: string;
let configId: string;
let deploymentId: string;

const configSpec = {
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "create", name: "web-eni" },
  privateIps: { mode: "count", count: 1 },
  eips: [{ source: "allocate" }],
  os: "alinux2",
};
const createSpec = (over: Record<string, unknown> = {}) => ({
  ...configSpec,
  instance: { mode: "create", zoneId: "ap-northeast-1a", instanceType: "ecs.g7.large" },
  ...over,
});
const accessKey = {
  kind: "access_key",
  name: "Prod",
  defaultRegion: "ap-northeast-1",
  accessKeyId: "LTAI5tTestKeyId0001",
  accessKeySecret: "TestSecretNotForProduction01",
};

beforeAll(async () => {
  t = await actionTestDb("stored-text-test-secret-");
  owner = await signUp(t.db, "owner");
  const { saveDraftAction } = await import("@/lib/actions/wizard.actions");
  const { createConfigAction } = await import("@/lib/actions/configs.actions");
  actAs(owner.cookie);
  const draft = await saveDraftAction({
    teamId: owner.teamId,
    name: "web draft",
    spec: { regionId: "ap-northeast-1" },
  });
  const config = await createConfigAction({ teamId: owner.teamId, name: "Web tier", spec: configSpec });
  if (!draft.ok || !config.ok) throw new Error(`fixture: ${JSON.stringify([draft, config])}`);
  draftId = draft.data.id;
  configId = config.data.id;
  // A complete deployment to save as a config.
  deploymentId = (
    await t.db.deployment.create({
      data: {
        teamId: owner.teamId,
        name: "web",
        spec: {
          specVersion: 1,
          cloudAccountId: "ca-1",
          regionId: "ap-northeast-1",
          instance: { mode: "existing", instanceId: "i-web1" },
          eni: { mode: "existing", networkInterfaceId: "eni-1" },
          privateIps: { mode: "count", count: 1 },
          usePrimaryIp: true,
          eips: [{}],
          os: "alinux2",
        },
      },
      select: { id: true },
    })
  ).id;
});
afterAll(async () => {
  await t?.close();
});

/** Everything these actions could write. */
async function stored() {
  const [deployments, configs, revisions, accounts, users, teams, members, events] = await Promise.all([
    t.db.deployment.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, spec: true } }),
    t.db.configTemplate.findMany({
      orderBy: { id: "asc" },
      select: { id: true, name: true, description: true, latestRevision: true },
    }),
    t.db.configRevision.count(),
    t.db.cloudAccount.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, secretCiphertext: true } }),
    t.db.user.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, image: true } }),
    t.db.organization.findMany({ orderBy: { id: "asc" }, select: { id: true, name: true, slug: true, logo: true } }),
    t.db.member.count(),
    t.db.auditEvent.count(),
  ]);
  return { deployments, configs, revisions, accounts, users, teams, members, events };
}

type Result = { ok: boolean; code?: string; error?: string; data?: unknown };
type Case = [what: string, call: (bad: string) => Promise<Result>, message: (problem: string) => string];

const actions = async () => ({
  ...(await import("@/lib/actions/wizard.actions")),
  ...(await import("@/lib/actions/configs.actions")),
  ...(await import("@/lib/actions/cloud-accounts.actions")),
});

const CASES: Case[] = [
  [
    "saveDraftAction: a new draft's name",
    async (bad) => (await actions()).saveDraftAction({ teamId: owner.teamId, name: `web ${bad}`, spec: {} }),
    (p) => `The deployment name ${p}.`,
  ],
  [
    "saveDraftAction: a draft renamed",
    async (bad) =>
      (await actions()).saveDraftAction({ teamId: owner.teamId, id: draftId, name: `web ${bad}`, spec: {} }),
    (p) => `The deployment name ${p}.`,
  ],
  [
    "saveDraftAction: a value in the spec",
    async (bad) =>
      (await actions()).saveDraftAction({
        teamId: owner.teamId,
        name: "web",
        spec: { eni: { mode: "create", name: `eni ${bad}` } },
      }),
    (p) => `The spec at eni.name ${p}.`,
  ],
  [
    "saveDraftAction: a key in the spec",
    async (bad) =>
      (await actions()).saveDraftAction({
        teamId: owner.teamId,
        id: draftId,
        name: "web",
        spec: { eips: [{ [`k${bad}`]: 1 }] },
      }),
    (p) => `The spec at eips.0 has a key that ${p}.`,
  ],
  [
    "createConfigAction: the name",
    async (bad) => (await actions()).createConfigAction({ teamId: owner.teamId, name: `Web ${bad}`, spec: configSpec }),
    (p) => `name: The config name ${p}.`,
  ],
  [
    "createConfigAction: the description",
    async (bad) =>
      (await actions()).createConfigAction({
        teamId: owner.teamId,
        name: "Web",
        description: `two\nlines ${bad}`,
        spec: configSpec,
      }),
    (p) => `description: The description ${p}.`,
  ],
  [
    "createConfigAction: the revision message",
    async (bad) =>
      (await actions()).createConfigAction({
        teamId: owner.teamId,
        name: "Web",
        spec: configSpec,
        message: `first ${bad}`,
      }),
    (p) => `message: The revision message ${p}.`,
  ],
  [
    "createConfigAction: the ENI name in the spec",
    async (bad) =>
      (await actions()).createConfigAction({
        teamId: owner.teamId,
        name: "Web",
        spec: { ...configSpec, eni: { mode: "create", name: `eni ${bad}` } },
      }),
    (p) => `The spec is not a valid config: spec.eni.name: The ENI name ${p}.`,
  ],
  [
    "createConfigAction: the zone id in the spec",
    async (bad) =>
      (await actions()).createConfigAction({
        teamId: owner.teamId,
        name: "Web",
        spec: createSpec({
          instance: { mode: "create", zoneId: `ap-northeast-1a${bad}`, instanceType: "ecs.g7.large" },
        }),
      }),
    (p) => `The spec is not a valid config: spec.instance.zoneId: The zone id ${p}.`,
  ],
  [
    "addRevisionAction: the revision message",
    async (bad) =>
      (await actions()).addRevisionAction({
        teamId: owner.teamId,
        id: configId,
        spec: configSpec,
        message: `second ${bad}`,
      }),
    (p) => `message: The revision message ${p}.`,
  ],
  [
    "updateConfigMetaAction: the name",
    async (bad) => (await actions()).updateConfigMetaAction({ teamId: owner.teamId, id: configId, name: `Web ${bad}` }),
    (p) => `name: The config name ${p}.`,
  ],
  [
    "saveConfigFromDeploymentAction: the name",
    async (bad) =>
      (await actions()).saveConfigFromDeploymentAction({ teamId: owner.teamId, deploymentId, name: `Web ${bad}` }),
    (p) => `name: The config name ${p}.`,
  ],
  [
    "duplicateConfigAction: the name",
    async (bad) => (await actions()).duplicateConfigAction({ teamId: owner.teamId, id: configId, name: `Copy ${bad}` }),
    (p) => `name: The config name ${p}.`,
  ],
  [
    "createCloudAccountAction: the name",
    async (bad) =>
      (await actions()).createCloudAccountAction({
        teamId: owner.teamId,
        account: { ...accessKey, name: `Prod ${bad}` },
      }),
    (p) => `The account name ${p}.`,
  ],
  [
    "createCloudAccountAction: the AccessKey secret",
    async (bad) =>
      (await actions()).createCloudAccountAction({
        teamId: owner.teamId,
        account: { ...accessKey, accessKeySecret: `${accessKey.accessKeySecret}${bad}` },
      }),
    (p) => `The AccessKey secret ${p}.`,
  ],
];

const BAD = [
  ["U+0000", "\u0000", "must not contain control characters (found U+0000)"],
  ["a lone surrogate", "\ud800", "must be valid Unicode text (found an unpaired surrogate, U+D800)"],
] as const;

describe.each(BAD)("text holding %s", (_name, bad, problem) => {
  it.each(CASES)("%s: refused with a validation message, nothing stored", async (_what, call, message) => {
    actAs(owner.cookie);
    const before = await stored();
    const r = await call(bad);
    expect(r).toMatchObject({ ok: false, code: "INVALID_INPUT", error: message(problem) });
    expect(await stored()).toEqual(before);
  });

  it("importConfigsAction: a config's zone id in the file is reported, nothing imported", async () => {
    actAs(owner.cookie);
    const before = await stored();
    const file = {
      schemaVersion: 1,
      kind: "eipilot.configs",
      configs: [
        {
          name: "Imported",
          revisions: [
            {
              revision: 1,
              spec: createSpec({
                instance: { mode: "create", zoneId: `ap-northeast-1a${bad}`, instanceType: "ecs.g7.large" },
              }),
            },
          ],
        },
      ],
    };
    const r = await (await actions()).importConfigsAction({ teamId: owner.teamId, text: JSON.stringify(file) });
    expect(r).toMatchObject({
      ok: true,
      data: { ok: false, problems: [`configs.0.revisions.0.spec.instance.zoneId: The zone id ${problem}.`] },
    });
    expect(await stored()).toEqual(before);
  });

  it("better-auth: a name at sign-up, in the profile and for a team; a team's slug", async () => {
    const before = await stored();
    const refused = async (res: Response, code: string, message: string) => {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code, message });
    };
    const email = `new-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await refused(
      await authPost(
        "/sign-up/email",
        { name: `New ${bad}`, email, password: "correct-horse-battery-staple" },
        { ip: "198.51.100.200" },
      ),
      "INVALID_NAME",
      `The name ${problem}.`,
    );
    // Profile and team edits are closed over HTTP (lib/auth/auth-endpoints.test.ts); the same check still
    // guards the server's own calls into better-auth.
    for (const [path, body] of [
      ["/update-user", { name: `Owner ${bad}` }],
      ["/organization/create", { name: `Team ${bad}`, slug: "second-team" }],
      ["/organization/update", { organizationId: owner.teamId, data: { name: `Team ${bad}` } }],
    ] as const)
      expect((await authPost(path, body, { cookie: owner.cookie })).status).toBe(404);
    const { auth } = await import("@/lib/auth/auth");
    const headers = new Headers({ cookie: owner.cookie });
    const refusedCall = (call: Promise<unknown>, code: string, message: string) =>
      expect(call).rejects.toMatchObject({ body: { code, message } });
    await refusedCall(
      auth().api.updateUser({ body: { name: `Owner ${bad}` }, headers }),
      "INVALID_NAME",
      `The name ${problem}.`,
    );
    await refusedCall(
      auth().api.createOrganization({ body: { name: `Team ${bad}`, slug: "second-team" }, headers }),
      "INVALID_NAME",
      `The name ${problem}.`,
    );
    await refusedCall(
      auth().api.createOrganization({ body: { name: "Second team", slug: `second${bad}` }, headers }),
      "INVALID_TEXT",
      `The field slug ${problem}.`,
    );
    await refusedCall(
      auth().api.updateOrganization({ body: { organizationId: owner.teamId, data: { name: `Team ${bad}` } }, headers }),
      "INVALID_NAME",
      `The name ${problem}.`,
    );
    expect(await stored()).toEqual(before);
  });
});

describe("what stays allowed", () => {
  it("line breaks and tabs in a description and a revision message; a pasted trailing line break in a name is trimmed", async () => {
    actAs(owner.cookie);
    const { createConfigAction, addRevisionAction } = await actions();
    const r = await createConfigAction({
      teamId: owner.teamId,
      name: "Multi-line\n",
      description: "first line\n\tsecond line\r\n",
      spec: configSpec,
      message: "why:\n- more EIPs",
    });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(
      await addRevisionAction({
        teamId: owner.teamId,
        id: (r.data as { id: string }).id,
        spec: { ...configSpec, privateIps: { mode: "count", count: 2 } },
        message: "again\n\tindented",
      }),
    ).toMatchObject({ ok: true });
    const row = await t.db.configTemplate.findUniqueOrThrow({
      where: { id: (r.data as { id: string }).id },
      select: { name: true, description: true },
    });
    expect(row).toEqual({ name: "Multi-line", description: "first line\n\tsecond line\r\n" });
    // Astral characters are surrogate pairs, not lone surrogates.
    expect(
      await (await actions()).saveDraftAction({ teamId: owner.teamId, name: "web 🚀 東京", spec: { note: "🚀" } }),
    ).toMatchObject({ ok: true });
  });
});
