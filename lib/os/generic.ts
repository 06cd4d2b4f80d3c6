import { cloudInitFile, generatedBy, persistScriptFile, sysctlFile } from "./common-files";
import { PERSIST_SCRIPT } from "./shell";
import type { FamilyPlan } from "./scripts";
import type { NormalizedSpec } from "./spec.schema";

// Any systemd distribution: iproute2 only. A oneshot unit runs the persist script (the same
// live steps as apply.sh) at boot. The legacy option calls it from rc.local instead, like the
// source document.

export const UNIT = "eipilot-routes.service";

function unitFile() {
  const unit = [
    generatedBy("#", "policy routing for secondary ENIs at boot").trimEnd(),
    "[Unit]",
    "Description=EIPilot policy routing for secondary ENIs (and the primary ENI's secondary IPs)",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `ExecStart=${PERSIST_SCRIPT}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  return { path: `/etc/systemd/system/${UNIT}`, mode: "0644" as const, content: unit };
}

const DAEMON_RELOAD = 'if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi';

export function genericPlan(spec: NormalizedSpec, specSha256: string): FamilyPlan {
  return {
    files: [persistScriptFile(spec, specSha256), unitFile(), sysctlFile(spec), cloudInitFile()],
    postInstall: [`enable_unit ${UNIT}`],
    postRollback: [DAEMON_RELOAD],
  };
}

/**
 * The primary ENI's secondary addresses (primary mode) at boot, for a family whose native files
 * cover only secondary ENIs: the generic unit runs the persist script once the network is up.
 * Editing the primary ENI's own profile (cloud-init's, DHCP) is what we avoid.
 */
export function withPrimaryBoot(plan: FamilyPlan, spec: NormalizedSpec, specSha256: string): FamilyPlan {
  if (!spec.primaryEni || plan.files.some((f) => f.path === PERSIST_SCRIPT)) return plan;
  return {
    ...plan,
    files: [...plan.files, persistScriptFile(spec, specSha256), unitFile()],
    postInstall: [...plan.postInstall, `enable_unit ${UNIT}`],
    postRollback: [...plan.postRollback, DAEMON_RELOAD],
  };
}

/** The document's way: rc.local calls the persist script. */
export function rcLocalPlan(spec: NormalizedSpec, specSha256: string): FamilyPlan {
  const rhel = spec.os === "centos7" || spec.os === "alinux2" || spec.os === "alinux3" || spec.os === "rhel9";
  return {
    files: [persistScriptFile(spec, specSha256), sysctlFile(spec)],
    postInstall: [],
    postRollback: [],
    rcLocal: rhel ? "/etc/rc.d/rc.local" : "/etc/rc.local",
  };
}
