// Property test: random sequences of ENI / IP / EIP calls (through the SDK) never break
// the invariants a user relies on, and Describe always agrees with what the mutating
// calls returned.
import fc from "fast-check";
import { expect, it } from "vitest";
import { INSTANCE_TYPES } from "./catalog";
import { ipToInt, parseCidr, isReserved, cidrContains } from "./ip";
import { $Ecs, $Vpc } from "./sdk";
import { DEMO, TOKYO, setupTestEmulator } from "./test-helpers";

const t = setupTestEmulator();

const R = TOKYO;
const OPS = [
  "createEni",
  "attach",
  "detach",
  "assign",
  "assignExplicit",
  "unassign",
  "allocate",
  "associateEni",
  "associateEcs",
  "unassociate",
  "deleteEni",
  "release",
  "stop",
  "start",
  "settle",
] as const;
type Op = { op: (typeof OPS)[number]; a: number; b: number; c: number };
// assignments and associations are weighted up: that is where the quotas and the IP↔EIP rules bite
const WEIGHTED: Op["op"][] = [...OPS, "assign", "assign", "assign", "attach", "associateEni", "associateEni"];
const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom(...WEIGHTED),
  a: fc.nat(50),
  b: fc.nat(50),
  c: fc.integer({ min: 1, max: 4 }),
});

const pick = <T>(xs: T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);

async function snapshot() {
  const enis = (
    await t.ecs.describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: R, maxResults: 500 }))
  ).body!.networkInterfaceSets!.networkInterfaceSet!;
  const eips = (await t.vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: R, pageSize: 100 })))
    .body!.eipAddresses!.eipAddress!;
  const instances = (await t.ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: R, maxResults: 100 })))
    .body!.instances!.instance!;
  return { enis, eips, instances };
}

