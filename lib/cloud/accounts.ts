// Team-scoped Alibaba Cloud credentials. Secrets are encrypted at rest, never
// returned to the browser (the DTO carries a masked key id only), never logged
// and never audited.
import { db } from "@/lib/db/client";
import { decryptSecret, encryptSecret, maskKeyId } from "@/lib/server/crypto";
import { demoMode, env } from "@/lib/server/env";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { safeParseIn } from "@/lib/validation/messages";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type UserActor } from "@/lib/audit/actor";
import { cloudAccountInput, type CloudAccountInput } from "./cloud-account.schema";
import type { CloudCredentials } from "./client";
import { cloudCall } from "./call";

/** The emulator's built-in demo key pair (see emulator/README.md). */
export const DEMO_ACCESS_KEY_ID = "LTAI5tEIPilotDemoKey01";
export const DEMO_ACCESS_KEY_SECRET = "EIPilotDemoSecretNotForProduction01";
export const DEMO_ACCOUNT_NAME = "Demo (emulator)";

const accountShape = {
  id: true,
  name: true,
  kind: true,
  accessKeyId: true,
  roleArn: true,
  defaultRegion: true,
  createdAt: true,
} as const;

export type CloudAccountDto = {
  id: string;
  name: string;
  kind: string;
  accessKeyIdMasked: string;
  roleArn: string | null;
  defaultRegion: string;
  createdAt: Date;
};

function toDto(row: {
  id: string;
  name: string;
  kind: string;
  accessKeyId: string;
  roleArn: string | null;
  defaultRegion: string;
  createdAt: Date;
}): CloudAccountDto {
  const { accessKeyId, ...rest } = row;
  return { ...rest, accessKeyIdMasked: row.kind === "demo" ? accessKeyId : maskKeyId(accessKeyId) };
}

export async function listCloudAccounts(teamId: string): Promise<CloudAccountDto[]> {
  // A team made before demo mode was switched on gets its demo account on first look.
  await ensureDemoCloudAccount(teamId);
  const rows = await db().cloudAccount.findMany({
    where: { teamId },
    orderBy: { createdAt: "asc" },
    select: accountShape,
  });
  return rows.filter((r) => r.kind !== "demo" || demoMode()).map(toDto);
}

export async function ensureDemoCloudAccount(teamId: string) {
  if (!demoMode()) return null;
  const existing = await db().cloudAccount.findFirst({ where: { teamId, kind: "demo" }, select: { id: true } });
  if (existing) return existing;
  return db().cloudAccount.create({
    data: {
      teamId,
      name: DEMO_ACCOUNT_NAME,
      kind: "demo",
      accessKeyId: DEMO_ACCESS_KEY_ID,
      secretCiphertext: encryptSecret(JSON.stringify({ accessKeySecret: DEMO_ACCESS_KEY_SECRET })),
      defaultRegion: "ap-northeast-1",
    },
    select: { id: true },
  });
}

/** The audit event keeps the actor's email (the trail names them after they leave the team). */
export async function createCloudAccount(teamId: string, actor: UserActor, raw: unknown): Promise<CloudAccountDto> {
  const parsed = cloudAccountInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserFacingError(
      (l) => safeParseIn(l, cloudAccountInput, raw).error?.issues[0]?.message ?? issue.message,
      { field: String(issue.path[0] ?? "form"), code: "INVALID_INPUT" },
    );
  }
  const input: CloudAccountInput = parsed.data;
  const taken = await db().cloudAccount.findFirst({ where: { teamId, name: input.name }, select: { id: true } });
  if (taken) throw new UserFacingError(msg("cloud.nameTaken", { name: input.name }), { field: "name" });
  const secret = {
    accessKeySecret: input.accessKeySecret,
    ...(input.kind === "sts" ? { securityToken: input.securityToken } : {}),
  };
  // The account and its audit event commit together or not at all.
  const row = await db().$transaction(async (tx) => {
    const created = await tx.cloudAccount.create({
      data: {
        teamId,
        name: input.name,
        kind: input.kind,
        accessKeyId: input.accessKeyId,
        defaultRegion: input.defaultRegion,
        roleArn: input.kind === "ram_role" ? input.roleArn : null,
        secretCiphertext: encryptSecret(JSON.stringify(secret)),
        createdById: actor.userId,
      },
      select: accountShape,
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:cloudAccount.create",
      targets: [created.id],
      outcome: "success",
      params: { name: created.name, kind: created.kind, accessKeyId: maskKeyId(created.accessKeyId) },
    });
    return created;
  });
  return toDto(row);
}

