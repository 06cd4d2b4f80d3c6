// npm run audit:keys -- show     → the signing key's id and every trusted public key (PEM), to record elsewhere
// npm run audit:keys -- rotate   → a new signing key; the old public key is kept (retired/) so old checkpoints verify
// Run it where the server runs (same DATA_DIR / AUDIT_KEY_DIR), then restart the server.
import { keyDir, publicKeysPem, rotateSigningKey, signingKey } from "./signing-key";

const [command] = process.argv.slice(2);
try {
  if (command === "rotate") {
    const { retired, current } = rotateSigningKey();
    console.log(`retired ${retired} (its public key stays in ${keyDir()}/retired)\nsigning key is now ${current}`);
    console.log("restart EIPilot so that it signs with the new key");
  } else if (command === "show" || command === undefined) {
    const key = signingKey();
    const { pem } = publicKeysPem();
    console.log(`signing key ${key.keyId} (${key.source === "env" ? "AUDIT_SIGNING_KEY" : keyDir()})\n${pem}`);
  } else {
    console.error("usage: npm run audit:keys -- show | rotate");
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`audit:keys: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
