import { describe, expect, it } from "vitest";
import { filterRows } from "./filter";
import type { DashboardRow } from "@/lib/deploy/dashboard.queries";

const row = (over: Partial<DashboardRow>): DashboardRow => ({
  id: "d1",
  name: "web",
  status: "succeeded",
  phase: "apply",
  regionId: "ap-northeast-1",
  instanceId: "i-1",
  eniId: "eni-1",
  eips: ["203.0.113.21"],
  eipCount: 1,
  createdBy: "Ann",
  createdAt: "",
  updatedAt: "",
  ...over,
});
const rows = [
  row({ id: "a" }),
  row({ id: "b", status: "draft", name: "db" }),
  row({ id: "c", status: "running", createdBy: "Bob", eips: ["198.51.100.7"] }),
  row({ id: "d", status: "tearing_down" }),
  row({ id: "e", status: "torn_down" }),
];

describe("dashboard filter", () => {
  it("filters by status groups", () => {
    expect(filterRows(rows, "all", "").map((r) => r.id)).toEqual(["a", "b", "c", "d", "e"]);
    expect(filterRows(rows, "running", "").map((r) => r.id)).toEqual(["c", "d"]);
    expect(filterRows(rows, "active", "").map((r) => r.id)).toEqual(["b", "c", "d"]);
    expect(filterRows(rows, "torn_down", "").map((r) => r.id)).toEqual(["e"]);
  });
  it("searches name, ids, EIPs and people, case-insensitively", () => {
    expect(filterRows(rows, "all", "DB").map((r) => r.id)).toEqual(["b"]);
    expect(filterRows(rows, "all", "198.51").map((r) => r.id)).toEqual(["c"]);
    expect(filterRows(rows, "all", "bob").map((r) => r.id)).toEqual(["c"]);
  });
});
