// The config page and the public share view name the OS, the traffic mode and
// EIP billing as the wizard does, in each locale — never as enum values.
import { createElement, type ComponentProps } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { NextIntlClientProvider } from "next-intl";
import { describe, expect, it } from "vitest";
import enConfigs from "@/messages/en/configs.json";
import enWizard from "@/messages/en/wizard.json";
import jaConfigs from "@/messages/ja/configs.json";
import jaWizard from "@/messages/ja/wizard.json";
import { configSpecSchema } from "@/lib/configs/config.schema";
import { SpecSummary } from "./spec-summary";

const spec = configSpecSchema.parse({
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "create" },
  privateIps: { mode: "count", count: 1 },
  eips: [{ source: "allocate" }],
  os: "alinux2",
  traffic: "inbound-only",
  eipAllocation: { internetChargeType: "PayByTraffic" },
});

const twoEnis = configSpecSchema.parse({
  configSpecVersion: 2,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  os: "alinux3",
  enis: [
    { eni: { mode: "primary" }, privateIps: { mode: "count", count: 2 }, eips: [{ source: "allocate" }] },
    {
      eni: { mode: "create", name: "second-eni" },
      privateIps: { mode: "explicit", addresses: ["172.16.1.20", "172.16.1.21"] },
      eips: [{ source: "existing" }, { source: "allocate" }, { source: "allocate" }],
    },
  ],
});

const render = (locale: "en" | "ja", shown = spec) => {
  const props: ComponentProps<typeof NextIntlClientProvider> = {
    locale,
    messages: locale === "en" ? { configs: enConfigs, wizard: enWizard } : { configs: jaConfigs, wizard: jaWizard },
    children: createElement(SpecSummary, { spec: shown }),
  };
  return renderToStaticMarkup(createElement(NextIntlClientProvider, props));
};

describe("SpecSummary", () => {
  it("uses the wizard's names in English", () => {
    const html = render("en");
    for (const friendly of ["Alibaba Cloud Linux 2", "Inbound only", "Pay by traffic"])
      expect(html).toContain(friendly);
    for (const raw of ["alinux2", "inbound-only", "PayByTraffic"]) expect(html).not.toContain(raw);
  });

  it("and in Japanese", () => {
    const html = render("ja");
    for (const friendly of [jaWizard.traffic["inbound-only"].short, jaWizard.eipStep.payByTraffic])
      expect(html).toContain(friendly);
    expect(html).not.toContain("inbound-only");
  });

  it("lists every ENI of a v2 config with its own IPs and EIPs, and the total", () => {
    for (const locale of ["en", "ja"] as const) {
      const html = render(locale, twoEnis);
      const c = locale === "en" ? enConfigs : jaConfigs;
      expect(html).toContain(c.spec.primaryEni.replace("'", "&#x27;"));
      expect(html).toContain("second-eni");
      expect(html).toContain("172.16.1.20, 172.16.1.21");
      for (const n of [1, 2]) expect(html).toContain(c.spec.eniN.replace("{n}", String(n)));
      expect(html).toContain(c.spec.eipsTotal);
    }
    expect(render("en", twoEnis)).toContain("4 (3 new, 1 existing)");
  });
});
