import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import en from "@/messages/en/wizard.json";
import ja from "@/messages/ja/wizard.json";

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
});
