// The one Prisma client of the process. Secret columns are omitted globally:
// code that needs a secret asks for it explicitly (lib/cloud/accounts.ts).
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseTarget, openConnection, type Connection, type DatabaseTarget } from "./connection";

export type Db = ReturnType<typeof createPrismaClient>;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

type Holder = { client: Db; conn: Connection };
// On globalThis, not in module scope: Next.js bundles this module into several
// chunks, each with its own module scope, and they must all see the same client.
const globalForDb = globalThis as unknown as {
  __eipilotDb?: Holder;
  __eipilotDbTargets?: WeakMap<object, DatabaseTarget>;
};
const targets = (globalForDb.__eipilotDbTargets ??= new WeakMap());

export function createPrismaClient(conn: Connection) {
  const client = new PrismaClient({
    adapter: conn.adapter,
    omit: { cloudAccount: { secretCiphertext: true } },
  });
  targets.set(client, conn.target);
  return client;
}

/** The database a client talks to (work that runs outside the client, such as the audit export, needs to know). */
export function databaseTargetOf(client: Db): DatabaseTarget {
  const target = targets.get(client);
  if (!target) throw new Error("not a client made by createPrismaClient");
  return target;
}

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
