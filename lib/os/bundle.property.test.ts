import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateBundle, SpecError, validateRoutesSpec } from "./bundle";
import { intToIp, ipToInt, maskOf } from "@/lib/net/ipv4";
import { NETPLAN_TABLE_MAX, OS_FAMILIES, PERSISTENCE_MODES } from "./spec.schema";
import { EXAMPLE, has, lintBundles } from "./test-helpers";

// Property tests: any valid spec yields scripts that pass bash -n and shellcheck; any spec with
// one broken value is refused (and never yields a bundle). Runs are few on purpose: shellcheck
// costs about a second per bundle.

/** A valid spec: 1-3 ENIs in one random vSwitch, unique usable addresses, unique tables. */
const validSpec = fc
  .record({
    os: fc.constantFrom(...OS_FAMILIES),
    persistence: fc.constantFrom(...PERSISTENCE_MODES),
    prefix: fc.integer({ min: 16, max: 28 }),
    base: fc.constantFrom("10.0.0.0", "172.16.0.0", "192.168.0.0", "172.31.240.0"),
    netSeed: fc.nat(),
    enis: fc.integer({ min: 1, max: 3 }),
    addrSeeds: fc.uniqueArray(fc.nat(), { minLength: 12, maxLength: 12 }),
    perEni: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
    tables: fc.uniqueArray(
      fc.integer({ min: 1, max: 2 ** 32 - 1 }).filter((t) => ![253, 254, 255].includes(t)),
      { minLength: 3, maxLength: 3 },
    ),
    // netplan (ubuntu) takes table ids up to 2^31 - 1 only.
    netplanTables: fc.uniqueArray(
      fc.integer({ min: 1, max: NETPLAN_TABLE_MAX }).filter((t) => ![253, 254, 255].includes(t)),
      { minLength: 3, maxLength: 3 },
    ),
    names: fc.uniqueArray(
      fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,14}$/).filter((n) => !["lo", "all", "default"].includes(n)),
      { minLength: 3, maxLength: 3 },
    ),
    macs: fc.uniqueArray(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 }), {
      minLength: 3,
      maxLength: 3,
      selector: (a) => a.join(),
    }),
    withEips: fc.boolean(),
  })
  .map((r) => {
    const size = 2 ** (32 - r.prefix);
    const net = (ipToInt(r.base) & maskOf(16)) + ((r.netSeed * size) % 2 ** 16);
    const network = (net & maskOf(r.prefix)) >>> 0;
    const usable = size - 4; // first address and last three are reserved
    const hosts = [...new Set(r.addrSeeds.map((s) => 1 + (s % usable)))];
    let k = 0;
    const interfaces = [];
    for (let i = 0; i < r.enis; i++) {
      const n = Math.min(r.perEni[i]!, hosts.length - k);
      if (n < 1) break;
      const ips = hosts.slice(k, k + n).map((h) => intToIp(network + h));
      k += n;
      interfaces.push({
        device: r.names[i]!,
        mac: ["02", ...r.macs[i]!.map((b) => b.toString(16).padStart(2, "0"))].join(":"),
        primaryIp: ips[0]!,
        secondaryIps: ips.slice(1),
        prefixLength: r.prefix,
        gateway: intToIp(network + size - 3),
        routeTable: (r.os === "ubuntu" ? r.netplanTables : r.tables)[i]!,
        ...(r.withEips
          ? { eips: Object.fromEntries(ips.map((ip, j) => [ip, `203.0.113.${((i * 10 + j) % 250) + 1}`])) }
          : {}),
      });
    }
    return { os: r.os, persistence: r.persistence, interfaces };
  });

describe("property: valid specs", () => {
  it("are accepted and every generated script passes bash -n", () => {
    fc.assert(
      fc.property(validSpec, (spec) => {
        const r = validateRoutesSpec(spec);
        expect(r.ok, r.ok ? "" : r.errors.join("\n")).toBe(true);
        expect(lintBundles([generateBundle(spec)], false)).toBe("");
      }),
      { numRuns: 25 },
    );
  });

  it.skipIf(!has("shellcheck"))("yield scripts that pass shellcheck at its default severity", () => {
    fc.assert(
      fc.property(validSpec, (spec) => {
        expect(lintBundles([generateBundle(spec)], true)).toBe("");
      }),
      { numRuns: 4 },
    );
  });
});

const breakers: [string, (s: typeof EXAMPLE & { interfaces: Record<string, unknown>[] }, junk: string) => void][] = [
  ["junk secondary IP", (s, j) => (s.interfaces[0]!.secondaryIps = [j])],
  ["junk device", (s, j) => (s.interfaces[0]!.device = `${j};`)],
  ["junk MAC", (s, j) => (s.interfaces[0]!.mac = `${j}!`)],
  ["address outside the prefix", (s) => (s.interfaces[0]!.secondaryIps = ["172.16.9.9"])],
  ["reserved table", (s) => (s.interfaces[0]!.routeTable = 254)],
  ["gateway outside", (s) => (s.interfaces[0]!.gateway = "10.9.9.9")],
  [
    "duplicate across ENIs",
    (s) => s.interfaces.push({ ...s.interfaces[0]!, device: "eth9", mac: "00:16:3e:99:99:99", routeTable: 1009 }),
  ],
  ["priority overflow", (s) => (s.interfaces[0]!.rulePriority = 32766)],
  ["junk os", (s, j) => ((s as { os: string }).os = `x${j}`)],
];

describe("property: invalid specs", () => {
  it("a spec with any one broken value is refused with a SpecError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...breakers), fc.string({ maxLength: 20 }), ([, brk], junk) => {
        const s = structuredClone(EXAMPLE) as typeof EXAMPLE & { interfaces: Record<string, unknown>[] };
        brk(s, junk);
        expect(validateRoutesSpec(s).ok).toBe(false);
        expect(() => generateBundle(s)).toThrow(SpecError);
      }),
      { numRuns: 60 },
    );
  });

  it("arbitrary JSON is either a valid spec or a SpecError, never a crash", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          generateBundle(v);
        } catch (e) {
          expect(e).toBeInstanceOf(SpecError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
