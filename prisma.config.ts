import { defineConfig } from "prisma/config";

// Used by `prisma generate` (and by `prisma migrate deploy` where Prisma's native
// engine can be downloaded). Offline, migrations run through lib/db/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/eipilot" },
});
