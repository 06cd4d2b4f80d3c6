// A new instance's login password (issue 17 #5): stored sealed, never in a plan, step or audit row,
// and still what RunInstances receives.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, baseSpec, REGION, SG, VSW_A, type Harness } from "./testing/harness";
import { createDraft, planDeployment, runPreflight, startDeployment, updateDraft } from "./deployment.service";
import { decryptSecret } from "@/lib/server/crypto";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => h?.close());

const PASSWORD = "Sup3r-Secret-Pw9";
/** Rows as text (audit rows carry a BigInt sequence). */
const text = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
const spec = () =>
  baseSpec({
    instance: {
      mode: "create",
      zoneId: `${REGION}a`,
      instanceType: "ecs.g7.large",
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      vSwitchId: VSW_A,
      securityGroupId: SG,
      password: PASSWORD,
    },
    eni: { mode: "create", vSwitchId: VSW_A, securityGroupId: SG },
    privateIps: { mode: "count", count: 0 },
    eips: [{}],
  });

describe("instance password", () => {
  it("is stored encrypted, kept out of plans, steps and audit rows, and reaches RunInstances", async () => {
    const { id } = await createDraft(h.teamId, { name: "pw", spec: spec() });
    await updateDraft(h.teamId, id, { spec: spec() });
    const pre = await runPreflight(h.teamId, id);
    expect(pre.ok, JSON.stringify(pre.findings)).toBe(true);
    expect(JSON.stringify(await planDeployment(h.teamId, id))).not.toContain(PASSWORD);
    const r = await (await startDeployment(h.teamId, id)).done;
    expect(r.status, JSON.stringify(r.error)).toBe("succeeded");

    const d = await h.t.db.deployment.findUniqueOrThrow({ where: { id } });
    for (const field of [d.spec, d.plan, d.preflight, d.resources, d.error])
      expect(JSON.stringify(field ?? null)).not.toContain(PASSWORD);
    // Sealed like cloud credentials: the stored spec decrypts to it.
    const sealed = (d.spec as { instance: { password: { encrypted: string } } }).instance.password;
    expect(decryptSecret(sealed.encrypted)).toBe(PASSWORD);
    const steps = await h.t.db.deploymentStep.findMany({ where: { deploymentId: id } });
    expect(steps.length).toBeGreaterThan(0);
    expect(text(steps)).not.toContain(PASSWORD);
    const audit = await h.t.db.auditEvent.findMany({ where: { teamId: h.teamId } });
    expect(audit.some((e) => e.action === "cloud:ECS.RunInstances" && e.outcome === "success")).toBe(true);
    expect(text(audit)).not.toContain(PASSWORD);

    // RunInstances received the password itself: the instance exists, and the emulator's ClientToken
    // record holds the digest of exactly this password (salted with the token's key).
    const instanceId = (d.resources as { instanceId?: string }).instanceId!;
    expect(h.emu.state().instances[instanceId]?.status).toBe("Running");
    const [key, rec] = Object.entries(h.emu.state().tokens).find(([k]) => k.includes(":RunInstances:"))!;
    const fingerprint = new Map(JSON.parse(rec.fingerprint) as Array<[string, string]>);
    const digest = "sha256:" + createHash("sha256").update(`${key}\n${PASSWORD}`).digest("hex");
    expect(fingerprint.get("Password")).toBe(digest);
  });
});
