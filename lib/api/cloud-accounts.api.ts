import "server-only";
// The team's cloud accounts as the API lists them. A demo account also says where its emulator is and
// its own key pair (each team's demo account is a world of its own in the emulator; demo keys are not
// secrets), so a script can act on the team's demo world with the official SDKs, as someone would act
// on a real account in the console. `endpoint` is what the SDKs take (`host:port`, with
// `protocol: "http"`); `url` the same as a URL.
import { listCloudAccountsForApi } from "@/lib/cloud/accounts";

export async function listCloudAccountsApi(teamId: string) {
  const rows = await listCloudAccountsForApi(teamId);
  return rows.map(({ emulator, ...a }) => ({
    ...a,
    ...(emulator ? { emulator: { ...emulator, url: `http://${emulator.endpoint.replace(/^https?:\/\//, "")}` } } : {}),
  }));
}
