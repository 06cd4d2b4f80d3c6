import { describe, expect, it } from "vitest";
import {
  classifyInCidr,
  defaultEips,
  ipRoom,
  emptyForm,
  formWarnings,
  isPlaceholderEips,
  exampleAddresses,
  formFromSpec,
  guardStep,
  resumeStep,
  resourceName,
  osFromImage,
  parseAddressList,
  parseStep,
  specFromForm,
  stepStates,
  validate,
  visibleIssues,
  visitedBefore,
  emptyExtraEni,
  eniSlots,
  deployedFromRecord,
  formForChange,
  withFollowingEips,
  enisOf,
  ipRoomOf,
  osWarnings,
  soleAvailableEni,
  type ExtraEni,
  type InventoryLike,
  type WizardForm,
} from "./form-model";
import { anySpecSchema, deploymentSpecSchema, deploymentSpecV2Schema } from "@/lib/deploy/spec.schema";

const inst = (over = {}) => ({
  instanceId: "i-web1",
  regionId: "ap-northeast-1",
  zoneId: "ap-northeast-1a",
  vpcId: "vpc-a",
  vSwitchId: "vsw-a",
  instanceType: "ecs.g7.large",
  status: "Running",
  imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
  osType: "linux",
  name: "web-1",
  osName: "Alibaba Cloud Linux 2",
  primaryIp: "172.16.0.57",
  eniCount: 1,
  eipCount: 1,
  tags: [],
  ...over,
});
const eni = (over = {}) => ({
  networkInterfaceId: "eni-second",
  status: "Available",
  type: "Secondary",
  instanceId: "",
  vpcId: "vpc-a",
  vSwitchId: "vsw-a",
  zoneId: "ap-northeast-1a",
  macAddress: "00:16:3e:00:00:01",
  primaryIp: "172.16.0.60",
  privateIps: [{ ip: "172.16.0.60", primary: true, eipAllocationId: null, eipAddress: null }],
  securityGroupIds: ["sg-a"],
  ...over,
});
const eip = (id: string, over = {}) => ({
  allocationId: id,
  ipAddress: "203.0.113.21",
  regionId: "ap-northeast-1",
  status: "Available",
  instanceType: "",
  instanceId: "",
  privateIpAddress: "",
  mode: "",
  chargeType: "PostPaid",
  internetChargeType: "PayByTraffic",
  bandwidth: "5",
  ...over,
});
const g7 = {
  instanceTypeId: "ecs.g7.large",
  family: "ecs.g7",
  cpu: 2,
  memoryGiB: 8,
  eniQuantity: 3,
  eniPrivateIpAddressQuantity: 6,
  stoppedOnly: false,
};

function inventory(over: Partial<InventoryLike> = {}): InventoryLike {
  const i = inst();
  return {
    regionId: "ap-northeast-1",
    instances: [i, inst({ instanceId: "i-web2", primaryIp: "172.16.0.58" })],
    enis: [
      eni(),
      eni({ networkInterfaceId: "eni-zoneb", zoneId: "ap-northeast-1b", vSwitchId: "vsw-b", primaryIp: "172.16.1.9" }),
    ],
    vSwitches: [
      {
        vSwitchId: "vsw-a",
        name: "a",
        vpcId: "vpc-a",
        zoneId: "ap-northeast-1a",
        cidrBlock: "172.16.0.0/24",
        availableIpAddressCount: 200,
      },
      {
        vSwitchId: "vsw-b",
        name: "b",
        vpcId: "vpc-a",
        zoneId: "ap-northeast-1b",
        cidrBlock: "172.16.1.0/24",
        availableIpAddressCount: 200,
      },
    ],
    securityGroups: [{ securityGroupId: "sg-a", name: "sg", vpcId: "vpc-a" }],
    eips: [
      eip("eip-1"),
      eip("eip-2", { ipAddress: "203.0.113.22" }),
      eip("eip-3", { ipAddress: "203.0.113.23" }),
      eip("eip-used", { status: "InUse", instanceId: "i-web2" }),
    ],
    eipTotal: 4,
    instanceTypes: [g7],
    instance: { instance: i, type: g7, enis: [] },
    ...over,
  };
}
const good = (over: Partial<WizardForm> = {}) =>
  emptyForm({
    name: "web-1 three EIPs",
    cloudAccountId: "acct",
    regionId: "ap-northeast-1",
    instanceId: "i-web1",
    eniId: "eni-second",
    ipCount: 2,
    eips: [
      { source: "existing", allocationId: "eip-1", privateIp: "" },
      { source: "existing", allocationId: "eip-2", privateIp: "" },
      { source: "existing", allocationId: "eip-3", privateIp: "" },
    ],
    ...over,
  });
