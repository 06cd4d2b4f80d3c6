import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import { loadMessages } from "@/lib/i18n/messages";
import { cloudDetailText, invocationText } from "./eip-detail";

type T = (key: string, values?: Record<string, string>) => string;
const tr = (locale: "en" | "ja") =>
  createTranslator({ locale, messages: loadMessages(locale), namespace: "deployment.eips" }) as unknown as T;

describe("check reasons and Cloud Assistant statuses in the page's language", () => {
  it("Japanese pages no longer show the engine's English reasons or statuses", () => {
    const ja = tr("ja");
    expect(cloudDetailText("status Available", ja)).toBe("状態 Available");
    expect(cloudDetailText("bound to eni-1/172.16.0.9", ja)).toBe("関連付け先 eni-1/172.16.0.9");
    expect(cloudDetailText("ENI not attached to the instance", ja)).toBe("ENI がインスタンスにアタッチされていません");
    expect(cloudDetailText("EIP not found", ja)).toBe("EIP が見つかりません");
    expect(invocationText("Success", ja)).toBe("成功");
    expect(invocationText("Failed", ja)).toBe("失敗");
    expect(invocationText("Running", ja)).toBe("実行中");
    expect(invocationText("Weird", ja)).toBe("Weird");
  });
  it("English reads as before", () => {
    expect(cloudDetailText("mode BINDED", tr("en"))).toBe("mode BINDED");
    expect(invocationText("Success", tr("en"))).toBe("Succeeded");
  });
});
