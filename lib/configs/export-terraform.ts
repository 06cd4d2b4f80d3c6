// Terraform (alicloud provider) for the cloud side of a config — the same
// resources as the ROS export, from the same spec and the same EIP mapping:
// alicloud_instance when the config creates the instance (otherwise its id is a
// variable), alicloud_ecs_network_interface with at most 10 secondary IPs (the
// most an unattached ENI may hold) or an existing ENI read through the
// alicloud_ecs_network_interfaces data source (never imported: Terraform would
// then own it, replace it on a changed vSwitch and delete it on destroy), the
// attachment when the ENI is created or the config says it is Available, the
// remaining secondary IPs assigned after that, alicloud_eip_address and
// alicloud_eip_association with instance_type = "NetworkInterface", mode = "NAT"
// and private_ip_address. What exists in one account only (vSwitch, security
// groups, key pair, existing ENI / EIPs) is a variable; the login password is a
// sensitive variable with no default. The text is laid out as `terraform fmt`
// lays it out (formatHcl). Pure; every string from the config is escaped.
import { type ConfigSpec } from "./config.schema";
import { attachesEni, eipMappings, secondarySplit, type Slot } from "./mapping";
import { TF_CORE_VERSION, TF_PROVIDER_VERSION } from "./schemas/alicloud-terraform";

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

/** How the blocks refer to the secondary ENI, whether created here or read from the account. */
type Eni = { id: string; primary: string };

const ENI_DATA = "data.alicloud_ecs_network_interfaces.eni.interfaces[0]";

