// Who sent an API request: verifies its ACS3-HMAC-SHA256 or RPC v1 HMAC-SHA1 signature against
// the configured key pairs, its timestamp and its nonce (replay protection). The signing
// arithmetic itself is in ../signature.ts.
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "../errors";
import {
  EMPTY_SHA256,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  constantTimeEqual,
  parseAuthorization,
  parseQuery,
  sha256Hex,
  v1Signature,
  v1StringToSign,
  type ParsedAuthorization,
  type QueryPairs,
} from "../signature";

const CLOCK_SKEW_MS = 15 * 60 * 1000;

/** RPC v1 parameters that belong to the signature or the protocol, not to the action. */
const V1_PROTOCOL_PARAMS = [
  "Signature",
  "AccessKeyId",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "Timestamp",
  "Format",
  "Action",
  "Version",
  "SignatureType",
];

/** A request whose signature checked out: who sent it, what it asks for, and the action's own parameters. */
export type Authenticated = { accessKeyId: string; action: string; version: string; params: QueryPairs };

export type SignedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  query: QueryPairs;
  body: Buffer;
};

export class SignatureCheck {
  /** `accessKeyId\nnonce` → when the entry may be forgotten. */
  private readonly nonces = new Map<string, number>();
  private readonly sweep: NodeJS.Timeout;

  /** `credentials`: AccessKeyId → AccessKeySecret. */
  constructor(
    private readonly credentials: ReadonlyMap<string, string>,
    private readonly now: () => number,
  ) {
    this.sweep = setInterval(() => {
      const t = now();
      for (const [k, exp] of this.nonces) if (exp < t) this.nonces.delete(k);
    }, 60_000);
    this.sweep.unref();
  }

  authenticate(r: SignedRequest): Authenticated {
    const formParams: QueryPairs = (r.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? parseQuery(r.body.toString("utf8"))
      : [];
    const authz = r.headers["authorization"];
    if (typeof authz === "string" && authz.startsWith("ACS3-")) return this.acs3(r, authz, formParams);
    return this.v1(r.method, [...r.query, ...formParams]);
  }

  /** Forgets every nonce seen (reset). */
  clearNonces(): void {
    this.nonces.clear();
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private acs3(r: SignedRequest, authz: string, formParams: QueryPairs): Authenticated {
    const h = r.headers;
    const parsed = parseAuthorization(authz);
    if (!parsed)
      throw new ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.");
    if (parsed.algorithm !== "ACS3-HMAC-SHA256")
      throw new ApiError(400, "IncompleteSignature", `The signature algorithm ${parsed.algorithm} is not supported.`);
    const secret = this.secretOf(parsed.credential);
    const action = String(h["x-acs-action"] ?? "");
    const version = String(h["x-acs-version"] ?? "");
    const date = String(h["x-acs-date"] ?? "");
    const nonce = String(h["x-acs-signature-nonce"] ?? "");
    requireSignedHeaders(h, parsed);
    const payloadHash = r.body.length ? sha256Hex(r.body) : EMPTY_SHA256;
    const claimed = String(h["x-acs-content-sha256"] ?? "");
    const canonical = acs3CanonicalRequest({
      method: r.method,
      path: r.path,
      query: r.query,
      headers: h,
      signedHeaders: parsed.signedHeaders,
      payloadHash,
    });
    const sts = acs3StringToSign(canonical);
    const expected = acs3Signature(secret, sts);
    if (claimed !== payloadHash || !constantTimeEqual(expected, parsed.signature))
      throw new ApiError(
        400,
        "SignatureDoesNotMatch",
        `Specified signature does not match our calculation. server StringToSign is [${sts}]`,
      );
    this.checkTimeAndNonce(parsed.credential, date, nonce);
    return { accessKeyId: parsed.credential, action, version, params: [...r.query, ...formParams] };
  }

  /** RPC v1 (HMAC-SHA1): parameters in the query string and/or a form body. */
  private v1(method: string, all: QueryPairs): Authenticated {
    const get = (k: string) => all.find(([n]) => n === k)?.[1];
    const akId = get("AccessKeyId");
    const signature = get("Signature");
    if (!akId) throw new ApiError(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
    if (!signature) throw new ApiError(400, "MissingSignature", "Signature is mandatory for this action.");
    const secret = this.secretOf(akId);
    const sm = get("SignatureMethod");
    if (sm && sm !== "HMAC-SHA1")
      throw new ApiError(400, "InvalidSignatureMethod", `Specified signature method ${sm} is not valid.`);
    const sts = v1StringToSign(method, all);
    if (!constantTimeEqual(v1Signature(secret, sts), signature))
      throw new ApiError(
        400,
        "SignatureDoesNotMatch",
        `Specified signature is not matched with our calculation. server string to sign is:${sts}`,
      );
    const ts = get("Timestamp");
    if (!ts) throw new ApiError(400, "MissingTimestamp", "Timestamp is mandatory for this action.");
    this.checkTimeAndNonce(akId, ts, get("SignatureNonce") ?? "");
    const params = all.filter(([k]) => !V1_PROTOCOL_PARAMS.includes(k));
    return { accessKeyId: akId, action: get("Action") ?? "", version: get("Version") ?? "", params };
  }

  private secretOf(accessKeyId: string): string {
    const secret = this.credentials.get(accessKeyId);
    if (secret === undefined)
      throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    return secret;
  }

  private checkTimeAndNonce(akId: string, date: string, nonce: string): void {
    const t = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(date) ? Date.parse(date) : NaN;
    if (Number.isNaN(t))
      throw new ApiError(
        400,
        "IllegalTimestamp",
        `The input parameter "Timestamp" that is mandatory for processing this request is not supplied or is malformed (${date}).`,
      );
    if (Math.abs(this.now() - t) > CLOCK_SKEW_MS)
      throw new ApiError(400, "InvalidTimeStamp.Expired", `Specified time stamp or date value is expired (${date}).`);
    if (!nonce) throw new ApiError(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.");
    const key = `${akId}\n${nonce}`;
    if (this.nonces.has(key))
      throw new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    this.nonces.set(key, this.now() + 2 * CLOCK_SKEW_MS);
  }
}

/** Every `x-acs-*` header and the host must be covered by the signature. */
function requireSignedHeaders(h: IncomingHttpHeaders, parsed: ParsedAuthorization): void {
  for (const name of Object.keys(h)) {
    if (name.startsWith("x-acs-") && !parsed.signedHeaders.includes(name))
      throw new ApiError(400, "IncompleteSignature", `The header ${name} must be signed (listed in SignedHeaders).`);
  }
  if (!parsed.signedHeaders.includes("host"))
    throw new ApiError(400, "IncompleteSignature", "The host header must be signed.");
}
