// Every request gets an id of the server's own that the logs carry on each line
// and the response echoes for support, and a Content-Security-Policy with a
// fresh nonce: Next.js reads the policy from the request headers and puts the
// nonce on its own inline bootstrap scripts, so no other inline script runs
// ('unsafe-inline' is gone from script-src). The request also carries its path
// (x-pathname) for pages that get no params (not-found.tsx).
import { NextResponse, type NextRequest } from "next/server";

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonce-bearing bootstrap loads (the app's chunks) may run.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  // Always the server's own: an id a client chose could collide with another request's in the logs.
  const requestId = crypto.randomUUID();
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  headers.set("content-security-policy", csp);
  // Always ours, never the client's: not-found pages get no params and read the path here.
  headers.set("x-pathname", request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  response.headers.set("Content-Security-Policy", csp);
  // Served over https (APP_URL says so): browsers keep to https for two years.
  if (process.env.APP_URL?.startsWith("https://")) {
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  return response;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
