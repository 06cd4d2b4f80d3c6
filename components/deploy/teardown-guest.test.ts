import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/messages/en/deployment.json";
import ja from "@/messages/ja/deployment.json";
import { TeardownGuestNotice, type GuestTeardown } from "./teardown-guest";

const render = (locale: "en" | "ja", guest: GuestTeardown, skip: boolean) =>
  renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale, timeZone: "UTC", messages: { deployment: locale === "en" ? en : ja } } as unknown as Parameters<
        typeof NextIntlClientProvider
      >[0],
      createElement(TeardownGuestNotice, { guest, skip }),
    ),
  );

const url = "/api/deployments/d1/bundle?version=1&file=rollback.sh";
const applied: GuestTeardown = {
  viaCloudAssistant: { instanceId: "i-6we1x9demoweb000002", scriptVersion: 1 },
  rollbackFailed: true,
  rollbackUrl: url,
};

describe("teardown dialog: the guest configuration", () => {
  it("applied through Cloud Assistant: rollback.sh runs there first", () => {
    expect(render("en", applied, false)).toContain(
      "it runs rollback.sh (bundle v1) on i-6we1x9demoweb000002 through Cloud Assistant",
    );
  });

  it("applied through Cloud Assistant but the rollback skipped: says EIPilot applied it and leaves it, not that it did not apply it", () => {
    for (const locale of ["en", "ja"] as const) {
      const html = render(locale, applied, true);
      expect(html).toContain('data-guest="manual"');
      expect(html).toContain("i-6we1x9demoweb000002");
      expect(html).toContain("rollback.sh");
      expect(html).not.toContain(locale === "en" ? "EIPilot did not apply" : "EIPilot が適用したものではない");
    }
  });

  it("never applied by EIPilot: says to run rollback.sh by hand if apply.sh was run", () => {
    expect(render("en", { viaCloudAssistant: null, rollbackFailed: false, rollbackUrl: url }, false)).toContain(
      "EIPilot did not apply the guest configuration",
    );
    expect(render("en", { viaCloudAssistant: null, rollbackFailed: false, rollbackUrl: null }, false)).toBe("");
  });
});
