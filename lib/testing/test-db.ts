// A fresh, migrated database for one test file: an in-memory PGlite by default,
// or a new database on the PostgreSQL server when DATABASE_URL points at one
// (dropped again afterwards). Refuses anything but a local server.
import pg from "pg";
import { openConnection, type Connection } from "@/lib/db/connection";
import { createPrismaClient, installDb, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export type TestDb = { db: Db; conn: Connection; kind: "pglite" | "postgres"; close(): Promise<void> };

export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const base = new URL(url);
    if (!["127.0.0.1", "localhost", "::1"].includes(base.hostname)) {
      throw new Error(`refusing to run tests against non-local database ${base.hostname}`);
    }
    const name = `eipilot_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    const conn = openConnection({ kind: "postgres", url: testUrl.toString() });
    await applyMigrations(conn.adapter);
    const client = createPrismaClient(conn);
    installDb(client, conn);
    return {
      db: client,
      conn,
      kind: "postgres",
      async close() {
        await client.$disconnect();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const conn = openConnection({ kind: "pglite", dataDir: null });
  await applyMigrations(conn.adapter);
  const client = createPrismaClient(conn);
  installDb(client, conn);
  return {
    db: client,
    conn,
    kind: "pglite",
    async close() {
      await client.$disconnect();
      await conn.close();
    },
  };
}
