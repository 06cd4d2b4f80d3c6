import { describe, expect, it } from "vitest";
import { planWithoutSecrets, specWithoutSecrets, REDACTED_PASSWORD } from "./secrets";

describe("secrets never leave the server", () => {
  it("replaces the instance password in a spec and leaves the original alone", () => {
    const spec = {
      regionId: "ap-northeast-1",
      instance: { mode: "create", password: "Hunter2-Hunter2", zoneId: "ap-northeast-1a" },
    };
    const out = specWithoutSecrets(spec);
    expect(JSON.stringify(out)).not.toContain("Hunter2");
    expect(out.instance.password).toBe(REDACTED_PASSWORD);
    expect(out.instance.zoneId).toBe("ap-northeast-1a");
    expect(spec.instance.password).toBe("Hunter2-Hunter2");
    expect(specWithoutSecrets({ instance: { mode: "existing", instanceId: "i-1" } })).toEqual({
      instance: { mode: "existing", instanceId: "i-1" },
    });
  });

  it("replaces RunInstances' Password in a plan", () => {
    const plan = {
      phase: "apply",
      steps: [
        { key: "instance.create", params: { Password: "Hunter2-Hunter2", ZoneId: "z" } },
        { key: "eni.attach", params: { InstanceId: "i" } },
      ],
    };
    const out = planWithoutSecrets(plan);
    expect(JSON.stringify(out)).not.toContain("Hunter2");
    expect(out.steps[0]!.params).toEqual({ Password: REDACTED_PASSWORD, ZoneId: "z" });
    expect(out.steps[1]).toBe(plan.steps[1]);
  });
});
