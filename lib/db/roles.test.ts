// PostgreSQL privilege separation: the app's role, granted by `db:roles` (and
// by `db:migrate` with MIGRATION_DATABASE_URL), appends to and reads the audit
// trail but cannot UPDATE, DELETE, TRUNCATE or disable its triggers; the
// start-up check warns about a role that could. Needs PostgreSQL
// (DATABASE_URL=postgresql://…); a role of its own, dropped afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { createPrismaClient, type Db } from "./client";
import { openConnection, type Connection } from "./connection";
import { grantAppRole, roleFacts, roleWarnings } from "./roles";
import { appendAuditEvent } from "@/lib/audit/chain";
import { verifyAuditTrail } from "@/lib/audit/verify-trail";

const onPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "");
const role = `eipilot_app_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

let t: TestDb;
let ownerUrl: string;
let appUrl: string;
let appConn: Connection;
let app: Db;
let keyDir: string;

async function asApp(sql: string) {
  const c = new pg.Client({ connectionString: appUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(!onPostgres)("PostgreSQL roles: the app's role cannot rewrite the audit trail", () => {
  beforeAll(async () => {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "eipilot-roles-"));
    process.env.AUDIT_KEY_DIR = keyDir;
    process.env.AUDIT_CHECKPOINT_EVERY = "2";
    t = await createTestDb();
    ownerUrl = (t.conn.target as { url: string }).url;
    await t.db.$executeRawUnsafe(`CREATE ROLE "${role}" LOGIN`);
    await grantAppRole(ownerUrl, role);
    const u = new URL(ownerUrl);
    u.username = role;
    u.password = "";
    appUrl = u.toString();
    appConn = openConnection({ kind: "postgres", url: appUrl });
    app = createPrismaClient(appConn);
  });
  afterAll(async () => {
    await app?.$disconnect();
    await appConn?.close();
    await t?.db.$executeRawUnsafe(`DROP OWNED BY "${role}"`).catch(() => {});
    await t?.close();
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  it("appends events and signed checkpoints, reads them back and verifies, as the app's role", async () => {
    for (let i = 0; i < 5; i++)
      await appendAuditEvent(app, {
        teamId: "team-roles",
        actorType: "system",
        action: `app:e${i}`,
        outcome: "success",
      });
    expect(await app.auditCheckpoint.count({ where: { teamId: "team-roles" } })).toBe(2);
    expect(await verifyAuditTrail(app, "team-roles")).toMatchObject({ ok: true, checked: 5 });
    // The rest of the app's tables stay writable.
    await app.organization.create({ data: { id: "team-roles", name: "Roles", slug: `roles-${role}` } });
    await app.organization.update({ where: { id: "team-roles" }, data: { name: "Roles 2" } });
  });

  it.each([
    [`UPDATE audit_event SET action = 'x'`, /permission denied/],
    [`DELETE FROM audit_event`, /permission denied/],
    [`TRUNCATE audit_event`, /permission denied/],
    [`ALTER TABLE audit_event DISABLE TRIGGER USER`, /must be owner/],
    [`ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete`, /must be owner/],
    [`DROP TRIGGER audit_event_no_update_delete ON audit_event`, /must be owner/],
    [`UPDATE audit_checkpoint SET "lastHash" = 'x'`, /permission denied/],
    [`DELETE FROM audit_checkpoint`, /permission denied/],
    [`TRUNCATE audit_checkpoint`, /permission denied/],
    [`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`, /must be owner/],
    [`DROP TABLE audit_checkpoint`, /must be owner/],
  ])("refuses %s", async (sql, message) => {
    await expect(asApp(sql)).rejects.toThrow(message);
  });

  it("warns at start about a superuser or an owner, not about the app's role", async () => {
    const query =
      (db: Db) =>
      (sql: string, ...v: unknown[]) =>
        db.$queryRawUnsafe<never>(sql, ...v);
    expect(roleWarnings(await roleFacts(query(app)))).toEqual([]);
    const owner = roleWarnings(await roleFacts(query(t.db)));
    expect(owner).toHaveLength(1);
    expect(owner[0]).toMatch(/is a superuser: it can disable the audit trail's append-only triggers/);
    expect(roleWarnings({ user: "eipilot", superuser: false, owns: ["audit_event"], mayChange: [] })[0]).toMatch(
      /owns audit_event: an owner can disable the append-only triggers/,
    );
    await expect(grantAppRole(ownerUrl, "postgres")).rejects.toThrow(/superuser/);
  });

  it("db:migrate with MIGRATION_DATABASE_URL migrates as the owner and grants DATABASE_URL's role", async () => {
    // A database of its own: the test database's pool still holds the migration lock it took.
    const name = `${new URL(ownerUrl).pathname.slice(1)}_mig`;
    const urlOf = (user: string) => {
      const u = new URL(ownerUrl);
      u.pathname = `/${name}`;
      if (user !== u.username) [u.username, u.password] = [user, ""];
      return u.toString();
    };
    await t.db.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    try {
      const r = spawnSync(
        process.execPath,
        ["--experimental-wasm-modules", "--no-warnings", "--import", "tsx", "lib/db/migrate-cli.ts", "apply"],
        {
          encoding: "utf8",
          env: { ...process.env, MIGRATION_DATABASE_URL: urlOf("postgres"), DATABASE_URL: urlOf(role) },
        },
      );
      expect(r.stdout + r.stderr).toContain(`granted the app's role "${role}"`);
      expect(r.status).toBe(0);
      const c = new pg.Client({ connectionString: urlOf(role) });
      await c.connect();
      try {
        await c.query(
          `INSERT INTO audit_event ("teamId", seq, "actorType", action, outcome, "prevHash", hash) VALUES ('t', 1, 'system', 'a', 'success', '', '')`,
        );
        expect((await c.query(`SELECT count(*)::int AS n FROM audit_event`)).rows[0].n).toBe(1);
        await expect(c.query(`DELETE FROM audit_event`)).rejects.toThrow(/permission denied/);
        await expect(c.query(`ALTER TABLE audit_event DISABLE TRIGGER USER`)).rejects.toThrow(/must be owner/);
      } finally {
        await c.end();
      }
    } finally {
      const owner = new pg.Client({ connectionString: urlOf("postgres") });
      await owner.connect();
      await owner.query(`DROP OWNED BY "${role}"`);
      await owner.end();
      await t.db.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});
