// Which database to use, decided once from the environment:
// DATABASE_URL=postgres(ql)://… → a PostgreSQL server through @prisma/adapter-pg;
// otherwise the embedded PGlite (file-backed under DATA_DIR, or in memory with
// DATABASE_URL=memory:// for tests).
import path from "node:path";
import fs from "node:fs";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string | null };

export function dataDir(): string {
  // turbopackIgnore: a runtime path, not a source the bundler should trace.
  return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR ?? "data");
}

export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  if (url === "memory://") return { kind: "pglite", dataDir: null };
  if (url && !url.startsWith("pglite://")) {
    throw new Error(
      `DATABASE_URL must start with postgresql://, pglite:// or be memory:// (got "${url.split(":")[0]}:…")`,
    );
  }
  const dir = url?.startsWith("pglite://")
    ? url.slice("pglite://".length)
    : path.join(/*turbopackIgnore: true*/ dataDir(), "pglite");
  return { kind: "pglite", dataDir: path.resolve(/*turbopackIgnore: true*/ dir) };
}

export type Connection = {
  target: DatabaseTarget;
  adapter: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
};

/** Opens the database behind `target` and returns a Prisma driver-adapter factory for it. */
export function openConnection(target: DatabaseTarget): Connection {
  if (target.kind === "postgres") {
    const adapter = runScriptsWhole(new PrismaPg({ connectionString: target.url, max: 10 }));
    return { target, adapter, close: async () => {} };
  }
  if (target.dataDir) fs.mkdirSync(target.dataDir, { recursive: true });
  const pglite = target.dataDir ? new PGlite(target.dataDir) : new PGlite();
  return {
    target,
    adapter: new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory,
    close: () => pglite.close(),
  };
}

type ScriptRunner = {
  client: { query(sql: string): Promise<unknown> };
  onError(e: unknown): never;
  executeScript(s: string): Promise<void>;
};

/**
 * @prisma/adapter-pg runs a migration script by splitting it on ";", which breaks
 * any statement with a semicolon inside (a PL/pgSQL function body such as the
 * audit trail's append-only trigger). PostgreSQL's simple query protocol runs a
 * multi-statement script as is, which is what Prisma's native engine does.
 */
function runScriptsWhole(factory: PrismaPg): PrismaPg {
  const patch = <T>(adapter: T): T => {
    const a = adapter as unknown as ScriptRunner;
    a.executeScript = async (script: string) => {
      try {
        await a.client.query(script);
      } catch (error) {
        a.onError(error);
      }
    };
    return adapter;
  };
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}
