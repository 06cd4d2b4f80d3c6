import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
vi.mock("server-only", () => ({}));
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { appendAuditEvent } from "./chain";
import { decodeCursor, encodeCursor, listAuditEvents, parseAuditFilter, type AuditEventDto } from "./audit.queries";
import { auditExportStream, csvCell } from "./export-stream";
import { userActor } from "@/lib/audit/actor";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  for (const id of ["team-q", "team-x"]) await t.db.organization.create({ data: { id, name: id, slug: id } });
  for (let i = 0; i < 37; i++) {
    await appendAuditEvent(t.db, {
      teamId: "team-q",
      actorType: i % 5 ? "user" : "system",
      actorId: i % 2 ? "u-alice" : "u-bob",
      actorLabel: i % 2 ? "alice@example.com" : "bob@example.com",
      action:
        i % 3 === 0
          ? "cloud:VPC.AssociateEipAddress"
          : i % 3 === 1
            ? "cloud:ECS.AttachNetworkInterface"
            : "app:config.create",
      targets: [`eip-${i % 4}`, "eni-main"],
      deploymentId: i < 10 ? "dep-1" : null,
      outcome: i % 7 === 0 ? "failure" : "success",
      errorMessage: i === 14 ? `=HYPERLINK("http://evil","x"), "quoted"\nnext line` : null,
    });
  }
  await appendAuditEvent(t.db, {
    teamId: "team-x",
    actorType: "user",
    action: "app:config.create",
    targets: ["eip-0"],
    outcome: "success",
  });
  // Same millisecond for several rows: the (at, id) keyset must still be exact.
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
  await t.db.$executeRawUnsafe(
    `UPDATE audit_event SET "at" = '2026-11-01T00:00:00Z' WHERE "teamId" = 'team-q' AND seq BETWEEN 5 AND 20`,
  );
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
});
afterAll(async () => {
  await t?.close();
});

async function all(teamId: string, filter: ReturnType<typeof parseAuditFilter>, limit: number) {
  const seen: AuditEventDto[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listAuditEvents(teamId, filter, { cursor, limit });
    seen.push(...page.events);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return seen;
}

describe("audit queries", () => {
  it("pages by (at, id) descending without gaps or repeats, even within one millisecond", async () => {
    const rows = await all("team-q", {}, 7);
    expect(rows).toHaveLength(37);
    expect(new Set(rows.map((r) => r.id)).size).toBe(37);
    const expected = await t.db.auditEvent.findMany({
      where: { teamId: "team-q" },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(rows.map((r) => r.id)).toEqual(expected.map((e) => String(e.id)));
  });

  it("filters by actor, action (exact or prefix), resource, deployment, outcome and time; never another team's events", async () => {
    const q = (p: Record<string, string>) => all("team-q", parseAuditFilter(new URLSearchParams(p)), 10);
    expect((await q({ actor: "alice@example.com" })).every((e) => e.actorId === "u-alice")).toBe(true);
    expect(await q({ actor: "u-bob" })).toHaveLength(19);
    expect((await q({ action: "cloud:*" })).every((e) => e.action.startsWith("cloud:"))).toBe(true);
    expect(await q({ action: "cloud:*" })).toHaveLength(25);
    expect(await q({ action: "app:config.create" })).toHaveLength(12);
    expect(await q({ resource: "eip-1" })).toHaveLength(9);
    expect(await q({ deploymentId: "dep-1" })).toHaveLength(10);
    expect(await q({ outcome: "failure" })).toHaveLength(6);
    expect(await q({ from: "2026-11-01", to: "2026-11-01" })).toHaveLength(16);
    expect(await q({ outcome: "failure", action: "cloud:*", resource: "eni-main" })).toHaveLength(4);
    expect((await all("team-x", {}, 10)).map((e) => e.action)).toEqual(["app:config.create"]);
    // invalid values are ignored, not trusted
    expect(parseAuditFilter(new URLSearchParams({ outcome: "maybe", from: "yesterday", actor: "a" }))).toEqual({
      actor: "a",
    });
    // text the database cannot compare is dropped too, instead of failing the query
    // (a page's searchParams: URLSearchParams itself would turn the unpaired surrogate into U+FFFD)
    const unstorable = parseAuditFilter({
      actor: "a\u0000",
      action: "cloud:\ud800",
      resource: "eip-1\u0000",
      deploymentId: "\u0000",
      outcome: "failure",
    });
    expect(unstorable).toEqual({ outcome: "failure" });
    expect(await q({ actor: "u-bob\u0000", outcome: "failure" })).toHaveLength(6);
  });

  it("rejects forged cursors", () => {
    expect(decodeCursor(encodeCursor({ at: "2026-11-01T00:00:00.000Z", id: "12" }))).toEqual({
      at: "2026-11-01T00:00:00.000Z",
      id: "12",
    });
    expect(decodeCursor("not-base64!")).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify(["2026", "1; DROP TABLE x"])).toString("base64url"))).toBeNull();
  });

  it("streams CSV and NDJSON of the filtered set in batches, with spreadsheet formulas defused", async () => {
    const read = async (s: ReadableStream<Uint8Array>) => new Response(s).text();
    const ndjson = await read(auditExportStream("team-q", { action: "cloud:*" }, "ndjson", { batchSize: 4 }));
    const lines = ndjson
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditEventDto);
    expect(lines).toHaveLength(25);
    expect(lines.every((l) => l.action.startsWith("cloud:") && l.hash.length === 64)).toBe(true);
    const csv = await read(auditExportStream("team-q", {}, "csv", { batchSize: 5 }));
    expect(csv.split("\r\n")[0]).toBe(
      "id,seq,at,actorType,actorId,actorLabel,action,targets,deploymentId,params,requestId,outcome,errorCode,errorMessage,durationMs,clientIp,userAgent,prevHash,hash",
    );
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x""), ""quoted""\nnext line"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csv).not.toContain("team-x");
  });
});

