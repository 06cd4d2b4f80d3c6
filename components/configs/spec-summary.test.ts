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

const render = (locale: "en" | "ja") => {
  const props: ComponentProps<typeof NextIntlClientProvider> = {
    locale,
    messages: locale === "en" ? { configs: enConfigs, wizard: enWizard } : { configs: jaConfigs, wizard: jaWizard },
    children: createElement(SpecSummary, { spec }),
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
});