const keys = (f: WizardForm, inv = inventory(), located = {}) =>
  Object.values(validate(f, inv, located))
    .flat()
    .map((i) => i.key);

describe("wizard form model", () => {
  it("a complete form has no issues and its spec passes the engine's schema", () => {
    expect(keys(good())).toEqual([]);
    const spec = specFromForm(good(), inventory());
    expect(deploymentSpecSchema.safeParse(spec).success).toBe(true);
    expect(spec.os).toBe("alinux2");
  });
  it("round-trips spec → form → spec", () => {
    const f = good({
      ipMode: "explicit",
      ipAddresses: "172.16.0.70\n172.16.0.71",
      os: "ubuntu",
      traffic: "inbound-only",
    });
    const spec = specFromForm(f, inventory());
    expect(specFromForm(formFromSpec(spec, f.name), inventory())).toEqual(spec);
  });
  it("a shared config's existing EIPs stay 'pick an existing EIP' (never silently allocated)", () => {
    const f = formFromSpec(
      {
        regionId: "ap-northeast-1",
        os: "ubuntu",
        eips: [{ pickExisting: true }, {}, { privateIp: "172.16.0.70", pickExisting: true }],
      },
      "from config",
    );
    expect(f.eips.map((e) => e.source)).toEqual(["existing", "new", "existing"]);
    expect(f.eips.map((e) => e.allocationId)).toEqual(["", "", ""]);
    expect(f.os).toBe("ubuntu");
    expect(keys({ ...good(), eips: f.eips })).not.toEqual([]);
  });
  it("addresses outside the CIDR, reserved, duplicated or in use get specific messages", () => {
    const f = good({
      ipMode: "explicit",
      ipAddresses: "10.0.0.5, 172.16.0.255 172.16.0.70 172.16.0.70 172.16.0.58 999.1.1.1",
    });
    expect(keys(f)).toEqual(
      expect.arrayContaining([
        "addressOutside",
        "addressReserved",
        "addressDuplicate",
        "addressInUse",
        "addressInvalid",
      ]),
    );
  });
  it("too many addresses for the per-ENI quota", () => {
    const issues = validate(good({ ipCount: 6 }), inventory()).ips;
    expect(issues.map((i) => i.key)).toContain("ipQuota");
    expect(issues.find((i) => i.key === "ipQuota")!.values).toMatchObject({ quota: 6, total: 7, max: 5 });
  });
  it("an ENI in another zone than the instance", () => {
    expect(keys(good({ eniId: "eni-zoneb" }))).toContain("eniZone");
  });
  it("an EIP from another region, a used EIP, a duplicate, more EIPs than IPs", () => {
    expect(
      keys(good({ eips: [{ source: "id", allocationId: "eip-far", privateIp: "" }] }), inventory(), {
        "eip-far": { allocationId: "eip-far", regionId: "cn-hangzhou", status: "Available", ipAddress: "198.51.100.4" },
      }),
    ).toContain("eipRegion");
    expect(keys(good({ eips: [{ source: "existing", allocationId: "eip-used", privateIp: "" }] }))).toContain(
      "eipNotAvailable",
    );
    expect(
      keys(
        good({
          eips: [
            { source: "existing", allocationId: "eip-1", privateIp: "" },
            { source: "existing", allocationId: "eip-1", privateIp: "" },
          ],
        }),
      ),
    ).toContain("eipDuplicate");
    expect(keys(good({ ipCount: 1 }))).toContain("eipsMoreThanIps");
  });
  it("EIP quota counts the EIPs to allocate", () => {
    expect(
      keys(good({ eips: [{ source: "new", allocationId: "", privateIp: "" }] }), inventory({ eipTotal: 20 })),
    ).toContain("eipQuota");
  });
  it("stop-only instance types need the user's consent", () => {
    const t = { ...g7, instanceTypeId: "ecs.t6-c1m2.large", stoppedOnly: true };
    const i = inst({ instanceType: t.instanceTypeId });
    const inv = inventory({ instances: [i], instanceTypes: [t], instance: { instance: i, type: t, enis: [] } });
    expect(keys(good(), inv)).toContain("mustStop");
    expect(keys(good({ allowStopInstance: true }), inv)).not.toContain("mustStop");
  });
  it("helpers", () => {
    expect(classifyInCidr("172.16.0.1", "172.16.0.0/24")).toBe("ok");
    expect(classifyInCidr("172.16.0.0", "172.16.0.0/24")).toBe("reserved");
    expect(classifyInCidr("172.16.0.253", "172.16.0.0/24")).toBe("reserved");
    expect(classifyInCidr("172.16.1.1", "172.16.0.0/24")).toBe("outside");
    expect(parseAddressList(" a, b\nc ;d ")).toEqual(["a", "b", "c", "d"]);
    expect(exampleAddresses("172.16.0.0/24", ["172.16.0.100"], 2)).toEqual(["172.16.0.101", "172.16.0.102"]);
    expect(osFromImage("centos_7_9_x64_20G_alibase_20240628.vhd")).toBe("centos7");
    expect(osFromImage("ubuntu_22_04_x64")).toBe("ubuntu");
    expect(osFromImage("aliyun_3_x64_20G")).toBe("alinux3");
    expect(osFromImage("something")).toBe("generic");
    const issues = validate(good({ eniId: "" }), inventory());
    expect(stepStates("ips", new Set(["instance", "eni", "ips"]), issues)).toMatchObject({
      instance: "done",
      eni: "blocked",
      ips: "current",
      os: "todo",
    });
  });
  it("the step in the URL is honoured only when the steps before it are complete", () => {
    expect(parseStep("ips")).toBe("ips");
    expect(parseStep("nope")).toBeNull();
    expect(parseStep(null)).toBeNull();
    // a reload on step 3 of a complete draft stays on step 3
    expect(guardStep("ips", validate(good(), inventory()))).toBe("ips");
    // no ENI chosen yet: step 3 (or the review) falls back to step 2
    expect(guardStep("ips", validate(good({ eniId: "" }), inventory()))).toBe("eni");
    expect(guardStep("review", validate(good({ eniId: "" }), inventory()))).toBe("eni");
    // problems on the target step itself do not move it
    expect(guardStep("ips", validate(good({ ipCount: 9 }), inventory()))).toBe("ips");
    expect(guardStep("instance", validate(emptyForm(), null))).toBe("instance");
  });
  it("a resumed draft on step 3 shows steps 1–2 done and the unvisited steps 4–6 not done", () => {
    const states = stepStates("ips", visitedBefore("ips"), validate(good(), inventory()));
    expect(states).toMatchObject({
      instance: "done",
      eni: "done",
      ips: "current",
      os: "todo",
      eips: "todo",
      routes: "todo",
      review: "todo",
    });
    // a visited step with problems is "blocked", never "done"
    expect(stepStates("ips", visitedBefore("ips"), validate(good({ eniId: "" }), inventory()))).toMatchObject({
      instance: "done",
      eni: "blocked",
    });
    expect([...visitedBefore("instance")]).toEqual([]);
  });
  it("step 1 shows no errors before the user typed or tried to continue", () => {
    const fresh = validate(emptyForm({ cloudAccountId: "acct", regionId: "ap-northeast-1" }), inventory()).instance;
    expect(fresh.map((i) => i.key)).toEqual(["nameRequired", "instanceRequired"]);
    expect(visibleIssues(fresh, false, new Set())).toEqual([]);
    // typing in (then clearing) the name shows only the name's problem
    expect(visibleIssues(fresh, false, new Set(["name"])).map((i) => i.key)).toEqual(["nameRequired"]);
    // pressing Next shows them all
    expect(visibleIssues(fresh, true, new Set()).map((i) => i.key)).toEqual(["nameRequired", "instanceRequired"]);
    // row problems ("eips.0") belong to the field the user changed ("eips")
    const eips = validate(good({ eips: [{ source: "existing", allocationId: "", privateIp: "" }] }), inventory()).eips;
    expect(visibleIssues(eips, false, new Set(["eips"])).map((i) => i.key)).toEqual(["eipPick"]);
  });
  it("duplicate private IPs keep the user on step 3 with the field's message (Next and later steps are guarded)", () => {
    const issues = validate(good({ ipMode: "explicit", ipAddresses: "172.16.0.70\n172.16.0.70" }), inventory());
    expect(issues.ips).toEqual([{ field: "ipAddresses", key: "addressDuplicate", values: { ip: "172.16.0.70" } }]);
    expect(guardStep("os", issues)).toBe("ips");
    expect(guardStep("routes", issues)).toBe("ips");
  });
  it("the EIP step starts with one new EIP per private IP, and fewer EIPs than addresses is a warning", () => {
    expect(isPlaceholderEips(emptyForm().eips)).toBe(true);
    // the placeholder saved in a draft and read back
    expect(isPlaceholderEips(formFromSpec(specFromForm(emptyForm()), "d").eips)).toBe(true);
    expect(isPlaceholderEips([{ source: "existing", allocationId: "eip-1", privateIp: "" }])).toBe(false);
    expect(defaultEips(good({ ipCount: 2 }))).toEqual(
      Array.from({ length: 3 }, () => ({ source: "new", allocationId: "", privateIp: "" })),
    );
    expect(defaultEips(good({ ipCount: 2, usePrimaryIp: false }))).toHaveLength(2);
    const one = good({ ipCount: 2, eips: [{ source: "existing", allocationId: "eip-1", privateIp: "" }] });
    expect(keys(one)).toEqual([]);
    expect(formWarnings(one)).toEqual([
      { field: "eips", key: "eipsFewerThanIps", values: { eips: 1, slots: 3, missing: 2 } },
    ]);
    expect(formWarnings(good())).toEqual([]);
  });
  it("the room for secondary IPs is the type's per-ENI quota less the primary IP (ecs.g7.large: 5, not 49)", () => {
    expect(ipRoom(good(), inventory())).toEqual({ type: "ecs.g7.large", quota: 6, others: 0, max: 5 });
    const busy = inventory({
      enis: [
        eni({
          privateIps: [
            { ip: "172.16.0.60", primary: true, eipAllocationId: null, eipAddress: null },
            { ip: "172.16.0.61", primary: false, eipAllocationId: null, eipAddress: null },
          ],
        }),
      ],
    });
    expect(ipRoom(good(), busy)).toMatchObject({ others: 1, max: 4 });
    expect(ipRoom(emptyForm(), null)).toBeNull();
  });
});

