import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, resourceState, ENI, INSTANCE, SG, VSW_A, type Harness } from "./testing/harness";
import {
  cancelDeployment,
  createDraft,
  getProgress,
  planDeployment,
  refreshDeployment,
  runPreflight,
  startDeployment,
  teardownDeployment,
} from "./deployment.service";
import { verifyAuditChain } from "@/lib/audit/chain";
import { AUDIT_REFUSED, whileAuditRefused } from "@/lib/testing/refuse-audit";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

async function deployAndCheck(n: number) {
  const spec = baseSpec({ privateIps: { mode: "count", count: n - 1 }, eips: Array.from({ length: n }, () => ({})) });
  const { id } = await createDraft(h.teamId, { name: `happy-${n}`, spec });
  const pre = await runPreflight(h.teamId, id);
  expect(pre.ok, JSON.stringify(pre.findings)).toBe(true);
  const start = await startDeployment(h.teamId, id);
  const result = await start.done;
  expect(result.status, JSON.stringify(result.error)).toBe("succeeded");
  const progress = await getProgress(h.teamId, id);
  expect(progress.status).toBe("succeeded");
  expect(progress.steps.every((s) => ["succeeded", "noop"].includes(s.status))).toBe(true);
  // Live: the ENI is on the instance with n private IPs, each with its own EIP.
  const w = h.emu.state();
  const eni = w.enis[ENI]!;
  expect(eni.instanceId).toBe(INSTANCE);
  expect(eni.status).toBe("InUse");
  expect(eni.secondaryIps).toHaveLength(n - 1);
  const bound = Object.values(w.eips).filter((e) => e.binding?.instanceId === ENI);
  expect(bound).toHaveLength(n);
  expect(new Set(bound.map((e) => e.binding!.privateIpAddress))).toEqual(new Set([eni.primaryIp, ...eni.secondaryIps]));
  // Re-planning a finished deployment: no changes.
  const again = await planDeployment(h.teamId, id);
  expect(again.changes).toBe(0);
  // Minimal calls: attach + one assign + n associates + n allocations.
  const mutating = progress.steps.filter((s) => s.phase === "apply" && s.status === "succeeded").map((s) => s.action);
  expect(mutating.filter((a) => a === "AssignPrivateIpAddresses")).toHaveLength(n > 1 ? 1 : 0);
  expect(mutating.filter((a) => a === "AssociateEipAddress")).toHaveLength(n);
  return id;
}

