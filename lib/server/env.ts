// Configuration read from the environment, validated once. Every variable is
// documented in README.md ("Configuration").
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { z } from "zod";
import { dataDir } from "@/lib/db/connection";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Defaults to http://localhost:PORT, so `PORT=3200 npm start` signs users in without also setting APP_URL. */
    APP_URL: z.string().url().optional(),
    APP_SECRET: z.string().min(32, "APP_SECRET must be at least 32 characters").optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** "127.0.0.1:PORT" of the emulator started by `npm start` in demo mode. */
    EMULATOR_ENDPOINT: z.string().optional(),
    ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().optional(),
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().optional(),
    /** OpenID Connect single sign-on: the provider's issuer URL (its discovery document is read from it). */
    OIDC_ISSUER: z.string().url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** The sign-in button's name for the provider ("Sign in with <name>"). */
    OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  })
  .refine((e) => !e.OIDC_ISSUER || (e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET), {
    message: "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET",
    path: ["OIDC_CLIENT_ID"],
  })
  .transform((e) => ({ ...e, APP_URL: e.APP_URL ?? `http://localhost:${e.PORT}` }));

export type Env = z.infer<typeof schema>;
let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function parseEnv(vars: NodeJS.ProcessEnv): Env {
  return schema.parse(vars);
}

/** Single sign-on through OpenID Connect, when configured: its button's name. */
export function oidcSignIn(): { name: string } | null {
  const e = env();
  return e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET ? { name: e.OIDC_NAME } : null;
}

/** Demo mode: no real Alibaba Cloud credentials configured, the emulator runs alongside. */
export function demoMode(): boolean {
  return Boolean(env().EMULATOR_ENDPOINT);
}

/**
 * The key material for sessions and credential encryption. From APP_SECRET, or
 * (embedded mode) generated once into ./data/app-secret with mode 0600.
 */
export function appSecret(): string {
  const fromEnv = env().APP_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(/*turbopackIgnore: true*/ dataDir(), "app-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = crypto.randomBytes(32).toString("base64url");
    // "wx": never overwrite a secret another process wrote first.
    try {
      fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}
