// The production server `npm start` runs: Next's request handler behind a plain
// Node HTTP server, so that what the app calls the client's address comes from
// the socket. `next start` keeps an X-Forwarded-For the client sent (it only
// fills the header in when it is absent), so a forged header would choose the
// address that sign-in rate limits, sessions and the audit trail record. Here
// the header is replaced by the one address lib/net/client-address.mjs derives
// (the peer, or what a proxy in TRUSTED_PROXIES vouches for), and request ids
// are always the server's own (proxy.ts makes one per request).
import http from "node:http";
import path from "node:path";
import next from "next";
import { clientAddress, parseTrustedProxies } from "../lib/net/client-address.mjs";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 3000);
const { ranges, problems } = parseTrustedProxies(process.env.TRUSTED_PROXIES);
if (problems.length) {
  for (const p of problems) console.error(`[eipilot] ${p}`);
  process.exit(1);
}

const app = next({ dev: false, dir: root, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  const client = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], ranges);
  if (client) req.headers["x-forwarded-for"] = client;
  else delete req.headers["x-forwarded-for"];
  delete req.headers["x-real-ip"];
  delete req.headers["x-request-id"];
  handle(req, res);
});
server.listen(port, () => console.log(`[eipilot] next server ready on port ${port}`));

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
