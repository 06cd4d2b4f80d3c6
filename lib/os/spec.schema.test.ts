import { describe, expect, it } from "vitest";
import { generateBundle, SpecError, validateRoutesSpec } from "./bundle";
import { EXAMPLE } from "./test-helpers";

const clone = <T>(x: T): T => structuredClone(x);
type Eni = (typeof EXAMPLE)["interfaces"][number] & Record<string, unknown>;
function withEni(patch: Partial<Record<keyof Eni | "rulePriority", unknown>>, base = EXAMPLE) {
  const s = clone(base) as { os: string; interfaces: Record<string, unknown>[] };
  Object.assign(s.interfaces[0]!, patch);
  return s;
}
function errorsOf(input: unknown): string[] {
  const r = validateRoutesSpec(input);
  return r.ok ? [] : r.errors;
}

describe("validateRoutesSpec", () => {
  it("accepts the contract example and normalises it", () => {
    const r = validateRoutesSpec(EXAMPLE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const eni = r.spec.interfaces[0]!;
    expect(r.spec.persistence).toBe("native");
    expect(eni.network).toBe("172.16.0.0");
    expect(eni.addresses.map((a) => [a.ip, a.priority, a.eip])).toEqual([
      ["172.16.0.57", 30000, "203.0.113.10"],
      ["172.16.0.77", 30001, "203.0.113.11"],
      ["172.16.0.78", 30002, "203.0.113.12"],
    ]);
  });

  it("eipIps says which addresses carry an EIP; absent means all of them", () => {
    const carried = (input: unknown) => {
      const r = validateRoutesSpec(input);
      if (!r.ok) throw new Error(r.errors.join("\n"));
      return r.spec.interfaces[0]!.addresses.map((a) => [a.ip, a.carriesEip]);
    };
    expect(carried(EXAMPLE)).toEqual([
      ["172.16.0.57", true],
      ["172.16.0.77", true],
      ["172.16.0.78", true],
    ]);
    const some = withEni({ eips: { "172.16.0.77": "203.0.113.11" }, eipIps: ["172.16.0.77", "172.16.0.78"] });
    expect(carried(some)).toEqual([
      ["172.16.0.57", false],
      ["172.16.0.77", true],
      ["172.16.0.78", true],
    ]);
    expect(errorsOf(withEni({ eipIps: ["172.16.0.99", "172.16.0.77", "172.16.0.77"] }))).toEqual([
      'interfaces[0].eipIps[0]: "172.16.0.99" is not one of this ENI\'s addresses',
      "interfaces[0].eipIps[2]: 172.16.0.77 is listed twice",
      "interfaces[0].eipIps: 172.16.0.57 has an expected EIP in eips but is not listed in eipIps",
      "interfaces[0].eipIps: 172.16.0.78 has an expected EIP in eips but is not listed in eipIps",
    ]);
    expect(errorsOf(withEni({ eipIps: "172.16.0.77" }))).toEqual(['interfaces[0].eipIps: "172.16.0.77" is not a list']);
    // verify.sh: an address without an EIP is not expected to answer through the echo URL.
    const verify = generateBundle(some).files.find((f) => f.path === "verify.sh")!.content;
    expect(verify).toContain("'172.16.0.57:30000:-:0' '172.16.0.77:30001:203.0.113.11:1' '172.16.0.78:30002:-:1'");
  });

  it("primary mode: an entry with primary true needs no table or gateway and adds only its secondary IPs", () => {
    const primary = {
      device: "eth0",
      mac: "00:16:3e:00:00:01",
      primary: true,
      primaryIp: "172.16.0.10",
      secondaryIps: ["172.16.0.21", "172.16.0.22"],
      prefixLength: 24,
      eips: { "172.16.0.21": "203.0.113.121" },
    };
    const r = validateRoutesSpec({ os: "generic", interfaces: [primary, ...EXAMPLE.interfaces] });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.spec.primaryEni?.addresses.map((a) => [a.ip, a.eip, a.carriesEip])).toEqual([
      ["172.16.0.21", "203.0.113.121", true],
      ["172.16.0.22", null, true],
    ]);
    // The secondary ENI keeps the first default priority and its table.
    expect(r.spec.interfaces.map((e) => [e.device, e.routeTable, e.addresses[0]!.priority])).toEqual([
      ["eth1", 1001, 30000],
    ]);
    const apply = generateBundle({ os: "generic", interfaces: [primary] }).files.find((f) => f.path === "apply.sh")!;
    expect(apply.content).toContain("configure_primary_eni '00:16:3e:00:00:01' 24 '172.16.0.21' '172.16.0.22'");
    expect(apply.content).not.toMatch(/^configure_eni /m);
    expect(
      errorsOf({
        os: "generic",
        interfaces: [
          { ...primary, routeTable: 1000, rulePriority: 100, secondaryIps: [] },
          { ...primary, device: "eth9", mac: "00:16:3e:00:00:09", primaryIp: "172.16.0.11", eips: {} },
        ],
      }),
    ).toEqual([
      "interfaces[0].routeTable: the primary ENI has no table of its own (its secondary IPs use the main table)",
      "interfaces[0].rulePriority: the primary ENI gets no source rules",
      "interfaces[0].secondaryIps: the primary ENI entry needs at least one secondary IP (its primary IP is not changed)",
      'interfaces[0].eips: "172.16.0.21" is not one of this ENI\'s addresses',
      "interfaces[1].primary: only one entry can be the primary ENI",
    ]);
    expect(errorsOf(withEni({ routeTable: undefined, gateway: undefined }))).toEqual([
      "interfaces[0].gateway: is required (a string)",
      "interfaces[0].routeTable: is required (a whole number)",
    ]);
  });

  it("allows extra fields but never copies them into the bundle", () => {
    const marker = "$(touch /tmp/pwned)`id`";
    const s = { ...withEni({ note: marker }), comment: marker, owner: { x: marker } };
    const b = generateBundle(s);
    for (const f of b.files) expect(f.content).not.toContain("pwned");
  });

  it.each([
    // The subnet is the primary IP's prefix, so a stray primary shows up as everything else being outside it.
    [
      "primaryIp in another subnet",
      { primaryIp: "172.16.1.5" },
      /gateway: 172\.16\.0\.253 is outside the ENI's subnet 172\.16\.1\.0\/24/,
    ],
    [
      "secondary outside the prefix",
      { secondaryIps: ["10.0.0.5"] },
      /secondaryIps\[0\]: 10\.0\.0\.5 is outside the ENI's subnet 172\.16\.0\.0\/24/,
    ],
    ["network address", { secondaryIps: ["172.16.0.0"] }, /reserved/],
    ["broadcast address", { secondaryIps: ["172.16.0.255"] }, /reserved/],
    ["the vSwitch gateway as an address", { secondaryIps: ["172.16.0.253"] }, /reserved/],
    ["gateway outside", { gateway: "172.16.1.253" }, /gateway: 172\.16\.1\.253 is outside/],
    ["gateway = broadcast", { gateway: "172.16.0.255" }, /network or broadcast/],
    ["not an IP", { secondaryIps: ["172.16.0.077"] }, /is not an IPv4 address/],
    ["shell in an IP", { secondaryIps: ["172.16.0.7;reboot"] }, /is not an IPv4 address/],
    ["duplicate secondary", { secondaryIps: ["172.16.0.77", "172.16.0.77"] }, /also used by/],
    ["primary repeated", { secondaryIps: ["172.16.0.57"] }, /also used by/],
    ["device with shell text", { device: "eth1;reboot" }, /not a valid interface name/],
    ["device too long", { device: "a123456789012345" }, /not a valid interface name/],
    ["device lo", { device: "lo" }, /loopback/],
    ["device all (a sysctl name, not an interface)", { device: "all" }, /"all" cannot name an interface/],
    ["device default (a sysctl name, not an interface)", { device: "default" }, /"default" cannot name an interface/],
    ["bad MAC", { mac: "00:16:3e:12:34" }, /not a MAC address/],
    ["multicast MAC", { mac: "01:00:5e:00:00:01" }, /not a unicast/],
    ["table 0", { routeTable: 0 }, /not a table id/],
    ["table main", { routeTable: 254 }, /reserved by the kernel/],
    ["table local", { routeTable: 255 }, /reserved by the kernel/],
    ["table default", { routeTable: 253 }, /reserved by the kernel/],
    ["prefix /30", { prefixLength: 30 }, /outside 16\.\.29/],
    ["priority too high", { rulePriority: 32765 }, /must lie in 1\.\.32765/],
    ["eip for a foreign address", { eips: { "172.16.0.99": "203.0.113.1" } }, /not one of this ENI's addresses/],
    ["eip not an address", { eips: { "172.16.0.77": "x" } }, /not a usable IPv4/],
  ])("refuses %s", (_name, patch, re) => {
    const errs = errorsOf(withEni(patch));
    expect(errs.join("\n")).toMatch(re);
    expect(() => generateBundle(withEni(patch))).toThrow(SpecError);
  });

  it("ubuntu: refuses a table id above 2147483647 (netplan would write Table=-1); other families take it", () => {
    expect(errorsOf({ ...withEni({ routeTable: 2 ** 32 - 1 }), os: "ubuntu" }).join()).toMatch(
      /routeTable: 4294967295 is above 2147483647; netplan/,
    );
    expect(errorsOf({ ...withEni({ routeTable: 2 ** 31 }), os: "ubuntu" }).join()).toMatch(
      /routeTable: 2147483648 is above/,
    );
    expect(errorsOf({ ...withEni({ routeTable: 2 ** 31 - 1 }), os: "ubuntu" })).toEqual([]);
    for (const os of ["centos7", "rhel9", "debian", "generic"])
      expect(errorsOf({ ...withEni({ routeTable: 2 ** 32 - 1 }), os }), os).toEqual([]);
  });

  it("type problems name the field like the other checks (interfaces[0].mac) and say what is missing or given", () => {
    const s = {
      interfaces: [
        { device: 1, mac: "00:16:3e:12:34:56", prefixLength: "24", routeTable: 1.5, secondaryIps: null, eips: [1] },
      ],
    };
    expect(errorsOf(s)).toEqual([
      "os: is required (one of alinux2, centos7, alinux3, rhel9, ubuntu, debian, generic)",
      "interfaces[0].device: 1 is not a string",
      "interfaces[0].primaryIp: is required (a string)",
      "interfaces[0].secondaryIps: null is not a list",
      'interfaces[0].prefixLength: "24" is not a number',
      "interfaces[0].routeTable: 1.5 is not a whole number",
      "interfaces[0].eips: [1] is not an object",
      "interfaces[0].gateway: is required (a string)",
    ]);
    // JSON.parse reads 1e400 as Infinity: the message says so instead of "null is not a number".
    const huge = JSON.parse(
      `{"os":"debian","interfaces":[{"device":"eth1","mac":"00:16:3e:12:34:56","primaryIp":"172.16.0.57","prefixLength":1e400,"gateway":"172.16.0.253","routeTable":-1e400}]}`,
    );
    expect(errorsOf(huge)).toEqual([
      "interfaces[0].prefixLength: Infinity is not a finite number",
      "interfaces[0].routeTable: -Infinity is not a finite number",
    ]);
    expect(errorsOf({ os: "Ubuntu", interfaces: [] })).toEqual([
      'os: "Ubuntu" is not one of alinux2, centos7, alinux3, rhel9, ubuntu, debian, generic',
      "interfaces: 0 given; 1 to 16 are supported",
    ]);
    expect(errorsOf([EXAMPLE])).toEqual([`spec: ${JSON.stringify([EXAMPLE]).slice(0, 60)} is not an object`]);
  });

  it("refuses an unknown os and a missing interface list", () => {
    expect(errorsOf({ os: "windows", interfaces: EXAMPLE.interfaces }).join()).toMatch(/^os:/);
    expect(errorsOf({ os: "ubuntu" }).join()).toMatch(/interfaces/);
    expect(errorsOf({ os: "ubuntu", interfaces: [] }).join()).toMatch(/interfaces/);
  });

  it("checks ENIs against each other: IPs, tables, devices, MACs, priorities", () => {
    const second = { ...clone(EXAMPLE.interfaces[0]!), eips: undefined };
    const s = { os: "ubuntu", interfaces: [clone(EXAMPLE.interfaces[0]!), second] };
    const errs = errorsOf(s);
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/interfaces\[1\]\.device: eth1 is also used by interfaces\[0\]/),
        expect.stringMatching(/interfaces\[1\]\.mac: .* also used/),
        expect.stringMatching(/interfaces\[1\]\.routeTable: 1001 is also used/),
        expect.stringMatching(/interfaces\[1\]\.primaryIp: 172\.16\.0\.57 is also used by interfaces\[0\]\.primaryIp/),
      ]),
    );
    const overlap = {
      os: "ubuntu",
      interfaces: [
        { ...clone(EXAMPLE.interfaces[0]!), rulePriority: 100 },
        {
          device: "eth2",
          mac: "00:16:3e:00:00:02",
          primaryIp: "172.16.0.60",
          prefixLength: 24,
          gateway: "172.16.0.253",
          routeTable: 1002,
          rulePriority: 102,
        },
      ],
    };
    expect(errorsOf(overlap).join()).toMatch(/rule priority 102 is also used by interfaces\[0\]/);
  });

  it("lists every problem at once", () => {
    const errs = errorsOf(withEni({ device: "bad name", mac: "zz", routeTable: 254, gateway: "1.2.3.4" }));
    expect(errs.length).toBeGreaterThanOrEqual(4);
  });

  it("accepts two ENIs in one vSwitch with distinct tables", () => {
    const s = {
      os: "rhel9",
      interfaces: [
        clone(EXAMPLE.interfaces[0]!),
        {
          device: "eth2",
          mac: "00:16:3E:AB:CD:EF",
          primaryIp: "172.16.0.60",
          secondaryIps: ["172.16.0.87"],
          prefixLength: 24,
          gateway: "172.16.0.253",
          routeTable: 1002,
        },
      ],
    };
    const r = validateRoutesSpec(s);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.spec.interfaces[1]!.mac).toBe("00:16:3e:ab:cd:ef");
      expect(r.spec.interfaces[1]!.addresses.map((a) => a.priority)).toEqual([30100, 30101]);
    }
  });
});

