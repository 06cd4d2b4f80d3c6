// npm run db:migrate               → apply pending migrations to the configured database
// npm run db:migration -- <name>   → write a new migration from schema.prisma
import { databaseTarget, openConnection } from "./connection";
import { applyMigrations, createMigration } from "./migrate";

const [command, name] = process.argv.slice(2);
if (command === "create") {
  if (!name) {
    console.error("usage: npm run db:migration -- <name>");
    process.exit(2);
  }
  const dir = await createMigration(name);
  console.log(dir ? `created ${dir}` : "schema.prisma and the migrations agree; nothing to create");
} else {
  const conn = openConnection(databaseTarget());
  try {
    const applied = await applyMigrations(conn.adapter);
    console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
  } finally {
    await conn.close();
  }
}
