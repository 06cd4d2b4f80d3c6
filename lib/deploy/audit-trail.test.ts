// What the audit trail says about a run: who its cloud calls were made for, and the history of one
// address across deployments (lib/audit/audit.queries.ts addressHistory) built from a real run.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
vi.mock("server-only", () => ({}));
import { harness, baseSpec, ENI, type Harness } from "./testing/harness";
import { createDraft, deleteDraft, startDeployment, teardownDeployment } from "./deployment.service";
import { userActor } from "@/lib/audit/actor";
import { addressHistory, addressKind, listAuditEvents } from "@/lib/audit/audit.queries";
import type { ResourcesRecord } from "./model";

let h: Harness;
let deploymentId: string;
let record: ResourcesRecord;
const aki = userActor("u-aki", "aki@example.com");

beforeAll(async () => {
  h = await harness();
  const { id } = await createDraft(h.teamId, { name: "history", spec: baseSpec(), actor: aki });
  deploymentId = id;
  const run = await startDeployment(h.teamId, id, { actor: aki });
  expect((await run.done).status).toBe("succeeded");
  const td = await teardownDeployment(h.teamId, id, { actor: aki });
  expect((await td.done).status).toBe("torn_down");
  record = (await h.t.db.deployment.findUniqueOrThrow({ where: { id } })).resources as ResourcesRecord;
});
afterAll(async () => h?.close());

describe("a run's cloud calls name the user who pressed Apply", () => {
  it("mutating calls and the run's end carry aki's id and 'aki@example.com via run N', not the system", async () => {
    const rows = await h.t.db.auditEvent.findMany({
      where: {
        teamId: h.teamId,
        deploymentId,
        action: {
          in: [
            "cloud:ECS.AttachNetworkInterface",
            "cloud:VPC.AssociateEipAddress",
            "app:deployment.succeeded",
            "cloud:VPC.ReleaseEipAddress",
            "app:deployment.torn_down",
          ],
        },
      },
      orderBy: { seq: "asc" },
    });
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) {
      expect(r.actorType, r.action).toBe("user");
      expect(r.actorId, r.action).toBe("u-aki");
      expect(r.actorLabel, r.action).toMatch(/^aki@example\.com via run \d+$/);
    }
    // Apply is run 1, the teardown run 2.
    expect(rows.find((r) => r.action === "cloud:VPC.AssociateEipAddress")!.actorLabel).toBe(
      "aki@example.com via run 1",
    );
    expect(rows.find((r) => r.action === "cloud:VPC.ReleaseEipAddress")!.actorLabel).toBe("aki@example.com via run 2");
  });
});

describe("the audit list shows changes first", () => {
  it("kind=changes leaves out Describe* reads; without it they are there", async () => {
    const changes = await listAuditEvents(h.teamId, { kind: "changes" }, { limit: 500, db: h.t.db });
    const all = await listAuditEvents(h.teamId, {}, { limit: 500, db: h.t.db });
    expect(all.events.some((e) => e.action.includes(".Describe"))).toBe(true);
    expect(changes.events.some((e) => e.action.includes(".Describe"))).toBe(false);
    expect(changes.events.some((e) => e.action === "cloud:VPC.AssociateEipAddress")).toBe(true);
    expect(changes.events.some((e) => e.action === "app:deployment.apply")).toBe(true);
  });
});

