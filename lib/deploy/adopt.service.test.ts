// Adopt an instance set up by hand through the SDK (the document's procedure: attach a secondary ENI,
// assign secondary IPs, associate NAT-mode EIPs — plus one on a secondary IP of the primary ENI): the
// emulator's request log shows no mutating call during adopt, and the deployment is succeeded with a spec
// v2 naming exactly what is there; cut-through EIPs and the instance's own public IP are left alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, ENI, INSTANCE, INSTANCE2, type Harness } from "./testing/harness";
import { cloudCall } from "@/lib/cloud/call";
import { userActor } from "@/lib/audit/actor";
import { verifyAuditChain } from "@/lib/audit/chain";
import { adoptDeployment, previewAdoption } from "./adopt.service";
import { checkDeploymentDrift } from "./drift-check.service";
import { planRepair, startRepair } from "./repair.service";
import { planDeployment, teardownDeployment } from "./deployment.service";
import type { ResourcesRecord } from "./model";

let h: Harness;
const actor = userActor(null, "op@example.com");
const PRIMARY_ENI = "eni-6we1x9demoprimary01";
const OWN_EIP = "eip-6we1x9demoprimary01";
const target = { cloudAccountId: "acct-test", regionId: "ap-northeast-1", instanceId: INSTANCE };

async function call(action: Parameters<typeof cloudCall>[1], params: Record<string, unknown>) {
  const body = await cloudCall(h.ctx, action, { RegionId: "ap-northeast-1", ...params } as never);
  h.emu.settle();
  return body;
}
async function allocate(): Promise<string> {
  return String(
    (await call("AllocateEipAddress", { Bandwidth: "5", InternetChargeType: "PayByTraffic" })).AllocationId,
  );
}
async function associate(allocationId: string, eni: string, privateIp: string) {
  await call("AssociateEipAddress", {
    AllocationId: allocationId,
    InstanceId: eni,
    InstanceType: "NetworkInterface",
    Mode: "NAT",
    PrivateIpAddress: privateIp,
  });
}

/** The manual procedure, through the SDK as someone would in a script. Returns the EIPs by private IP. */
async function buildByHand() {
  await call("AttachNetworkInterface", { InstanceId: INSTANCE, NetworkInterfaceId: ENI });
  await call("AssignPrivateIpAddresses", { NetworkInterfaceId: ENI, PrivateIpAddress: ["172.16.0.90", "172.16.0.91"] });
  await call("AssignPrivateIpAddresses", { NetworkInterfaceId: PRIMARY_ENI, PrivateIpAddress: ["172.16.0.95"] });
  const eips: Record<string, string> = {};
  for (const [eni, ip] of [
    [ENI, "172.16.0.60"],
    [ENI, "172.16.0.90"],
    [ENI, "172.16.0.91"],
    [PRIMARY_ENI, "172.16.0.95"],
  ] as const) {
    eips[ip] = await allocate();
    await associate(eips[ip]!, eni, ip);
  }
  return eips;
}

beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

