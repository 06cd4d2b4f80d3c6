import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import en from "@/messages/en/wizard.json";
import ja from "@/messages/ja/wizard.json";
import { defaultDeploymentName, emptyForm } from "./form-model";

const tr = (locale: "en" | "ja") =>
  createTranslator({ locale, messages: { wizard: locale === "en" ? en : ja }, namespace: "wizard" });

describe("wizard messages", () => {
  it("pre-flight counts use plural forms (en) and counters (ja)", () => {
    expect(tr("en")("summary.findingCounts", { errors: 0, warnings: 0, notices: 1 })).toBe(
      "0 errors · 0 warnings · 1 notice",
    );
    expect(tr("en")("summary.findingCounts", { errors: 1, warnings: 2, notices: 0 })).toBe(
      "1 error · 2 warnings · 0 notices",
    );
    expect(tr("ja")("summary.findingCounts", { errors: 0, warnings: 0, notices: 1 })).toBe(
      "エラー 0 件 · 警告 0 件 · お知らせ 1 件",
    );
  });
  it("the count hint names the instance type's real room", () => {
    expect(tr("en")("ips.countHintType", { max: 5, type: "ecs.g7.large", quota: 6 })).toBe(
      "0 to 5: ecs.g7.large allows 6 private IPs per ENI, its primary IP included.",
    );
  });
  it("several ENIs: every new message exists in both languages with its values", () => {
    const values = {
      type: "ecs.g7.large",
      quota: 3,
      now: 3,
      instance: "i-web1",
      n: 3,
      ip: "172.16.0.70",
      total: 7,
      max: 4,
      eni: "eni-1",
    };
    for (const key of [
      "eniQuotaMore",
      "addressOtherEni",
      "ipQuotaPrimary",
      "eniTwice",
      "primaryEniTwice",
      "primaryEniUnknown",
    ])
      for (const l of ["en", "ja"] as const)
        expect(tr(l)(`errors.${key}` as "errors.eniTwice", values)).not.toMatch(/errors\.|\{/);
    expect(tr("en")("errors.eniQuotaMore", values)).toBe(
      "ENI 3 does not fit: ecs.g7.large allows 3 ENIs (primary included) and i-web1 has 3. Remove ENI 3, use the primary ENI instead, or use a larger type.",
    );
    expect(tr("ja")("eni.noSlot", values)).toContain("プライマリ ENI");
    expect(tr("en")("summary.eniLine", { n: 2, ips: 1, eips: 1 })).toBe("ENI 2: 1 address · 1 EIP");
  });
  it("the EIP quota line does not count Available EIPs as in use", () => {
    const en4 = tr("en")("eipStep.quota", { total: 4, quota: 20, bound: 1, available: 3 });
    expect(en4).toBe(
      "4 of 20 EIPs allocated in this region (default account quota; Available ones count too): 1 bound to a resource, 3 Available.",
    );
    expect(en4).not.toMatch(/in use/);
    expect(tr("ja")("eipStep.quota", { total: 4, quota: 20, bound: 1, available: 3 })).toContain("関連付け済み 1 個");
    expect(tr("en")("eipStep.pricingUrl")).toMatch(/^https:\/\/www\.alibabacloud\.com\/product\/eip\/pricing$/);
  });
  it("the default deployment name follows the choices, counts right and is Japanese in Japanese", () => {
    const inv = { instances: [{ instanceId: "i-1", name: "demo-web-1" }] } as never;
    const t = tr("en") as never;
    const f = emptyForm({ instanceId: "i-1", ipCount: 2, usePrimaryIp: false });
    // Before the EIP step (a placeholder row): the count the step will start with, not "1 EIPs".
    expect(defaultDeploymentName(f, inv, t)).toBe("demo-web-1 · 2 EIPs");
    expect(defaultDeploymentName({ ...f, ipCount: 1 }, inv, t)).toBe("demo-web-1 · 1 EIP");
    expect(defaultDeploymentName(f, inv, t, 0)).toBe("demo-web-1 · no EIPs");
    expect(defaultDeploymentName(f, inv, tr("ja") as never, 3)).toBe("demo-web-1 · EIP 3 個");
    expect(defaultDeploymentName({ ...f, instanceMode: "create", instanceType: "ecs.g7.large" }, inv, t, 3)).toBe(
      "new ecs.g7.large · 3 EIPs",
    );
    expect(defaultDeploymentName({ ...f, instanceId: "" }, inv, t)).toBe("");
  });
});