describe("deployment engine against the emulator", () => {
  for (const n of [1, 3, 8]) {
    it(`happy path with ${n} EIP(s), then teardown restores the exact starting state`, async () => {
      const before = resourceState(h.emu);
      const id = await deployAndCheck(n);
      const scripts = await h.t.db.routeScript.findMany({ where: { deploymentId: id } });
      expect(scripts).toHaveLength(1);
      expect(scripts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      const td = await teardownDeployment(h.teamId, id);
      const r = await td.done;
      expect(r.status, JSON.stringify(r.error)).toBe("torn_down");
      h.emu.settle();
      expect(resourceState(h.emu)).toEqual(before);
    });
  }

  it("the ENI and EIPs it creates carry the deployment's tags (existing ones are left untagged)", async () => {
    const spec = baseSpec({
      eni: { mode: "create", vSwitchId: VSW_A, securityGroupId: SG, name: "tagged-web" },
      privateIps: { mode: "count", count: 1 },
      eips: [{}, { allocationId: "eip-6we1x9demofree00001" }],
    });
    const { id } = await createDraft(h.teamId, { name: "tagged web · 2 EIPs", spec });
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    const w = h.emu.state();
    const want = [
      { key: "eipilot:deployment", value: id },
      { key: "eipilot:name", value: "tagged web · 2 EIPs" },
    ];
    const created = Object.values(w.enis).find((e) => e.networkInterfaceName === "tagged-web")!;
    expect(created.tags).toEqual(want);
    const allocated = Object.values(w.eips).filter((e) => e.binding?.instanceId === created.networkInterfaceId);
    expect(allocated).toHaveLength(2);
    expect(allocated.find((e) => e.allocationId !== "eip-6we1x9demofree00001")!.tags).toEqual(want);
    expect(w.eips["eip-6we1x9demofree00001"]!.tags ?? []).toEqual([]);
    const td = await (await teardownDeployment(h.teamId, id)).done;
    expect(td.status, JSON.stringify(td.error)).toBe("torn_down");
  });

  it("uses existing EIPs and explicit addresses, and reports drift made behind its back", async () => {
    const spec = baseSpec({
      privateIps: { mode: "explicit", addresses: ["172.16.0.100", "172.16.0.101"] },
      eips: [
        { allocationId: "eip-6we1x9demofree00001" },
        { allocationId: "eip-6we1x9demofree00002", privateIp: "172.16.0.101" },
        { allocationId: "eip-6we1x9demofree00003", privateIp: "172.16.0.100" },
      ],
    });
    const { id } = await createDraft(h.teamId, { name: "explicit", spec });
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
    expect(h.emu.state().eips["eip-6we1x9demofree00002"]!.binding?.privateIpAddress).toBe("172.16.0.101");
    // The record names each existing EIP's public address (the dashboard and results show it).
    const record = (await h.t.db.deployment.findFirstOrThrow({ where: { id } })).resources as {
      eips: { allocationId: string; ipAddress: string }[];
    };
    expect(record.eips.map((e) => e.ipAddress)).toEqual(
      ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"].map(
        (a) => h.emu.state().eips[a]!.ipAddress,
      ),
    );
    expect(record.eips.every((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e.ipAddress))).toBe(true);
    expect((await refreshDeployment(h.teamId, id)).inSync).toBe(true);
    h.emu.drift({ op: "unassociateEip", allocationId: "eip-6we1x9demofree00003" });
    h.emu.drift({ op: "unassignPrivateIp", networkInterfaceId: ENI, privateIpAddress: "172.16.0.101" });
    const drift = await refreshDeployment(h.teamId, id);
    expect(drift.inSync).toBe(false);
    const fields = drift.drift.map((d) => `${d.resource}:${d.field}`).sort();
    expect(fields).toContain("eip-6we1x9demofree00003:association");
    expect(fields).toContain(`${ENI}:privateIp:172.16.0.101`);
    // Re-planning now repairs exactly what drifted.
    const plan = await planDeployment(h.teamId, id);
    expect(
      plan.steps
        .filter((s) => !s.noop)
        .map((s) => s.key)
        .sort(),
    ).toEqual(["eip.associate.1", "eip.associate.2", "ips.assign"].sort());
    const t = await (await teardownDeployment(h.teamId, id)).done;
    expect(t.status, JSON.stringify(t.error)).toBe("torn_down");
    const v = await verifyAuditChain(h.t.db, h.teamId);
    expect(v.ok).toBe(true);
  });
});

describe("deployment records and their audit events", () => {
  it("a draft created or cancelled without its audit event does not exist / is not cancelled", async () => {
    const { id } = await createDraft(h.teamId, { name: "kept draft", spec: baseSpec() });
    const drafts = () => h.t.db.deployment.count({ where: { teamId: h.teamId } });
    const before = await drafts();
    await whileAuditRefused(h.t.db, `NEW.action IN ('app:deployment.create', 'app:deployment.cancel')`, async () => {
      await expect(createDraft(h.teamId, { name: "never", spec: baseSpec() })).rejects.toThrow(AUDIT_REFUSED);
      await expect(cancelDeployment(h.teamId, id)).rejects.toThrow(AUDIT_REFUSED);
    });
    expect(await drafts()).toBe(before);
    expect(await h.t.db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true } })).toEqual({
      status: "draft",
    });
  });
});
