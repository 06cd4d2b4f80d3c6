import "server-only";
// Wires the deployment engine (deployment.service.ts) to this app: how a
// team's cloud credentials are resolved. Called at server start
// (instrumentation.ts) and, defensively, before each action that runs it.
import { loadCloudCredentials } from "@/lib/cloud/accounts";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { configureDeployEngine } from "./deployment.service";

let wired = false;
/** The engine needs to know how to get a team's credentials; wire it on first use in this process. */
export function ensureDeployEngine(): void {
  if (wired) return;
  wired = true;
  configureDeployEngine({
    resolveCredentials: async ({ teamId, cloudAccountId }) => {
      if (!cloudAccountId) throw new UserFacingError(msg("deploy.noAccount"), { code: "NO_ACCOUNT" });
      return loadCloudCredentials(teamId, cloudAccountId);
    },
  });
}
