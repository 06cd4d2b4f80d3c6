// End to end, app path against a lab-mode emulator: deploy (lib/deploy service functions) →
// apply through Cloud Assistant → verify sees each EIP at the what-is-my-IP service → a route
// broken behind EIPilot's back fails verify for that EIP → rollback through Cloud Assistant.
// Root + Linux only (lab mode); the "agent offline" case runs everywhere.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, type EmulatorHandle } from "@/emulator/server";
import { labUnavailable, nsExec } from "@/emulator/lab/netns";
import type { TestDb } from "@/lib/testing/test-db";
import type { CloudCredentials } from "@/lib/cloud/client";
import {
  createDraft,
  resumeDeployment,
  runPreflight,
  startDeployment,
  teardownDeployment,
} from "@/lib/deploy/deployment.service";
import { getDeploymentView, verifyDeployment } from "@/lib/deploy/deployment-view.service";
import { harness, baseSpec, INSTANCE, REGION } from "@/lib/deploy/testing/harness";
import { agentStatus } from "./cloud-assistant";
import {
  applyThroughCloudAssistant,
  configureGuest,
  getGuestState,
  rollbackThroughCloudAssistant,
  verifyThroughCloudAssistant,
} from "@/lib/deploy/guest-run.service";

// The cloud-side check (lib/deploy) reads the team's credentials from its cloud account: the emulator's here.
const accounts = vi.hoisted(() => ({ creds: null as CloudCredentials | null }));
vi.mock("server-only", () => ({}));
vi.mock("@/lib/cloud/accounts", () => ({ loadCloudCredentials: async () => accounts.creds }));

const why = labUnavailable(["ip", "nft", "curl", "bash", "unshare"]);
if (why) console.warn(`[lib/guest lab e2e] skipped: ${why}`);

