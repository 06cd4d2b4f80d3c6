// Reading request bodies and writing JSON (or other text) responses: shared by the RPC API and the admin API.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request body is at most 1 MiB; a larger one is refused. */
const MAX_BODY_BYTES = 1 << 20;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}) {
  sendText(res, status, "application/json;charset=utf-8", JSON.stringify(body), extraHeaders);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  extraHeaders: Record<string, string> = {},
) {
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

/** Handles one request whose URL is already parsed. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