describe("adopt", () => {
  it("takes over a hand-built setup with zero mutating calls and leaves the rest alone", async () => {
    const eips = await buildByHand();
    // A cut-through EIP on the secondary ENI (the emulator's API does not make these: set in its world).
    const cut = await allocate();
    const w = h.emu.engine.world;
    w.eips[cut]!.binding = {
      instanceType: "NetworkInterface",
      instanceId: ENI,
      privateIpAddress: "172.16.0.60",
      mode: "MULTI_BINDED" as never,
    };
    w.eips[cut]!.status = "InUse";
    delete w.eips[eips["172.16.0.60"]!]; // …that replaced the NAT one on the ENI's primary IP.
    const since = h.emu.requests().length;

    const preview = await previewAdoption(h.teamId, actor, target);
    expect(preview.canAdopt).toBe(true);
    expect(preview.enis.map((e) => [e.networkInterfaceId, e.mode, e.eips.length])).toEqual([
      [ENI, "existing", 2],
      [PRIMARY_ENI, "primary", 1],
    ]);
    expect(preview.leftAlone.map((l) => [l.kind, l.resource]).sort()).toEqual(
      [
        ["cutThroughEip", cut],
        ["instancePublicIp", OWN_EIP],
      ].sort(),
    );
    expect(preview.teardown).toEqual({ unassociateEips: 3, unassignIps: 3 });

    const adopted = await adoptDeployment(h.teamId, actor, { ...target, name: "by-hand" });
    const calls = h.emu.requests().slice(since);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !/^Describe/.test(c.action))).toEqual([]);

    expect(adopted.status).toBe("succeeded");
    expect(adopted.bundleRevision).toBe(1);
    const scripts = await h.t.db.routeScript.findMany({ where: { deploymentId: adopted.id } });
    expect(scripts.map((x) => x.version)).toEqual([1]);
    const files = scripts[0]!.files as Array<{ path: string; content: string }>;
    const apply = files.find((f) => f.path === "apply.sh")!.content;
    for (const ip of ["172.16.0.90", "172.16.0.91"]) expect(apply).toContain(ip);
    expect(adopted.spec).toMatchObject({
      specVersion: 2,
      instance: { mode: "existing", instanceId: INSTANCE },
      os: "alinux2",
      enis: [
        {
          eni: { mode: "existing", networkInterfaceId: ENI },
          privateIps: { mode: "explicit", addresses: ["172.16.0.90", "172.16.0.91"] },
          usePrimaryIp: false,
          eips: [
            { allocationId: eips["172.16.0.90"], privateIp: "172.16.0.90" },
            { allocationId: eips["172.16.0.91"], privateIp: "172.16.0.91" },
          ],
        },
        {
          eni: { mode: "primary" },
          privateIps: { mode: "explicit", addresses: ["172.16.0.95"] },
          usePrimaryIp: false,
          eips: [{ allocationId: eips["172.16.0.95"], privateIp: "172.16.0.95" }],
        },
      ],
    });
    const row = await h.t.db.deployment.findFirstOrThrow({ where: { id: adopted.id, teamId: h.teamId } });
    expect(row).toMatchObject({ status: "succeeded", instanceId: INSTANCE, eniId: ENI, specVersion: 2 });
    const record = row.resources as ResourcesRecord;
    // Nothing marked created, attached or allocated by EIPilot: teardown never deletes, detaches or releases.
    expect(record.instanceCreated).toBe(false);
    expect(record.enis!.every((e) => e.created === false && e.attachedByUs === false)).toBe(true);
    expect(record.eips!.every((e) => e.allocatedByUs === false && e.associatedByUs === true)).toBe(true);
    expect(record.enis!.map((e) => [e.mode, e.device, e.routeTable ?? null])).toEqual([
      ["existing", "eth1", 1001],
      ["primary", "eth0", null],
    ]);
    expect(record.adopted).toMatchObject({ leftAlone: 2 });
    const [event] = await h.t.db.auditEvent.findMany({
      where: { deploymentId: adopted.id, action: "app:deployment.adopt" },
    });
    expect(event!.params).toMatchObject({
      instanceId: INSTANCE,
      leftAlone: expect.arrayContaining([{ kind: "cutThroughEip", resource: cut }]),
    });
    expect((await verifyAuditChain(h.t.db, h.teamId)).ok).toBe(true);

    // Adopting the same instance twice is refused; so is an instance with nothing to adopt.
    await expect(adoptDeployment(h.teamId, actor, { ...target, name: "again" })).rejects.toThrow(/already managed/);
    await expect(adoptDeployment(h.teamId, actor, { ...target, instanceId: INSTANCE2, name: "empty" })).rejects.toThrow(
      /nothing to adopt/,
    );
    await expect(
      adoptDeployment(h.teamId, actor, { ...target, instanceId: "i-doesnotexist", name: "x" }),
    ).rejects.toThrow(/not found/);
    expect(await h.t.db.deployment.count({ where: { teamId: h.teamId } })).toBe(1);
  });

  it("from then on drift, repair and teardown work on it; teardown never releases, detaches or deletes", async () => {
    const d = await h.t.db.deployment.findFirstOrThrow({ where: { teamId: h.teamId, name: "by-hand" } });
    const record = d.resources as ResourcesRecord;
    expect((await checkDeploymentDrift(h.teamId, d.id)).inSync).toBe(true);
    expect((await planDeployment(h.teamId, d.id)).changes).toBe(0);

    // Someone unassociates an adopted EIP in the console: drifted, repaired with exactly that call.
    const eip = record.eips!.find((e) => e.privateIp === "172.16.0.91")!;
    h.emu.drift({ op: "unassociateEip", allocationId: eip.allocationId });
    expect((await checkDeploymentDrift(h.teamId, d.id)).status).toBe("drifted");
    const preview = await planRepair(h.teamId, d.id);
    expect(preview.plan.steps.filter((s) => !s.noop).map((s) => [s.action, s.params.AllocationId])).toEqual([
      ["AssociateEipAddress", eip.allocationId],
    ]);
    const done = await (await startRepair(h.teamId, actor, d.id)).done;
    expect(done).toMatchObject({ status: "succeeded", inSync: true });

    // Teardown: unassociate the adopted EIPs, unassign the adopted IPs — nothing released, detached or deleted.
    const before = h.emu.requests().length;
    const td = await teardownDeployment(h.teamId, d.id);
    const calls = td.plan.steps.filter((s) => !s.noop).map((s) => s.action);
    expect(calls.filter((a) => /Release|Detach|Delete/.test(a))).toEqual([]);
    expect(calls.filter((a) => a === "UnassociateEipAddress")).toHaveLength(3);
    expect((await td.done).status).toBe("torn_down");
    expect(
      h.emu
        .requests()
        .slice(before)
        .map((r) => r.action)
        .filter((a) => /Release|Detach|Delete/.test(a)),
    ).toEqual([]);
    const w = h.emu.state();
    for (const e of record.eips!) expect(w.eips[e.allocationId]).toMatchObject({ status: "Available", binding: null });
    expect(w.enis[ENI]).toMatchObject({ status: "InUse", instanceId: INSTANCE });
    expect(w.eips[OWN_EIP]!.binding).not.toBeNull();
  });
});
