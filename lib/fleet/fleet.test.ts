// Fleet rollouts against the emulator: five instances, one EIP each on their primary ENI. A failing canary
// stops the rollout; the threshold pauses it; abort leaves every member consistent; pause/resume; retry failed
// finishes the failed member; a change (+1 EIP each) rolls out only the delta; teardown returns the world to
// its start; a fresh runner finishes a fleet whose server died, each member once; the fleet pre-flight.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { harness, resourceState, TEST_SEED, REGION, type Harness } from "@/lib/deploy/testing/harness";
import type { Seed } from "@/emulator/seed";
import { userActor } from "@/lib/audit/actor";
import { verifyAuditChain } from "@/lib/audit/chain";
import { configureFleets } from "./runtime";
import {
  abortFleet,
  createFleet,
  pauseFleet,
  preflightFleet,
  resumeFleet,
  retryFailedFleet,
  startFleet,
} from "./fleet.service";
import { changeFleet, teardownFleet } from "./fleet-ops.service";
import { getFleetView } from "./fleet-view";
import { resumeInterruptedFleets } from "./rollout";
import type { FleetSpecInput } from "./fleet.schema";

vi.mock("server-only", () => ({}));

const POOL = [1, 2, 3, 4, 5].map((n) => ({
  id: `i-6we1x9fleet00000${n}`,
  eni: `eni-6we1x9fleetprim0${n}`,
}));
const SEED: Seed = {
  ...TEST_SEED,
  instances: [
    ...(TEST_SEED.instances ?? []),
    ...POOL.map((p, k) => ({
      id: p.id,
      name: `fleet-${k + 1}`,
      vSwitch: "vsw-6we1x9demotokyoa01",
      instanceType: "ecs.g7.large",
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      status: "Running" as const,
      primaryIp: `172.16.0.${101 + k}`,
      primaryEniId: p.eni,
      cloudAssistant: true,
    })),
  ],
};

const SPEC: FleetSpecInput = {
  enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 1 }, eips: [{}] }],
  os: "alinux2",
};
const actor = userActor(null, "op@example.com");

let h: Harness;
let teamId: string;
beforeAll(async () => {
  h = await harness({ seed: SEED });
  configureFleets({ pollMs: 20 });
});
afterAll(async () => h?.close());

// Each test: a fresh team (its own deployments: no member is "managed elsewhere") and a fresh world.
let n = 0;
beforeEach(async () => {
  h.emu.reset();
  h.emu.setFaults({});
  teamId = `fleet-team-${++n}`;
  await h.t.db.organization.create({ data: { id: teamId, name: teamId, slug: teamId } });
  await h.t.db.cloudAccount.create({
    data: {
      id: `acct-${teamId}`,
      teamId,
      name: "emulator",
      kind: "demo",
      accessKeyId: h.creds.accessKeyId,
      secretCiphertext: "-",
      endpoint: h.emu.endpoint,
    },
  });
});

async function fleet(over: { batchSize?: number; failureThreshold?: number; spec?: FleetSpecInput } = {}) {
  const { id } = await createFleet(teamId, actor, {
    name: "relays",
    cloudAccountId: `acct-${teamId}`,
    regionId: REGION,
    spec: over.spec ?? SPEC,
    instances: { ids: POOL.map((p) => p.id) },
    rollout: { batchSize: over.batchSize ?? 2, failureThreshold: over.failureThreshold ?? 1 },
  });
  return id;
}

const calls = (action: string, since = 0) =>
  h.emu
    .requests()
    .slice(since)
    .filter((r) => r.action === action).length;
const failOn = (eni: string) =>
  h.emu.setFaults({ errors: { [`AssignPrivateIpAddresses@${eni}`]: { "Forbidden.Injected": 1 } } });

