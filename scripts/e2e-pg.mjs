// `npm run test:e2e:pg [-- <playwright args>]`: the Playwright suite against
// `npm start` on PostgreSQL instead of the embedded PGlite — a database
// created for the run on the local server (PG_ADMIN_URL, default
// postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards, even
// when a test fails. Some paths differ there: the audit export, for one, runs
// in a process of its own only on PostgreSQL.
import { spawnSync } from "node:child_process";
import pg from "pg";

const adminUrl = new URL(process.env.PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
if (!["127.0.0.1", "localhost", "[::1]"].includes(adminUrl.hostname)) {
  console.error(`refusing to create a test database on ${adminUrl.hostname}: local servers only`);
  process.exit(2);
}
const name = `eipilot_e2e_${process.pid}`;

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

await admin(`CREATE DATABASE "${name}"`);
let status = 1;
try {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const run = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  status = run.status ?? 1;
} finally {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
process.exit(status);