describe("agent (the optional guest agent)", () => {
  const base = {
    os: "generic",
    interfaces: [
      {
        device: "eth1",
        mac: "00:16:3e:12:34:56",
        primaryIp: "172.16.0.57",
        prefixLength: 24,
        gateway: "172.16.0.253",
        routeTable: 1001,
      },
    ],
  };
  it("absent: no agent in the normalised spec; present: defaults to security hardening mode only", () => {
    const without = validateRoutesSpec(base);
    expect(without.ok && "agent" in without.spec).toBe(false);
    const v = validateRoutesSpec({ ...base, agent: {} });
    expect(v.ok && v.spec.agent).toEqual({ leaveAlone: [], metadataAccess: "hardened" });
  });
  it("leaveAlone takes interface names and MACs (lower-cased); refuses other text, the bundle's own ENIs and repeats", () => {
    const ok = validateRoutesSpec({ ...base, agent: { leaveAlone: ["eth3", "00:16:3E:AA:00:01"] } });
    expect(ok.ok && ok.spec.agent!.leaveAlone).toEqual(["eth3", "00:16:3e:aa:00:01"]);
    const bad = validateRoutesSpec({
      ...base,
      agent: { leaveAlone: ["eth1", "00:16:3e:12:34:56", "eth 9; rm", "eth3", "eth3"], metadataAccess: "normal" },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors).toEqual(['agent.metadataAccess: "normal" is not one of hardened, hardened-or-normal']);
    const bad2 = validateRoutesSpec({
      ...base,
      agent: { leaveAlone: ["eth1", "00:16:3e:12:34:56", "eth 9; rm", "eth3", "eth3"] },
    });
    expect(!bad2.ok && bad2.errors).toEqual([
      "agent.leaveAlone[0]: eth1 is configured by interfaces[0]; the agent cannot leave it alone",
      "agent.leaveAlone[1]: 00:16:3e:12:34:56 is configured by interfaces[0]; the agent cannot leave it alone",
      'agent.leaveAlone[2]: "eth 9; rm" is neither an interface name nor a MAC address',
      "agent.leaveAlone[4]: eth3 is listed twice",
    ]);
  });
});