// ---------------------------------------------------------------- several ENIs (spec v2)

const primaryEni = (over = {}) =>
  eni({
    networkInterfaceId: "eni-primary1",
    type: "Primary",
    status: "InUse",
    instanceId: "i-web1",
    primaryIp: "172.16.0.57",
    privateIps: [
      { ip: "172.16.0.57", primary: true, eipAllocationId: null, eipAddress: null },
      { ip: "172.16.0.90", primary: false, eipAllocationId: null, eipAddress: null },
    ],
    ...over,
  });
/** The instance read with its primary ENI (one ENI of ecs.g7.large's 3). */
const withPrimary = (over: Partial<InventoryLike> = {}) =>
  inventory({
    instance: { instance: inst({ eniCount: 1 }), type: g7, enis: [primaryEni()] },
    ...over,
  });
const newEip = { source: "new" as const, allocationId: "", privateIp: "" };

describe("wizard form model: several ENIs", () => {
  it("one secondary ENI and no extras still makes a v1 spec (stored drafts and configs unchanged)", () => {
    const spec = specFromForm(good(), inventory());
    expect(spec.specVersion).toBe(1);
    expect(spec).not.toHaveProperty("enis");
    expect(formFromSpec(spec, "x")).toEqual({ ...good({ name: "x", os: "alinux2" }) });
  });

  it("three ENIs (existing, created in the other vSwitch, primary) make a v2 spec that round-trips", () => {
    const f = good({
      extraEnis: [
        emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a", ipCount: 3, eips: [newEip, newEip] }),
        emptyExtraEni({
          eniMode: "primary",
          usePrimaryIp: false,
          ipMode: "explicit",
          ipAddresses: "172.16.0.120",
          eips: [{ source: "existing", allocationId: "eip-1", privateIp: "172.16.0.120" }],
        }),
      ],
      eips: [
        { source: "existing", allocationId: "eip-2", privateIp: "" },
        { source: "existing", allocationId: "eip-3", privateIp: "" },
      ],
    });
    const spec = specFromForm(f, withPrimary());
    const parsed = deploymentSpecV2Schema.safeParse(spec);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(spec.specVersion).toBe(2);
    expect(parsed.data!.enis.map((e) => e.eni.mode)).toEqual(["existing", "create", "primary"]);
    expect(parsed.data!.enis[2]).toMatchObject({
      usePrimaryIp: false,
      privateIps: { mode: "explicit", addresses: ["172.16.0.120"] },
      eips: [{ allocationId: "eip-1", privateIp: "172.16.0.120" }],
    });
    const back = formFromSpec(spec, f.name);
    expect(specFromForm(back, withPrimary())).toEqual(spec);
    expect(back.extraEnis).toHaveLength(2);
    expect(back.extraEnis[0]).toMatchObject({ eniMode: "create", vSwitchId: "vsw-a", ipCount: 3 });
  });

  it("primary mode alone is a v2 spec with usePrimaryIp false, and reads back as primary mode", () => {
    const f = good({ eniMode: "primary", eniId: "", ipCount: 2, eips: [newEip, newEip] });
    const spec = specFromForm(f, withPrimary());
    expect(spec).toMatchObject({ specVersion: 2, enis: [{ eni: { mode: "primary" }, usePrimaryIp: false }] });
    expect(deploymentSpecV2Schema.safeParse(spec).success).toBe(true);
    expect(keys(f, withPrimary())).toEqual([]);
    const back = formFromSpec(spec, f.name);
    expect(back).toMatchObject({ eniMode: "primary", usePrimaryIp: false, extraEnis: [] });
    // anySpecSchema reads a v1 spec as one ENI: the same shape the wizard emits for v2.
    expect(anySpecSchema.parse(specFromForm(good(), inventory())).enis).toHaveLength(1);
  });

  it("primary mode: the primary ENI's IP quota counts the instance's own address and its current secondaries", () => {
    // g7.large: 6 per ENI; the primary ENI has its primary + 1 secondary → room for 4.
    const f = good({ eniMode: "primary", eniId: "", ipCount: 5, eips: [newEip] });
    const issues = validate(f, withPrimary());
    expect(issues.ips).toEqual([
      { field: "ipCount", key: "ipQuotaPrimary", values: { type: "ecs.g7.large", quota: 6, total: 7, max: 4 } },
    ]);
    expect(keys({ ...f, ipCount: 4 }, withPrimary())).toEqual([]);
  });

  it("offers the primary ENI when the type has no ENI slot left, and refuses a new ENI then", () => {
    const full = withPrimary({
      instance: {
        instance: inst({ eniCount: 3 }),
        type: g7,
        enis: [
          primaryEni(),
          eni({ networkInterfaceId: "eni-x", status: "InUse", instanceId: "i-web1" }),
          eni({ networkInterfaceId: "eni-y", status: "InUse", instanceId: "i-web1" }),
        ],
      },
    });
    expect(eniSlots(good(), full)).toEqual({ now: 3, quota: 3, free: 0 });
    expect(keys(good(), full)).toContain("eniQuota");
    expect(keys(good({ eniMode: "primary", eniId: "", ipCount: 2, eips: [newEip] }), full)).toEqual([]);
  });

  it("counts ENIs across the form: ENI 1 + 2 new fit ecs.g7.large (3 with the primary), a third does not", () => {
    const two = good({ extraEnis: [emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a" })] });
    expect(keys(two, withPrimary())).toEqual([]);
    const three = {
      ...two,
      extraEnis: [...two.extraEnis, emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a" })],
    };
    const issues = validate(three, withPrimary());
    expect(issues.eni).toEqual([
      {
        field: "extraEnis.1.eniId",
        key: "eniQuotaMore",
        values: { type: "ecs.g7.large", quota: 3, now: 1, instance: "i-web1", n: 3 },
      },
    ]);
  });

  it("checks each extra ENI against the inventory: zone, VPC, Available, used twice", () => {
    const f = (extra: Partial<ExtraEni>) => validate(good({ extraEnis: [emptyExtraEni(extra)] }), withPrimary()).eni;
    expect(f({ vSwitchId: "vsw-b", securityGroupId: "sg-a" })).toEqual([
      {
        field: "extraEnis.0.vSwitchId",
        key: "vSwitchZoneEni",
        values: { vSwitch: "vsw-b", zone: "ap-northeast-1b", instanceZone: "ap-northeast-1a" },
      },
    ]);
    expect(f({ eniMode: "existing", eniId: "eni-zoneb" }).map((i) => [i.field, i.key])).toEqual([
      ["extraEnis.0.eniId", "eniZone"],
    ]);
    expect(f({ eniMode: "existing", eniId: "eni-second" }).map((i) => [i.field, i.key])).toEqual([
      ["extraEnis.0.eniId", "eniTwice"],
    ]);
    expect(f({ eniMode: "create" }).map((i) => i.key)).toEqual(["vSwitchRequired", "securityGroupRequired"]);
  });

  it("extra ENIs: IP quota per ENI, explicit addresses inside the vSwitch and not on two ENIs, EIPs per ENI", () => {
    const extra = (e: Partial<ExtraEni>, over: Partial<WizardForm> = {}) =>
      validate(
        good({ extraEnis: [emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a", ...e })], ...over }),
        withPrimary(),
      ).eni.map((i) => [i.field, i.key]);
    expect(extra({ ipCount: 6, eips: [newEip] })).toEqual([["extraEnis.0.ipCount", "ipQuota"]]);
    expect(
      extra(
        { ipMode: "explicit", ipAddresses: "172.16.0.70\n172.16.1.5", eips: [newEip] },
        { ipMode: "explicit", ipAddresses: "172.16.0.70\n172.16.0.71" },
      ),
    ).toEqual([
      ["extraEnis.0.ipAddresses", "addressOtherEni"],
      ["extraEnis.0.ipAddresses", "addressOutside"],
    ]);
    expect(extra({ ipCount: 1, eips: [newEip, newEip, newEip] })).toEqual([["extraEnis.0.eips", "eipsMoreThanIps"]]);
    expect(extra({ ipCount: 1, eips: [{ source: "existing", allocationId: "eip-1", privateIp: "" }] })).toEqual([
      ["extraEnis.0.eips.0", "eipDuplicate"],
    ]);
  });

  it("the EIP quota counts new EIPs of every ENI; on a Change the ones already allocated are not counted twice", () => {
    const rows = (n: number) => Array.from({ length: n }, () => newEip);
    // ecs.g7.large with room for 9 secondaries per ENI: 9 + 8 new EIPs, 4 in use → 21 > 20.
    const roomy = { ...g7, eniPrivateIpAddressQuantity: 10 };
    const inv = withPrimary({
      instanceTypes: [roomy],
      instance: { instance: inst(), type: roomy, enis: [primaryEni()] },
    });
    const f = good({
      ipCount: 9,
      usePrimaryIp: false,
      eips: rows(9),
      extraEnis: [emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a", ipCount: 7, eips: rows(8) })],
    });
    expect(validate(f, inv).eips).toEqual([
      { field: "eips", key: "eipQuota", values: { quota: 20, used: 4, asked: 17 } },
    ]);
    const change = { ...f, deployed: { enis: ["eni-second", "eni-made"], ips: [], allocatedEips: 16 } };
    expect(validate(change, inv).eips).toEqual([]);
  });

  it("issues of ENI 2 and 3 are shown on the ENI step and named by their ENI", () => {
    const f = good({ extraEnis: [emptyExtraEni({ eniMode: "existing", eniId: "" })] });
    const issues = validate(f, withPrimary());
    expect(issues.eni.map((i) => i.field)).toEqual(["extraEnis.0.eniId"]);
    expect(stepStates("ips", new Set(["instance", "eni"]), issues).eni).toBe("blocked");
  });

  it("the warning about addresses without an EIP names the extra ENI", () => {
    const f = good({
      extraEnis: [emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a", ipCount: 3, eips: [newEip] })],
    });
    expect(formWarnings(f)).toEqual([
      { field: "extraEnis.0.eips", key: "eipsFewerThanIps", values: { eips: 1, slots: 4, missing: 3 } },
    ]);
  });

  it("an extra ENI's rows follow its addresses until the user picks one", () => {
    const e = emptyExtraEni({ ipCount: 3 });
    expect(withFollowingEips(e).eips).toHaveLength(4);
    const picked = { ...e, eips: [{ source: "existing" as const, allocationId: "eip-1", privateIp: "" }] };
    expect(withFollowingEips({ ...picked, ipCount: 5 }).eips).toHaveLength(1);
  });
});

describe("wizard form model: Change", () => {
  it("reads what a deployment has from its record, per-ENI or one-ENI", () => {
    expect(
      deployedFromRecord({
        enis: [
          { index: 0, eniId: "eni-second", assignedIps: ["172.16.0.61"] },
          { index: 1, eniId: "eni-made", assignedIps: ["172.16.0.80", "172.16.0.81"] },
        ],
        eips: [
          { allocatedByUs: true, specIndex: 0 },
          { allocatedByUs: false, specIndex: 1 },
          { allocatedByUs: true, specIndex: -1 },
        ],
      }),
    ).toEqual({
      enis: ["eni-second", "eni-made"],
      ips: ["172.16.0.61", "172.16.0.80", "172.16.0.81"],
      allocatedEips: 1,
    });
    expect(deployedFromRecord({ eniId: "eni-second", assignedIps: ["172.16.0.61"] })).toEqual({
      enis: ["eni-second"],
      ips: ["172.16.0.61"],
      allocatedEips: 0,
    });
    expect(deployedFromRecord(null)).toEqual({ enis: [], ips: [], allocatedEips: 0 });
  });

  it("a deployed ENI counts as attached: a Change of a deployment with 3 ENIs on ecs.g7.large is not refused for ENI slots", () => {
    const made = eni({
      networkInterfaceId: "eni-made",
      status: "InUse",
      instanceId: "i-web1",
      privateIps: [
        { ip: "172.16.0.80", primary: true, eipAllocationId: null, eipAddress: null },
        { ip: "172.16.0.81", primary: false, eipAllocationId: null, eipAddress: null },
      ],
    });
    const attached = eni({ status: "InUse", instanceId: "i-web1" });
    const inv = withPrimary({
      enis: [attached, made],
      instance: { instance: inst({ eniCount: 3 }), type: g7, enis: [primaryEni(), attached, made] },
    });
    const spec = specFromForm(
      good({ extraEnis: [emptyExtraEni({ vSwitchId: "vsw-a", securityGroupId: "sg-a", ipCount: 1 })] }),
      inv,
    );
    const deployed = { enis: ["eni-second", "eni-made"], ips: ["172.16.0.81"], allocatedEips: 2 };
    const f = formForChange(spec, "web", deployed, "i-web1");
    expect(keys(f, inv)).toEqual([]);
    // Without what it has, the same form would ask for a fourth ENI.
    expect(keys({ ...f, deployed: undefined }, inv)).toContain("eniQuotaMore");
    // ENI 2's own secondary IP leaves its room as it was: 5 - 0 others.
    expect(ipRoomOf(enisOf(f)[1]!, f, inv)).toMatchObject({ others: 0, max: 5 });
  });

  it("a created instance is changed as the existing one it now is", () => {
    const spec = {
      specVersion: 1,
      cloudAccountId: "acct",
      regionId: "ap-northeast-1",
      instance: {
        mode: "create",
        zoneId: "ap-northeast-1a",
        instanceType: "ecs.g7.large",
        imageId: "img",
        vSwitchId: "vsw-a",
        securityGroupId: "sg-a",
      },
      eni: { mode: "create", vSwitchId: "vsw-a", securityGroupId: "sg-a" },
      privateIps: { mode: "count", count: 1 },
      eips: [{}],
      os: "alinux3",
    };
    const f = formForChange(spec, "web", { enis: ["eni-made"], ips: [], allocatedEips: 1 }, "i-new1");
    expect(f).toMatchObject({ instanceMode: "existing", instanceId: "i-new1", eniMode: "create" });
    expect(specFromForm(f).instance).toEqual({ mode: "existing", instanceId: "i-new1" });
  });
});

describe("a saved draft reopens where it was left", () => {
  it("at the first step that still needs something, else at the review", () => {
    expect(resumeStep(emptyForm({ cloudAccountId: "a", regionId: "ap-northeast-1" }))).toBe("instance");
    const withInstance = emptyForm({
      name: "web",
      cloudAccountId: "a",
      regionId: "ap-northeast-1",
      instanceId: "i-web1",
    });
    expect(resumeStep(withInstance)).not.toBe("instance");
    const done: WizardForm = {
      ...withInstance,
      eniMode: "existing",
      eniId: "eni-second",
      eips: [{ source: "existing", allocationId: "eip-1", privateIp: "" }],
    };
    expect(resumeStep(done)).toBe(guardStep("review", validate(done, null)));
    expect(resumeStep(done)).toBe("review");
  });
});

describe("names of what the app creates", () => {
  it("the ENI and the new EIPs are named after the deployment, not eipilot-1..3", () => {
    expect(resourceName("web-1 · 3 EIPs")).toBe("web-1-3-EIPs");
    expect(resourceName("  2026 launch (tokyo)  ")).toBe("launch-tokyo");
    expect(resourceName("本番")).toBe("");
    const f: WizardForm = {
      ...emptyForm({ name: "shop-prod", eniMode: "create", vSwitchId: "vsw-a", securityGroupId: "sg-a" }),
    };
    const spec = specFromForm(f) as { eni: { name?: string }; eipAllocation: { namePrefix: string } };
    expect(spec.eni.name).toBe("shop-prod");
    expect(spec.eipAllocation.namePrefix).toBe("shop-prod");
    expect((specFromForm({ ...f, name: "本番" }) as typeof spec).eipAllocation.namePrefix).toBe("eipilot");
  });
});

describe("the EIP step's first rows", () => {
  it("use the team's Available EIPs before allocating new pay-as-you-go ones", () => {
    const f = emptyForm({ ipCount: 2, usePrimaryIp: true });
    expect(defaultEips(f, ["eip-a", "eip-b"]).map((r) => [r.source, r.allocationId])).toEqual([
      ["existing", "eip-a"],
      ["existing", "eip-b"],
      ["new", ""],
    ]);
    expect(defaultEips(f).every((r) => r.source === "new")).toBe(true);
  });
});

/** A complete one-ENI form on an existing instance and ENI. */
const oneEniForm = () =>
  emptyForm({
    name: "web",
    cloudAccountId: "acct",
    regionId: "ap-northeast-1",
    instanceId: "i-web1",
    eniId: "eni-web1",
    os: "alinux3",
    eips: [{ source: "new", allocationId: "", privateIp: "" }],
  });

describe("a change's removed EIPs", () => {
  it("are kept unless the user ticks release; the choice reaches the engine's spec and comes back", () => {
    const base = oneEniForm();
    expect(anySpecSchema.parse(specFromForm(base)).releaseRemovedEips).toBe(false);
    const ticked = specFromForm({ ...base, releaseRemovedEips: true });
    expect(anySpecSchema.parse(ticked).releaseRemovedEips).toBe(true);
    expect(formFromSpec(ticked, "web").releaseRemovedEips).toBe(true);
  });
});

describe("the ENI preselected (issue 20, item 3)", () => {
  const f = emptyForm({ instanceId: "i-web1" });
  it("is the only Available secondary ENI in the instance's zone and VPC", () => {
    expect(soleAvailableEni(f, inventory())?.networkInterfaceId).toBe("eni-second");
  });
  it("is never an ENI in use — attached to this instance or to another one", () => {
    const elsewhere = eni({ status: "InUse", instanceId: "i-other", networkInterfaceId: "eni-elsewhere" });
    const here = eni({ status: "InUse", instanceId: "i-web1", networkInterfaceId: "eni-here" });
    expect(soleAvailableEni(f, inventory({ enis: [elsewhere, here] }))).toBeNull();
    expect(soleAvailableEni(f, inventory({ enis: [elsewhere, here, eni()] }))?.networkInterfaceId).toBe("eni-second");
  });
  it("is nothing when the user has a choice to make, or no instance is chosen", () => {
    const two = inventory({ enis: [eni(), eni({ networkInterfaceId: "eni-second2" })] });
    expect(soleAvailableEni(f, two)).toBeNull();
    expect(soleAvailableEni(emptyForm(), inventory())).toBeNull();
    // another VPC's ENI in the same zone does not count
    const otherVpc = inventory({ enis: [eni({ vpcId: "vpc-b" })] });
    expect(soleAvailableEni(f, otherVpc)).toBeNull();
  });
});

describe("the OS family warning (issue 20, item 3)", () => {
  const onWeb1 = (os: WizardForm["os"], over = {}) =>
    osWarnings(
      emptyForm({ instanceId: "i-web1", os }),
      inventory({ instance: { instance: inst(over), type: g7, enis: [] } }),
    );
  it("warns when the chosen family writes files the instance's OS does not read", () => {
    const w = onWeb1("ubuntu");
    expect(w).toEqual([
      {
        field: "os",
        key: "osMismatch",
        values: { chosen: "ubuntu", detected: "alinux2", osName: "Alibaba Cloud Linux 2" },
      },
    ]);
    expect(onWeb1("alinux3", { osName: "Ubuntu  22.04 64 bit", imageId: "ubuntu_22_04_x64" })[0]?.values).toMatchObject(
      {
        detected: "ubuntu",
      },
    );
  });
  it("says nothing while the family is detected, for a family of the same kind, or for generic", () => {
    expect(onWeb1("")).toEqual([]);
    expect(onWeb1("alinux2")).toEqual([]);
    expect(onWeb1("centos7")).toEqual([]); // both network-scripts
    expect(onWeb1("generic")).toEqual([]);
    expect(onWeb1("ubuntu", { osName: "", imageId: "m-custom123" })).toEqual([]); // OS unknown
  });
  it("says so when the instance runs Windows (OSType)", () => {
    const w = onWeb1("alinux2", { osType: "windows", osName: "Windows Server 2022", imageId: "win2022" });
    expect(w.map((x) => x.key)).toEqual(["osWindows"]);
  });
  it("compares a new instance with its image", () => {
    const f = emptyForm({ instanceMode: "create", imageId: "debian_12_6_x64_20G_alibase_20240717.vhd", os: "ubuntu" });
    expect(osWarnings(f, null).map((x) => x.key)).toEqual(["osMismatch"]);
  });
});

describe("the guest agent", () => {
  it("is off by default; ticked, it reaches the engine's spec and comes back; never with inbound-only traffic", () => {
    const base = oneEniForm();
    expect(anySpecSchema.parse(specFromForm(base)).guestAgent).toBeUndefined();
    const ticked = specFromForm({ ...base, guestAgent: true });
    expect(anySpecSchema.parse(ticked).guestAgent).toBe(true);
    expect(formFromSpec(ticked, "web").guestAgent).toBe(true);
    expect(specFromForm({ ...base, guestAgent: true, traffic: "inbound-only" })).not.toHaveProperty("guestAgent");
  });
});
