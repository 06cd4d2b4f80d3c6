// Child process for the SIGKILL test: starts applying a deployment and prints each
// step event; the parent kills it with SIGKILL mid-run.
import { openConnection } from "@/lib/db/connection";
import { createPrismaClient } from "@/lib/db/client";
import { configureDeployEngine, startDeployment } from "../deployment.service";

const [target, teamId, deploymentId, endpoint] = process.argv.slice(2) as [string, string, string, string];
const conn = openConnection(
  target.startsWith("postgres") ? { kind: "postgres", url: target } : { kind: "pglite", dataDir: target },
);
const db = createPrismaClient(conn);
configureDeployEngine({
  db: () => db,
  resolveCredentials: async () => ({
    accessKeyId: "LTAI5tEIPilotDemoKey01",
    accessKeySecret: "EIPilotDemoSecretNotForProduction01",
    endpoint,
  }),
  owner: `child-${process.pid}`,
  leaseMs: 1000,
  waitScale: 0.05,
  pollCapMs: 100,
  onStep: (e) => console.log(`STEP ${e.key} ${e.event}`),
});
await startDeployment(teamId, deploymentId);
console.log("STARTED");
setInterval(() => {}, 1000);
