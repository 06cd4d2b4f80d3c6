// The OpenID Connect sign-in's provider id, shared by the server (lib/auth/auth.ts) and the sign-in page:
// it is part of the callback URL to register at the provider, /api/auth/callback/oidc.
export const OIDC_PROVIDER_ID = "oidc";
