// The lab's instance metadata service, run inside an instance namespace:
//   node metadata-server.mjs <host> <port> <snapshot.json>
// Answers like Alibaba Cloud's (http://100.100.100.200/latest/...), from the snapshot the emulator rewrites
// whenever the world changes (read on every request):
//   PUT /latest/api/token with X-aliyun-ecs-metadata-token-ttl-seconds (1..21600) → a token (security hardening mode)
//   GET /latest/meta-data/<item> with X-aliyun-ecs-metadata-token → the item; an unknown or expired token → 401
//   GET without a token → the item (normal mode), or 403 when the instance has HttpTokens=required
//   a directory (".../", or an item path with children) → its entries, one a line, subdirectories with "/"
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

const [host, port, file] = process.argv.slice(2);
const tokens = new Map(); // token → expiry (ms)

function snapshot() {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function answer(res, status, body) {
  res.writeHead(status, { "content-type": "text/plain", connection: "close" });
  res.end(body);
}

function listing(items, dir) {
  const prefix = dir ? `${dir}/` : "";
  const out = new Set();
  for (const path of Object.keys(items)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const i = rest.indexOf("/");
    out.add(i < 0 ? rest : `${rest.slice(0, i)}/`);
  }
  return [...out].sort();
}

const server = http.createServer((req, res) => {
  const snap = snapshot();
  if (!snap) return answer(res, 500, "metadata unavailable\n");
  if (snap.httpEndpoint === "disabled") return answer(res, 403, "the instance metadata access channel is disabled\n");
  const url = new URL(req.url ?? "/", "http://metadata");
  if (url.pathname === "/latest/api/token") {
    if (req.method !== "PUT") return answer(res, 405, "use PUT to get a token\n");
    if (req.headers["x-forwarded-for"]) return answer(res, 403, "a token is not issued to a forwarded request\n");
    const ttl = Number(req.headers["x-aliyun-ecs-metadata-token-ttl-seconds"]);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600)
      return answer(res, 400, "X-aliyun-ecs-metadata-token-ttl-seconds must be 1 to 21600\n");
    const token = randomBytes(24).toString("base64url");
    tokens.set(token, Date.now() + ttl * 1000);
    return answer(res, 200, token);
  }
  if (!url.pathname.startsWith("/latest/meta-data")) return answer(res, 404, "Not Found\n");
  if (req.method !== "GET") return answer(res, 405, "Method Not Allowed\n");
  const token = req.headers["x-aliyun-ecs-metadata-token"];
  if (token !== undefined) {
    const until = tokens.get(String(token));
    if (!until || until < Date.now()) return answer(res, 401, "the metadata token is invalid or expired\n");
  } else if (snap.httpTokens === "required") {
    return answer(res, 403, "normal mode is disabled on this instance (HttpTokens=required): use a token\n");
  }
  const path = decodeURIComponent(url.pathname.slice("/latest/meta-data".length)).replace(/^\/+/, "");
  const items = snap.items;
  const dir = path.replace(/\/+$/, "");
  if (!path.endsWith("/") && dir in items) return answer(res, 200, items[dir]);
  const entries = listing(items, dir);
  if (entries.length) return answer(res, 200, entries.join("\n"));
  return answer(res, 404, "Not Found\n");
});
server.keepAliveTimeout = 0;
server.listen(Number(port), host, () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => process.exit(0));
