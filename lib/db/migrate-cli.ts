// npm run db:migrate               → apply pending migrations to the configured database
// npm run db:migration -- <name>   → write a new migration from schema.prisma
// MIGRATION_DATABASE_URL: apply as that (owning) role, then grant DATABASE_URL's role (lib/db/roles.ts)
import { databaseTarget, openConnection } from "./connection";
import { applyMigrations, createMigration } from "./migrate";
import { grantAppRole, roleOfUrl } from "./roles";

const [command, name] = process.argv.slice(2);
if (command === "create") {
  if (!name) {
    console.error("usage: npm run db:migration -- <name>");
    process.exit(2);
  }
  const dir = await createMigration(name);
  console.log(dir ? `created ${dir}` : "schema.prisma and the migrations agree; nothing to create");
} else {
  // Migrations run as the owning role when MIGRATION_DATABASE_URL names one; the app then gets its grants.
  const ownerUrl = process.env.MIGRATION_DATABASE_URL?.trim();
  const conn = openConnection(databaseTarget(ownerUrl ? { ...process.env, DATABASE_URL: ownerUrl } : process.env));
  try {
    const applied = await applyMigrations(conn.adapter);
    console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
  } finally {
    await conn.close();
  }
  const appUrl = process.env.DATABASE_URL?.trim() ?? "";
  if (ownerUrl && /^postgres(ql)?:\/\//.test(appUrl) && roleOfUrl(appUrl) !== roleOfUrl(ownerUrl)) {
    await grantAppRole(ownerUrl, roleOfUrl(appUrl));
    console.log(
      `granted the app's role "${roleOfUrl(appUrl)}" its tables, with INSERT and SELECT only on the audit trail`,
    );
  }
}
