import { describe, expect, it } from "vitest";
import { fleetControls, filterMembers, memberFilterCounts } from "./member-filter";
import type { MemberState } from "@/lib/fleet/fleet.schema";

const m = (id: string, state: MemberState) => ({ id, state });
const MEMBERS = [m("a", "succeeded"), m("b", "failed"), m("c", "running"), m("d", "pending"), m("e", "aborted")];

describe("fleet member filters and controls", () => {
  it("failed, in progress (pending or running) and succeeded show just those; all shows every member", () => {
    expect(filterMembers(MEMBERS, "failed").map((x) => x.id)).toEqual(["b"]);
    expect(filterMembers(MEMBERS, "inProgress").map((x) => x.id)).toEqual(["c", "d"]);
    expect(filterMembers(MEMBERS, "succeeded").map((x) => x.id)).toEqual(["a"]);
    expect(memberFilterCounts(MEMBERS)).toEqual({ all: 5, failed: 1, inProgress: 2, succeeded: 1 });
  });

  it("offers what the status allows: pause while rolling out, resume when paused, retry only with failed members", () => {
    expect(fleetControls("rolling_out", 1)).toMatchObject({
      pause: true,
      abort: true,
      retryFailed: false,
      teardown: false,
    });
    expect(fleetControls("paused", 1)).toMatchObject({ pause: false, resume: true, abort: true, retryFailed: true });
    expect(fleetControls("succeeded", 0)).toMatchObject({ retryFailed: false, change: true, teardown: true });
    expect(fleetControls("tearing_down", 0)).toMatchObject({ teardown: false, change: false, guest: false });
    expect(fleetControls("draft", 0)).toMatchObject({ start: true, teardown: true, drift: false });
  });
});
