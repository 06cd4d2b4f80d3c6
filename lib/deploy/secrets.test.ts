import { describe, expect, it } from "vitest";
import { openSpecSecrets, planWithoutSecrets, sealSpecSecrets, specWithoutSecrets, REDACTED_PASSWORD } from "./secrets";

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

  it("seals the instance password for storage and opens it again", () => {
    const spec = { regionId: "r", instance: { mode: "create", password: "Hunter2-Hunter2" } };
    const sealed = sealSpecSecrets(spec);
    expect(JSON.stringify(sealed)).not.toContain("Hunter2");
    expect(sealed.instance.password).toMatchObject({ encrypted: expect.stringMatching(/^v1\./) });
    expect(spec.instance.password).toBe("Hunter2-Hunter2");
    expect(openSpecSecrets(sealed)).toEqual(spec);
    expect(specWithoutSecrets(sealed).instance.password).toBe(REDACTED_PASSWORD);
    // Undecryptable (another app secret): dropped, so pre-flight asks for it again.
    const broken = { ...spec, instance: { mode: "create", password: { encrypted: "v1.AAAA.BBBB.CCCC" } } };
    expect(openSpecSecrets(broken).instance.password).toBeUndefined();
    const existing = { instance: { mode: "existing", instanceId: "i-1" } };
    expect(sealSpecSecrets(existing)).toBe(existing);
  });
});