/** Every member's state agrees with its deployment: what exists in the cloud is what its deployment says. */
async function expectConsistent(id: string) {
  const v = await getFleetView(teamId, id);
  for (const m of v.members) {
    const d = m.deployment.status;
    const ok = {
      succeeded: ["succeeded"],
      failed: ["failed", "cancelled"],
      aborted: ["draft", "ready", "cancelled"],
      pending: ["draft", "ready", "succeeded", "failed"],
      skipped: ["draft", "ready", "succeeded"],
      running: [],
    }[m.state];
    expect(ok, `${m.instanceId}: ${m.state} / ${d}`).toContain(d);
  }
  return v;
}

describe("fleet rollout", () => {
  it("a failing canary stops the rollout (nothing else starts); retry failed finishes it, each member once", async () => {
    const id = await fleet({ batchSize: 2, failureThreshold: 3 });
    failOn(POOL[0]!.eni);
    // A team webhook for the fleet's ends: it hears the pause and the finish, each with the members' states.
    await h.t.db.webhook.create({
      data: {
        teamId,
        url: "https://hooks.example.com/eipilot",
        events: ["fleet.paused", "fleet.finished"],
        secretCiphertext: "-",
      },
    });
    const since = h.emu.requests().length;
    expect(await (await startFleet(teamId, id, actor)).done).toBe("paused");
    let v = await expectConsistent(id);
    expect(v.status).toBe("paused");
    expect(v.pauseReason?.code).toBe("CANARY_FAILED");
    expect(v.pauseReason?.message.en).toContain(POOL[0]!.id);
    expect(v.pauseReason?.message.ja).toContain("カナリア");
    expect(v.members.map((m) => m.state)).toEqual(["failed", "pending", "pending", "pending", "pending"]);
    expect(v.members.slice(1).map((m) => m.deployment.status)).toEqual(["draft", "draft", "draft", "draft"]);
    // Only the canary's run called the cloud (its EIP may have been allocated alongside the failing step).
    expect(calls("AllocateEipAddress", since)).toBeLessThanOrEqual(1);
    expect(calls("AssociateEipAddress", since)).toBe(0);

    h.emu.setFaults({});
    expect(await (await retryFailedFleet(teamId, id, actor)).done).toBe("succeeded");
    v = await expectConsistent(id);
    expect(v.members.map((m) => m.state)).toEqual(Array(5).fill("succeeded"));
    expect(v.totals.eips).toEqual({ planned: 5, allocated: 5, associated: 5, verified: 0 });
    expect(calls("AllocateEipAddress", since)).toBe(5);
    expect(calls("AssociateEipAddress", since)).toBe(5);
    const trail = await h.t.db.auditEvent.findMany({ where: { teamId, action: { startsWith: "app:fleet." } } });
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(["app:fleet.create", "app:fleet.apply", "app:fleet.paused", "app:fleet.retry_failed"]),
    );
    expect(trail.map((e) => e.action)).toContain("app:fleet.succeeded");
    const sent = await h.t.db.webhookDelivery.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
    expect(sent.map((d) => [d.event, JSON.parse(d.body).data.status])).toEqual([
      ["fleet.paused", "paused"],
      ["fleet.finished", "succeeded"],
    ]);
    expect(JSON.parse(sent[0]!.body).data).toMatchObject({
      fleet: { id },
      reason: { code: "CANARY_FAILED" },
      members: { failed: 1, pending: 4 },
    });
    expect((await verifyAuditChain(h.t.db, teamId)).ok).toBe(true);
  });

  it("the failure threshold pauses after the batch; abort then leaves every member consistent", async () => {
    const id = await fleet({ batchSize: 2, failureThreshold: 2 });
    h.emu.setFaults({
      errors: {
        [`AssignPrivateIpAddresses@${POOL[1]!.eni}`]: { "Forbidden.Injected": 1 },
        [`AssignPrivateIpAddresses@${POOL[2]!.eni}`]: { "Forbidden.Injected": 1 },
      },
    });
    expect(await (await startFleet(teamId, id, actor)).done).toBe("paused");
    let v = await expectConsistent(id);
    expect(v.pauseReason).toMatchObject({ code: "THRESHOLD", failed: 2 });
    expect(v.members.map((m) => m.state)).toEqual(["succeeded", "failed", "failed", "pending", "pending"]);
    expect(v.members[1]!.error).toMatchObject({ code: "Forbidden.Injected" });

    expect(await abortFleet(teamId, id, actor)).toEqual({ status: "aborted" });
    v = await expectConsistent(id);
    expect(v.status).toBe("aborted");
    expect(v.members.map((m) => m.state)).toEqual(["succeeded", "failed", "failed", "aborted", "aborted"]);
  });

  it("abort during a batch cancels the runs in flight and starts nothing else", async () => {
    h.emu.setLatencies({ eipAssociate: 800 });
    try {
      const id = await fleet({ batchSize: 2 });
      const { done } = await startFleet(teamId, id, actor);
      // Wait for the first batch after the canary to be running.
      for (let k = 0; k < 500; k++) {
        const v = await getFleetView(teamId, id);
        if (v.members[1]!.deployment.status === "running") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await abortFleet(teamId, id, actor)).toEqual({ status: "abort_requested" });
      expect(await done).toBe("aborted");
      const v = await expectConsistent(id);
      expect(v.status).toBe("aborted");
      expect(v.members[0]!.state).toBe("succeeded");
      expect(v.members.slice(3).map((m) => [m.state, m.deployment.status])).toEqual([
        ["aborted", "draft"],
        ["aborted", "draft"],
      ]);
      expect(v.members.every((m) => !["running", "tearing_down"].includes(m.deployment.status))).toBe(true);
    } finally {
      h.emu.setLatencies({ eipAssociate: 5 });
    }
  });

  it("pause stops after the batch in flight; resume goes on with the pending members", async () => {
    h.emu.setLatencies({ eipAssociate: 300 });
    try {
      const id = await fleet({ batchSize: 1 });
      const { done } = await startFleet(teamId, id, actor);
      expect(await pauseFleet(teamId, id, actor)).toEqual({ status: "pause_requested" });
      expect(await done).toBe("paused");
      let v = await expectConsistent(id);
      expect(v.pauseReason?.code).toBe("REQUESTED");
      expect(v.members.filter((m) => m.state === "succeeded").length).toBeGreaterThanOrEqual(1);
      expect(v.members.filter((m) => m.state === "pending").length).toBeGreaterThanOrEqual(1);
      expect(await (await resumeFleet(teamId, id, actor)).done).toBe("succeeded");
      v = await expectConsistent(id);
      expect(v.members.map((m) => m.state)).toEqual(Array(5).fill("succeeded"));
    } finally {
      h.emu.setLatencies({ eipAssociate: 5 });
    }
  });

  it("a change (+1 EIP each) rolls out only the delta; teardown returns the world to its start", async () => {
    const start = resourceState(h.emu);
    const id = await fleet({ batchSize: 3 });
    expect(await (await startFleet(teamId, id, actor)).done).toBe("succeeded");

    const since = h.emu.requests().length;
    const change = await changeFleet(teamId, actor, id, {
      ...SPEC,
      enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 2 }, eips: [{}, {}] }],
      releaseRemovedEips: true,
    });
    expect(change.generation).toBe(2);
    expect(await getFleetView(teamId, id)).toMatchObject({ status: "succeeded", pendingChange: true });
    // One more private IP, one more EIP and its association per member.
    expect(change.members.map((m) => m.changes)).toEqual(Array(5).fill(3));
    expect(await (await startFleet(teamId, id, actor)).done).toBe("succeeded");
    expect(calls("AllocateEipAddress", since)).toBe(5);
    expect(calls("AssociateEipAddress", since)).toBe(5);
    expect(calls("UnassociateEipAddress", since)).toBe(0);
    const v = await expectConsistent(id);
    expect(v.totals.eips).toMatchObject({ planned: 10, allocated: 10, associated: 10 });
    expect(v.members.every((m) => m.generation === 2)).toBe(true);
    expect(v.pendingChange).toBe(false);

    await expect(teardownFleet(teamId, actor, id, "wrong")).rejects.toThrow(/fleet's name/);
    expect(await (await teardownFleet(teamId, actor, id, "relays")).done).toBe("torn_down");
    expect((await getFleetView(teamId, id)).members.map((m) => m.deployment.status)).toEqual(
      Array(5).fill("torn_down"),
    );
    expect(resourceState(h.emu)).toEqual(start);
  });

  it("a fleet whose server died is finished by a fresh runner, each member once", async () => {
    h.emu.setLatencies({ eipAssociate: 300 });
    try {
      const id = await fleet({ batchSize: 2 });
      const since = h.emu.requests().length;
      const { done } = await startFleet(teamId, id, actor);
      for (let k = 0; k < 500; k++) {
        const v = await getFleetView(teamId, id);
        if (v.members[1]!.state === "running") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // The server "dies": its lease is gone (expired, another owner); its loop notices and stops.
      await h.t.db.fleet.update({
        where: { id },
        data: { leaseOwner: "dead-server", leaseExpiresAt: new Date(Date.now() - 1000) },
      });
      expect(await done).toBe("lease_lost");
      // Mixed states: a member marked running whose run never began (died between the two).
      const m4 = await h.t.db.fleetMember.findFirstOrThrow({ where: { fleetId: id, position: 4 } });
      expect(m4.state).toBe("pending");
      await h.t.db.fleetMember.update({ where: { id: m4.id }, data: { state: "running", startedAt: new Date() } });

      const taken = await resumeInterruptedFleets();
      expect(taken.map((t) => t.id)).toEqual([id]);
      expect(await taken[0]!.done).toBe("succeeded");
      const v = await expectConsistent(id);
      expect(v.members.map((m) => m.state)).toEqual(Array(5).fill("succeeded"));
      expect(calls("AllocateEipAddress", since)).toBe(5);
      expect(calls("AssociateEipAddress", since)).toBe(5);
      expect(await resumeInterruptedFleets()).toEqual([]);
    } finally {
      h.emu.setLatencies({ eipAssociate: 5 });
    }
  });
});

