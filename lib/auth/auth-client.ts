"use client";
import { createAuthClient } from "better-auth/react";
import { organizationClient, twoFactorClient } from "better-auth/client/plugins";

// Same-origin: the browser talks to /api/auth on the server that served the page.
export const authClient = createAuthClient({ plugins: [organizationClient(), twoFactorClient()] });
