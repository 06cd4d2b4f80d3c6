// Every request gets an id (kept if a trusted proxy already set one) that the
// logs carry on each line and the response echoes for support. The request also
// carries its path (x-pathname) for pages that get no params (not-found.tsx).
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  const given = request.headers.get("x-request-id");
  const requestId = given && /^[\w-]{8,64}$/.test(given) ? given : crypto.randomUUID();
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  // Always ours, never the client's: not-found pages get no params and read the path here.
  headers.set("x-pathname", request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
