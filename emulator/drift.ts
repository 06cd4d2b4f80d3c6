// Drift: changes of the world made behind the API client's back (someone used the console),
// for tests of how the app notices and repairs them. See README "Drift".
import type { Engine } from "./engine";
import { ApiError } from "./errors";

export type DriftOp =
  | { op: "unassignPrivateIp"; networkInterfaceId: string; privateIpAddress: string }
  | { op: "assignPrivateIp"; networkInterfaceId: string; privateIpAddress: string }
  | { op: "unassociateEip"; allocationId: string }
  | { op: "detachEni"; networkInterfaceId: string }
  | { op: "setInstanceStatus"; instanceId: string; status: "Running" | "Stopped" }
  | { op: "setCloudAssistant"; instanceId: string; online: boolean }
  | { op: "deleteEni"; networkInterfaceId: string }
  | { op: "releaseEip"; allocationId: string };

const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new ApiError(404, "NotFound", `${what} not found`);
  return v;
};

/** Applies one drift and tells the observers (lab mode); persisting it is the caller's. */
export function applyDrift(engine: Engine, d: DriftOp): void {
  engine.tick();
  const w = engine.world;
  switch (d.op) {
    case "unassignPrivateIp": {
      const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
      for (const eip of engine.eipsOnEni(eni))
        if (eip.binding!.privateIpAddress === d.privateIpAddress) engine.unbind(eip);
      eni.secondaryIps = eni.secondaryIps.filter((ip) => ip !== d.privateIpAddress);
      break;
    }
    case "assignPrivateIp": {
      const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
      const problem = engine.checkIp(eni.vSwitchId, d.privateIpAddress);
      if (problem) throw problem;
      eni.secondaryIps.push(d.privateIpAddress);
      break;
    }
    case "unassociateEip": {
      const eip = need(w.eips[d.allocationId], d.allocationId);
      engine.cancelTasks(eip.allocationId);
      engine.unbind(eip);
      break;
    }
    case "releaseEip": {
      need(w.eips[d.allocationId], d.allocationId);
      engine.cancelTasks(d.allocationId);
      delete w.eips[d.allocationId];
      break;
    }
    case "detachEni": {
      const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
      if (eni.type === "Primary") throw new ApiError(400, "InvalidOperation", "primary ENI");
      engine.cancelTasks(eni.networkInterfaceId);
      Object.assign(eni, { status: "Available", instanceId: "", deviceIndex: 0 });
      break;
    }
    case "deleteEni": {
      const eni = need(w.enis[d.networkInterfaceId], d.networkInterfaceId);
      for (const eip of engine.eipsOnEni(eni)) engine.unbind(eip);
      engine.cancelTasks(eni.networkInterfaceId);
      delete w.enis[eni.networkInterfaceId];
      break;
    }
    case "setInstanceStatus": {
      const i = need(w.instances[d.instanceId], d.instanceId);
      engine.cancelTasks(i.instanceId);
      i.status = d.status;
      break;
    }
    case "setCloudAssistant": {
      need(w.instances[d.instanceId], d.instanceId).cloudAssistant = d.online;
      break;
    }
    default: {
      const never: never = d;
      throw new ApiError(400, "InvalidParameter", `unknown drift op ${JSON.stringify(never)}`);
    }
  }
  engine.emit({ type: "world", reason: `drift:${d.op}` });
}
