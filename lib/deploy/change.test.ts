// Changes of a running deployment against the emulator: several ENIs, the 10-IP rule of a new ENI,
// and a seeded random sequence of changes (add/remove/replace EIPs, add/remove IPs and ENIs) where
// each apply plans exactly the delta, makes exactly those calls, and leaves the cloud equal to the spec.
// Longer runs: ENGINE_PROPERTY_RUNS=20 ENGINE_PROPERTY_STEPS=8 [ENGINE_PROPERTY_SEED=n].
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpecV2, resourceState, ENI, INSTANCE, VSW_A, SG, type Harness } from "./testing/harness";
import {
  createDraft,
  getProgress,
  refreshDeployment,
  setDeploymentSpec,
  startDeployment,
  teardownDeployment,
} from "./deployment.service";
import type { DeploymentSpecV2Input } from "./spec.schema";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

type Model = { enis: Array<{ create: boolean; count: number; eips: Array<{ allocationId?: string }> }> };

const specOf = (m: Model): DeploymentSpecV2Input =>
  baseSpecV2(
    m.enis.map((e) => ({
      eni: e.create
        ? { mode: "create" as const, vSwitchId: VSW_A, securityGroupId: SG }
        : { mode: "existing" as const, networkInterfaceId: ENI },
      privateIps: { mode: "count" as const, count: e.count },
      usePrimaryIp: true,
      eips: e.eips.map((x) => ({ ...x })),
    })),
    { releaseRemovedEips: true },
  );

/** Applies the current spec; returns the plan's mutating actions and checks the calls made are exactly those. */
async function apply(id: string): Promise<string[]> {
  const start = await startDeployment(h.teamId, id);
  const r = await start.done;
  expect(r.status, JSON.stringify(r.error)).toBe("succeeded");
  const planned = start.plan.steps.filter((s) => !s.noop).map((s) => s.action);
  const p = await getProgress(h.teamId, id);
  const made = p.steps.filter((s) => s.phase === "apply" && s.status === "succeeded").map((s) => s.action);
  expect(made.sort()).toEqual([...planned].sort());
  const refresh = await refreshDeployment(h.teamId, id);
  expect(refresh.drift).toEqual([]);
  return planned;
}

/** The emulator's resources equal the spec: each ENI on the instance with its IPs, each EIP on its own address. */
function expectCloudMatches(id: string, m: Model, record: { enis?: Array<{ index: number; eniId?: string }> }) {
  void id;
  const w = h.emu.state();
  m.enis.forEach((e, k) => {
    const eniId = record.enis!.find((r) => r.index === k)!.eniId!;
    const eni = w.enis[eniId]!;
    expect(eni.instanceId).toBe(INSTANCE);
    expect(eni.secondaryIps).toHaveLength(e.count);
    const bound = Object.values(w.eips).filter((x) => x.binding?.instanceId === eniId);
    expect(bound).toHaveLength(e.eips.length);
    expect(new Set(bound.map((x) => x.binding!.privateIpAddress)).size).toBe(e.eips.length);
    for (const x of e.eips) if (x.allocationId) expect(w.eips[x.allocationId]!.binding?.instanceId).toBe(eniId);
  });
}

const FREE_EIPS = ["eip-6we1x9demofree00001", "eip-6we1x9demofree00002", "eip-6we1x9demofree00003"];
const count = (list: string[], action: string) => list.filter((a) => a === action).length;

