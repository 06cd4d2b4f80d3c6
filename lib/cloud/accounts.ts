// Team-scoped Alibaba Cloud credentials. Secrets are encrypted at rest, never
// returned to the browser (the DTO carries a masked key id only), never logged
// and never audited. The exception is a demo account's pair: it acts only on that
// team's world in the local emulator (demo keys are not secrets), and the team sees
// it so that it can script against its demo world with the official SDKs.
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { decryptSecret, encryptSecret, maskKeyId } from "@/lib/server/crypto";
import { demoMode, env } from "@/lib/server/env";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { safeParseIn } from "@/lib/validation/messages";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type UserActor } from "@/lib/audit/actor";
import { cloudAccountInput, cloudAccountRateInput, type CloudAccountInput } from "./cloud-account.schema";
import type { CloudCredentials } from "./client";
import { cloudCall } from "./call";
import { defaultMaxRps, rateKey } from "./rate-limit";
import { ensureDemoWorld, newDemoKeyPair, type DemoKeyPair } from "./demo-world";

/**
 * The emulator's built-in demo key pair (see emulator/README.md): the world every team's demo
 * account shared before each got its own. A team still on it keeps it while it has deployments
 * there (see ensureDemoCloudAccount).
 */
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
  maxRequestsPerSecond: true,
  createdAt: true,
} as const;

/**
 * How to reach a demo account's world with the official SDKs: `endpoint` is what the SDK
 * Config's `endpoint` takes ("127.0.0.1:PORT", the emulator on this server's loopback), with
 * `protocol: "http"`. `shared`: the account still uses the built-in pair and world that every
 * team's demo account shared before (it has deployments there).
 */
export type DemoEmulatorAccess = {
  endpoint: string;
  protocol: "http";
  accessKeyId: string;
  accessKeySecret: string;
  shared: boolean;
};

export type CloudAccountDto = {
  id: string;
  name: string;
  kind: string;
  accessKeyIdMasked: string;
  roleArn: string | null;
  defaultRegion: string;
  /** Cloud API requests per second of its own; null: EIPILOT_CLOUD_MAX_RPS (`defaultMaxRequestsPerSecond`). */
  maxRequestsPerSecond: number | null;
  /** What applies when the account sets no rate: EIPILOT_CLOUD_MAX_RPS (null: unpaced). */
  defaultMaxRequestsPerSecond: number | null;
  createdAt: Date;
  /** Demo accounts only. */
  emulator?: DemoEmulatorAccess;
};

/** `GET /api/v1/cloud-accounts` items (contract 5); `emulator` on demo accounts only. */
export type CloudAccountApiDto = {
  id: string;
  name: string;
  kind: string;
  defaultRegion: string;
  emulator?: DemoEmulatorAccess;
};

type AccountRow = {
  id: string;
  name: string;
  kind: string;
  accessKeyId: string;
  roleArn: string | null;
  defaultRegion: string;
  maxRequestsPerSecond: number | null;
  createdAt: Date;
};

function toDto(row: AccountRow, emulator?: DemoEmulatorAccess): CloudAccountDto {
  const { accessKeyId, ...rest } = row;
  return {
    ...rest,
    accessKeyIdMasked: row.kind === "demo" ? accessKeyId : maskKeyId(accessKeyId),
    defaultMaxRequestsPerSecond: defaultMaxRps(),
    ...(emulator ? { emulator } : {}),
  };
}

/** The team's accounts; in demo mode its demo account first made (and its world registered) if need be. */
export async function listCloudAccounts(teamId: string): Promise<CloudAccountDto[]> {
  // A team made before demo mode was switched on gets its demo account on first look.
  await ensureDemoCloudAccount(teamId);
  const rows = await db().cloudAccount.findMany({
    where: { teamId },
    orderBy: { createdAt: "asc" },
    select: { ...accountShape, secretCiphertext: true },
  });
  const endpoint = env().EMULATOR_ENDPOINT;
  const out: CloudAccountDto[] = [];
  for (const { secretCiphertext, ...row } of rows) {
    if (row.kind !== "demo") out.push(toDto(row));
    else if (endpoint) {
      const pair = { accessKeyId: row.accessKeyId, accessKeySecret: readSecret(secretCiphertext).accessKeySecret };
      // Shown pairs work at once: a script may use them straight from the page.
      await registerDemoPair(endpoint, pair);
      out.push(toDto(row, { endpoint, protocol: "http", ...pair, shared: pair.accessKeyId === DEMO_ACCESS_KEY_ID }));
    }
  }
  return out;
}