async function setup(lab: boolean) {
  const { emu, t, teamId, creds } = await harness({ lab });
  configureGuest({
    db: () => t.db,
    resolveCredentials: async () => creds,
    echoUrl: () => emu.lab?.echoUrl ?? null,
    pollMs: 100,
    pollCapMs: 300,
  });
  accounts.creds = creds;
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
    expected = ((d.resources as { eips: Array<{ privateIp: string; ipAddress: string }> }).eips ?? []).map((e) => ({
      privateIp: e.privateIp,
      eip: e.ipAddress,
    }));
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
    expect(
      r.runs.map((x) => [x.action, x.status, x.exitCode]),
      r.runs.map((x) => x.output).join("\n----\n"),
    ).toEqual([
      ["apply", "Success", 0],
      ["verify", "Success", 0],
    ]);
    expect(r.ok).toBe(true);
    const byIp = Object.fromEntries(r.guest.results.map((x) => [x.privateIp, x]));
    for (const e of expected)
      expect(byIp[e.privateIp]).toMatchObject({ expectedEip: e.eip, observed: e.eip, ok: true });
    // Recorded on the deployment (team-scoped row), and every cloud call was audited.
    const row = await t.db.deployment.findFirstOrThrow({ where: { id, teamId }, select: { checks: true } });
    const guest = (row.checks as { guest: { ok: boolean; results: unknown[]; runs: unknown[] } }).guest;
    expect(guest.ok).toBe(true);
    expect(guest.results).toHaveLength(3);
    const actions = (
      await t.db.auditEvent.findMany({ where: { teamId, deploymentId: id }, select: { action: true } })
    ).map((a) => a.action);
    for (const a of [
      "cloud:ECS.RunCommand",
      "cloud:ECS.DescribeInvocations",
      "cloud:ECS.DescribeInvocationResults",
      "guest.apply",
    ])
      expect(actions).toContain(a);
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

describe.skipIf(why !== null)(
  "Results per EIP and teardown of a deployment applied through Cloud Assistant, against emulator --lab",
  () => {
    let emu: EmulatorHandle;
    let t: TestDb;
    let teamId: string;
    let id: string;
    let ips: string[];
    const ns = () => emu.lab!.status().instances[INSTANCE]!.namespace;
    const guestColumn = async () => (await getDeploymentView(teamId, id)).eipResults.map((e) => e.guest.verdict);
    const PASS3 = ["pass", "pass", "pass"];

    beforeAll(async () => {
      ({ emu, t, teamId } = await setup(true));
      id = await deploy(teamId, "teardown-lab");
      // The deployment page runs the cloud-side check by itself once the apply succeeded.
      await verifyDeployment(teamId, id);
      ips = (await getDeploymentView(teamId, id)).eipResults.map((e) => e.privateIp);
      expect(ips).toHaveLength(3);
    }, 120_000);
    afterAll(async () => {
      await emu?.close();
      await t?.close();
    });

    it("the Guest check column shows the guest verification right after apply, and Re-run verify keeps it", async () => {
      expect(await guestColumn()).toEqual(["not_run", "not_run", "not_run"]);
      const r = await applyThroughCloudAssistant(teamId, id, null);
      expect(r.ok, r.runs.map((x) => x.output).join("\n----\n")).toBe(true);
      expect(await guestColumn()).toEqual(PASS3);
      // "Re-run verify" (the cloud-side check) must not forget the guest's results.
      await verifyDeployment(teamId, id);
      const v = await getDeploymentView(teamId, id);
      expect(v.eipResults.map((e) => [e.cloud.verdict, e.guest.verdict])).toEqual(Array(3).fill(["pass", "pass"]));
      expect(v.checks?.results.map((x) => x.guest)).toEqual(PASS3);
      expect(v.checks?.guest?.ok).toBe(true);
    });

    it("a new guest verification replaces the column's verdicts", async () => {
      const del = await nsExec(ns(), ["ip", "rule", "del", "from", ips[1]!, "lookup", "1001"]);
      expect(del.code, del.stderr).toBe(0);
      expect((await verifyThroughCloudAssistant(teamId, id, null)).ok).toBe(false);
      expect(await guestColumn()).toEqual(["pass", "fail", "pass"]);
      await verifyDeployment(teamId, id);
      expect(await guestColumn()).toEqual(["pass", "fail", "pass"]);
      // Applying again repairs it, and the column follows.
      expect((await applyThroughCloudAssistant(teamId, id, null)).ok).toBe(true);
      expect(await guestColumn()).toEqual(PASS3);
    });

    it("teardown runs rollback.sh through Cloud Assistant first: when it fails nothing else changes; Resume finishes and no EIPilot rule or route is left", async () => {
      const rules = async () => (await nsExec(ns(), ["ip", "rule", "show"])).stdout;
      const table = async () => (await nsExec(ns(), ["ip", "route", "show", "table", "1001"])).stdout.trim();
      for (const ip of ips) expect(await rules()).toContain(`from ${ip} lookup 1001`);
      const bound = () =>
        Object.values(emu.state().eips).filter(
          (e) => e.binding?.privateIpAddress && ips.includes(e.binding.privateIpAddress),
        ).length;

      // A rollback.sh that fails on the instance: the teardown stops before any cloud change.
      const script = await t.db.routeScript.findFirstOrThrow({ where: { deploymentId: id, version: 1 } });
      const files = script.files as Array<{ path: string; content: string }>;
      const broken = files.map((f) =>
        f.path === "rollback.sh"
          ? { ...f, content: "#!/bin/bash\necho 'cannot roll back: simulated' >&2\nexit 3\n" }
          : f,
      );
      await t.db.routeScript.update({ where: { id: script.id }, data: { files: broken as never } });
      const failed = await (await teardownDeployment(teamId, id)).done;
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatchObject({ code: "GuestRollbackFailed" });
      expect((failed.error as { message: string }).message).toMatch(/exit 3.*cannot roll back: simulated/s);
      emu.settle();
      expect(bound()).toBe(3);
      for (const ip of ips) expect(await rules()).toContain(`from ${ip} lookup 1001`);
      let v = await getDeploymentView(teamId, id);
      expect(
        v.steps
          .filter((s) => s.phase === "teardown" && !["pending", "noop"].includes(s.status))
          .map((s) => [s.key, s.status]),
      ).toEqual([["guest.rollback", "failed"]]);

      // Fixed: Resume runs rollback.sh again, then the cloud side.
      await t.db.routeScript.update({ where: { id: script.id }, data: { files: files as never } });
      const done = await (await resumeDeployment(teamId, id)).done;
      expect(done.status, JSON.stringify(done.error)).toBe("torn_down");
      const left = await rules();
      for (const ip of ips) expect(left).not.toContain(ip);
      expect(left).not.toContain("lookup 1001");
      expect(await table()).toBe("");
      v = await getDeploymentView(teamId, id);
      expect(v.steps.find((s) => s.phase === "teardown" && s.key === "guest.rollback")).toMatchObject({
        status: "succeeded",
      });
      expect(v.resources.guestApplied).toBeUndefined();
      expect(v.eipResults.map((e) => [e.association, e.cloud.verdict, e.guest.verdict])).toEqual(
        Array(3).fill(["released", "not_applicable", "not_applicable"]),
      );
      const audit = await t.db.auditEvent.findMany({
        where: { teamId, deploymentId: id, action: "guest.rollback" },
        orderBy: { seq: "asc" },
        select: { outcome: true, params: true, errorMessage: true },
      });
      expect(audit.map((a) => a.outcome)).toEqual(["failure", "success"]);
      // Each run is on the record like apply/verify runs (id, status, exit code; never its output).
      expect(audit[0]).toMatchObject({
        errorMessage: "rollback.sh ended Failed (exit 3)",
        params: {
          invocations: [{ action: "rollback", invokeId: expect.stringMatching(/^t-/), status: "Failed", exitCode: 3 }],
        },
      });
      expect(audit[1]).toMatchObject({
        errorMessage: null,
        params: {
          phase: "teardown",
          invocations: [{ action: "rollback", invokeId: expect.stringMatching(/^t-/), status: "Success", exitCode: 0 }],
        },
      });
      expect(JSON.stringify(audit)).not.toContain("[redacted]");
      expect(JSON.stringify(audit)).not.toContain("simulated");
    });
  },
);
