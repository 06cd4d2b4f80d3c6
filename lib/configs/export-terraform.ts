// Terraform (alicloud provider) for the cloud side of a config — the same
// resources as the ROS export, from the same spec and the same EIP mapping:
// alicloud_ecs_network_interface (+ _attachment), alicloud_eip_address and
// alicloud_eip_association with instance_type = "NetworkInterface", mode = "NAT"
// and private_ip_address. Pure; every string from the config is escaped.
import { secondaryCount, type ConfigSpec } from "./config.schema";
import { eipMappings, type Slot } from "./mapping";

/** An HCL string literal: quotes, backslashes and template sequences escaped. */
export function hcl(s: string): string {
  return `"${s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{")}"`;
}

function comment(s: string): string {
  return s.replace(/[\r\n]+/g, " ").slice(0, 200);
}

export function exportTerraform(spec: ConfigSpec, meta: { name: string; revision: number }): string {
  const count = secondaryCount(spec);
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push(
    `# EIPilot config ${comment(JSON.stringify(meta.name))}, revision ${meta.revision}.`,
    `# ${spec.eips.length} EIP(s) in NAT mode on a secondary ENI in ${spec.regionId}.`,
    `# Configure the guest OS (addresses, policy routes) with the EIPilot guest bundle.`,
    "",
    "terraform {",
    "  required_providers {",
    "    alicloud = {",
    '      source = "aliyun/alicloud"',
    "    }",
    "  }",
    "}",
    "",
    "provider \"alicloud\" {",
    `  region = ${hcl(spec.regionId)}`,
    "}",
    "",
    "variable \"instance_id\" {",
    spec.instance.mode === "create"
      ? `  description = ${hcl(`An existing ECS instance (the config describes ${spec.instance.instanceType} in ${spec.instance.zoneId}; this file does not create instances).`)}`
      : `  description = "The ECS instance that receives the secondary ENI."`,
    "  type        = string",
    "}",
    "",
    "variable \"vswitch_id\" {",
    '  description = "vSwitch of the secondary ENI (same zone as the instance)."',
    "  type        = string",
    "}",
    "",
    "variable \"security_group_ids\" {",
    '  description = "Security groups of the secondary ENI."',
    "  type        = list(string)",
    "}",
    "",
  );
  if (spec.eni.mode === "existing") {
    push(
      "variable \"network_interface_id\" {",
      '  description = "The existing secondary ENI: imported, then managed by this configuration."',
      "  type        = string",
      "}",
      "",
      "import {",
      "  to = alicloud_ecs_network_interface.eni",
      "  id = var.network_interface_id",
      "}",
      "",
    );
  }
  const eniName = spec.eni.mode === "create" && spec.eni.name ? spec.eni.name : "eipilot-eni";
  push(
    "resource \"alicloud_ecs_network_interface\" \"eni\" {",
    `  network_interface_name = ${hcl(eniName)}`,
    "  vswitch_id             = var.vswitch_id",
    "  security_group_ids     = var.security_group_ids",
  );
  if (count > 0) {
    if (spec.privateIps.mode === "explicit") push(`  private_ip_addresses   = [${spec.privateIps.addresses.map(hcl).join(", ")}]`);
    else push(`  secondary_private_ip_address_count = ${count}`);
  }
  push("}", "");
  push(
    "resource \"alicloud_ecs_network_interface_attachment\" \"eni\" {",
    "  instance_id          = var.instance_id",
    "  network_interface_id = alicloud_ecs_network_interface.eni.id",
    "}",
    "",
  );
  const slotExpr = (slot: Slot): string => {
    switch (slot.kind) {
      case "primary": return "alicloud_ecs_network_interface.eni.primary_ip_address";
      case "literal": return hcl(slot.address);
      case "secondary": return slot.address ? hcl(slot.address) : `sort(tolist(alicloud_ecs_network_interface.eni.private_ip_addresses))[${slot.index}]`;
    }
  };
  const outputs: string[] = [];
  for (const m of eipMappings(spec)) {
    const n = m.index + 1;
    let allocation: string;
    if (m.source === "allocate") {
      push(
        `resource "alicloud_eip_address" "eip_${n}" {`,
        `  address_name         = ${hcl(`${spec.eipAllocation.namePrefix || "eipilot"}-${n}`)}`,
        `  bandwidth            = ${hcl(String(spec.eipAllocation.bandwidth))}`,
        `  internet_charge_type = ${hcl(spec.eipAllocation.internetChargeType)}`,
        '  payment_type         = "PayAsYouGo"',
        "}",
        "",
      );
      allocation = `alicloud_eip_address.eip_${n}.id`;
      outputs.push(`output "eip_${n}_address" {`, `  value = alicloud_eip_address.eip_${n}.ip_address`, "}", "");
    } else {
      push(`variable "eip_${n}_allocation_id" {`, `  description = "Existing EIP #${n}."`, "  type        = string", "}", "");
      allocation = `var.eip_${n}_allocation_id`;
    }
    push(
      `resource "alicloud_eip_association" "eip_${n}" {`,
      `  allocation_id      = ${allocation}`,
      "  instance_id        = alicloud_ecs_network_interface.eni.id",
      '  instance_type      = "NetworkInterface"',
      '  mode               = "NAT"',
      `  private_ip_address = ${slotExpr(m.slot)}`,
      "  depends_on         = [alicloud_ecs_network_interface_attachment.eni]",
      "}",
      "",
    );
  }
  push("output \"network_interface_id\" {", "  value = alicloud_ecs_network_interface.eni.id", "}", "", ...outputs);
  return out.join("\n").replace(/\n+$/, "\n");
}
