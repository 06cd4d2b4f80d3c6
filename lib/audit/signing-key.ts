// The audit trail's signing key (Ed25519), kept outside the database: whoever
// can write the database cannot sign a checkpoint. From AUDIT_SIGNING_KEY (a
// PKCS#8 PEM) or a key file generated on first use in $AUDIT_KEY_DIR
// (default $DATA_DIR/audit-keys, mode 0700; the key 0600). Retired keys' public
// halves stay in retired/ (and AUDIT_RETIRED_PUBLIC_KEYS), so checkpoints
// signed before a rotation still verify.
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/db/connection";
import { keyFingerprint, publicKeysOfPem } from "./checkpoint-core.mjs";

export type SigningKey = { keyId: string; privateKey: KeyObject; publicKey: KeyObject; source: "env" | "file" };

export function keyDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.AUDIT_KEY_DIR ?? path.join(dataDir(), "audit-keys"));
}
const keyFile = () => path.join(/*turbopackIgnore: true*/ keyDir(), "signing-key.pem");
const retiredDir = () => path.join(/*turbopackIgnore: true*/ keyDir(), "retired");

function ed25519Private(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    // An environment variable often carries the PEM's line breaks as "\n".
    key = crypto.createPrivateKey(pem.replace(/\\n/g, "\n"));
  } catch {
    throw new Error(`${where} is not a PEM private key (openssl genpkey -algorithm ed25519)`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${where} is not an Ed25519 key`);
  return key;
}

const toSigningKey = (privateKey: KeyObject, source: SigningKey["source"]): SigningKey => {
  const publicKey = crypto.createPublicKey(privateKey);
  return { keyId: keyFingerprint(publicKey), privateKey, publicKey, source };
};

function fromFile(): SigningKey {
  const file = keyFile();
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    try {
      // "wx": never overwrite a key another process wrote first.
      fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  return toSigningKey(ed25519Private(fs.readFileSync(file, "utf8"), file), "file");
}

const cache = globalThis as unknown as { __eipilotAuditKey?: { dir: string; env: string; key: SigningKey } };

/** The key new checkpoints are signed with (read once per process; a rotation takes effect at the next start). */
export function signingKey(): SigningKey {
  const env = process.env.AUDIT_SIGNING_KEY?.trim() ?? "";
  const dir = keyDir();
  const hit = cache.__eipilotAuditKey;
  if (hit && hit.dir === dir && hit.env === env) return hit.key;
  const key = env ? toSigningKey(ed25519Private(env, "AUDIT_SIGNING_KEY"), "env") : fromFile();
  cache.__eipilotAuditKey = { dir, env, key };
  return key;
}

/** The public keys verification trusts, by key id: the current one and every retired one. */
export function trustedPublicKeys(): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const dir = retiredDir();
  if (fs.existsSync(dir))
    for (const name of fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".pem"))
      .sort())
      for (const [id, k] of publicKeysOfPem(fs.readFileSync(path.join(dir, name), "utf8"))) keys.set(id, k);
  const extra = process.env.AUDIT_RETIRED_PUBLIC_KEYS?.replace(/\\n/g, "\n");
  if (extra) for (const [id, k] of publicKeysOfPem(extra)) keys.set(id, k);
  const current = signingKey();
  keys.set(current.keyId, current.publicKey);
  return keys;
}

/** Every trusted public key as one PEM text (what an admin records, and what the offline verifier takes). */
export function publicKeysPem(): { currentKeyId: string; keyIds: string[]; pem: string } {
  const keys = trustedPublicKeys();
  const pem = [...keys.values()].map((k) => k.export({ type: "spki", format: "pem" }) as string).join("");
  return { currentKeyId: signingKey().keyId, keyIds: [...keys.keys()], pem };
}

/**
 * A new signing key in the key file; the old one's public half goes to retired/ so its checkpoints still verify.
 * With AUDIT_SIGNING_KEY set, rotation is the operator's: a new value, and the old public key in
 * AUDIT_RETIRED_PUBLIC_KEYS or retired/.
 */
export function rotateSigningKey(): { retired: string; current: string } {
  if (process.env.AUDIT_SIGNING_KEY?.trim())
    throw new Error(
      "AUDIT_SIGNING_KEY is set: set a new key there and keep the old public key in AUDIT_RETIRED_PUBLIC_KEYS",
    );
  const old = fromFile();
  fs.mkdirSync(retiredDir(), { recursive: true, mode: 0o700 });
  const safeName = old.keyId.replace(/[^A-Za-z0-9]/g, "_");
  fs.writeFileSync(
    path.join(retiredDir(), `${safeName}.pem`),
    old.publicKey.export({ type: "spki", format: "pem" }) as string,
  );
  fs.rmSync(keyFile());
  cache.__eipilotAuditKey = undefined;
  return { retired: old.keyId, current: signingKey().keyId };
}
