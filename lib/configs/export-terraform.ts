// Terraform (alicloud provider) for the cloud side of a config — the same
// resources as the ROS export, from the same spec and the same EIP mapping:
// alicloud_instance when the config creates the instance (otherwise its id is a
// variable), alicloud_ecs_network_interface (+ _attachment), alicloud_eip_address
// and alicloud_eip_association with instance_type = "NetworkInterface",
// mode = "NAT" and private_ip_address. What exists in one account only (vSwitch,
// security groups, key pair, existing ENI / EIPs) is a variable; the login
// password is a sensitive variable with no default. Pure; every string from
// the config is escaped.
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

type Meta = { name: string; revision: number };
type Instance = ConfigSpec["instance"];
type NewInstance = Extract<Instance, { mode: "create" }>;

/** Each builder returns whole blocks, each followed by a blank line; the file is their lines joined. */
export function exportTerraform(spec: ConfigSpec, meta: Meta): string {
  const eips = eipBlocks(spec);
  const out = [
    ...headerComment(spec, meta),
    ...providerBlocks(spec),
    ...networkVariables(spec.instance),
    ...(spec.instance.mode === "create" ? newInstanceBlocks(spec.instance) : existingInstanceVariable()),
    ...(spec.eni.mode === "existing" ? existingEniImport() : []),
    ...eniBlock(spec),
    ...eniAttachmentBlock(spec.instance),
    ...eips.blocks,
    ...outputBlocks(spec.instance, eips.outputs),
  ];
  return out.join("\n").replace(/\n+$/, "\n");
}

function headerComment(spec: ConfigSpec, meta: Meta): string[] {
  const inst = spec.instance;
  return [
    `# EIPilot config ${comment(JSON.stringify(meta.name))}, revision ${meta.revision}.`,
    `# ${inst.mode === "create" ? `A new ${inst.instanceType} instance with ` : ""}${spec.eips.length} EIP(s) in NAT mode on a secondary ENI in ${spec.regionId}.`,
    `# Configure the guest OS (addresses, policy routes) with the EIPilot guest bundle.`,
    "",
  ];
}

function providerBlocks(spec: ConfigSpec): string[] {
  return [
    "terraform {",
    "  required_providers {",
    "    alicloud = {",
    '      source = "aliyun/alicloud"',
    "    }",
    "  }",
    "}",
    "",
    'provider "alicloud" {',
    `  region = ${hcl(spec.regionId)}`,
    "}",
    "",
  ];
}

/** The vSwitch and security groups: they exist in one account only. */
function networkVariables(inst: Instance): string[] {
  return [
    'variable "vswitch_id" {',
    inst.mode === "create"
      ? `  description = ${hcl(`vSwitch in zone ${inst.zoneId} of the new instance and the secondary ENI.`)}`
      : '  description = "vSwitch of the secondary ENI (same zone as the instance)."',
    "  type        = string",
    "}",
    "",
    'variable "security_group_ids" {',
    inst.mode === "create"
      ? '  description = "Security groups of the new instance and the secondary ENI."'
      : '  description = "Security groups of the secondary ENI."',
    "  type        = list(string)",
    "}",
    "",
  ];
}

/** The new instance and its variables: image, login password (sensitive, no default) and key pair. */
function newInstanceBlocks(inst: NewInstance): string[] {
  return [
    'variable "image_id" {',
    inst.imageId
      ? '  description = "Image of the new instance: the config\'s public image unless you choose another."'
      : '  description = "Image of the new instance."',
    "  type        = string",
    ...(inst.imageId ? [`  default     = ${hcl(inst.imageId)}`] : []),
    "}",
    "",
    'variable "instance_password" {',
    '  description = "Login password of the new instance (8 to 30 characters); null to log in with the key pair only."',
    "  type        = string",
    "  sensitive   = true",
    "  default     = null",
    "  validation {",
    // A conditional, not ||: older Terraform evaluates both sides of || and length(null) fails.
    "    condition     = var.instance_password == null ? true : (length(var.instance_password) >= 8 && length(var.instance_password) <= 30)",
    '    error_message = "The password has 8 to 30 characters."',
    "  }",
    "}",
    "",
    'variable "key_pair_name" {',
    '  description = "SSH key pair of the new instance; null to log in with the password only."',
    "  type        = string",
    "  default     = null",
    "}",
    "",
    'resource "alicloud_instance" "instance" {',
    `  availability_zone          = ${hcl(inst.zoneId)}`,
    `  instance_type              = ${hcl(inst.instanceType)}`,
    "  image_id                   = var.image_id",
    "  vswitch_id                 = var.vswitch_id",
    "  security_groups            = var.security_group_ids",
    `  system_disk_category       = ${hcl(inst.systemDiskCategory)}`,
    '  instance_charge_type       = "PostPaid"',
    "  # Its public addresses are the EIPs on the secondary ENI.",
    "  internet_max_bandwidth_out = 0",
    "  password                   = var.instance_password",
    "  key_name                   = var.key_pair_name",
    "}",
    "",
  ];
}

