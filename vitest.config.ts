import { defineConfig } from "vitest/config";
import path from "node:path";

// One runner for unit and integration tests. Integration tests spawn the emulator
// and use in-memory PGlite; when DATABASE_URL points at PostgreSQL they run there.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**/*.spec.ts", "data/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    server: { deps: { inline: ["server-only"] } },
  },
});
