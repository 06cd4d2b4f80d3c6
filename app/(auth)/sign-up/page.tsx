import { Suspense } from "react";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth/auth-form";
import { getSessionUser } from "@/lib/auth/session";

export const metadata = { title: "Create account" };

export default async function SignUpPage() {
  if (await getSessionUser()) redirect("/");
  return <Suspense><AuthForm mode="sign-up" /></Suspense>;
}
