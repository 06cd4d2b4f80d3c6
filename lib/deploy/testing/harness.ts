// Test harness: a real emulator (near-zero latencies) + a fresh migrated database + a team.
import { startEmulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, type EmulatorHandle } from "@/emulator/server";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { configureDeployEngine } from "../deployment.service";
import type { CloudContext } from "@/lib/cloud/call";
import type { CloudCredentials } from "@/lib/cloud/client";
import type { DeploymentSpecV1Input, DeploymentSpecV2Input } from "../spec.schema";
import { DEFAULT_SEED, type Seed } from "@/emulator/seed";

/** The demo world with web-1 on ecs.g7.xlarge (15 private IPs per ENI) so that 8 EIPs fit. */
export const TEST_SEED: Seed = {
  ...DEFAULT_SEED,
  instances: (DEFAULT_SEED.instances ?? []).map((i, k) => (k === 0 ? { ...i, instanceType: "ecs.g7.xlarge" } : i)),
};

export const REGION = "ap-northeast-1";
export const INSTANCE = "i-6we1x9demoweb000001";
export const INSTANCE2 = "i-6we1x9demoweb000002";
export const ENI = "eni-6we1x9demosecond001";
export const VSW_A = "vsw-6we1x9demotokyoa01";
export const SG = "sg-6we1x9demotokyo00001";

export type Harness = {
  emu: EmulatorHandle;
  t: TestDb;
  teamId: string;
  creds: CloudCredentials;
  ctx: CloudContext;
  close(): Promise<void>;
};

export const FAST = {
  eniAttach: 5,
  eniDetach: 5,
  eniDelete: 5,
  eipAssociate: 5,
  eipUnassociate: 5,
  eipRelease: 5,
  instanceStart: 5,
  instanceStop: 5,
  instanceCreate: 5,
  commandDelivery: 5,
};

/** `lab`: instances backed by network namespaces (the emulator's --lab), for Cloud Assistant runs. */
export async function harness(
  opts: { seed?: Seed; latencies?: Record<string, number>; lab?: boolean } = {},
): Promise<Harness> {
  const emu = await startEmulator({
    lab: opts.lab,
    latencies: { ...FAST, ...opts.latencies },
    seed: opts.seed ?? TEST_SEED,
  });
  const t = await createTestDb();
  const teamId = `team-${Math.random().toString(36).slice(2, 8)}`;
  await t.db.organization.create({ data: { id: teamId, name: "Test team", slug: teamId } });
  await t.db.cloudAccount.create({
    data: {
      id: "acct-test",
      teamId,
      name: "emulator",
      kind: "demo",
      accessKeyId: DEMO_ACCESS_KEY_ID,
      secretCiphertext: "unused-in-tests",
      endpoint: emu.endpoint,
    },
  });
  const creds: CloudCredentials = {
    accessKeyId: DEMO_ACCESS_KEY_ID,
    accessKeySecret: DEMO_ACCESS_KEY_SECRET,
    endpoint: emu.endpoint,
  };
  configureDeployEngine({
    db: () => t.db,
    resolveCredentials: async () => creds,
    waitScale: 0.01,
    pollCapMs: 50,
    retryBaseMs: 5,
    retryCapMs: 50,
    leaseMs: 10_000,
  });
  return {
    emu,
    t,
    teamId,
    creds,
    ctx: { db: t.db, teamId, creds, regionId: REGION },
    async close() {
      await emu.close();
      await t.close();
    },
  };
}

export function baseSpec(over: Partial<DeploymentSpecV1Input> = {}): DeploymentSpecV1Input {
  return {
    specVersion: 1,
    cloudAccountId: "acct-test",
    regionId: REGION,
    instance: { mode: "existing", instanceId: INSTANCE },
    eni: { mode: "existing", networkInterfaceId: ENI },
    privateIps: { mode: "count", count: 2 },
    usePrimaryIp: true,
    eips: [{}, {}, {}],
    os: "alinux2",
    ...over,
  };
}

/** Resources only (no tokens, RNG or task bookkeeping) — what "the same cloud state" means. */
export function resourceState(emu: EmulatorHandle) {
  const w = structuredClone(emu.state());
  return {
    instances: w.instances,
    enis: w.enis,
    eips: w.eips,
    vswitches: w.vswitches,
    vpcs: w.vpcs,
    securityGroups: w.securityGroups,
  };
}

/** A v2 spec on web-1 (existing instance) with the given ENI entries. */
export function baseSpecV2(
  enis: DeploymentSpecV2Input["enis"],
  over: Partial<DeploymentSpecV2Input> = {},
): DeploymentSpecV2Input {
  return {
    specVersion: 2,
    cloudAccountId: "acct-test",
    regionId: REGION,
    instance: { mode: "existing", instanceId: INSTANCE },
    enis,
    os: "alinux2",
    ...over,
  };
}
