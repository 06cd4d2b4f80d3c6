import "server-only";
// The id of this request's better-auth session (not its token, which stays in the cookie): what
// Settings → Sessions marks as "this device" and what "sign out other sessions" keeps.
import { headers } from "next/headers";
import { auth } from "./auth";

export async function currentSessionId(): Promise<string | null> {
  const session = await auth().api.getSession({ headers: await headers() });
  return session?.session.id ?? null;
}