/**
 * For `GET /api/v1/cloud-accounts`: `{ id, name, kind, defaultRegion, emulator? }` of each of the
 * team's accounts, where `emulator` (`{ endpoint, protocol, accessKeyId, accessKeySecret, shared }`)
 * is on demo accounts only. Real accounts' key ids and secrets are never part of it.
 */
export async function listCloudAccountsForApi(teamId: string): Promise<CloudAccountApiDto[]> {
  return (await listCloudAccounts(teamId)).map(({ id, name, kind, defaultRegion, emulator }) => ({
    id,
    name,
    kind,
    defaultRegion,
    ...(emulator ? { emulator } : {}),
  }));
}

function readSecret(ciphertext: string): { accessKeySecret: string; securityToken?: string } {
  return JSON.parse(decryptSecret(ciphertext)) as { accessKeySecret: string; securityToken?: string };
}

/** The built-in pair's world always exists; any other pair's world is registered (idempotent). */
function registerDemoPair(endpoint: string, pair: DemoKeyPair): Promise<void> {
  return pair.accessKeyId === DEMO_ACCESS_KEY_ID ? Promise.resolve() : ensureDemoWorld(endpoint, pair);
}

/** Deployments in these states have nothing in the cloud: a team with only these may move to a world of its own. */
const NOTHING_IN_THE_CLOUD = ["draft", "ready", "torn_down"];

/**
 * In demo mode, the team's demo account: made on first need with a pair of its own, acting on a
 * world of its own in the emulator (as a separate Alibaba Cloud account would). An account made
 * before that, on the built-in pair every team shared, moves to a world of its own on first use —
 * unless it has deployments that are (or may be) live in the shared world: those stay where their
 * resources are, and the account keeps the shared pair until they are torn down.
 */
export async function ensureDemoCloudAccount(teamId: string): Promise<{ id: string } | null> {
  const endpoint = env().EMULATOR_ENDPOINT;
  if (!demoMode() || !endpoint) return null;
  const existing = await db().cloudAccount.findFirst({
    where: { teamId, kind: "demo" },
    select: { id: true, accessKeyId: true },
  });
  if (existing?.accessKeyId === DEMO_ACCESS_KEY_ID) await moveToOwnWorld(teamId, existing.id, endpoint);
  if (existing) return { id: existing.id };
  const pair = newDemoKeyPair();
  try {
    const created = await db().cloudAccount.create({
      data: {
        teamId,
        name: DEMO_ACCOUNT_NAME,
        kind: "demo",
        accessKeyId: pair.accessKeyId,
        secretCiphertext: encryptSecret(JSON.stringify({ accessKeySecret: pair.accessKeySecret })),
        defaultRegion: "ap-northeast-1",
      },
      select: { id: true },
    });
    // Not awaited: sign-up need not wait for the world (lab mode wires namespaces); its first use does.
    void ensureDemoWorld(endpoint, pair);
    return created;
  } catch (e) {
    // Another request (or replica) made it first: that one is the team's.
    if ((e as { code?: unknown }).code !== "P2002") throw e;
    return db().cloudAccount.findFirst({ where: { teamId, kind: "demo" }, select: { id: true } });
  }
}