describe("redaction end to end", () => {
  it("no secret appears in any audit row, export or log line", async () => {
    vi.resetModules();
    const { startEmulator } = await import("@/emulator/server");
    const emu = await startEmulator({ port: 0 });
    const out: string[] = [];
    const spyOut = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
      out.push(String(chunk));
      return true;
    });
    const spyErr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
      out.push(String(chunk));
      return true;
    });
    try {
      process.env.APP_SECRET ??= "redaction-secret-".padEnd(40, "r");
      const { createCloudAccount, testCloudAccount } = await import("@/lib/cloud/accounts");
      const secret = "Very-Secret-Access-Key-Value-123";
      const wrong = await createCloudAccount("team-q", userActor("u-alice"), {
        name: "wrong",
        kind: "access_key",
        accessKeyId: "LTAI5tWrongKey000001",
        accessKeySecret: secret,
        defaultRegion: "ap-northeast-1",
      });
      // Point the account at the emulator: the call is signed with the secret and fails (unknown key).
      await t.db.cloudAccount.update({ where: { id: wrong.id }, data: { endpoint: emu.endpoint } });
      await testCloudAccount("team-q", userActor("u-alice"), wrong.id).catch(() => {});
      await appendAuditEvent(t.db, {
        teamId: "team-q",
        actorType: "user",
        action: "app:test",
        outcome: "success",
        params: {
          AccessKeySecret: secret,
          password: secret,
          Authorization: `ACS3-HMAC-SHA256 Signature=${secret}`,
          nested: { SecurityToken: secret },
        },
      });
      const rows = await t.db.auditEvent.findMany({ where: { teamId: "team-q" } });
      expect(rows.some((r) => r.action.startsWith("cloud:"))).toBe(true);
      const text = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      expect(text).not.toContain(secret);
      const csv = await new Response(auditExportStream("team-q", {}, "csv")).text();
      const nd = await new Response(auditExportStream("team-q", {}, "ndjson")).text();
      expect(csv).not.toContain(secret);
      expect(nd).not.toContain(secret);
    } finally {
      spyOut.mockRestore();
      spyErr.mockRestore();
      await emu.close();
    }
    expect(out.join("")).not.toContain("Very-Secret-Access-Key-Value-123");
  });
});
