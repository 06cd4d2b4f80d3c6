// AES-256-GCM for secrets at rest (cloud credentials). The key is derived from
// the app secret with HKDF so the same secret never doubles as a cipher key.
import crypto from "node:crypto";
import { appSecret } from "./env";

const VERSION = "v1";

function key(secret = appSecret()): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, "eipilot", "cloud-credentials:aes-256-gcm", 32));
}

export function encryptSecret(plaintext: string, secret?: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(secret), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    body.toString("base64url"),
  ].join(".");
}

export function decryptSecret(ciphertext: string, secret?: string): string {
  const [version, iv, tag, body] = ciphertext.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unrecognised secret format");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(secret), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** "LTAI5t…Key01" → "LTAI••••ey01": enough to recognise, useless to an attacker. */
export function maskKeyId(id: string): string {
  if (id.length <= 8) return "••••";
  return `${id.slice(0, 4)}••••${id.slice(-4)}`;
}

/** Signed, expiring tokens (share links): HMAC over the payload. */
export function signToken(payload: string): string {
  const mac = crypto.createHmac("sha256", appSecret()).update(payload).digest("base64url");
  return `${Buffer.from(payload).toString("base64url")}.${mac}`;
}

/**
 * The payload of a token signToken made, or null. Only that exact spelling is accepted: Node's base64url
 * decoder ignores a trailing ".x", "=" padding, stray characters and the unused bits of the last character,
 * so several strings would otherwise verify as the same token.
 */
export function verifyToken(token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const payload = Buffer.from(parts[0], "base64url").toString("utf8");
  const canonical = Buffer.from(signToken(payload));
  const given = Buffer.from(token);
  if (given.length !== canonical.length || !crypto.timingSafeEqual(given, canonical)) return null;
  return payload;
}