describe("fleet pre-flight", () => {
  it("counts the EIPs of all members against the quota together, and refuses to start", async () => {
    // 4 EIPs in use in the demo world; 5 new ones: each member alone fits a quota of 6, the fleet does not.
    const id = await fleet({ spec: { ...SPEC, eipQuota: 6 } });
    const pre = await preflightFleet(teamId, id, actor);
    expect(pre.ok).toBe(false);
    expect(pre.eips).toEqual({ toAllocate: 5, inUse: 4, quota: 6 });
    // A notice that is the same for every member is said once.
    expect(pre.findings.filter((f) => f.code === "EIP_CONFIG_FEE")).toHaveLength(1);
    const quota = pre.findings.filter((f) => f.code === "EIP_QUOTA");
    expect(quota).toHaveLength(1);
    expect(quota[0]!.message.en).toMatch(/5 EIP\(s\) across 5 instance\(s\)/);
    expect(quota[0]!.message.ja).toContain("上限 6 個");
    const since = h.emu.requests().length;
    await expect(startFleet(teamId, id, actor)).rejects.toMatchObject({ code: "PREFLIGHT_FAILED" });
    expect(calls("AllocateEipAddress", since)).toBe(0);
    expect((await getFleetView(teamId, id)).status).toBe("draft");
  });

  it("names an instance another live deployment already manages", async () => {
    await h.t.db.deployment.create({
      data: { teamId, name: "by hand", spec: {}, status: "succeeded", instanceId: POOL[2]!.id },
    });
    const id = await fleet();
    const pre = await preflightFleet(teamId, id, actor);
    const managed = pre.findings.filter((f) => f.code === "INSTANCE_MANAGED");
    expect(managed.map((f) => f.instanceId)).toEqual([POOL[2]!.id]);
    expect(managed[0]!.message.en).toContain("by hand");
    expect(managed[0]!.message.ja).toContain("すでにデプロイ");
    expect(pre.ok).toBe(false);
  });

  it("refuses instances that do not exist in the region, naming them", async () => {
    await expect(
      createFleet(teamId, actor, {
        name: "x",
        cloudAccountId: `acct-${teamId}`,
        regionId: REGION,
        spec: SPEC,
        instances: { ids: [POOL[0]!.id, "i-nosuchinstance1"] },
      }),
    ).rejects.toThrow(/i-nosuchinstance1/);
    expect(await h.t.db.fleet.count({ where: { teamId } })).toBe(0);
  });
});

