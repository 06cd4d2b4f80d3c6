// A request's body, read no further than a limit: a hostile client's 1 GB body is refused after `max`
// bytes, not buffered whole (and a Content-Length above the limit is refused before reading at all).
// Pure (web Request), no server imports: better-auth's plugin and the API boundary both use it.

/** The body's bytes, or null when it is larger than `max` bytes. */
export async function readBodyBytes(req: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) return null;
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as text, or null when it is larger than `max` bytes. */
export async function readBodyText(req: Request, max: number): Promise<string | null> {
  const bytes = await readBodyBytes(req, max);
  return bytes && new TextDecoder().decode(bytes);
}
