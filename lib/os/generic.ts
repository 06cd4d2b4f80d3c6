import { cloudInitFile, generatedBy, persistScriptFile, sysctlFile } from "./common-files";
import { PERSIST_SCRIPT } from "./shell";
import type { FamilyPlan } from "./scripts";
import type { NormalizedSpec } from "./spec.schema";

// Any systemd distribution: iproute2 only. A oneshot unit runs the persist script (the same
// live steps as apply.sh) at boot. The legacy option calls it from rc.local instead, like the
// source document.

export const UNIT = "eipilot-routes.service";

export function genericPlan(spec: NormalizedSpec, specSha256: string): FamilyPlan {
  const unit = [
    generatedBy("#", "policy routing for secondary ENIs at boot").trimEnd(),
    "[Unit]",
    "Description=EIPilot policy routing for secondary ENIs",
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
  return {
    files: [
      persistScriptFile(spec, specSha256),
      { path: `/etc/systemd/system/${UNIT}`, mode: "0644", content: unit },
      sysctlFile(spec),
      cloudInitFile(),
    ],
    postInstall: [`enable_unit ${UNIT}`],
    postRollback: ['if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi'],
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