describe("several ENIs and changes", () => {
  it("2 ENIs from nothing (one new with 12 IPs: created with 9, attached, 3 assigned); +1 EIP is one allocate + one associate (+ one assign for a new IP); replace one keeps its address; teardown restores the start", async () => {
    const before = resourceState(h.emu);
    const m: Model = {
      enis: [
        { create: false, count: 2, eips: [{}, {}, {}] },
        { create: true, count: 12, eips: Array.from({ length: 4 }, () => ({})) },
      ],
    };
    const { id } = await createDraft(h.teamId, { name: "two-enis", spec: specOf(m) });
    const first = await apply(id);
    expect(count(first, "CreateNetworkInterface")).toBe(1);
    expect(count(first, "AttachNetworkInterface")).toBe(2);
    expect(count(first, "AssignPrivateIpAddresses")).toBe(2); // ENI 0: 2; the new ENI: the 3 beyond 9
    expect(count(first, "AssociateEipAddress")).toBe(7);
    let rec = (await getProgress(h.teamId, id)).resources;
    expectCloudMatches(id, m, rec);
    expect(rec.enis!.map((e) => e.device)).toEqual(["eth1", "eth2"]);

    // +1 EIP on the 3-EIP ENI whose 3 addresses all carry one: one assign, one allocate, one associate.
    m.enis[0]!.count = 3;
    m.enis[0]!.eips.push({});
    const { plan } = await setDeploymentSpec(h.teamId, null, id, specOf(m));
    expect(plan!.steps.filter((s) => !s.noop).map((s) => s.action)).toEqual([
      "AssignPrivateIpAddresses",
      "AllocateEipAddress",
      "AssociateEipAddress",
    ]);
    const added = await apply(id);
    expect(added).toHaveLength(3);
    rec = (await getProgress(h.teamId, id)).resources;
    expectCloudMatches(id, m, rec);

    // Replace EIP #2 of ENI 0 by an existing EIP: unassociate + release the old one, associate the new one on its address.
    const old = rec.eips!.find((e) => e.eniIndex === 0 && e.specIndex === 1)!;
    m.enis[0]!.eips[1] = { allocationId: "eip-6we1x9demofree00001" };
    await setDeploymentSpec(h.teamId, null, id, specOf(m));
    const replaced = await apply(id);
    expect(replaced.sort()).toEqual(["AssociateEipAddress", "ReleaseEipAddress", "UnassociateEipAddress"]);
    expect(h.emu.state().eips["eip-6we1x9demofree00001"]!.binding?.privateIpAddress).toBe(old.privateIp);
    expect(h.emu.state().eips[old.allocationId]).toBeUndefined();
    rec = (await getProgress(h.teamId, id)).resources;
    expectCloudMatches(id, m, rec);

    // Changing the OS family: no cloud call, a new bundle revision.
    const scripts = await h.t.db.routeScript.count({ where: { deploymentId: id } });
    await setDeploymentSpec(h.teamId, null, id, { ...specOf(m), os: "ubuntu" });
    expect(await apply(id)).toEqual([]);
    expect(await h.t.db.routeScript.count({ where: { deploymentId: id } })).toBe(scripts + 1);

    const td = await (await teardownDeployment(h.teamId, id)).done;
    expect(td.status, JSON.stringify(td.error)).toBe("torn_down");
    h.emu.settle();
    const after = resourceState(h.emu);
    // The replacing EIP was the account's own: it is Available again, as at the start.
    expect(after).toEqual(before);
  });

  it("random sequences of changes: each plan is exactly the delta and the cloud equals the spec", async () => {
    const runs = Number(process.env.ENGINE_PROPERTY_RUNS ?? 1);
    const steps = Number(process.env.ENGINE_PROPERTY_STEPS ?? 4);
    let seed = Number(process.env.ENGINE_PROPERTY_SEED ?? 20261208);
    const rnd = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    for (let run = 0; run < runs; run++) {
      const before = resourceState(h.emu);
      const m: Model = { enis: [{ create: false, count: 1, eips: [{}, {}] }] };
      const { id } = await createDraft(h.teamId, { name: `prop-${run}`, spec: specOf(m) });
      await apply(id);
      for (let i = 0; i < steps; i++) {
        const k = Math.floor(rnd() * m.enis.length);
        const e = m.enis[k]!;
        const total = m.enis.reduce((n, x) => n + x.eips.length, 0);
        const ops: Array<[string, () => string[]]> = [];
        if (e.eips.length < 6)
          ops.push([
            "addEip",
            () => {
              const needIp = e.eips.length + 1 > e.count + 1;
              if (needIp) e.count++;
              e.eips.push({});
              return [...(needIp ? ["AssignPrivateIpAddresses"] : []), "AllocateEipAddress", "AssociateEipAddress"];
            },
          ]);
        if (total > 1 && e.eips.length > 0)
          ops.push([
            "removeEip",
            () => {
              const had = e.eips.pop()!;
              return ["UnassociateEipAddress", ...(had.allocationId ? [] : ["ReleaseEipAddress"])];
            },
          ]);
        const inUse = new Set(m.enis.flatMap((x) => x.eips.map((y) => y.allocationId)));
        const free = FREE_EIPS.filter((x) => !inUse.has(x));
        if (e.eips.length > 0 && free.length)
          ops.push([
            "replaceEip",
            () => {
              const j = Math.floor(rnd() * e.eips.length);
              const had = e.eips[j]!;
              e.eips[j] = { allocationId: pick(free) };
              return [
                "UnassociateEipAddress",
                ...(had.allocationId ? [] : ["ReleaseEipAddress"]),
                "AssociateEipAddress",
              ];
            },
          ]);
        if (e.count < 5)
          ops.push([
            "addIp",
            () => {
              e.count++;
              return ["AssignPrivateIpAddresses"];
            },
          ]);
        if (e.count > 0 && e.eips.length <= e.count)
          ops.push([
            "removeIp",
            () => {
              e.count--;
              return ["UnassignPrivateIpAddresses"];
            },
          ]);
        if (m.enis.length < 3)
          ops.push([
            "addEni",
            () => {
              const c = Math.floor(rnd() * 3);
              const n = 1 + Math.floor(rnd() * (c + 1));
              m.enis.push({ create: true, count: c, eips: Array.from({ length: n }, () => ({})) });
              return [
                "CreateNetworkInterface",
                "AttachNetworkInterface",
                ...Array.from({ length: n }, () => ["AllocateEipAddress", "AssociateEipAddress"]).flat(),
              ];
            },
          ]);
        if (m.enis.length > 1 && e.create && total - e.eips.length > 0)
          ops.push([
            "removeEni",
            () => {
              m.enis.splice(k, 1);
              return [
                ...e.eips.flatMap((x) => ["UnassociateEipAddress", ...(x.allocationId ? [] : ["ReleaseEipAddress"])]),
                "DetachNetworkInterface",
                "DeleteNetworkInterface",
              ];
            },
          ]);
        const [name, op] = pick(ops);
        const expected = op();
        const { plan } = await setDeploymentSpec(h.teamId, null, id, specOf(m));
        const planned = plan!.steps.filter((s) => !s.noop).map((s) => s.action);
        expect(planned.sort(), `run ${run} step ${i}: ${name} on ENI ${k}`).toEqual(expected.sort());
        await apply(id);
        expectCloudMatches(id, m, (await getProgress(h.teamId, id)).resources);
      }
      const td = await (await teardownDeployment(h.teamId, id)).done;
      expect(td.status, JSON.stringify(td.error)).toBe("torn_down");
      h.emu.settle();
      expect(resourceState(h.emu)).toEqual(before);
    }
  });
});