it("invariants hold under random call sequences", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
      t.emu.reset();
      // model of what the mutating calls told us: ENI id → its private IPs
      const expectedIps = new Map<string, Set<string>>();
      for (const op of ops) {
        const s = await snapshot();
        const secondary = s.enis.filter((e) => e.type === "Secondary");
        const allEnis = s.enis;
        const e1 = pick(secondary, op.a);
        const inst = pick(s.instances, op.b);
        const eip = pick(s.eips, op.a + op.b);
        try {
          switch (op.op) {
            case "createEni": {
              const r = await t.ecs.createNetworkInterface(
                new $Ecs.CreateNetworkInterfaceRequest({
                  regionId: R,
                  vSwitchId: op.b % 3 === 0 ? DEMO.vswB : DEMO.vswA,
                  securityGroupId: DEMO.sg,
                  secondaryPrivateIpAddressCount: op.c % 3 || undefined,
                }),
              );
              expectedIps.set(
                r.body!.networkInterfaceId!,
                new Set(r.body!.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!)),
              );
              break;
            }
            case "attach":
              if (e1 && inst)
                await t.ecs.attachNetworkInterface(
                  new $Ecs.AttachNetworkInterfaceRequest({
                    regionId: R,
                    networkInterfaceId: e1.networkInterfaceId,
                    instanceId: inst.instanceId,
                  }),
                );
              break;
            case "detach":
              if (e1)
                await t.ecs.detachNetworkInterface(
                  new $Ecs.DetachNetworkInterfaceRequest({
                    regionId: R,
                    networkInterfaceId: e1.networkInterfaceId,
                    instanceId: e1.instanceId || inst?.instanceId,
                  }),
                );
              break;
            case "assign": {
              const target = pick(allEnis, op.a);
              if (!target) break;
              const r = await t.ecs.assignPrivateIpAddresses(
                new $Ecs.AssignPrivateIpAddressesRequest({
                  regionId: R,
                  networkInterfaceId: target.networkInterfaceId,
                  secondaryPrivateIpAddressCount: op.c,
                }),
              );
              const got = r.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress!;
              expect(got).toHaveLength(op.c);
              const set =
                expectedIps.get(target.networkInterfaceId!) ??
                new Set(target.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!));
              for (const ip of got) set.add(ip);
              expectedIps.set(target.networkInterfaceId!, set);
              break;
            }
            case "assignExplicit": {
              const target = pick(allEnis, op.a);
              if (!target) break;
              const ip = `172.16.${target.vSwitchId === DEMO.vswA ? 0 : 1}.${op.b * 5}`; // sometimes reserved (.0) or taken
              await t.ecs.assignPrivateIpAddresses(
                new $Ecs.AssignPrivateIpAddressesRequest({
                  regionId: R,
                  networkInterfaceId: target.networkInterfaceId,
                  privateIpAddress: [ip],
                }),
              );
              const set =
                expectedIps.get(target.networkInterfaceId!) ??
                new Set(target.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!));
              set.add(ip);
              expectedIps.set(target.networkInterfaceId!, set);
              break;
            }
            case "unassign": {
              const target = pick(allEnis, op.a);
              const ips = target?.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!) ?? [];
              const ip = pick(ips, op.b);
              if (!target || !ip) break;
              await t.ecs.unassignPrivateIpAddresses(
                new $Ecs.UnassignPrivateIpAddressesRequest({
                  regionId: R,
                  networkInterfaceId: target.networkInterfaceId,
                  privateIpAddress: [ip],
                }),
              );
              expectedIps.get(target.networkInterfaceId!)?.delete(ip);
              break;
            }
            case "allocate":
              await t.vpc.allocateEipAddress(new $Vpc.AllocateEipAddressRequest({ regionId: R }));
              break;
            case "associateEni": {
              const target = pick(allEnis, op.b);
              const ip = pick(target?.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!) ?? [], op.c);
              if (eip && target)
                await t.vpc.associateEipAddress(
                  new $Vpc.AssociateEipAddressRequest({
                    regionId: R,
                    allocationId: eip.allocationId,
                    instanceId: target.networkInterfaceId,
                    instanceType: "NetworkInterface",
                    privateIpAddress: ip,
                  }),
                );
              break;
            }
            case "associateEcs":
              if (eip && inst)
                await t.vpc.associateEipAddress(
                  new $Vpc.AssociateEipAddressRequest({
                    regionId: R,
                    allocationId: eip.allocationId,
                    instanceId: inst.instanceId,
                  }),
                );
              break;
            case "unassociate":
              if (eip)
                await t.vpc.unassociateEipAddress(
                  new $Vpc.UnassociateEipAddressRequest({ regionId: R, allocationId: eip.allocationId }),
                );
              break;
            case "deleteEni":
              if (e1) {
                await t.ecs.deleteNetworkInterface(
                  new $Ecs.DeleteNetworkInterfaceRequest({ regionId: R, networkInterfaceId: e1.networkInterfaceId }),
                );
                expectedIps.delete(e1.networkInterfaceId!);
              }
              break;
            case "release":
              if (eip)
                await t.vpc.releaseEipAddress(
                  new $Vpc.ReleaseEipAddressRequest({ regionId: R, allocationId: eip.allocationId }),
                );
              break;
            case "stop":
              if (inst) await t.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: inst.instanceId }));
              break;
            case "start":
              if (inst) await t.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: inst.instanceId }));
              break;
            case "settle":
              t.emu.settle();
              break;
          }
        } catch (e) {
          const err = e as { statusCode?: number; code?: string; message?: string };
          // business errors are fine; a 5xx or a non-API failure is a bug
          if (!err.statusCode || err.statusCode >= 500) throw e;
        }

        // ---- invariants, read back through the SDK ----
        const after = await snapshot();
        const owner = new Map<string, string>();
        for (const n of after.enis) {
          const ips = n.privateIpSets!.privateIpSet!.map((x) => x.privateIpAddress!);
          const cidr = parseCidr(n.vSwitchId === DEMO.vswA ? "172.16.0.0/24" : "172.16.1.0/24")!;
          for (const ip of ips) {
            expect(owner.has(ip), `${ip} on two ENIs`).toBe(false);
            owner.set(ip, n.networkInterfaceId!);
            expect(cidrContains(cidr, ip) && !isReserved(cidr, ip), `${ip} outside/reserved`).toBe(true);
          }
          const inst2 = after.instances.find((i) => i.instanceId === n.instanceId);
          const limit = inst2
            ? INSTANCE_TYPES.find((x) => x.id === inst2.instanceType)!.eniPrivateIpAddressQuantity
            : t.emu.engine.world.quotas.ipsPerAvailableEni;
          expect(ips.length).toBeLessThanOrEqual(limit);
          const model = expectedIps.get(n.networkInterfaceId!);
          if (model && n.status !== "Deleting") expect(new Set(ips)).toEqual(model);
        }
        for (const i of after.instances) {
          const spec = INSTANCE_TYPES.find((x) => x.id === i.instanceType)!;
          const attached = after.enis.filter((n) => n.instanceId === i.instanceId).length;
          expect(attached).toBeLessThanOrEqual(spec.eniQuantity);
        }
        expect(after.eips.length).toBeLessThanOrEqual(20);
        const boundIps = new Set<string>();
        for (const x of after.eips) {
          if (!x.instanceId) {
            expect(["Available", "Releasing"]).toContain(x.status);
            continue;
          }
          expect(boundIps.has(x.privateIpAddress!), `two EIPs on ${x.privateIpAddress}`).toBe(false);
          boundIps.add(x.privateIpAddress!);
          // the bound private IP exists on the target, and ECS reports the same mapping
          if (x.instanceType === "NetworkInterface") {
            const n = after.enis.find((m) => m.networkInterfaceId === x.instanceId)!;
            expect(n, `EIP bound to missing ENI ${x.instanceId}`).toBeDefined();
            const row = n.privateIpSets!.privateIpSet!.find((r) => r.privateIpAddress === x.privateIpAddress);
            expect(row, `EIP on IP ${x.privateIpAddress} that the ENI no longer has`).toBeDefined();
            expect(row!.associatedPublicIp!.allocationId).toBe(x.allocationId);
          } else {
            const i = after.instances.find((m) => m.instanceId === x.instanceId)!;
            expect(i.eipAddress!.allocationId).toBe(x.allocationId);
          }
        }
        expect(ipToInt("172.16.0.1")).toBeGreaterThan(0);
      }
    }),
    { numRuns: 25, seed: 4242, endOnFailure: true },
  );
}, 60_000);
