// GET /api/v1/cloud-accounts → {"items":[{"id","name","kind", …, "emulator"? }]}
import { apiRoute } from "@/lib/access/api-route";
import { listCloudAccountsApi } from "@/lib/api/cloud-accounts.api";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ name: "cloudAccounts.list", capability: "cloudAccounts.read" }, async (_req, ctx) =>
  Response.json({ items: await listCloudAccountsApi(ctx.teamId) }, { headers: { "cache-control": "no-store" } }),
);
