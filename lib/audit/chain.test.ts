import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import fc from "fast-check";
import {
  appendAuditEvent,
  canonicalJson,
  eventCanonical,
  verifyAuditChain,
  type ChainVerdict,
  type ChainedFields,
} from "./chain";
import type { Db } from "@/lib/db/client";
import { REDACTED, redactParams } from "./redact";
import { isoOfJsonTimestamp } from "./canonical.mjs";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await t.db.organization.create({ data: { id: "team-chain", name: "Chain", slug: "chain" } });
  await t.db.organization.create({ data: { id: "team-other", name: "Other", slug: "other" } });
});
afterAll(async () => {
  await t?.close();
});

async function seedEvents(teamId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent(t.db, {
      teamId,
      actorType: "user",
      actorId: "u1",
      actorLabel: "alice@example.com",
      action: "cloud:ECS.AttachNetworkInterface",
      targets: ["i-abc", `eni-${i}`],
      params: { RegionId: "ap-northeast-1", NetworkInterfaceId: `eni-${i}` },
      requestId: `REQ-${i}`,
      outcome: i % 3 ? "success" : "failure",
      errorCode: i % 3 ? null : "Throttling.User",
      durationMs: 12.4,
    });
  }
}

/** What an attacker with direct database access would do: bypass the trigger and edit. */
async function tamper(sql: string) {
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
  try {
    await t.db.$executeRawUnsafe(sql);
  } finally {
    await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
  }
}