/** Each builder returns whole blocks, each followed by a blank line; the file is their lines joined and formatted. */
export function exportTerraform(spec: ConfigSpec, meta: Meta): string {
  const eni: Eni =
    spec.eni.mode === "create"
      ? {
          id: "alicloud_ecs_network_interface.eni.id",
          primary: "alicloud_ecs_network_interface.eni.primary_ip_address",
        }
      : { id: `${ENI_DATA}.id`, primary: `${ENI_DATA}.primary_ip_address` };
  const eips = eipBlocks(spec, eni);
  const out = [
    ...headerComment(spec, meta),
    ...providerBlocks(spec),
    ...networkVariables(spec),
    ...(spec.instance.mode === "create" ? newInstanceBlocks(spec.instance) : []),
    // An ENI that stays as it is needs no instance: the EIPs are associated with the ENI.
    ...(spec.instance.mode === "existing" && attachesEni(spec) ? existingInstanceVariable() : []),
    ...(spec.eni.mode === "existing" ? existingEniBlocks(spec) : newEniBlock(spec)),
    ...eniAttachmentBlock(spec, eni),
    ...assignedIpBlocks(spec, eni),
    ...eips.blocks,
    ...outputBlocks(spec.instance, eni, eips.outputs),
  ];
  return formatHcl(out).join("\n").replace(/\n+$/, "\n");
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
    // The association's `mode` needs alicloud 1.217.0 (CHANGELOG); terraform_data needs Terraform 1.4, issue 20 asks 1.5.
    `  required_version = ${hcl(TF_CORE_VERSION)}`,
    "  required_providers {",
    "    alicloud = {",
    '      source = "aliyun/alicloud"',
    `      version = ${hcl(TF_PROVIDER_VERSION)}`,
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

/** The vSwitch and security groups, when something is created in them (a new instance or ENI). */
function networkVariables(spec: ConfigSpec): string[] {
  const inst = spec.instance;
  if (inst.mode !== "create" && spec.eni.mode !== "create") return [];
  const users = [
    inst.mode === "create" ? "the new instance" : "",
    spec.eni.mode === "create" ? "the secondary ENI" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const where = inst.mode === "create" ? ` in zone ${inst.zoneId}` : " (same zone as the instance)";
  return [
    'variable "vswitch_id" {',
    `  description = ${hcl(`vSwitch${where} of ${users}.`)}`,
    "  type = string",
    "}",
    "",
    'variable "security_group_ids" {',
    `  description = ${hcl(`Security groups of ${users}.`)}`,
    "  type = list(string)",
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

/** An existing ENI is read, not managed: Terraform neither changes nor deletes it. */
function existingEniBlocks(spec: ConfigSpec): string[] {
  const available = attachesEni(spec);
  return [
    'variable "network_interface_id" {',
    available
      ? '  description = "An Available (unattached) ENI in the instance\'s VPC and zone: this configuration attaches it."'
      : '  description = "An ENI already attached to the instance: this configuration does not attach it."',
    "  type = string",
    "}",
    "",
    'data "alicloud_ecs_network_interfaces" "eni" {',
    "  ids = [var.network_interface_id]",
    "}",
    "",
  ];
}

/** The explicit secondary addresses from..to as an HCL list, or their count for the cloud to pick. */
function ipsArgument(spec: ConfigSpec, from: number, to: number): { explicit: boolean; value: string } {
  return spec.privateIps.mode === "explicit"
    ? { explicit: true, value: `[${spec.privateIps.addresses.slice(from, to).map(hcl).join(", ")}]` }
    : { explicit: false, value: String(to - from) };
}

/** A new ENI with at most MAX_IPS_UNATTACHED secondary IPs: it is unattached while it is created. */
function newEniBlock(spec: ConfigSpec): string[] {
  const { onEni, assigned } = secondarySplit(spec);
  const out = ['resource "alicloud_ecs_network_interface" "eni" {'];
  if (spec.eni.mode === "create") out.push(`  network_interface_name = ${hcl(spec.eni.name || "eipilot-eni")}`);
  out.push("  vswitch_id = var.vswitch_id", "  security_group_ids = var.security_group_ids");
  if (onEni > 0) {
    const ips = ipsArgument(spec, 0, onEni);
    out.push(
      ips.explicit ? `  private_ip_addresses = ${ips.value}` : `  secondary_private_ip_address_count = ${ips.value}`,
    );
  }
  if (assigned > 0) {
    out.push(
      "  # The rest are assigned after the attachment (alicloud_ros_stack.secondary_ips): keep them on the next plan.",
      "  lifecycle {",
      "    ignore_changes = [private_ip_addresses, secondary_private_ip_address_count]",
      "  }",
    );
  }
  out.push("}", "");
  return out;
}

function eniAttachmentBlock(spec: ConfigSpec, eni: Eni): string[] {
  if (!attachesEni(spec)) return [];
  return [
    'resource "alicloud_ecs_network_interface_attachment" "eni" {',
    `  instance_id = ${spec.instance.mode === "create" ? "alicloud_instance.instance.id" : "var.instance_id"}`,
    `  network_interface_id = ${eni.id}`,
    "}",
    "",
  ];
}

/**
 * The secondary IPs not put on a new ENI at creation (all of them for an
 * existing ENI), assigned once the ENI is attached. The alicloud provider has
 * no resource that assigns private IPs outside alicloud_ecs_network_interface,
 * so a one-resource ROS stack (ALIYUN::ECS::AssignPrivateIpAddresses) does;
 * deleting the stack unassigns them. Addresses the cloud picks are read back
 * once and kept (terraform_data) so that later plans see the same mapping.
 */
function assignedIpBlocks(spec: ConfigSpec, eni: Eni): string[] {
  const { onEni, assigned } = secondarySplit(spec);
  if (assigned === 0) return [];
  const ips = ipsArgument(spec, onEni, onEni + assigned);
  const props = `NetworkInterfaceId = ${eni.id}, ${ips.explicit ? "PrivateIpAddresses" : "SecondaryPrivateIpAddressCount"} = ${ips.value}`;
  const out = [
    'resource "alicloud_ros_stack" "secondary_ips" {',
    `  stack_name = "eipilot-ips-\${${eni.id}}"`,
    `  template_body = jsonencode({ ROSTemplateFormatVersion = "2015-09-01", Resources = { SecondaryIps = { Type = "ALIYUN::ECS::AssignPrivateIpAddresses", Properties = { ${props} } } } })`,
    ...(attachesEni(spec) ? ["  depends_on = [alicloud_ecs_network_interface_attachment.eni]"] : []),
    "}",
    "",
  ];
  if (ips.explicit) return out;
  const after = "data.alicloud_ecs_network_interfaces.eni_ips.interfaces[0].private_ip_addresses";
  return [
    ...out,
    'data "alicloud_ecs_network_interfaces" "eni_ips" {',
    `  ids = [${eni.id}]`,
    "  depends_on = [alicloud_ros_stack.secondary_ips]",
    "}",
    "",
    'resource "terraform_data" "secondary_ips" {',
    spec.eni.mode === "create"
      ? `  input = sort(${after})`
      : // an existing ENI may hold secondary IPs of its own: the new ones are those it did not have at plan time
        `  input = sort(setsubtract(${after}, ${ENI_DATA}.private_ip_addresses))`,
    "  lifecycle {",
    "    ignore_changes = [input]",
    "  }",
    "}",
    "",
  ];
}

/** The private IP an EIP maps to, as an HCL expression. */
function slotExpr(spec: ConfigSpec, eni: Eni, slot: Slot): string {
  switch (slot.kind) {
    case "primary":
      return eni.primary;
    case "literal":
      return hcl(slot.address);
    case "secondary":
      if (slot.address) return hcl(slot.address);
      return secondarySplit(spec).assigned > 0
        ? `terraform_data.secondary_ips.output[${slot.index}]`
        : `sort(tolist(alicloud_ecs_network_interface.eni.private_ip_addresses))[${slot.index}]`;
  }
}

/**
 * Per EIP, in mapping order: the allocated EIP (or a variable for an existing
 * one) and its NAT-mode association; `outputs` are the allocated EIPs' addresses.
 */
function eipBlocks(spec: ConfigSpec, eni: Eni): { blocks: string[]; outputs: string[] } {
  const blocks: string[] = [];
  const outputs: string[] = [];
  const after = [
    ...(attachesEni(spec) ? ["alicloud_ecs_network_interface_attachment.eni"] : []),
    ...(secondarySplit(spec).assigned > 0 ? ["alicloud_ros_stack.secondary_ips"] : []),
  ];
  for (const m of eipMappings(spec)) {
    const n = m.index + 1;
    let allocation: string;
    if (m.source === "allocate") {
      blocks.push(
        `resource "alicloud_eip_address" "eip_${n}" {`,
        `  address_name = ${hcl(`${spec.eipAllocation.namePrefix || "eipilot"}-${n}`)}`,
        `  bandwidth = ${hcl(String(spec.eipAllocation.bandwidth))}`,
        `  internet_charge_type = ${hcl(spec.eipAllocation.internetChargeType)}`,
        '  payment_type = "PayAsYouGo"',
        "}",
        "",
      );
      allocation = `alicloud_eip_address.eip_${n}.id`;
      outputs.push(`output "eip_${n}_address" {`, `  value = alicloud_eip_address.eip_${n}.ip_address`, "}", "");
    } else {
      blocks.push(
        `variable "eip_${n}_allocation_id" {`,
        `  description = "Existing EIP #${n}."`,
        "  type = string",
        "}",
        "",
      );
      allocation = `var.eip_${n}_allocation_id`;
    }
    blocks.push(
      `resource "alicloud_eip_association" "eip_${n}" {`,
      `  allocation_id = ${allocation}`,
      `  instance_id = ${eni.id}`,
      '  instance_type = "NetworkInterface"',
      '  mode = "NAT"',
      `  private_ip_address = ${slotExpr(spec, eni, m.slot)}`,
      ...(after.length ? [`  depends_on = [${after.join(", ")}]`] : []),
      "}",
      "",
    );
  }
  return { blocks, outputs };
}

function outputBlocks(inst: Instance, eni: Eni, eipOutputs: string[]): string[] {
  return [
    ...(inst.mode === "create" ? ['output "instance_id" {', "  value = alicloud_instance.instance.id", "}", ""] : []),
    'output "network_interface_id" {',
    `  value = ${eni.id}`,
    "}",
    "",
    ...eipOutputs,
  ];
}

/**
 * The `=` of an argument line, as hclwrite (terraform fmt) finds it: the first
 * `=` after the line's first token, outside strings, not part of ==, !=, <=,
 * >= or =>, and only when the rest of the line closes every bracket it opens
 * (an argument whose value spans lines is not aligned). -1 when there is none.
 */
export function assignmentColumn(line: string): number {
  const text = line.trimStart();
  if (text === "" || text.startsWith("#") || text.startsWith("//")) return -1;
  let inString = false;
  let eq = -1;
  for (let i = line.length - text.length; i < line.length; i++) {
    const c = line[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "=" && !"=!<>".includes(line[i - 1] ?? "") && line[i + 1] !== "=" && line[i + 1] !== ">") {
      eq = i;
      break;
    }
  }
  if (eq <= line.length - text.length || line.slice(0, eq).trim() === "") return -1;
  return bracketBalance(line.slice(eq)) === 0 ? eq : -1;
}

/** Opening minus closing brackets outside strings. */
function bracketBalance(s: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
  }
  return depth;
}

/**
 * terraform fmt's alignment (hclwrite formatCells): consecutive argument lines
 * form a chain, broken by any other line (blank, comment-only, block or
 * multi-line value); in a chain every `=` stands one space after the longest name.
 */
export function formatHcl(lines: string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  let chain: number[] = [];
  const close = () => {
    const width = Math.max(...chain.map((i) => out[i]!.slice(0, assignmentColumn(out[i]!)).trimEnd().length));
    for (const i of chain) {
      const eq = assignmentColumn(out[i]!);
      out[i] = `${out[i]!.slice(0, eq).trimEnd().padEnd(width)} = ${out[i]!.slice(eq + 1).trimStart()}`;
    }
    chain = [];
  };
  out.forEach((line, i) => {
    if (assignmentColumn(line) >= 0) chain.push(i);
    else if (chain.length) close();
  });
  if (chain.length) close();
  return out;
}