describe("fleet selection, drift and repair", () => {
  it("picks the instances carrying a tag (paged DescribeInstances with Tag.N), in id order", async () => {
    const { cloudCall } = await import("@/lib/cloud/call");
    const made = await cloudCall(h.ctx, "RunInstances", {
      RegionId: REGION,
      ImageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      InstanceType: "ecs.g7.large",
      VSwitchId: "vsw-6we1x9demotokyoa01",
      SecurityGroupId: "sg-6we1x9demotokyo00001",
      Password: "Fleet-test-1",
      Amount: 3,
      Tag: [{ Key: "role", Value: "relay" }],
    });
    h.emu.settle();
    const ids = ((made.InstanceIdSets as { InstanceIdSet: string[] }).InstanceIdSet ?? []).slice().sort();
    expect(ids).toHaveLength(3);
    const { id, members } = await createFleet(teamId, actor, {
      name: "tagged",
      cloudAccountId: `acct-${teamId}`,
      regionId: REGION,
      spec: { ...SPEC, enis: [{ eni: { mode: "create" }, privateIps: { mode: "count", count: 1 }, eips: [{}] }] },
      instances: { tag: { key: "role", value: "relay" } },
    });
    expect(members).toBe(3);
    const v = await getFleetView(teamId, id);
    expect(v.members.map((m) => m.instanceId)).toEqual(ids);
    expect(v.selector).toEqual({ tag: { key: "role", value: "relay" } });
    // A created ENI goes in each instance's own vSwitch and security group.
    const d = await h.t.db.deployment.findFirstOrThrow({ where: { id: v.members[0]!.deployment.id } });
    expect((d.spec as { enis: Array<{ eni: unknown }> }).enis[0]!.eni).toEqual({
      mode: "create",
      vSwitchId: "vsw-6we1x9demotokyoa01",
      securityGroupId: "sg-6we1x9demotokyo00001",
    });
    await expect(
      createFleet(teamId, actor, {
        name: "none",
        cloudAccountId: `acct-${teamId}`,
        regionId: REGION,
        spec: SPEC,
        instances: { tag: { key: "role", value: "nothing-has-this" } },
      }),
    ).rejects.toThrow(/No instance in ap-northeast-1 matches/);
  });

  it("from a team config: its revision is kept; a config that names one instance's resources is refused", async () => {
    const { createConfig } = await import("@/lib/configs/config.service");
    const user = { ...actor, userId: "u-fleet" } as never;
    const good = await createConfig(teamId, user, {
      name: "relay config",
      spec: {
        configSpecVersion: 2,
        regionId: REGION,
        instance: { mode: "existing" },
        enis: [{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 2 }, eips: [{ source: "allocate" }] }],
        os: "alinux2",
      },
    });
    const { id } = await createFleet(teamId, actor, {
      name: "from-config",
      cloudAccountId: `acct-${teamId}`,
      regionId: REGION,
      configId: good.id,
      instances: { ids: [POOL[0]!.id] },
    });
    const v = await getFleetView(teamId, id);
    expect(v).toMatchObject({ configId: good.id, configRevision: 1 });
    expect(v.spec.enis[0]!.privateIps).toEqual({ mode: "count", count: 2 });
    const bad = await createConfig(teamId, user, {
      name: "one instance's",
      spec: {
        configSpecVersion: 2,
        regionId: REGION,
        instance: { mode: "existing" },
        enis: [{ eni: { mode: "existing" }, privateIps: { mode: "count", count: 1 }, eips: [{ source: "existing" }] }],
        os: "alinux2",
      },
    });
    const refused = createFleet(teamId, actor, {
      name: "x",
      cloudAccountId: `acct-${teamId}`,
      regionId: REGION,
      configId: bad.id,
      instances: { ids: [POOL[0]!.id] },
    });
    await expect(refused).rejects.toThrow(/existing ENI/);
    await expect(refused).rejects.toThrow(/existing EIPs/);
  });

  it("drift: counts the drifted members; repair puts them back as a rollout", async () => {
    const id = await fleet({ batchSize: 5 });
    expect(await (await startFleet(teamId, id, actor)).done).toBe("succeeded");
    const m = await h.t.db.deployment.findFirstOrThrow({
      where: { fleetId: id, instanceId: POOL[3]!.id },
      select: { resources: true },
    });
    const eip = (m.resources as { eips: Array<{ allocationId: string }> }).eips[0]!;
    h.emu.drift({ op: "unassociateEip", allocationId: eip.allocationId });

    const { checkFleetDrift, repairFleet } = await import("./fleet-ops.service");
    const drift = await checkFleetDrift(teamId, actor, id);
    expect(drift).toMatchObject({ drifted: 1, inSync: 4, notChecked: 0 });
    expect(drift.members.filter((x) => x.status === "drifted").map((x) => x.instanceId)).toEqual([POOL[3]!.id]);

    const since = h.emu.requests().length;
    expect(await (await repairFleet(teamId, actor, id)).done).toBe("succeeded");
    expect(calls("AssociateEipAddress", since)).toBe(1);
    expect(calls("AllocateEipAddress", since)).toBe(0);
    expect(await checkFleetDrift(teamId, actor, id)).toMatchObject({ drifted: 0, inSync: 5 });
    await expect(repairFleet(teamId, actor, id)).rejects.toMatchObject({ code: "NOTHING_TO_DO" });
  });
});

