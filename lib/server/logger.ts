// Structured JSON logs. Secrets are redacted by path; request ids come from
// the request's x-request-id header (set by proxy.ts) through `withRequest`.
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "eipilot" },
  redact: {
    paths: [
      "*.password",
      "*.accessKeySecret",
      "*.AccessKeySecret",
      "*.secret",
      "*.token",
      "*.securityToken",
      "*.secretCiphertext",
      "*.cookie",
      "*.authorization",
      "headers.cookie",
      "headers.authorization",
    ],
    censor: "[redacted]",
  },
});

export function withRequest(requestId: string | null | undefined) {
  return logger.child({ requestId: requestId ?? "none" });
}
