// The config-library forms refuse bad input next to the field, in the user's
// language, before anything is sent: these are the checks and the message
// keys they name (each key exists in every locale).
import { describe, expect, it } from "vitest";
import en from "@/messages/en/configs.json";
import ja from "@/messages/ja/configs.json";
import { configNameProblem, guestFactsProblems, shareHoursProblem, type GuestFactsInput } from "./form-checks";
import { configNameSchema } from "./config.schema";

const good: GuestFactsInput = {
  mac: "00:16:3e:12:34:56",
  primaryIp: "172.16.0.57",
  secondaryIps: "172.16.0.77, 172.16.0.78",
  prefixLength: "24",
  gateway: "172.16.0.253",
};

describe("config name", () => {
  it("refuses an empty or too long name the way the server would", () => {
    expect(configNameProblem("  ")).toEqual({ key: "nameRequired" });
    expect(configNameProblem("x".repeat(5000))).toEqual({ key: "nameTooLong", values: { max: 120 } });
    expect(configNameProblem("x".repeat(120))).toBeNull();
    expect(configNameSchema.safeParse("x".repeat(120)).success).toBe(true);
    expect(configNameSchema.safeParse("x".repeat(121)).error?.issues[0]?.message).toBe(
      "Keep the config name to 120 characters or fewer.",
    );
  });
});

describe("share link hours", () => {
  it.each(["0", "99999999", "", "1.5", "-3", "abc"])("refuses %j", (h) => {
    expect(shareHoursProblem(h)).toEqual({ key: "shareHours", values: { max: 720 } });
  });
  it.each(["1", "72", "720"])("accepts %j", (h) => expect(shareHoursProblem(h)).toBeNull());
});

describe("guest bundle facts", () => {
  it("accepts facts the bundle generator accepts", () => {
    expect(guestFactsProblems(good, 2)).toEqual({});
    expect(guestFactsProblems({ ...good, secondaryIps: "" }, 0)).toEqual({});
  });

  it("names each bad field: the reported MAC zz:zz and IP 999.1.1.1", () => {
    expect(guestFactsProblems({ ...good, mac: "zz:zz", primaryIp: "999.1.1.1" }, 2)).toEqual({
      mac: { key: "mac" },
      primaryIp: { key: "ipv4", values: { value: "999.1.1.1" } },
    });
    expect(guestFactsProblems({ ...good, gateway: " ", secondaryIps: "" }, 2)).toEqual({
      gateway: { key: "required" },
      secondaryIps: { key: "required" },
    });
  });

  it("checks prefix range, gateway subnet, multicast MACs and the secondary IPs", () => {
    expect(guestFactsProblems({ ...good, prefixLength: "8" }, 2).prefixLength).toEqual({
      key: "prefixLength",
      values: { min: 16, max: 29 },
    });
    expect(guestFactsProblems({ ...good, gateway: "10.0.0.1" }, 2).gateway).toEqual({
      key: "outsideSubnet",
      values: { value: "10.0.0.1" },
    });
    expect(guestFactsProblems({ ...good, mac: "01:16:3e:12:34:56" }, 2).mac).toEqual({ key: "macUnicast" });
    expect(guestFactsProblems({ ...good, secondaryIps: "172.16.0.77" }, 2).secondaryIps).toEqual({
      key: "secondaryCount",
      values: { count: 2 },
    });
    expect(guestFactsProblems({ ...good, secondaryIps: "172.16.0.77,1.2.3" }, 2).secondaryIps).toEqual({
      key: "ipv4",
      values: { value: "1.2.3" },
    });
    expect(guestFactsProblems({ ...good, secondaryIps: "172.16.0.77,172.16.9.9" }, 2).secondaryIps).toEqual({
      key: "outsideSubnet",
      values: { value: "172.16.9.9" },
    });
  });

  it("has a message in every locale for every key", () => {
    const keys = [
      "required",
      "nameRequired",
      "nameTooLong",
      "shareHours",
      "mac",
      "macUnicast",
      "ipv4",
      "prefixLength",
      "outsideSubnet",
      "secondaryCount",
      "download",
    ];
    for (const messages of [en, ja])
      for (const k of keys) expect((messages.formErrors as Record<string, string>)[k], k).toBeTruthy();
  });
});
