import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CloudContext, WireBody, WireParams } from "./call";

// cloudCall is replaced by a scripted server: each call gets the next body and is recorded.
const calls: WireParams[] = [];
let bodies: WireBody[] = [];
vi.mock("./call", () => ({
  cloudCall: async (_ctx: unknown, _action: string, params: WireParams) => {
    calls.push(params);
    return bodies.shift() ?? {};
  },
}));
const { describeAll } = await import("./paging");

const ctx = {} as CloudContext;
const items = (b: WireBody) => (b.Items as number[] | undefined) ?? [];

beforeEach(() => {
  calls.length = 0;
  bodies = [];
});

describe("describeAll", () => {
  it("follows NextToken until none comes back, paging parameters after the caller's", async () => {
    bodies = [
      { Items: [1, 2], NextToken: "t2" },
      { Items: [3], NextToken: "" },
    ];
    const r = await describeAll(ctx, "DescribeInstances", { RegionId: "r" }, { by: "NextToken", MaxResults: 2 }, items);
    expect(r).toEqual({ items: [1, 2, 3], totalCount: 3 });
    expect(calls).toEqual([
      { RegionId: "r", MaxResults: 2, NextToken: undefined },
      { RegionId: "r", MaxResults: 2, NextToken: "t2" },
    ]);
    expect(Object.keys(calls[0]!)).toEqual(["RegionId", "MaxResults", "NextToken"]);
  });

  it("counts pages until TotalCount items are read", async () => {
    bodies = [
      { Items: [1, 2], TotalCount: 5 },
      { Items: [3, 4], TotalCount: 5 },
      { Items: [5], TotalCount: 5 },
    ];
    const r = await describeAll(ctx, "DescribeEipAddresses", {}, { by: "PageNumber", PageSize: 2 }, items);
    expect(r).toEqual({ items: [1, 2, 3, 4, 5], totalCount: 5 });
    expect(calls.map((c) => c.PageNumber)).toEqual([1, 2, 3]);
    expect(calls[0]).toEqual({ PageNumber: 1, PageSize: 2 });
  });

  it("stops at an empty page, and after one page when no TotalCount is reported", async () => {
    bodies = [
      { Items: [1, 2], TotalCount: 9 },
      { Items: [], TotalCount: 9 },
    ];
    expect(await describeAll(ctx, "DescribeVSwitches", {}, { by: "PageNumber", PageSize: 2 }, items)).toEqual({
      items: [1, 2],
      totalCount: 9,
    });
    calls.length = 0;
    bodies = [{ Items: [1, 2] }, { Items: [3] }];
    expect(await describeAll(ctx, "DescribeVSwitches", {}, { by: "PageNumber", PageSize: 2 }, items)).toEqual({
      items: [1, 2],
      totalCount: 2,
    });
    expect(calls).toHaveLength(1);
  });
});