describe("address history", () => {
  it("accepts an IP, eip-…, eni-…, i-… and nothing else", () => {
    expect(addressKind("47.74.1.2")).toBe("ip");
    expect(addressKind("eip-6we1x9abc")).toBe("allocation");
    expect(addressKind(ENI)).toBe("eni");
    expect(addressKind("i-6we1x9demoweb000001")).toBe("instance");
    for (const bad of ["", "47.74.1", "eip-", "drop table", "1.2.3.4; x", "sg-123456"])
      expect(addressKind(bad)).toBeNull();
  });

  it("a public IP: its allocation, association, unassociation and release, oldest first, with actor and RequestId", async () => {
    const eip = record.eips![0]!;
    const hist = (await addressHistory(h.teamId, ` ${eip.ipAddress} `, { db: h.t.db }))!;
    expect(hist.aliases).toEqual(expect.arrayContaining([eip.ipAddress, eip.allocationId]));
    const actions = hist.events.map((e) => e.action);
    expect(actions).toEqual([
      "cloud:VPC.AllocateEipAddress",
      "cloud:VPC.AssociateEipAddress",
      "cloud:VPC.UnassociateEipAddress",
      "cloud:VPC.ReleaseEipAddress",
    ]);
    const times = hist.events.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    for (const e of hist.events) {
      expect(e.requestId).toBeTruthy();
      expect(e.outcome).toBe("success");
      expect(e.actorLabel).toMatch(/^aki@example\.com via run/);
      expect(e.deploymentId).toBe(deploymentId);
    }
    expect(hist.deployments[deploymentId]).toBe("history");
    // The allocation id finds the same events.
    const byId = (await addressHistory(h.teamId, eip.allocationId, { db: h.t.db }))!;
    expect(byId.events.map((e) => e.id)).toEqual(hist.events.map((e) => e.id));
  });

  it("a private IP: the assignment and the EIP association on it; reads only when asked", async () => {
    const eip = record.eips!.find((e) => e.privateIp !== record.enis?.[0]?.primaryIp)!;
    const hist = (await addressHistory(h.teamId, eip.privateIp, { db: h.t.db }))!;
    const actions = hist.events.map((e) => e.action);
    expect(actions).toContain("cloud:ECS.AssignPrivateIpAddresses");
    expect(actions).toContain("cloud:VPC.AssociateEipAddress");
    expect(actions).toContain("cloud:ECS.UnassignPrivateIpAddresses");
    expect(actions.some((a) => a.includes(".Describe"))).toBe(false);
    const eni = (await addressHistory(h.teamId, ENI, { db: h.t.db }))!;
    expect(eni.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["cloud:ECS.AttachNetworkInterface", "cloud:ECS.DetachNetworkInterface"]),
    );
    const withReads = (await addressHistory(h.teamId, ENI, { db: h.t.db, reads: true }))!;
    expect(withReads.events.some((e) => e.action === "cloud:ECS.DescribeNetworkInterfaces")).toBe(true);
  });

  it("another team sees none of it; bad input is refused", async () => {
    await h.t.db.organization.create({ data: { id: "team-other", name: "other", slug: "team-other" } });
    const eip = record.eips![0]!;
    expect((await addressHistory("team-other", eip.ipAddress, { db: h.t.db }))!.events).toEqual([]);
    expect(await addressHistory(h.teamId, "not an address", { db: h.t.db })).toBeNull();
  });
});

describe("deleting a draft", () => {
  it("removes a draft with its audit event; refuses one that ran and another team's", async () => {
    const { id } = await createDraft(h.teamId, { name: "to delete", spec: baseSpec(), actor: aki });
    await expect(deleteDraft("team-elsewhere", id, aki)).rejects.toThrow(/Deployment not found/);
    await deleteDraft(h.teamId, id, aki);
    expect(await h.t.db.deployment.findFirst({ where: { id } })).toBeNull();
    const ev = await h.t.db.auditEvent.findFirst({ where: { teamId: h.teamId, action: "app:deployment.delete" } });
    expect(ev).toMatchObject({ deploymentId: id, actorId: "u-aki", outcome: "success" });
    expect(ev!.params).toMatchObject({ name: "to delete" });
    // The torn-down deployment ran: it stays (its record is the trail's and teardown's).
    await expect(deleteDraft(h.teamId, deploymentId, aki)).rejects.toThrow(/Only a draft can be deleted/);
    expect(await h.t.db.deployment.findFirst({ where: { id: deploymentId } })).not.toBeNull();
  });
});
