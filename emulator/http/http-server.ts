// The HTTP server's lifecycle and its one routing decision: /_emulator/* goes to the admin
// API (behind its loopback and Origin checks), everything else to the RPC API.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { adminRefusal } from "./admin-api";
import { send, type RequestHandler } from "./io";

export type HttpServer = { port: number; close(): Promise<void> };

/** Listens on 127.0.0.1 (`port` 0 picks a free one); rejects when it cannot (port in use). */
export async function listenHttp(
  handlers: { api: RequestHandler; admin: RequestHandler },
  port: number,
): Promise<HttpServer> {
  const ownOrigins = () => {
    const { port } = server.address() as AddressInfo;
    return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  };
  // The official SDKs send every parameter in the query string: a RunCommand carrying a script near
  // Cloud Assistant's size limit (24 KB of Base64) makes a request line beyond Node's default 16 KB
  // header limit, which Node answers with a bare 431 the SDK cannot read. The real API takes them.
  const server = createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith("/_emulator")) {
      const refusal = adminRefusal(req, ownOrigins);
      if (refusal) return send(res, 403, { error: refusal });
      void handlers.admin(req, res, url);
      return;
    }
    void handlers.api(req, res, url);
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
