// A refused share link answers HTTP 404 (Next's notFound()) with the friendly
// page naming why; a valid one renders. The service is stubbed: the reasons
// themselves are tested against a database in lib/configs/configs.test.ts.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import en from "@/messages/en/configs.json";

const state = vi.hoisted(() => ({
  headers: new Map<string, string>(),
  shared: null as unknown,
  resolved: [] as string[],
}));

vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({ headers: async () => ({ get: (k: string) => state.headers.get(k) ?? null }) }));
vi.mock("next-intl/server", () => ({
  getTranslations: async (ns: string) => (key: string) => {
    if (ns !== "configs.sharePage") throw new Error(`unexpected namespace ${ns}`);
    return (en.sharePage as Record<string, string>)[key] ?? key;
  },
  getFormatter: async () => ({ relativeTime: () => "in 3 days" }),
}));
vi.mock("@/lib/access/request-meta", () => ({
  requestMeta: async () => ({ clientIp: null, userAgent: null, requestId: null }),
}));
vi.mock("@/lib/configs/share-link.service", () => ({
  viewShareLink: async () => state.shared,
  resolveShareToken: async (token: string) => {
    state.resolved.push(token);
    return state.shared;
  },
}));
vi.mock("@/components/configs/spec-summary", () => ({ SpecSummary: () => null }));

const { default: SharePage } = await import("./page");
const { default: ShareNotFound } = await import("./not-found");

const params = (token: string) => ({ params: Promise.resolve({ token }) });

beforeEach(() => {
  state.headers = new Map();
  state.resolved = [];
});

describe("share page status", () => {
  for (const reason of ["revoked", "expired", "invalid", "gone"] as const) {
    it(`answers 404 for a ${reason} link, and the page says why`, async () => {
      state.shared = { ok: false, reason };
      // notFound() throws the error Next turns into an HTTP 404 response.
      await expect(SharePage(params("tok.en"))).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
      state.headers.set("x-pathname", "/share/tok.en");
      const html = renderToStaticMarkup(await ShareNotFound());
      expect(html).toContain(en.sharePage[reason]);
      expect(state.resolved).toEqual(["tok.en"]);
    });
  }

  it("says the link is not valid when the path carries no token", async () => {
    state.shared = { ok: false, reason: "revoked" };
    const html = renderToStaticMarkup(await ShareNotFound());
    expect(html).toContain(en.sharePage.invalid);
    expect(state.resolved).toEqual([]);
  });

  it("renders a valid link's config", async () => {
    state.shared = {
      ok: true,
      name: "Web tier",
      description: "",
      tags: [],
      revision: 2,
      spec: {},
      expiresAt: new Date(),
    };
    const html = renderToStaticMarkup(await SharePage(params("tok.en")));
    expect(html).toContain("Web tier");
    expect(html).not.toContain("share-refused");
  });
});
