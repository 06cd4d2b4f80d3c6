// A new instance's login password is the one secret a deployment spec can hold.
// It goes to RunInstances and nowhere else: the stored spec holds it sealed (AES-GCM, as
// cloud credentials are), plans hold a reference ({ $ref: "instancePassword" }) the step runner
// resolves at the call, and every copy that leaves the server (deployment page, review plan,
// resumed draft) has it replaced.
import { decryptSecret, encryptSecret } from "@/lib/server/crypto";

export const REDACTED_PASSWORD = "[redacted]";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** How the stored spec holds the password: its ciphertext (lib/server/crypto), never the text. */
export type SealedSecret = { encrypted: string };
const isSealed = (v: unknown): v is SealedSecret => isObj(v) && typeof v.encrypted === "string";

/** The spec as it is stored: a plain-text instance password sealed (the input is untouched). */
export function sealSpecSecrets<T>(spec: T): T {
  if (!isObj(spec) || !isObj(spec.instance) || typeof spec.instance.password !== "string") return spec;
  const sealed: SealedSecret = { encrypted: encryptSecret(spec.instance.password) };
  return { ...spec, instance: { ...spec.instance, password: sealed } } as T;
}

/**
 * The stored spec with its password opened, for validation and the run's RunInstances (server
 * memory only). A password that no longer decrypts (the app secret changed) is dropped: pre-flight
 * then asks for a password or key pair again instead of failing with a bare error.
 */
export function openSpecSecrets<T>(spec: T): T {
  if (!isObj(spec) || !isObj(spec.instance) || !isSealed(spec.instance.password)) return spec;
  let password: string | undefined;
  try {
    password = decryptSecret(spec.instance.password.encrypted);
  } catch {
    password = undefined;
  }
  return { ...spec, instance: { ...spec.instance, password } } as T;
}

/** The spec without the instance password (a deep-enough copy; the input is untouched). */
export function specWithoutSecrets<T>(spec: T): T {
  if (!isObj(spec) || !isObj(spec.instance) || spec.instance.password === undefined) return spec;
  return { ...spec, instance: { ...spec.instance, password: REDACTED_PASSWORD } } as T;
}

/** A plan whose steps' Password parameters are replaced. */
export function planWithoutSecrets<T>(plan: T): T {
  if (!isObj(plan) || !Array.isArray(plan.steps)) return plan;
  return {
    ...plan,
    steps: plan.steps.map((s: unknown) =>
      isObj(s) && isObj(s.params) && s.params.Password !== undefined
        ? { ...s, params: { ...s.params, Password: REDACTED_PASSWORD } }
        : s,
    ),
  } as T;
}
