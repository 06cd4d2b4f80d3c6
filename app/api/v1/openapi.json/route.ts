// GET /api/v1/openapi.json: the API's OpenAPI 3.1 document (public: it holds no team data).
import { openApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/server/env";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(openApiDocument(env().APP_URL), { headers: { "cache-control": "public, max-age=300" } });
}
