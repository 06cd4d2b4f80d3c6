// `prisma generate` offline. Generating the client needs no schema engine, but the
// CLI insists that one exists; any file satisfies it (see shared/DESIGN.md).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const placeholder = path.join(os.tmpdir(), "eipilot-no-schema-engine");
if (!fs.existsSync(placeholder)) fs.writeFileSync(placeholder, "");
const res = spawnSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(res.status ?? 1);
