import { Suspense } from "react";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { getSessionUser } from "@/lib/auth/session";
import { invitationFromNext } from "@/lib/teams/team.service";
import { oidcSignIn } from "@/lib/server/env";

export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  if (await getSessionUser()) redirect("/");
  const { next } = await searchParams;
  // Arriving from an invitation link: say which team and role it is for.
  const invitation = await invitationFromNext(typeof next === "string" ? next : null);
  return (
    <Suspense>
      <AuthForm mode="sign-in" invitation={invitation} sso={oidcSignIn()} />
    </Suspense>
  );
}
