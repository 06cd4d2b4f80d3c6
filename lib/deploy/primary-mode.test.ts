// The primary-ENI mode against the emulator: NAT-mode EIPs on secondary private IPs of the instance's own
// primary ENI — no ENI created or attached; the guest bundle puts the addresses on eth0 with no policy
// routes; teardown gives back exactly the starting state.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { harness, baseSpecV2, resourceState, INSTANCE, type Harness } from "./testing/harness";
import { createDraft, refreshDeployment, startDeployment, teardownDeployment } from "./deployment.service";
import { getRouteScriptFiles } from "./bundle-files.service";

vi.mock("server-only", () => ({}));

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

describe("the primary ENI mode", () => {
  it("assigns addresses on the primary ENI and binds an EIP to each in NAT mode, with no ENI call; teardown restores the start", async () => {
    const before = resourceState(h.emu);
    const primaryEniId = before.instances[INSTANCE]!.primaryEniId;
    const spec = baseSpecV2([{ eni: { mode: "primary" }, privateIps: { mode: "count", count: 2 }, eips: [{}, {}] }]);
    const { id } = await createDraft(h.teamId, { name: "primary", spec });
    const start = await startDeployment(h.teamId, id);
    const actions = start.plan.steps.filter((s) => !s.noop).map((s) => s.action);
    expect(actions.sort()).toEqual(
      [
        "AllocateEipAddress",
        "AllocateEipAddress",
        "AssignPrivateIpAddresses",
        "AssociateEipAddress",
        "AssociateEipAddress",
      ].sort(),
    );
    const r = await start.done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");

    const w = h.emu.state();
    const secondaries = w.enis[primaryEniId]!.secondaryIps;
    expect(secondaries).toHaveLength(2);
    const bound = Object.values(w.eips).filter((x) => x.binding?.instanceId === primaryEniId);
    expect(bound.map((x) => x.binding!.privateIpAddress).sort()).toEqual([...secondaries].sort());
    expect(bound.every((x) => x.binding!.mode === "NAT" && x.binding!.instanceType === "NetworkInterface")).toBe(true);
    expect((await refreshDeployment(h.teamId, id)).drift).toEqual([]);

    // The guest bundle (its normalized spec.json): the addresses on eth0, no secondary ENI, no table, no rule.
    const bundle = await getRouteScriptFiles(h.teamId, id);
    if (typeof bundle === "string") throw new Error(`no bundle: ${bundle}`);
    const routes = JSON.parse(bundle.files.find((f) => f.path === "spec.json")!.content) as {
      interfaces: unknown[];
      primaryEni: { device: string; addresses: Array<{ ip: string; eip: string; carriesEip: boolean }> };
    };
    expect(routes.interfaces).toEqual([]);
    expect(routes.primaryEni.device).toBe("eth0");
    expect(routes.primaryEni.addresses.map((a) => a.ip).sort()).toEqual([...secondaries].sort());
    expect(routes.primaryEni.addresses.map((a) => a.eip).sort()).toEqual(bound.map((x) => x.ipAddress).sort());
    const apply = bundle.files.find((f) => f.path === "apply.sh")!.content;
    expect(apply).not.toMatch(/ip rule add from/);

    const down = await teardownDeployment(h.teamId, id);
    expect((await down.done).status).toBe("torn_down");
    expect(resourceState(h.emu)).toEqual(before);
  });
});
