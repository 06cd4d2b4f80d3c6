import { describe, expect, it } from "vitest";
import { createTranslator } from "next-intl";
import en from "@/messages/en/wizard.json";
import { emptyForm } from "../form-model";
import { defaultPicks, effectiveForm, quickDefaults, quickIssues } from "./quick-model";

const t = createTranslator({ locale: "en", messages: { wizard: en }, namespace: "wizard" }) as never;
const inv = { instances: [{ instanceId: "i-1", name: "demo-web-1" }] } as never;
const base = emptyForm({
  name: "",
  cloudAccountId: "a",
  regionId: "r",
  instanceId: "i-1",
  eniMode: "create",
  eips: [],
});

describe("quick deploy", () => {
  it("N secondary IPs, N EIPs, none on the primary: the primary box unticked, the count follows the EIPs", () => {
    const f = effectiveForm({ ...base, usePrimaryIp: false }, ["eip-a", "eip-b", "eip-c"], 0, inv, t, false);
    expect(f.ipCount).toBe(3);
    expect(f.usePrimaryIp).toBe(false);
    expect(f.eips).toHaveLength(3);
    expect(f.name).toBe("demo-web-1 · 3 EIPs");
    expect(quickIssues(f, null).eips).toEqual([]);
    // With the primary: one address fewer to add.
    expect(effectiveForm(base, ["eip-a", "eip-b", "eip-c"], 0, inv, t, false).ipCount).toBe(2);
  });

  it("refuses an address left without an EIP when the user typed more addresses than EIPs", () => {
    const f = effectiveForm({ ...base, ipCount: 3, usePrimaryIp: false }, ["eip-a"], 1, inv, t, true);
    const eips = quickIssues(f, null).eips;
    expect(eips.map((i) => i.key)).toContain("eipsFewerThanIps");
    expect(eips.find((i) => i.key === "eipsFewerThanIps")!.values).toMatchObject({ eips: 2, slots: 3, missing: 1 });
  });

  it("fills in the only vSwitch of the zone and the only security group, unless the user chose", () => {
    const inventory = {
      instances: [{ instanceId: "i-1", name: "web", zoneId: "z-a", vpcId: "vpc-1" }],
      vSwitches: [
        { vSwitchId: "vsw-a", zoneId: "z-a", vpcId: "vpc-1" },
        { vSwitchId: "vsw-b", zoneId: "z-b", vpcId: "vpc-1" },
      ],
      securityGroups: [{ securityGroupId: "sg-1", vpcId: "vpc-1" }],
      enis: [],
    } as never;
    const f = quickDefaults(base, inventory, new Set());
    expect([f.vSwitchId, f.securityGroupId]).toEqual(["vsw-a", "sg-1"]);
    expect(quickDefaults(base, inventory, new Set(["vSwitchId"])).vSwitchId).toBe("");
    expect(quickDefaults({ ...base, vSwitchId: "vsw-x" }, inventory, new Set()).vSwitchId).toBe("vsw-x");
  });

  describe("the free ENI and the Available EIPs (issue 20, item 3)", () => {
    const eni = (id: string, over = {}) => ({
      networkInterfaceId: id,
      status: "Available",
      type: "Secondary",
      zoneId: "z-a",
      vpcId: "vpc-1",
      privateIps: [],
      ...over,
    });
    const eip = (id: string, status = "Available") => ({ allocationId: id, status });
    const inventory = (enis: unknown[], eips: unknown[] = []) =>
      ({
        instances: [{ instanceId: "i-1", name: "web", zoneId: "z-a", vpcId: "vpc-1", instanceType: "t" }],
        instanceTypes: [{ instanceTypeId: "t", eniPrivateIpAddressQuantity: 3 }],
        vSwitches: [{ vSwitchId: "vsw-a", zoneId: "z-a", vpcId: "vpc-1" }],
        securityGroups: [{ securityGroupId: "sg-1", vpcId: "vpc-1" }],
        instance: null,
        enis,
        eips,
      }) as never;

    it("uses the instance's only Available ENI rather than creating one, and shows it picked", () => {
      const f = quickDefaults(base, inventory([eni("eni-free")]), new Set());
      expect([f.eniMode, f.eniId]).toEqual(["existing", "eni-free"]);
    });
    it("never an ENI in use, nor one of two, nor when the user chose how to get an ENI", () => {
      const inUse = eni("eni-busy", { status: "InUse", instanceId: "i-9" });
      expect(quickDefaults(base, inventory([inUse]), new Set()).eniMode).toBe("create");
      expect(quickDefaults(base, inventory([eni("e1"), eni("e2")]), new Set()).eniMode).toBe("create");
      expect(quickDefaults(base, inventory([eni("eni-free")]), new Set(["eniMode"])).eniMode).toBe("create");
    });
    it("starts with the team's Available EIPs, as many as the ENI can carry", () => {
      const eips = [eip("eip-a"), eip("eip-b"), eip("eip-used", "InUse"), eip("eip-c"), eip("eip-d")];
      const f = quickDefaults(base, inventory([eni("eni-free")], eips), new Set());
      // type t: 3 private IPs per ENI = its primary + 2 secondaries, and the primary carries one too
      expect(defaultPicks(f, inventory([eni("eni-free")], eips))).toEqual(["eip-a", "eip-b", "eip-c"]);
      expect(defaultPicks({ ...f, usePrimaryIp: false }, inventory([eni("eni-free")], eips))).toEqual([
        "eip-a",
        "eip-b",
      ]);
      const e = effectiveForm(f, defaultPicks(f, inventory([eni("eni-free")], eips)), 0, inv, t, false);
      expect([e.ipCount, e.eips.length]).toEqual([2, 3]);
    });
  });
});