describe("Cloud Assistant over the fleet", () => {
  it("runs verify on every member whose cloud side succeeded, or only on those whose last verification did not pass", async () => {
    const id = await fleet({ batchSize: 5 });
    expect(await (await startFleet(teamId, id, actor)).done).toBe("succeeded");
    const { runFleetGuest } = await import("./fleet-ops.service");
    const all = await runFleetGuest(teamId, actor, id, { action: "verify" });
    expect(all.ran).toBe(5);
    expect(all.members.map((m) => m.instanceId)).toEqual(POOL.map((p) => p.id));
    // One member's guest verified: "only the failed ones" leaves it out.
    const first = await h.t.db.deployment.findFirstOrThrow({ where: { fleetId: id, instanceId: POOL[0]!.id } });
    await h.t.db.deployment.update({
      where: { id: first.id },
      data: { checks: { guest: { ok: true, results: [], runs: [], checkedAt: "", echoUrl: null, rolledBack: false } } },
    });
    const failed = await runFleetGuest(teamId, actor, id, { action: "verify", onlyFailed: true });
    expect(failed.members.map((m) => m.instanceId)).toEqual(POOL.slice(1).map((p) => p.id));
    const trail = await h.t.db.auditEvent.findMany({ where: { teamId, action: "app:fleet.guest.verify" } });
    expect(trail.map((e) => (e.params as { onlyFailed: boolean }).onlyFailed)).toEqual([false, true]);
  });
});
