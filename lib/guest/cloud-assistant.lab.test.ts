// End to end, app path against a lab-mode emulator: deploy (lib/deploy service functions) →
// apply through Cloud Assistant → verify sees each EIP at the what-is-my-IP service → a route
// broken behind EIPilot's back fails verify for that EIP → rollback through Cloud Assistant.
// Root + Linux only (lab mode); the "agent offline" case runs everywhere.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, type EmulatorHandle } from "@/emulator/server";
import { labUnavailable, nsExec } from "@/emulator/lab/netns";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import type { CloudCredentials } from "@/lib/cloud/client";
import { configureDeployEngine, createDraft, runPreflight, startDeployment } from "@/lib/deploy/deployment.service";
import { TEST_SEED, FAST, baseSpec, INSTANCE, REGION } from "@/lib/deploy/testing/harness";
import { agentStatus } from "./cloud-assistant";
import { applyThroughCloudAssistant, configureGuest, getGuestState, rollbackThroughCloudAssistant, verifyThroughCloudAssistant } from "./cloud-assistant.service";

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[lib/guest lab e2e] skipped: ${why}`);

async function setup(lab: boolean) {
  const emu = await startEmulator({ lab, latencies: FAST, seed: TEST_SEED });
  const t = await createTestDb();
  const teamId = `team-${Math.random().toString(36).slice(2, 8)}`;
  await t.db.organization.create({ data: { id: teamId, name: "Guest test team", slug: teamId } });
  await t.db.cloudAccount.create({ data: { id: "acct-test", teamId, name: "emulator", kind: "demo", accessKeyId: DEMO_ACCESS_KEY_ID, secretCiphertext: "unused-in-tests", endpoint: emu.endpoint } });
  const creds: CloudCredentials = { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, endpoint: emu.endpoint };
  configureDeployEngine({ db: () => t.db, resolveCredentials: async () => creds, waitScale: 0.01, pollCapMs: 50, retryBaseMs: 5, retryCapMs: 50, leaseMs: 10_000 });
  configureGuest({ db: () => t.db, resolveCredentials: async () => creds, echoUrl: () => emu.lab?.echoUrl ?? null, pollMs: 100, pollCapMs: 300 });
  return { emu, t, teamId, creds };
}

async function deploy(teamId: string, name: string) {
  const { id } = await createDraft(teamId, { name, spec: baseSpec() });
  const pre = await runPreflight(teamId, id);
  expect(pre.ok, JSON.stringify(pre.findings)).toBe(true);
  const r = await (await startDeployment(teamId, id)).done;
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  return id;
}

describe.skipIf(why !== null)("Cloud Assistant in the app, against emulator --lab", () => {
  let emu: EmulatorHandle;
  let t: TestDb;
  let teamId: string;
  let id: string;
  let expected: Array<{ privateIp: string; eip: string }>;

  beforeAll(async () => {
    ({ emu, t, teamId } = await setup(true));
    id = await deploy(teamId, "three-eips");
    const d = await t.db.deployment.findFirstOrThrow({ where: { id, teamId } });
    expected = ((d.resources as { eips: Array<{ privateIp: string; ipAddress: string }> }).eips ?? []).map((e) => ({ privateIp: e.privateIp, eip: e.ipAddress }));
    expect(expected).toHaveLength(3);
  }, 120_000);
  afterAll(async () => {
    await emu?.close();
    await t?.close();
  });

  it("the panel state says the agent is online: apply through Cloud Assistant", async () => {
    const s = await getGuestState(teamId, id);
    expect(s.instanceId).toBe(INSTANCE);
    expect(s.agent?.online).toBe(true);
    expect(s.mode).toBe("cloud-assistant");
    expect(s.script?.version).toBe(1);
    expect(s.echoUrl).toBe(emu.lab!.echoUrl);
    // Another team does not see the deployment.
    await expect(getGuestState("team-other", id)).rejects.toThrow("Deployment not found");
  });

  it("apply runs apply.sh then verify.sh; each EIP is observed by the what-is-my-IP service", async () => {
    const r = await applyThroughCloudAssistant(teamId, id, null);
    expect(r.runs.map((x) => [x.action, x.status, x.exitCode]), r.runs.map((x) => x.output).join("\n----\n")).toEqual([
      ["apply", "Success", 0],
      ["verify", "Success", 0],
    ]);
    expect(r.ok).toBe(true);
    const byIp = Object.fromEntries(r.guest.results.map((x) => [x.privateIp, x]));
    for (const e of expected) expect(byIp[e.privateIp]).toMatchObject({ expectedEip: e.eip, observed: e.eip, ok: true });
    // Recorded on the deployment (team-scoped row), and every cloud call was audited.
    const row = await t.db.deployment.findFirstOrThrow({ where: { id, teamId }, select: { checks: true } });
    const guest = (row.checks as { guest: { ok: boolean; results: unknown[]; runs: unknown[] } }).guest;
    expect(guest.ok).toBe(true);
    expect(guest.results).toHaveLength(3);
    const actions = (await t.db.auditEvent.findMany({ where: { teamId, deploymentId: id }, select: { action: true } })).map((a) => a.action);
    for (const a of ["cloud:ECS.RunCommand", "cloud:ECS.DescribeInvocations", "cloud:ECS.DescribeInvocationResults", "guest.apply"]) expect(actions).toContain(a);
    // The guest's files went to the instance's sandboxed /etc, not the host's.
    const sandbox = emu.lab!.status().instances[INSTANCE]!.sandbox;
    expect(existsSync(`${sandbox}/etc/sysconfig/network-scripts/ifcfg-eth1`)).toBe(true);
    expect(existsSync("/etc/sysconfig/network-scripts/ifcfg-eth1")).toBe(false);
  });

  it("a route broken behind EIPilot's back: verify fails for that EIP only", async () => {
    const ns = emu.lab!.status().instances[INSTANCE]!.namespace;
    const broken = expected[1]!;
    const del = await nsExec(ns, ["ip", "rule", "del", "from", broken.privateIp, "lookup", "1001"]);
    expect(del.code, del.stderr).toBe(0);
    const r = await verifyThroughCloudAssistant(teamId, id, null);
    expect(r.ok).toBe(false);
    expect(r.runs[0]!.exitCode).toBe(1);
    for (const x of r.guest.results) {
      if (x.privateIp === broken.privateIp) {
        expect(x.ok).toBe(false);
        expect(x.observed).not.toBe(broken.eip);
        expect(x.detail).toMatch(/rule|egress|answer/);
      } else expect(x).toMatchObject({ ok: true, observed: expected.find((e) => e.privateIp === x.privateIp)!.eip });
    }
  });

  it("rollback through Cloud Assistant removes the guest configuration", async () => {
    const r = await rollbackThroughCloudAssistant(teamId, id, null);
    expect(r.runs[0]!.exitCode, r.runs[0]!.output).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.guest.rolledBack).toBe(true);
    const ns = emu.lab!.status().instances[INSTANCE]!.namespace;
    const rules = (await nsExec(ns, ["ip", "rule", "show"])).stdout;
    for (const e of expected) expect(rules).not.toContain(e.privateIp);
    const sandbox = emu.lab!.status().instances[INSTANCE]!.sandbox;
    expect(existsSync(`${sandbox}/etc/sysconfig/network-scripts/ifcfg-eth1`)).toBe(false);
    const v = await verifyThroughCloudAssistant(teamId, id, null);
    expect(v.ok).toBe(false);
  });
});

describe("Cloud Assistant without a running agent (emulator without --lab)", () => {
  let emu: EmulatorHandle;
  let t: TestDb;
  let teamId: string;
  beforeAll(async () => {
    ({ emu, t, teamId } = await setup(false));
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    await t?.close();
  });

  it("reports the agent offline and refuses to apply with a hint to apply by hand", async () => {
    const creds = { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, endpoint: emu.endpoint };
    const s = await agentStatus({ db: t.db, teamId, creds, regionId: REGION }, INSTANCE);
    expect(s).toMatchObject({ online: false });
    const id = await deploy(teamId, "no-agent");
    const state = await getGuestState(teamId, id);
    expect(state.mode).toBe("manual");
    await expect(applyThroughCloudAssistant(teamId, id, null)).rejects.toThrow(/apply it by hand/);
  });
});
