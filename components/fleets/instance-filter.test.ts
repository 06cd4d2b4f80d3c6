import { describe, expect, it } from "vitest";
import {
  filterChoices,
  filterInstances,
  NO_FILTER,
  selectByTag,
  tagValues,
  toggleShown,
  type PickerInstance,
} from "./instance-filter";

const inst = (instanceId: string, name: string, tags: Record<string, string>, more: Partial<PickerInstance> = {}) => ({
  instanceId,
  name,
  zoneId: "ap-northeast-1a",
  status: "Running",
  tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  ...more,
});

const LIST: PickerInstance[] = [
  inst("i-web1", "pool-web-1", { pool: "web", env: "staging" }),
  inst("i-web2", "pool-web-2", { pool: "web" }),
  inst("i-batch", "pool-batch-1", { pool: "batch" }, { zoneId: "ap-northeast-1b" }),
  inst("i-demo", "demo-web-1", {}, { status: "Stopped" }),
];
const ids = (l: PickerInstance[]) => l.map((i) => i.instanceId);

describe("fleet instance picker filters", () => {
  it("text matches id or name in any case; zone, status and tag narrow further", () => {
    expect(ids(filterInstances(LIST, NO_FILTER))).toEqual(["i-web1", "i-web2", "i-batch", "i-demo"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, q: "WEB-1" }))).toEqual(["i-web1", "i-demo"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, q: "i-bat" }))).toEqual(["i-batch"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, zone: "ap-northeast-1b" }))).toEqual(["i-batch"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, status: "Stopped" }))).toEqual(["i-demo"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, tagKey: "pool" }))).toEqual(["i-web1", "i-web2", "i-batch"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, tagKey: "pool", tagValue: "web" }))).toEqual(["i-web1", "i-web2"]);
    expect(ids(filterInstances(LIST, { ...NO_FILTER, tagKey: "env", tagValue: "prod" }))).toEqual([]);
  });

  it("offers the zones, statuses, tag keys and a key's values the instances have", () => {
    expect(filterChoices(LIST)).toEqual({
      zones: ["ap-northeast-1a", "ap-northeast-1b"],
      statuses: ["Running", "Stopped"],
      tagKeys: ["env", "pool"],
    });
    expect(tagValues(LIST, "pool")).toEqual(["batch", "web"]);
  });

  it("select by tag adds every tagged instance once; toggling the shown ones selects then clears only them", () => {
    expect(selectByTag(LIST, ["i-demo", "i-web2"], "pool", "web")).toEqual(["i-demo", "i-web2", "i-web1"]);
    expect(selectByTag(LIST, [], "pool", "")).toEqual(["i-web1", "i-web2", "i-batch"]);
    expect(selectByTag(LIST, ["i-demo"], "", "")).toEqual(["i-demo"]);
    const shown = filterInstances(LIST, { ...NO_FILTER, tagKey: "pool", tagValue: "web" });
    expect(toggleShown(shown, ["i-demo", "i-web1"])).toEqual(["i-demo", "i-web1", "i-web2"]);
    expect(toggleShown(shown, ["i-demo", "i-web1", "i-web2"])).toEqual(["i-demo"]);
  });
});