export async function deleteCloudAccount(teamId: string, actor: UserActor, id: string) {
  await db().$transaction(async (tx) => {
    const { count } = await tx.cloudAccount.deleteMany({ where: { id, teamId } });
    if (count !== 1) throw new UserFacingError(msg("cloud.noSuchAccount"), { code: "NOT_FOUND" });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:cloudAccount.delete",
      targets: [id],
      outcome: "success",
    });
  });
}

/**
 * The credentials behind an account, for lib/cloud only. Demo accounts point at
 * the emulator this process was started with; RAM-role accounts are exchanged
 * for STS credentials through @alicloud/credentials.
 */
export async function loadCloudCredentials(teamId: string, cloudAccountId: string): Promise<CloudCredentials> {
  const row = await db().cloudAccount.findFirst({
    where: { id: cloudAccountId, teamId },
    select: { kind: true, accessKeyId: true, roleArn: true, secretCiphertext: true },
  });
  if (!row) throw new UserFacingError(msg("cloud.noSuchAccount"), { code: "NOT_FOUND" });
  const secret = JSON.parse(decryptSecret(row.secretCiphertext)) as { accessKeySecret: string; securityToken?: string };
  switch (row.kind) {
    case "demo": {
      const endpoint = env().EMULATOR_ENDPOINT;
      if (!endpoint) throw new UserFacingError(msg("cloud.demoNeedsEmulator"));
      return { accessKeyId: row.accessKeyId, accessKeySecret: secret.accessKeySecret, endpoint };
    }
    case "access_key":
      return { accessKeyId: row.accessKeyId, accessKeySecret: secret.accessKeySecret };
    case "sts":
      return {
        accessKeyId: row.accessKeyId,
        accessKeySecret: secret.accessKeySecret,
        securityToken: secret.securityToken,
      };
    case "ram_role": {
      const { default: Credential, Config } = await import("@alicloud/credentials");
      const credential = new Credential(
        new Config({
          type: "ram_role_arn",
          accessKeyId: row.accessKeyId,
          accessKeySecret: secret.accessKeySecret,
          roleArn: row.roleArn ?? "",
          roleSessionName: "eipilot",
        }),
      );
      const c = await credential.getCredential();
      return {
        accessKeyId: c.accessKeyId ?? "",
        accessKeySecret: c.accessKeySecret ?? "",
        securityToken: c.securityToken,
      };
    }
    default:
      throw new Error(`unknown cloud account kind ${row.kind}`);
  }
}

/** "Test connection": DescribeRegions with the account's credentials (audited like every cloud call). */
export async function testCloudAccount(
  teamId: string,
  actor: UserActor,
  id: string,
): Promise<{ regions: number; regionIds: string[] }> {
  const account = await db().cloudAccount.findFirst({ where: { id, teamId }, select: { defaultRegion: true } });
  if (!account) throw new UserFacingError(msg("cloud.noSuchAccount"), { code: "NOT_FOUND" });
  const creds = await loadCloudCredentials(teamId, id);
  const body = await cloudCall(
    { db: db(), teamId, creds, regionId: account.defaultRegion, actor },
    "DescribeRegions",
    {},
  );
  const regions = ((body.Regions as { Region?: { RegionId?: string }[] } | undefined)?.Region ?? [])
    .map((r) => r.RegionId ?? "")
    .filter(Boolean);
  return { regions: regions.length, regionIds: regions };
}