async function moveToOwnWorld(teamId: string, id: string, endpoint: string): Promise<void> {
  const live = await db().deployment.count({
    where: { teamId, cloudAccountId: id, status: { notIn: NOTHING_IN_THE_CLOUD } },
  });
  if (live > 0) return;
  const pair = newDemoKeyPair();
  // Compare-and-set: of two requests moving the account at once, one wins and the other's pair is dropped.
  const { count } = await db().cloudAccount.updateMany({
    where: { id, teamId, kind: "demo", accessKeyId: DEMO_ACCESS_KEY_ID },
    data: {
      accessKeyId: pair.accessKeyId,
      secretCiphertext: encryptSecret(JSON.stringify({ accessKeySecret: pair.accessKeySecret })),
    },
  });
  if (count === 1) void ensureDemoWorld(endpoint, pair);
}

/** Parses with `schema`, or throws its first issue (in the reader's language) naming the field at fault. */
function parseOrThrow<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UserFacingError((l) => safeParseIn(l, schema, raw).error?.issues[0]?.message ?? issue.message, {
    field: String(issue.path[0] ?? "form"),
    code: "INVALID_INPUT",
  });
}

/** The audit event keeps the actor's email (the trail names them after they leave the team). */
export async function createCloudAccount(teamId: string, actor: UserActor, raw: unknown): Promise<CloudAccountDto> {
  const input: CloudAccountInput = parseOrThrow(cloudAccountInput, raw);
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
        maxRequestsPerSecond: input.maxRequestsPerSecond ?? null,
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
      params: {
        name: created.name,
        kind: created.kind,
        accessKeyId: maskKeyId(created.accessKeyId),
        maxRequestsPerSecond: created.maxRequestsPerSecond,
      },
    });
    return created;
  });
  return toDto(row);
}

/**
 * Sets an account's Cloud API rate (null: back to EIPILOT_CLOUD_MAX_RPS); runs pick it up with their
 * next credentials. Any account of the team, the demo one included (its emulator may be rate-limited too).
 */
export async function updateCloudAccountRate(
  teamId: string,
  actor: UserActor,
  id: string,
  raw: unknown,
): Promise<CloudAccountDto> {
  const { maxRequestsPerSecond } = parseOrThrow(cloudAccountRateInput, raw);
  const row = await db().$transaction(async (tx) => {
    const before = await tx.cloudAccount.findFirst({ where: { id, teamId }, select: { maxRequestsPerSecond: true } });
    if (!before) throw new UserFacingError(msg("cloud.noSuchAccount"), { code: "NOT_FOUND" });
    const updated = await tx.cloudAccount.update({
      where: { id },
      data: { maxRequestsPerSecond },
      select: accountShape,
    });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:cloudAccount.update",
      targets: [id],
      outcome: "success",
      params: { maxRequestsPerSecond, previousMaxRequestsPerSecond: before.maxRequestsPerSecond },
    });
    return updated;
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
    select: { kind: true, accessKeyId: true, roleArn: true, secretCiphertext: true, maxRequestsPerSecond: true },
  });
  if (!row) throw new UserFacingError(msg("cloud.noSuchAccount"), { code: "NOT_FOUND" });
  const secret = readSecret(row.secretCiphertext);
  const creds = await credentialsOf(row, secret);
  // Keyed by the account's own AccessKey id (not an STS session's), so every run shares one budget.
  return {
    ...creds,
    rateLimit: {
      key: rateKey(row.accessKeyId, creds.endpoint),
      maxRequestsPerSecond: row.maxRequestsPerSecond ?? defaultMaxRps(),
    },
  };
}

async function credentialsOf(
  row: { kind: string; accessKeyId: string; roleArn: string | null },
  secret: { accessKeySecret: string; securityToken?: string },
): Promise<CloudCredentials> {
  switch (row.kind) {
    case "demo": {
      const endpoint = env().EMULATOR_ENDPOINT;
      if (!endpoint) throw new UserFacingError(msg("cloud.demoNeedsEmulator"));
      const pair = { accessKeyId: row.accessKeyId, accessKeySecret: secret.accessKeySecret };
      // The emulator may have restarted without its state since the world was registered.
      await registerDemoPair(endpoint, pair);
      return { ...pair, endpoint };
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
