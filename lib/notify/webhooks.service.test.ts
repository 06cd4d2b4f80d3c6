// Webhooks against a real receiver on loopback: signed bodies a receiver can verify, a retry after a 500
// with backoff, deliveries that survive a crashed sender, and no request to a URL webhooks may not reach.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { userActor } from "@/lib/audit/actor";
import {
  backoffMs,
  configureWebhooks,
  createWebhook,
  deleteWebhook,
  deliverDueWebhooks,
  destinationProblem,
  enqueueWebhookEvent,
  listDeliveries,
  listWebhooks,
  verifyWebhookSignature,
} from "./webhooks.service";
import { webhookInputSchema } from "./webhook.schema";

type Received = { headers: http.IncomingHttpHeaders; body: string };
let t: TestDb;
let server: http.Server;
let url: string;
let received: Received[] = [];
let answers: number[] = [];
const teamId = "team-hooks";
const actor = userActor(null, "admin@example.com");

beforeAll(async () => {
  t = await createTestDb();
  await t.db.organization.create({ data: { id: teamId, name: "Hooks", slug: teamId } });
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  configureWebhooks({ allowLoopback: true, baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 3, timeoutMs: 5000 });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});
beforeEach(async () => {
  received = [];
  answers = [];
  await t.db.webhook.deleteMany({ where: { teamId } });
});

const later = (ms: number) => new Date(Date.now() + ms);

