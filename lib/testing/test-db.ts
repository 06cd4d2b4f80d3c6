// A fresh, migrated database for one test file: an in-memory PGlite by default,
// or a new database on the PostgreSQL server when DATABASE_URL points at one
// (dropped again afterwards). Refuses anything but a local server.
import pg from "pg";
import { openConnection, type Connection, type DatabaseTarget } from "@/lib/db/connection";
import { createPrismaClient, installDb, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export type TestDb = { db: Db; conn: Connection; kind: "pglite" | "postgres"; close(): Promise<void> };

async function adminQuery(url: string, sql: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Opens `target`, applies the migrations and makes it the process-wide `db()`. */
async function migrated(target: DatabaseTarget, dispose: () => Promise<void>): Promise<TestDb> {
  const conn = openConnection(target);
  await applyMigrations(conn.adapter);
  const client = createPrismaClient(conn);
  installDb(client, conn);
  return {
    db: client,
    conn,
    kind: target.kind,
    async close() {
      await client.$disconnect();
      await conn.close();
      await dispose();
    },
  };
}

export async function createTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) return migrated({ kind: "pglite", dataDir: null }, async () => {});
  const base = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(base.hostname)) {
    throw new Error(`refusing to run tests against non-local database ${base.hostname}`);
  }
  const name = `eipilot_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(url, `CREATE DATABASE "${name}"`);
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  return migrated({ kind: "postgres", url: testUrl.toString() }, () =>
    adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}
