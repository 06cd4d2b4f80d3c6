// PostgreSQL privilege separation. The tables belong to the role that runs the
// migrations (MIGRATION_DATABASE_URL); the app runs as another role that may
// read and write its tables but only INSERT and SELECT the audit trail: no
// UPDATE, DELETE or TRUNCATE, and — not being the owner — no ALTER TABLE, so
// it cannot disable the append-only triggers either. `npm run db:roles` (and
// `npm run db:migrate` when MIGRATION_DATABASE_URL is set) grants exactly that;
// at start the app warns when its role can do more (instrumentation.ts).

/** Tables the app may only append to and read. */
export const APPEND_ONLY_TABLES = ["audit_event", "audit_checkpoint"] as const;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The user name of a postgres:// URL (the role the app connects as). */
export function roleOfUrl(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) throw new Error("DATABASE_URL names no user: the app's role cannot be told");
  return user;
}

/** The schema Prisma uses on that URL (`?schema=`, else public). */
export function schemaOfUrl(url: string): string {
  return new URL(url).searchParams.get("schema") ?? "public";
}

/**
 * The grants of the app's role, idempotent (run again after each migration: new tables need them). Everything
 * it had on the schema's tables is revoked first, so what is left is exactly this.
 */
export function appRoleGrantsSql(role: string, database: string, schema = "public"): string[] {
  const r = ident(role);
  const s = ident(schema);
  const appendOnly = APPEND_ONLY_TABLES.map((t) => `${s}.${ident(t)}`).join(", ");
  return [
    `GRANT CONNECT ON DATABASE ${ident(database)} TO ${r}`,
    `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`,
    `REVOKE UPDATE, DELETE ON ${appendOnly} FROM ${r}`,
    `REVOKE INSERT, UPDATE, DELETE ON ${s}."_prisma_migrations" FROM ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`,
  ];
}

type Query = <T>(sql: string, ...values: unknown[]) => Promise<T[]>;

type RoleFacts = { user: string; superuser: boolean; owns: string[]; mayChange: string[] };

/** What the connected role may do to the audit tables that it should not. */
export async function roleFacts(query: Query): Promise<RoleFacts> {
  const tables = [...APPEND_ONLY_TABLES];
  const [facts] = await query<RoleFacts>(
    `SELECT current_user::text AS "user", r.rolsuper AS "superuser",
      COALESCE((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
        WHERE c.oid IN (SELECT to_regclass(t) FROM unnest($1::text[]) t) AND pg_has_role(current_user, c.relowner, 'MEMBER')), '{}') AS "owns",
      COALESCE((SELECT array_agg(t || ' ' || p ORDER BY t, p) FROM unnest($1::text[]) t, unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) p
        WHERE to_regclass(t) IS NOT NULL AND has_table_privilege(t, p)), '{}') AS "mayChange"
    FROM pg_roles r WHERE r.rolname = current_user`,
    tables,
  );
  if (!facts) throw new Error("the connected role is not in pg_roles");
  return facts;
}

/** The loud warnings `npm start` logs when the app's own role could rewrite the audit trail (none: it cannot). */
export function roleWarnings(f: RoleFacts): string[] {
  const fix =
    "Run migrations as the owning role (MIGRATION_DATABASE_URL) and the app as a role set up by `npm run db:roles` (README: Separate database roles).";
  if (f.superuser)
    return [
      `The app's database role "${f.user}" is a superuser: it can disable the audit trail's append-only triggers and rewrite or delete events and checkpoints. ${fix}`,
    ];
  if (f.owns.length)
    return [
      `The app's database role "${f.user}" owns ${f.owns.join(", ")}: an owner can disable the append-only triggers (ALTER TABLE … DISABLE TRIGGER) and rewrite the audit trail. ${fix}`,
    ];
  if (f.mayChange.length)
    return [
      `The app's database role "${f.user}" has privileges it does not need on the audit trail (${f.mayChange.join(", ")}). ${fix}`,
    ];
  return [];
}

/**
 * Connected as the owning role (`ownerUrl`), grants the app's role what appRoleGrantsSql says. Refuses a role
 * that does not exist, is a superuser or owns the tables: no grant could hold such a role back.
 */
export async function grantAppRole(ownerUrl: string, role: string): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: ownerUrl, application_name: "eipilot-db-roles" });
  await client.connect();
  try {
    const { rows } = await client.query<{ super: boolean; owner: boolean; database: string }>(
      `SELECT r.rolsuper AS "super", current_database() AS "database",
        EXISTS (SELECT 1 FROM pg_class c WHERE c.oid IN (SELECT to_regclass(t) FROM unnest($2::text[]) t)
          AND pg_has_role(r.oid, c.relowner, 'MEMBER')) AS "owner"
       FROM pg_roles r WHERE r.rolname = $1`,
      [role, [...APPEND_ONLY_TABLES]],
    );
    const facts = rows[0];
    if (!facts)
      throw new Error(
        `role "${role}" does not exist: CREATE ROLE ${ident(role)} LOGIN PASSWORD '…' (as the owner or an admin), then run this again`,
      );
    if (facts.super) throw new Error(`role "${role}" is a superuser: the app needs a role of its own`);
    if (facts.owner)
      throw new Error(
        `role "${role}" owns the audit tables (or is a member of their owner): run migrations as another role (MIGRATION_DATABASE_URL)`,
      );
    const statements = appRoleGrantsSql(role, facts.database, schemaOfUrl(ownerUrl));
    await client.query("BEGIN");
    for (const sql of statements) await client.query(sql);
    await client.query("COMMIT");
    return statements;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