/** Runs `check` with the team-chain trail edited by `sql`, then puts every event back as it was. */
async function withTampering(sql: string, check: () => Promise<void>) {
  const snapshot = await t.db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT * FROM audit_event WHERE "teamId"='team-chain' ORDER BY seq`,
  );
  await tamper(sql);
  try {
    await check();
  } finally {
    await tamper(`DELETE FROM audit_event WHERE "teamId"='team-chain'`);
    await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
    for (const row of snapshot) await t.db.auditEvent.create({ data: row as never });
    await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
  }
  expect((await verifyAuditChain(t.db, "team-chain")).ok).toBe(true);
}

describe("audit chain", () => {
  it("chains events per team and verifies", async () => {
    await seedEvents("team-chain", 6);
    await seedEvents("team-other", 2);
    expect(await verifyAuditChain(t.db, "team-chain")).toEqual({ ok: true, checked: 6 });
    expect(await verifyAuditChain(t.db, "team-other")).toEqual({ ok: true, checked: 2 });
  });

  it.each([
    ["action", `UPDATE audit_event SET action='cloud:VPC.ReleaseEipAddress' WHERE "teamId"='team-chain' AND seq=3`, 3],
    ["params", `UPDATE audit_event SET params='{"RegionId":"cn-hangzhou"}' WHERE "teamId"='team-chain' AND seq=2`, 2],
    ["time", `UPDATE audit_event SET "at"="at" + interval '1 second' WHERE "teamId"='team-chain' AND seq=5`, 5],
    ["outcome", `UPDATE audit_event SET outcome='success' WHERE "teamId"='team-chain' AND seq=1`, 1],
    ["deletion", `DELETE FROM audit_event WHERE "teamId"='team-chain' AND seq=4`, 4],
  ])("detects tampering with %s and names the first broken link", async (_field, sql, seq) => {
    await withTampering(sql, async () => {
      const verdict = await verifyAuditChain(t.db, "team-chain");
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.brokenAt.seq).toBe(seq);
    });
  });

  // Verification reads seq ranges of batchSize events: a gap must be found
  // wherever it falls, including one that spans a whole range.
  it.each([
    ["at a range's end", [2], 2, 2],
    ["at a range's start", [3], 2, 3],
    ["longer than a range", [3, 4], 2, 3],
    ["longer than two ranges", [2, 3, 4, 5], 2, 2],
  ])("finds events deleted %s", async (_where, deleted, batchSize, firstMissing) => {
    await withTampering(
      `DELETE FROM audit_event WHERE "teamId"='team-chain' AND seq IN (${deleted.join(",")})`,
      async () => {
        const verdict = await verifyAuditChain(t.db, "team-chain", batchSize);
        expect(verdict).toMatchObject({
          ok: false,
          brokenAt: { seq: firstMissing, reason: `event #${firstMissing} is missing (deleted?)` },
        });
      },
    );
  });

  it("keeps only allow-listed parameters", async () => {
    await appendAuditEvent(t.db, {
      teamId: "team-chain",
      actorType: "user",
      action: "app:cloudAccount.create",
      outcome: "success",
      params: {
        name: "prod",
        accessKeyId: "LTAI123",
        accessKeySecret: "s3cr3t-value",
        Password: "hunter2",
        nested: { token: "x" },
      },
    });
    const row = await t.db.auditEvent.findFirstOrThrow({ where: { teamId: "team-chain" }, orderBy: { seq: "desc" } });
    const text = JSON.stringify(row.params);
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("hunter2");
    expect(row.params).toMatchObject({
      name: "prod",
      accessKeyId: "LTAI123",
      accessKeySecret: REDACTED,
      Password: REDACTED,
    });
  });

  it("keeps which instance, bundle and run a Cloud Assistant event was about, never a script's output", () => {
    const params = {
      deploymentId: "dep-1",
      instanceId: "i-abc",
      scriptVersion: 2,
      invocations: [{ action: "apply", invokeId: "t-1", status: "Success", exitCode: 0, output: "secret=1" }],
    };
    expect(redactParams(params)).toEqual({
      ...params,
      invocations: [{ action: "apply", invokeId: "t-1", status: "Success", exitCode: 0, output: REDACTED }],
    });
  });

  describe("tampering with any field of any event", () => {
    const team = "team-fields";
    const N = 4;
    // Every column that carries meaning; "id" is only a storage key and not hashed.
    const columns: [string, string][] = [
      ["seq", `"seq" + 100`],
      ["at", `"at" + interval '1 millisecond'`],
      ["actorType", `'system'`],
      ["actorId", `coalesce("actorId", '') || 'x'`],
      ["actorLabel", `coalesce("actorLabel", '') || 'x'`],
      ["action", `"action" || 'x'`],
      ["targets", `array_append("targets", 'eni-evil')`],
      ["deploymentId", `coalesce("deploymentId", '') || 'x'`],
      ["params", `'{"RegionId":"cn-hangzhou"}'::jsonb`],
      ["requestId", `coalesce("requestId", '') || 'x'`],
      ["outcome", `CASE WHEN outcome = 'success' THEN 'failure' ELSE 'success' END`],
      ["errorCode", `coalesce("errorCode", '') || 'x'`],
      ["errorMessage", `coalesce("errorMessage", '') || 'x'`],
      ["durationMs", `coalesce("durationMs", 0) + 1`],
      ["clientIp", `'203.0.113.66'`],
      ["userAgent", `coalesce("userAgent", '') || 'x'`],
      ["prevHash", `repeat('f', 64)`],
      ["hash", `repeat('e', 64)`],
    ];

    beforeAll(async () => {
      await t.db.organization.create({ data: { id: team, name: "Fields", slug: "fields" } });
      for (let i = 0; i < N; i++) {
        await appendAuditEvent(t.db, {
          teamId: team,
          actorType: "user",
          actorId: `u${i}`,
          actorLabel: `u${i}@example.com`,
          action: "cloud:VPC.AssociateEipAddress",
          targets: [`eip-${i}`, "eni-1"],
          deploymentId: `dep-${i}`,
          params: { AllocationId: `eip-${i}`, Mode: "NAT" },
          requestId: `R-${i}`,
          outcome: i % 2 ? "failure" : "success",
          errorCode: i % 2 ? "Forbidden" : null,
          errorMessage: i % 2 ? "no" : null,
          durationMs: 40 + i,
          clientIp: "198.51.100.1",
          userAgent: "vitest",
        });
      }
      expect(await verifyAuditChain(t.db, team)).toEqual({ ok: true, checked: N });
    });

    /** Edits one column of one event in a transaction that is rolled back, and verifies inside it. */
    async function verdictAfter(seq: number, column: string, expr: string, teamToVerify = team): Promise<ChainVerdict> {
      let verdict: ChainVerdict | undefined;
      await t.db
        .$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
          const n = await tx.$executeRawUnsafe(
            `UPDATE audit_event SET "${column}" = ${expr} WHERE "teamId" = '${team}' AND seq = ${seq}`,
          );
          expect(n).toBe(1);
          verdict = await verifyAuditChain(tx as unknown as Db, teamToVerify);
          throw new Error("rollback");
        })
        .catch((e: Error) => {
          if (e.message !== "rollback") throw e;
        });
      return verdict!;
    }

    for (let seq = 1; seq <= N; seq++) {
      it.each(columns)(`event #${seq}: %s`, async (column, expr) => {
        const verdict = await verdictAfter(seq, column, expr);
        expect(verdict.ok, `${column} of event #${seq} edited without detection`).toBe(false);
        if (!verdict.ok) expect(verdict.brokenAt.seq).toBe(seq);
      });
    }

    it("moving an event to another team breaks a chain (this one, or the other team's for the last event)", async () => {
      for (let seq = 1; seq <= N; seq++) {
        const own = await verdictAfter(seq, "teamId", `'team-ghost'`);
        const other = await verdictAfter(seq, "teamId", `'team-ghost'`, "team-ghost");
        expect(own.ok && other.ok, `moving event #${seq}`).toBe(false);
      }
      expect(await verifyAuditChain(t.db, team)).toEqual({ ok: true, checked: N });
    });

    it("the database refuses UPDATE and DELETE on the trail", async () => {
      await expect(
        t.db.$executeRawUnsafe(`UPDATE audit_event SET action = 'x' WHERE "teamId" = '${team}'`),
      ).rejects.toThrow();
      await expect(t.db.$executeRawUnsafe(`DELETE FROM audit_event WHERE "teamId" = '${team}'`)).rejects.toThrow();
      expect(await verifyAuditChain(t.db, team)).toEqual({ ok: true, checked: N });
    });
  });

  // Verification recomputes hashes from what the database gives back (text via
  // JSON, jsonb re-read), so every value must come back exactly as it was hashed.
  it("verifies events whose text and parameters need escaping or normalizing", async () => {
    const team = "team-exotic";
    await t.db.organization.create({ data: { id: team, name: "Exotic", slug: "exotic" } });
    const strings = [
      'quote " backslash \\ slash /',
      "tab\t newline\n cr\r bell\u0007 esc\u001b del\u007f",
      "line sep \u2028 para sep \u2029",
      "日本語 ñ emoji 😀",
      "</script><script>alert(1)</script>",
      "",
      "nul \u0000 here",
      "lone \ud800 surrogate",
    ];
    for (const [i, s] of strings.entries()) {
      await appendAuditEvent(t.db, {
        teamId: team,
        actorType: "user",
        actorId: s,
        actorLabel: s,
        action: `app:test.${i}`,
        targets: [s, `eni-${i}`],
        deploymentId: s,
        requestId: s,
        outcome: "failure",
        errorCode: s,
        errorMessage: s,
        durationMs: i,
        clientIp: s,
        userAgent: s,
        // allow-listed keys only, or redaction would replace the values
        params: {
          name: s,
          Description: [s, null, true, 0.1, -0, 1e21, 1.5e-7, -12.5, Number.MAX_SAFE_INTEGER],
          filter: { Name: s, Type: i, Mode: { count: 2, format: "x" } },
        },
      });
    }
    expect(await verifyAuditChain(t.db, team)).toEqual({ ok: true, checked: strings.length });
    // what could not be stored as given was replaced, not dropped
    const stored = await t.db.auditEvent.findMany({
      where: { teamId: team, seq: { gte: 7 } },
      orderBy: { seq: "asc" },
      select: { actorLabel: true, targets: true, params: true },
    });
    expect(stored.map((e) => e.actorLabel)).toEqual(["nul \ufffd here", "lone \ufffd surrogate"]);
    expect(stored[0]!.targets[0]).toBe("nul \ufffd here");
    expect((stored[1]!.params as { name: string }).name).toBe("lone \ufffd surrogate");
  });

  it("keeps the first 512 characters of a user agent", async () => {
    const team = "team-exotic";
    const { seq } = await appendAuditEvent(t.db, {
      teamId: team,
      actorType: "system",
      action: "app:test.ua",
      outcome: "success",
      userAgent: "M".repeat(5000),
    });
    const row = await t.db.auditEvent.findFirstOrThrow({ where: { teamId: team, seq }, select: { userAgent: true } });
    expect(row.userAgent).toBe("M".repeat(512));
    expect((await verifyAuditChain(t.db, team)).ok).toBe(true);
  });

  // PostgreSQL's JSON drops a time's trailing zero milliseconds ("…:00.1"):
  // verification must still read back the instant that was hashed.
  it("verifies events whose milliseconds end in zeros", async () => {
    const team = "team-times";
    await t.db.organization.create({ data: { id: team, name: "Times", slug: "times" } });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      for (const at of [
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:00:00.100Z",
        "2026-01-01T00:00:00.120Z",
        "2026-01-01T00:00:00.123Z",
        "2026-01-01T00:00:01.003Z",
      ]) {
        vi.setSystemTime(new Date(at));
        await appendAuditEvent(t.db, {
          teamId: team,
          actorType: "system",
          action: "app:test.time",
          outcome: "success",
        });
      }
    } finally {
      vi.useRealTimers();
    }
    expect(await verifyAuditChain(t.db, team)).toEqual({ ok: true, checked: 5 });
  });

  it("reads PostgreSQL's JSON times as the ISO times that were hashed", () => {
    expect(
      ["2026-01-01T00:00:00", "2026-01-01T00:00:00.1", "2026-01-01T00:00:00.12", "2026-01-01T00:00:00.123"].map(
        isoOfJsonTimestamp,
      ),
    ).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.100Z",
      "2026-01-01T00:00:00.120Z",
      "2026-01-01T00:00:00.123Z",
    ]);
  });

  it("the fast canonical form equals canonicalJson for any event", () => {
    const str = fc.option(fc.string(), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          teamId: fc.string(),
          seq: fc.nat(),
          at: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
          actorType: fc.constantFrom("user", "system"),
          actorId: str,
          actorLabel: str,
          action: fc.string(),
          targets: fc.array(fc.string()),
          deploymentId: str,
          params: fc.jsonValue(),
          requestId: str,
          outcome: fc.constantFrom("success", "failure"),
          errorCode: str,
          errorMessage: str,
          durationMs: fc.option(fc.integer(), { nil: null }),
          clientIp: str,
          userAgent: str,
          prevHash: fc.string(),
        }),
        (e) => {
          const { prevHash: _p, ...hashed } = e;
          expect(eventCanonical(e as ChainedFields)).toBe(canonicalJson({ ...hashed, at: e.at.toISOString() }));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
