// Batched reads: concurrent single-resource reads of one account and region become one Describe call
// per kind of resource, with the same answers as one call per resource.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, type Harness } from "@/lib/deploy/testing/harness";
import { observeCloudCalls, type CallRecord, type CloudContext } from "./call";
import { loadInstanceEnis, loadMany } from "./batch-reads";
import { describeEips, describeEnis, describeInstances } from "./resources";

let h: Harness;
let ids: Record<"instance" | "eni" | "eip", string[]>;
beforeAll(async () => {
  h = await harness();
  const world = h.emu.state();
  ids = { instance: Object.keys(world.instances), eni: Object.keys(world.enis), eip: Object.keys(world.eips) };
});
afterAll(async () => h?.close());

async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallRecord[] }> {
  const calls: CallRecord[] = [];
  const off = observeCloudCalls((c) => calls.push(c));
  try {
    return { result: await fn(), calls };
  } finally {
    off();
  }
}

describe("batched Describe calls", () => {
  it("the seed has several of each kind (else this test proves nothing)", () => {
    for (const xs of Object.values(ids)) expect(xs.length).toBeGreaterThanOrEqual(2);
  });

  it("answer each caller as its own call would, in one call per kind instead of one per resource", async () => {
    // Two runs (two deployment contexts) poll at once, each for its own resources and one that is gone.
    const ctxs: CloudContext[] = ["dep-a", "dep-b"].map((d) => ({ ...h.ctx, deploymentId: d }));
    const ask = (ctx: CloudContext, k: number) =>
      Promise.all([
        loadMany("instance", ctx, ids.instance.filter((_, i) => i % 2 === k).concat("i-6we1x9gone00000001")),
        loadMany("eni", ctx, ids.eni.filter((_, i) => i % 2 === k).concat("eni-6we1x9gone0000001")),
        loadMany("eip", ctx, ids.eip.filter((_, i) => i % 2 === k).concat("eip-6we1x9gone0000001")),
      ]);
    const batched = await counted(() => Promise.all(ctxs.map((c, k) => ask(c, k))));
    expect(batched.calls.map((c) => c.action).sort()).toEqual([
      "DescribeEipAddresses",
      "DescribeInstances",
      "DescribeNetworkInterfaces",
    ]);

    const single = await counted(async () => {
      const one = async (k: number) => [
        await Promise.all(
          ids.instance.filter((_, i) => i % 2 === k).map(async (id) => (await describeInstances(h.ctx, [id]))[0]),
        ),
        await Promise.all(
          ids.eni.filter((_, i) => i % 2 === k).map(async (id) => (await describeEnis(h.ctx, { ids: [id] }))[0]),
        ),
        await Promise.all(
          ids.eip.filter((_, i) => i % 2 === k).map(async (id) => (await describeEips(h.ctx, [id])).eips[0]),
        ),
      ];
      return [await one(0), await one(1)];
    });
    expect(single.calls.length).toBe(ids.instance.length + ids.eni.length + ids.eip.length);
    // Same views; the id that is gone is undefined (as a per-resource poll finds nothing).
    for (const k of [0, 1])
      for (const e of [0, 1, 2]) {
        const got = batched.result[k]![e]!;
        expect(got.at(-1)).toBeUndefined();
        expect(got.slice(0, -1)).toEqual(single.result[k]![e]);
        expect(got.slice(0, -1).every(Boolean)).toBe(true);
      }
  });

  it("the ENIs of several instances of a VPC: one listing, each instance's answer as DescribeNetworkInterfaces InstanceId gives it", async () => {
    const world = h.emu.state();
    const instances = Object.values(world.instances).filter((i) => i.regionId === h.ctx.regionId);
    const vpc = instances[0]!.vpcId;
    const same = instances.filter((i) => i.vpcId === vpc).map((i) => i.instanceId);
    // At least two instances of the VPC, with ENIs of their own, and other ENIs in the VPC (else the filter proves nothing).
    expect(same.length).toBeGreaterThanOrEqual(2);
    const single = await counted(() => Promise.all(same.map((id) => describeEnis(h.ctx, { instanceId: id }))));
    expect(single.calls).toHaveLength(same.length);
    expect(single.result.every((enis) => enis.length >= 1)).toBe(true);
    expect(Object.values(world.enis).some((e) => e.vpcId === vpc && !same.includes(e.instanceId))).toBe(true);

    const ctxs = same.map((_, k): CloudContext => ({ ...h.ctx, deploymentId: `dep-${k}` }));
    const batched = await counted(() =>
      Promise.all(same.map((id, k) => loadInstanceEnis(ctxs[k]!, id, vpc).then((x) => x))),
    );
    expect(batched.calls.map((c) => c.action)).toEqual(["DescribeNetworkInterfaces"]);
    expect(batched.result).toEqual(single.result);
    // One instance alone: its own InstanceId read (the listing would cost no less).
    const alone = await counted(() => loadInstanceEnis(h.ctx, same[0]!, vpc));
    expect(alone.calls).toHaveLength(1);
    expect(alone.result).toEqual(single.result[0]);
    // An instance with no ENI (gone) gets none, as its own read would.
    const withGone = await counted(() =>
      Promise.all([loadInstanceEnis(h.ctx, same[0]!, vpc), loadInstanceEnis(h.ctx, "i-6we1x9gone00000001", vpc)]),
    );
    expect(withGone.result).toEqual([single.result[0], []]);
    expect(withGone.calls).toHaveLength(1);
  });
});
