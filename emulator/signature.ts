// Request signature verification for the two schemes the Alibaba Cloud SDKs use:
// ACS3-HMAC-SHA256 (the TypeScript/darabonba SDKs) and RPC v1 HMAC-SHA1 (aliyun-cli
// classic, legacy SDKs). See shared/reference/alibaba-cloud-api.md §1.4–1.5.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** RFC 3986 percent-encoding as Alibaba Cloud specifies it (space → %20, `*` → %2A, `~` literal). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, "%21")
    .replace(/'/g, "%27")
    .replace(/\(/g, "%28")
    .replace(/\)/g, "%29")
    .replace(/\*/g, "%2A");
}

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Query parameters as decoded (key, value) pairs, in wire order. */
export type QueryPairs = Array<[string, string]>;

export function parseQuery(search: string): QueryPairs {
  const out: QueryPairs = [];
  if (search.startsWith("?")) search = search.slice(1);
  if (!search) return out;
  for (const part of search.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const rawK = eq < 0 ? part : part.slice(0, eq);
    const rawV = eq < 0 ? "" : part.slice(eq + 1);
    out.push([safeDecode(rawK), safeDecode(rawV)]);
  }
  return out;
}

function safeDecode(s: string): string {
  const plus = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function canonicalQueryString(pairs: QueryPairs): string {
  return [...pairs]
    .sort((a, b) => byCodeUnit(a[0], b[0]) || byCodeUnit(a[1], b[1]))
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join("&");
}

export function canonicalUri(path: string): string {
  return (path || "/").replace(/\+/g, "%20").replace(/\*/g, "%2A").replace(/%7E/g, "~");
}

export type Acs3Input = {
  method: string;
  path: string;
  query: QueryPairs;
  /** lowercase header name → value (string or list of values) */
  headers: Record<string, string | string[] | undefined>;
  signedHeaders: string[];
  payloadHash: string;
};

export function acs3CanonicalRequest(input: Acs3Input): string {
  const names = [...input.signedHeaders].map((h) => h.toLowerCase()).sort(byCodeUnit);
  let canonicalHeaders = "";
  for (const name of names) {
    const raw = input.headers[name];
    const values = raw === undefined ? [""] : Array.isArray(raw) ? raw : [raw];
    canonicalHeaders += `${name}:${values
      .map((v) => v.trim())
      .sort(byCodeUnit)
      .join(",")}\n`;
  }
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQueryString(input.query),
    canonicalHeaders,
    names.join(";"),
    input.payloadHash,
  ].join("\n");
}

export function acs3StringToSign(canonicalRequest: string): string {
  return `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
}

export function acs3Signature(secret: string, stringToSign: string): string {
  return createHmac("sha256", secret).update(stringToSign).digest("hex");
}

export type ParsedAuthorization = { algorithm: string; credential: string; signedHeaders: string[]; signature: string };

/** Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`; null if malformed. */
export function parseAuthorization(value: string): ParsedAuthorization | null {
  const sp = value.indexOf(" ");
  if (sp <= 0) return null;
  const algorithm = value.slice(0, sp);
  const fields: Record<string, string> = {};
  for (const part of value.slice(sp + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const { Credential, SignedHeaders, Signature } = fields;
  if (!Credential || SignedHeaders === undefined || !Signature) return null;
  return {
    algorithm,
    credential: Credential,
    signedHeaders: SignedHeaders.split(";").filter(Boolean),
    signature: Signature,
  };
}

/** RPC v1: StringToSign = METHOD&%2F&enc(canonicalized query). */
export function v1StringToSign(method: string, params: QueryPairs): string {
  const filtered = params.filter(([k]) => k !== "Signature");
  return `${method.toUpperCase()}&${percentEncode("/")}&${percentEncode(canonicalQueryString(filtered))}`;
}

export function v1Signature(secret: string, stringToSign: string): string {
  return createHmac("sha1", `${secret}&`).update(stringToSign).digest("base64");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
