// The one Prisma client of the process. Secret columns are omitted globally:
// code that needs a secret asks for it explicitly (lib/cloud/accounts.ts).
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, openConnection, type Connection } from "./connection";

export type Db = ReturnType<typeof createPrismaClient>;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export function createPrismaClient(conn: Connection) {
  return new PrismaClient({
    adapter: conn.adapter,
    omit: { cloudAccount: { secretCiphertext: true } },
  });
}

type Holder = { client: Db; conn: Connection };
const globalForDb = globalThis as unknown as { __eipilotDb?: Holder };

/** The process-wide client, opened on first use from DATABASE_URL / DATA_DIR. */
export function db(): Db {
  if (!globalForDb.__eipilotDb) {
    const conn = openConnection(databaseTarget());
    globalForDb.__eipilotDb = { conn, client: createPrismaClient(conn) };
  }
  return globalForDb.__eipilotDb.client;
}

/** Tests (and scripts) install their own client, e.g. an in-memory PGlite. */
export function installDb(client: Db, conn: Connection) {
  globalForDb.__eipilotDb = { client, conn };
}

export async function closeDb() {
  const holder = globalForDb.__eipilotDb;
  globalForDb.__eipilotDb = undefined;
  if (holder) {
    await holder.client.$disconnect();
    await holder.conn.close();
  }
}