describe("webhooks", () => {
  it("delivers a signed JSON body the receiver can verify with the secret shown once", async () => {
    const { webhook, secret } = await createWebhook(teamId, actor, { url, events: ["drift"] });
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await listWebhooks(teamId))).not.toContain(secret);
    const stored = await t.db.webhook.findFirstOrThrow({ where: { id: webhook.id } });
    expect(stored.secretCiphertext).not.toContain(secret);

    expect(await enqueueWebhookEvent(t.db, teamId, "drift", { deployment: { id: "d1", name: "web" } })).toBe(1);
    // Not subscribed: nothing queued.
    expect(await enqueueWebhookEvent(t.db, teamId, "run.finished", {})).toBe(0);
    expect(await deliverDueWebhooks()).toEqual({ delivered: 1, retry: 0, failed: 0 });

    expect(received).toHaveLength(1);
    const r = received[0]!;
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ event: "drift", teamId, data: { deployment: { id: "d1", name: "web" } } });
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["x-eipilot-event"]).toBe("drift");
    expect(r.headers["x-eipilot-delivery"]).toBe(body.id);
    const sig = {
      timestamp: String(r.headers["x-eipilot-timestamp"]),
      signature: String(r.headers["x-eipilot-signature"]),
    };
    expect(sig.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, sig, r.body)).toBe(true);
    // A changed body, another secret or an old timestamp does not verify.
    expect(verifyWebhookSignature(secret, sig, r.body.replace("web", "wab"))).toBe(false);
    expect(verifyWebhookSignature("whsec_other", sig, r.body)).toBe(false);
    expect(verifyWebhookSignature(secret, sig, r.body, { now: Date.now() + 3_600_000 })).toBe(false);

    const log = (await listDeliveries(teamId))[0]!;
    expect(log).toMatchObject({ event: "drift", status: "delivered", attemptCount: 1, lastStatusCode: 204 });
    expect(log.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 204, error: null })]);
  });

  it("retries after a 500 with exponential backoff, and gives up after the last attempt", async () => {
    await createWebhook(teamId, actor, { url, events: ["run.failed", "run.finished"] });
    answers = [500];
    await enqueueWebhookEvent(t.db, teamId, "run.failed", { status: "failed" });
    expect(await deliverDueWebhooks()).toEqual({ delivered: 0, retry: 1, failed: 0 });
    // Not due before the backoff has passed.
    expect(await deliverDueWebhooks({ now: later(500) })).toEqual({ delivered: 0, retry: 0, failed: 0 });
    expect(await deliverDueWebhooks({ now: later(1100) })).toEqual({ delivered: 1, retry: 0, failed: 0 });
    expect(received).toHaveLength(2);
    expect(received[0]!.body).toBe(received[1]!.body);
    const log = (await listDeliveries(teamId))[0]!;
    expect(log.attempts.map((a) => a.statusCode)).toEqual([500, 204]);
    expect(log).toMatchObject({ status: "delivered", attemptCount: 2, lastStatusCode: 204 });

    answers = [503, 502, 500];
    await enqueueWebhookEvent(t.db, teamId, "run.finished", { status: "succeeded" });
    await deliverDueWebhooks();
    await deliverDueWebhooks({ now: later(1100) });
    expect(await deliverDueWebhooks({ now: later(3100) })).toEqual({ delivered: 0, retry: 0, failed: 1 });
    const [last] = await listDeliveries(teamId);
    expect(last).toMatchObject({ status: "failed", attemptCount: 3, lastStatusCode: 500 });
    expect(backoffMs(1, { baseDelayMs: 30_000, maxDelayMs: 3_600_000 })).toBe(30_000);
    expect(backoffMs(4, { baseDelayMs: 30_000, maxDelayMs: 3_600_000 })).toBe(240_000);
    expect(backoffMs(20, { baseDelayMs: 30_000, maxDelayMs: 3_600_000 })).toBe(3_600_000);
  });

  it("picks up a delivery whose sender died holding it (persisted outbox, expired lease)", async () => {
    const { webhook } = await createWebhook(teamId, actor, { url, events: ["drift"] });
    await enqueueWebhookEvent(t.db, teamId, "drift", {});
    await t.db.webhookDelivery.updateMany({
      where: { webhookId: webhook.id },
      data: { leaseOwner: "dead-replica", leaseExpiresAt: new Date(Date.now() + 60_000) },
    });
    expect(await deliverDueWebhooks()).toEqual({ delivered: 0, retry: 0, failed: 0 });
    expect(await deliverDueWebhooks({ now: later(61_000) })).toEqual({ delivered: 1, retry: 0, failed: 0 });
    expect(received).toHaveLength(1);
  });

  it("refuses non-http(s) URLs and never sends to them, nor to link-local or the metadata service", async () => {
    for (const bad of ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x", "http://user:pw@127.0.0.1/"])
      expect(webhookInputSchema.safeParse({ url: bad, events: ["drift"] }).success).toBe(false);
    expect(webhookInputSchema.safeParse({ url, events: [] }).success).toBe(false);
    await expect(createWebhook(teamId, actor, { url: "file:///etc/passwd", events: ["drift"] })).rejects.toThrow();
    expect(await listWebhooks(teamId)).toEqual([]);

    // A row that bypassed the form (an older version, a direct insert) is refused at delivery, without retries.
    for (const target of ["file:///etc/passwd", "http://169.254.169.254/latest", "http://100.100.100.200/latest"]) {
      const w = await t.db.webhook.create({
        data: { teamId, url: target, events: ["drift"], secretCiphertext: "v1.x.y.z" },
      });
      await enqueueWebhookEvent(t.db, teamId, "drift", {});
      expect(await deliverDueWebhooks()).toEqual({ delivered: 0, retry: 0, failed: 1 });
      await deleteWebhook(teamId, actor, w.id);
    }
    expect(received).toEqual([]);

    configureWebhooks({ allowLoopback: false });
    expect((await destinationProblem(url))?.("en")).toMatch(/loopback/);
    configureWebhooks({ allowLoopback: true });
    expect(await destinationProblem(url)).toBeNull();
  });

  it("keeps teams apart: another team's webhook cannot be deleted and sees no deliveries", async () => {
    await t.db.organization.upsert({
      where: { id: "team-other" },
      create: { id: "team-other", name: "O", slug: "team-other" },
      update: {},
    });
    const { webhook } = await createWebhook(teamId, actor, { url, events: ["drift"] });
    await enqueueWebhookEvent(t.db, teamId, "drift", {});
    await expect(deleteWebhook("team-other", actor, webhook.id)).rejects.toThrow(/not found/);
    expect(await listDeliveries("team-other")).toEqual([]);
    expect(await listWebhooks(teamId)).toHaveLength(1);
    const audit = await t.db.auditEvent.findMany({ where: { teamId, action: "app:webhook.create" } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.map((a) => a.params))).not.toContain("/hook");
  });
});
