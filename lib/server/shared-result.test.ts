import { describe, expect, it } from "vitest";
import { sharedFor } from "./shared-result";

describe("sharedFor (one health check for many probes)", () => {
  it("runs the check once for all callers within the window, again after it", async () => {
    let clock = 0;
    let runs = 0;
    const check = sharedFor(
      1000,
      async () => ++runs,
      () => clock,
    );
    expect(await Promise.all([check(), check(), check()])).toEqual([1, 1, 1]);
    clock = 999;
    expect(await check()).toBe(1);
    clock = 1000;
    expect(await check()).toBe(2);
    expect(runs).toBe(2);
  });
  it("a failure is not kept beyond the window", async () => {
    let clock = 0;
    let fail = true;
    const check = sharedFor(
      1000,
      async () => {
        if (fail) throw new Error("database down");
        return "ok";
      },
      () => clock,
    );
    await expect(check()).rejects.toThrow("database down");
    fail = false;
    clock = 1500;
    expect(await check()).toBe("ok");
  });
});
