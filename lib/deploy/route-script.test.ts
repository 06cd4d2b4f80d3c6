import { describe, expect, it } from "vitest";
import { generateBundle } from "@/lib/os/bundle";
import { routesSpecFor } from "./route-script";
import type { DeploymentSpec } from "./spec.schema";

// The deployment's choice of the guest agent reaches the routes spec, and so the bundle.
const record = {
  eniId: "eni-web1",
  eniPrimaryIp: "172.16.0.57",
  macAddress: "00:16:3e:12:34:56",
  vSwitchCidr: "172.16.0.0/24",
  assignedIps: ["172.16.0.77"],
  eips: [],
};
const spec = (guestAgent?: boolean) => ({ os: "alinux3", ...(guestAgent ? { guestAgent } : {}) }) as DeploymentSpec;

describe("routesSpecFor: the guest agent", () => {
  it("is in the bundle only when the deployment asks for it", () => {
    const without = routesSpecFor(spec(), record as never)!;
    expect(without).not.toHaveProperty("agent");
    expect(generateBundle(without).files.some((f) => f.path.includes("eipilot-netd"))).toBe(false);
    const withAgent = routesSpecFor(spec(true), record as never)!;
    expect(withAgent.agent).toEqual({});
    expect(generateBundle(withAgent).files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "files/usr/local/sbin/eipilot-netd",
        "files/etc/systemd/system/eipilot-netd.timer",
        "files/etc/udev/rules.d/90-eipilot-netd.rules",
      ]),
    );
  });
});
