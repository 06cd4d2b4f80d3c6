import "server-only";
// The team's cloud accounts as the API lists them. A demo account also says where its emulator
// is and its key pair (demo keys are not secrets), so a script can act on the team's demo world
// with the official SDKs, as someone would act on a real account in the console.
import { DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, listCloudAccounts } from "@/lib/cloud/accounts";
import { env } from "@/lib/server/env";

export type DemoEmulator = {
  endpoint: string;
  protocol: "http";
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
};

/**
 * The emulator a team's demo account talks to, and its key pair. `endpoint` is what the SDKs take
 * (`host:port`, with `protocol: "http"`); `url` the same as a URL (for the `/_emulator/` admin API).
 * One function, so the demo world of each team can be swapped in here.
 */
export function demoEmulatorFor(_teamId: string, _accountId: string): DemoEmulator | null {
  const endpoint = env().EMULATOR_ENDPOINT;
  if (!endpoint) return null;
  return {
    endpoint,
    protocol: "http",
    url: `http://${endpoint}`,
    accessKeyId: DEMO_ACCESS_KEY_ID,
    accessKeySecret: DEMO_ACCESS_KEY_SECRET,
  };
}

export async function listCloudAccountsApi(teamId: string) {
  const rows = await listCloudAccounts(teamId);
  return rows.map((a) => {
    const emulator = a.kind === "demo" ? demoEmulatorFor(teamId, a.id) : null;
    return {
      id: a.id,
      name: a.name,
      kind: a.kind,
      defaultRegion: a.defaultRegion,
      ...(emulator ? { emulator } : {}),
    };
  });
}
