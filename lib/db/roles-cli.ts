// npm run db:roles [-- --role <name>] [--print]
// Grants the app's PostgreSQL role (the user of DATABASE_URL, or --role) what it needs and no more: its tables,
// but only INSERT and SELECT on the audit trail. Runs as the owning role: MIGRATION_DATABASE_URL (else
// DATABASE_URL). --print shows the SQL instead of running it. README: "Separate database roles".
import { parseArgs } from "node:util";
import { appRoleGrantsSql, grantAppRole, roleOfUrl, schemaOfUrl } from "./roles";

const { values } = parseArgs({ options: { role: { type: "string" }, print: { type: "boolean" } } });
const ownerUrl = process.env.MIGRATION_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim() || "";
try {
  if (!/^postgres(ql)?:\/\//.test(ownerUrl))
    throw new Error(
      "set MIGRATION_DATABASE_URL (the owning role) and DATABASE_URL (the app's role) to postgresql:// URLs",
    );
  const role = values.role ?? roleOfUrl(process.env.DATABASE_URL ?? "");
  if (role === roleOfUrl(ownerUrl))
    throw new Error(
      `the app's role "${role}" is the owning role: give the app a role of its own (--role or DATABASE_URL)`,
    );
  if (values.print) {
    const database = decodeURIComponent(new URL(ownerUrl).pathname.slice(1)) || "postgres";
    console.log(appRoleGrantsSql(role, database, schemaOfUrl(ownerUrl)).join(";\n") + ";");
  } else {
    const done = await grantAppRole(ownerUrl, role);
    console.log(`granted role "${role}":\n  ${done.join(";\n  ")}`);
  }
} catch (e) {
  console.error(`db:roles: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
