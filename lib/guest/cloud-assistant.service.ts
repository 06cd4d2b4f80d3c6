// MERGE SHIM (issue 15): the deployment-aware guest service moved to lib/deploy/guest-run.service.ts
// (lib/guest must not import lib/deploy). This file exists only because guest.actions.ts still
// imports from it; delete it once the actions import lib/deploy/guest-run.service directly.
export {
  applyThroughCloudAssistant,
  getGuestState,
  rollbackThroughCloudAssistant,
  verifyThroughCloudAssistant,
} from "@/lib/deploy/guest-run.service";
