import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import { RelativeTime } from "./status";

const render = (iso: string, now: Date) =>
  renderToStaticMarkup(
    createElement(
      NextIntlClientProvider,
      { locale: "en", timeZone: "UTC", now, messages: {} } as Parameters<typeof NextIntlClientProvider>[0],
      createElement(RelativeTime, { iso }),
    ),
  );

describe("RelativeTime", () => {
  const now = new Date("2026-11-27T12:00:00.000Z");

  it("says how long ago something happened", () => {
    expect(render("2026-11-27T11:59:30.000Z", now)).toContain(">30 seconds ago<");
  });

  // The page's clock advances every 15 s: an event newer than its last tick is not in the future.
  it("never puts what just happened in the future", () => {
    expect(render("2026-11-27T12:00:03.000Z", now)).toContain(">now<");
  });
});
