import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import en from "@/messages/en/configs.json";
import ja from "@/messages/ja/configs.json";
import { defaultRevisionMessage, revisionMessageText } from "./revision-message";

const text = (locale: "en" | "ja") => {
  const t = createTranslator({ locale, messages: { configs: locale === "en" ? en : ja }, namespace: "configs" });
  return (k: string, v: Record<string, string | number>) => t(`detail.defaultMessages.${k}` as never, v as never);
};

describe("revision messages EIPilot writes are read in the reader's language", () => {
  it("Japanese", () => {
    const ja = text("ja");
    expect(revisionMessageText(defaultRevisionMessage.savedFromDeployment("cm1abc"), ja)).toBe(
      "デプロイ cm1abc から保存",
    );
    expect(revisionMessageText(defaultRevisionMessage.duplicatedFrom("web 3 EIPs", 2), ja)).toBe(
      "web 3 EIPs のリビジョン 2 から複製",
    );
    expect(revisionMessageText(defaultRevisionMessage.importedRevision(4), ja)).toBe("インポートしたリビジョン 4");
  });
  it("English reads as stored, rows written before included", () => {
    expect(revisionMessageText("Saved from deployment cm1abc", text("en"))).toBe("Saved from deployment cm1abc");
  });
  it("a message the user typed is shown as typed, in any language", () => {
    expect(revisionMessageText("EIP 3 を追加", text("ja"))).toBe("EIP 3 を追加");
    expect(revisionMessageText("Saved from deployment of last week (see ticket 12)", text("ja"))).toBe(
      "Saved from deployment of last week (see ticket 12)",
    );
  });
});
