// @ts-check
// A full audit export from PostgreSQL, in a process of its own: the app's
// server pipes this process's stdout to the client. A million-event export
// then costs this small process (node and the pg driver, nothing of the app:
// ~110 MB at its peak, see docs/benchmarks.md) instead of growing the server's
// heap, which V8 would keep long after the download ended.
//
// The job comes as one JSON object on stdin — the database URL may hold a
// password, and argv is readable by every user of the machine (ps). The
// export goes to stdout, written as the reader takes it; a failure is one
// line on stderr and exit code 1.
import { once } from "node:events";
import pg from "pg";
import { exportChunks } from "./export.mjs";

/** @returns {Promise<{ url: string; teamId: string; filter: import("./export.mjs").ExportFilter; format: "csv" | "ndjson"; batchSize: number }>} */
async function readJob() {
  let text = "";
  process.stdin.setEncoding("utf8"); // a character split across two reads stays whole
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

/** @type {pg.Client | undefined} */
let client;
try {
  const job = await readJob();
  client = new pg.Client({ connectionString: job.url, application_name: "eipilot-audit-export" });
  await client.connect();
  const connected = client;
  const query = async (/** @type {{ text: string; values: (string | number)[] }} */ q) =>
    (await connected.query(q)).rows;
  for await (const chunk of exportChunks(query, job)) {
    if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
  }
  await client.end();
} catch (e) {
  // The server logs this line: no credentials in it, should a message quote a connection URL.
  const message = (e instanceof Error ? e.message : String(e)).replace(/\/\/[^/@\s]*@/g, "//…@");
  process.stderr.write(`audit export failed: ${message}\n`);
  process.exitCode = 1;
  await client?.end().catch(() => {});
}