function existingInstanceVariable(): string[] {
  return [
    'variable "instance_id" {',
    '  description = "The ECS instance that receives the secondary ENI."',
    "  type        = string",
    "}",
    "",
  ];
}

function existingEniImport(): string[] {
  return [
    'variable "network_interface_id" {',
    '  description = "The existing secondary ENI: imported, then managed by this configuration."',
    "  type        = string",
    "}",
    "",
    "import {",
    "  to = alicloud_ecs_network_interface.eni",
    "  id = var.network_interface_id",
    "}",
    "",
  ];
}

/** The secondary ENI with its secondary private IPs (explicit addresses, or a count). */
function eniBlock(spec: ConfigSpec): string[] {
  const count = secondaryCount(spec);
  const out = ['resource "alicloud_ecs_network_interface" "eni" {'];
  // An imported ENI keeps its owner's name: setting one here would rename it on apply.
  if (spec.eni.mode === "create") out.push(`  network_interface_name = ${hcl(spec.eni.name || "eipilot-eni")}`);
  out.push("  vswitch_id             = var.vswitch_id", "  security_group_ids     = var.security_group_ids");
  if (count > 0) {
    if (spec.privateIps.mode === "explicit")
      out.push(`  private_ip_addresses   = [${spec.privateIps.addresses.map(hcl).join(", ")}]`);
    else out.push(`  secondary_private_ip_address_count = ${count}`);
  }
  out.push("}", "");
  return out;
}

function eniAttachmentBlock(inst: Instance): string[] {
  return [
    'resource "alicloud_ecs_network_interface_attachment" "eni" {',
    `  instance_id          = ${inst.mode === "create" ? "alicloud_instance.instance.id" : "var.instance_id"}`,
    "  network_interface_id = alicloud_ecs_network_interface.eni.id",
    "}",
    "",
  ];
}

/** The private IP an EIP maps to, as an HCL expression. */
function slotExpr(slot: Slot): string {
  switch (slot.kind) {
    case "primary":
      return "alicloud_ecs_network_interface.eni.primary_ip_address";
    case "literal":
      return hcl(slot.address);
    case "secondary":
      return slot.address
        ? hcl(slot.address)
        : `sort(tolist(alicloud_ecs_network_interface.eni.private_ip_addresses))[${slot.index}]`;
  }
}

/**
 * Per EIP, in mapping order: the allocated EIP (or a variable for an existing
 * one) and its NAT-mode association; `outputs` are the allocated EIPs' addresses.
 */
function eipBlocks(spec: ConfigSpec): { blocks: string[]; outputs: string[] } {
  const blocks: string[] = [];
  const outputs: string[] = [];
  for (const m of eipMappings(spec)) {
    const n = m.index + 1;
    let allocation: string;
    if (m.source === "allocate") {
      blocks.push(
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
      blocks.push(
        `variable "eip_${n}_allocation_id" {`,
        `  description = "Existing EIP #${n}."`,
        "  type        = string",
        "}",
        "",
      );
      allocation = `var.eip_${n}_allocation_id`;
    }
    blocks.push(
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
  return { blocks, outputs };
}

function outputBlocks(inst: Instance, eipOutputs: string[]): string[] {
  return [
    ...(inst.mode === "create" ? ['output "instance_id" {', "  value = alicloud_instance.instance.id", "}", ""] : []),
    'output "network_interface_id" {',
    "  value = alicloud_ecs_network_interface.eni.id",
    "}",
    "",
    ...eipOutputs,
  ];
}
