// Terraform (alicloud provider) for the cloud side of a config — the same
// resources as the ROS export, from the same spec and the same EIP mapping:
// alicloud_instance when the config creates the instance (otherwise its id is a
// variable), then every ENI of the config: alicloud_ecs_network_interface with
// at most 9 secondary IPs (10 private IPs with its primary one, the most an
// unattached ENI may hold), or an existing ENI read through the
// alicloud_ecs_network_interfaces data source (never imported: Terraform would
// then own it, replace it on a changed vSwitch and delete it on destroy), or the
// instance's own primary ENI (alicloud_instance's network_interface_id and
// secondary_private_ip_address_count / secondary_private_ips for a new
// instance; the data source with instance_id and type = "Primary" for an
// existing one); the attachment when the ENI is created or the config says it
// is Available (never for the primary ENI), the remaining secondary IPs
// assigned after that, alicloud_eip_address and alicloud_eip_association with
// instance_type = "NetworkInterface", mode = "NAT" and private_ip_address. What
// exists in one account only (vSwitch, security groups, key pair, existing ENIs
// / EIPs) is a variable; the login password is a sensitive variable with no
// default. The text is laid out as `terraform fmt` lays it out (formatHcl).
// Pure; every string from the config is escaped.
import { configEips, type ConfigEniEntry, type ConfigSpec } from "./config.schema";
import { attachesAnyEni, attachesEni, eipMappings, eniEntries, secondarySplit, type Slot } from "./mapping";
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

/**
 * How the blocks refer to ENI k, whether created here, read from the account or
 * the instance's primary ENI: `sfx` names its blocks ("" for the first ENI,
 * "_2", "_3", … after it), `data` is the data source element read at plan time
 * (existing and primary ENIs of an existing instance).
 */
type Eni = { e: ConfigEniEntry; k: number; sfx: string; id: string; primary: string; data?: string };

function eniRef(spec: ConfigSpec, e: ConfigEniEntry, k: number): Eni {
  const sfx = k === 0 ? "" : `_${k + 1}`;
  if (e.eni.mode === "create") {
    const r = `alicloud_ecs_network_interface.eni${sfx}`;
    return { e, k, sfx, id: `${r}.id`, primary: `${r}.primary_ip_address` };
  }
  if (e.eni.mode === "primary" && spec.instance.mode === "create")
    return {
      e,
      k,
      sfx,
      id: "alicloud_instance.instance.network_interface_id",
      primary: "alicloud_instance.instance.private_ip",
    };
  const data = `data.alicloud_ecs_network_interfaces.${e.eni.mode === "primary" ? "primary_eni" : `eni${sfx}`}.interfaces[0]`;
  return { e, k, sfx, id: `${data}.id`, primary: `${data}.primary_ip_address`, data };
}

/** Each builder returns whole blocks, each followed by a blank line; the file is their lines joined and formatted. */
export function exportTerraform(spec: ConfigSpec, meta: Meta): string {
  const enis = eniEntries(spec).map(({ e, k, first }) => ({ eni: eniRef(spec, e, k), first }));
  const eips = enis.map(({ eni, first }) => eipBlocks(spec, eni, first));
  const needsInstance = attachesAnyEni(spec) || spec.enis.some((e) => e.eni.mode === "primary");
  const out = [
    ...headerComment(spec, meta),
    ...providerBlocks(spec),
    ...networkVariables(spec),
    ...(spec.instance.mode === "create" ? newInstanceBlocks(spec.instance, primaryEntry(spec)) : []),
    // ENIs that stay as they are need no instance: the EIPs are associated with the ENIs.
    ...(spec.instance.mode === "existing" && needsInstance ? existingInstanceVariable() : []),
    ...enis.flatMap(({ eni }) => [
      ...eniBlocks(spec, eni),
      ...eniAttachmentBlock(spec, eni),
      ...assignedIpBlocks(spec, eni),
    ]),
    ...eips.flatMap((x) => x.blocks),
    ...outputBlocks(
      spec.instance,
      enis.map((x) => x.eni),
      eips.flatMap((x) => x.outputs),
    ),
  ];
  return formatHcl(out).join("\n").replace(/\n+$/, "\n");
}

/** The primary-ENI entry of the config, if it has one. */
function primaryEntry(spec: ConfigSpec): ConfigEniEntry | undefined {
  return spec.enis.find((e) => e.eni.mode === "primary");
}

function headerComment(spec: ConfigSpec, meta: Meta): string[] {
  const inst = spec.instance;
  return [
    `# EIPilot config ${comment(JSON.stringify(meta.name))}, revision ${meta.revision}.`,
    `# ${inst.mode === "create" ? `A new ${inst.instanceType} instance with ` : ""}${configEips(spec).length} EIP(s) in NAT mode on ${spec.enis.length} ENI(s)${primaryEntry(spec) ? " (one of them the instance's primary ENI)" : ""} in ${spec.regionId}.`,
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
  const created = spec.enis.filter((e) => e.eni.mode === "create").length;
  if (inst.mode !== "create" && created === 0) return [];
  const users = [
    inst.mode === "create" ? "the new instance" : "",
    created > 1 ? "the new secondary ENIs" : created === 1 ? "the new secondary ENI" : "",
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

/**
 * The new instance and its variables: image, login password (sensitive, no
 * default) and key pair; with the config's primary-ENI entry, the secondary IPs
 * of its primary ENI too (the provider assigns them once the instance runs).
 */
function newInstanceBlocks(inst: NewInstance, primary: ConfigEniEntry | undefined): string[] {
  const ips =
    primary && secondarySplit(primary).assigned > 0 ? ipsArgument(primary, 0, secondarySplit(primary).assigned) : null;
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
    ...(ips
      ? [
          "  # Secondary IPs of its primary ENI: NAT-mode EIPs are associated with them.",
          ips.explicit
            ? `  secondary_private_ips = ${ips.value}`
            : `  secondary_private_ip_address_count = ${ips.value}`,
        ]
      : []),
    "}",
    "",
  ];
}

function existingInstanceVariable(): string[] {
  return [
    'variable "instance_id" {',
    '  description = "The ECS instance whose ENIs carry the EIPs."',
    "  type        = string",
    "}",
    "",
  ];
}

/** ENI k's own blocks: a new ENI, or the data source that reads an existing one (read, not managed). */
function eniBlocks(spec: ConfigSpec, eni: Eni): string[] {
  const { e, sfx } = eni;
  if (e.eni.mode === "create") return newEniBlock(eni);
  if (e.eni.mode === "primary")
    return spec.instance.mode === "create"
      ? []
      : [
          'data "alicloud_ecs_network_interfaces" "primary_eni" {',
          "  instance_id = var.instance_id",
          '  type = "Primary"',
          "}",
          "",
        ];
  return [
    `variable "network_interface_id${sfx}" {`,
    attachesEni(spec, e)
      ? '  description = "An Available (unattached) ENI in the instance\'s VPC and zone: this configuration attaches it."'
      : '  description = "An ENI already attached to the instance: this configuration does not attach it."',
    "  type = string",
    "}",
    "",
    `data "alicloud_ecs_network_interfaces" "eni${sfx}" {`,
    `  ids = [var.network_interface_id${sfx}]`,
    "}",
    "",
  ];
}

/** The explicit secondary addresses from..to as an HCL list, or their count for the cloud to pick. */
function ipsArgument(e: ConfigEniEntry, from: number, to: number): { explicit: boolean; value: string } {
  return e.privateIps.mode === "explicit"
    ? { explicit: true, value: `[${e.privateIps.addresses.slice(from, to).map(hcl).join(", ")}]` }
    : { explicit: false, value: String(to - from) };
}

/** A new ENI with at most MAX_IPS_UNATTACHED - 1 secondary IPs: it is unattached while it is created. */
function newEniBlock({ e, sfx }: Eni): string[] {
  const { onEni, assigned } = secondarySplit(e);
  const out = [`resource "alicloud_ecs_network_interface" "eni${sfx}" {`];
  if (e.eni.mode === "create")
    out.push(`  network_interface_name = ${hcl(e.eni.name || `eipilot-eni${sfx.replace("_", "")}`)}`);
  out.push("  vswitch_id = var.vswitch_id", "  security_group_ids = var.security_group_ids");
  if (onEni > 0) {
    const ips = ipsArgument(e, 0, onEni);
    out.push(
      ips.explicit ? `  private_ip_addresses = ${ips.value}` : `  secondary_private_ip_address_count = ${ips.value}`,
    );
  }
  if (assigned > 0) {
    out.push(
      `  # The rest are assigned after the attachment (alicloud_ros_stack.secondary_ips${sfx}): keep them on the next plan.`,
      "  lifecycle {",
      "    ignore_changes = [private_ip_addresses, secondary_private_ip_address_count]",
      "  }",
    );
  }
  out.push("}", "");
  return out;
}

function eniAttachmentBlock(spec: ConfigSpec, eni: Eni): string[] {
  if (!attachesEni(spec, eni.e)) return [];
  return [
    `resource "alicloud_ecs_network_interface_attachment" "eni${eni.sfx}" {`,
    `  instance_id = ${spec.instance.mode === "create" ? "alicloud_instance.instance.id" : "var.instance_id"}`,
    `  network_interface_id = ${eni.id}`,
    "}",
    "",
  ];
}

/** Whether ENI k's remaining secondary IPs are assigned by a ROS stack (not by the new instance itself). */
function assignsByStack(spec: ConfigSpec, eni: Eni): boolean {
  return secondarySplit(eni.e).assigned > 0 && !(eni.e.eni.mode === "primary" && spec.instance.mode === "create");
}

/**
 * The secondary IPs not put on a new ENI at creation (all of them for an
 * existing ENI and for an existing instance's primary ENI), assigned once the
 * ENI is attached. The alicloud provider assigns private IPs only inside
 * alicloud_ecs_network_interface (and alicloud_instance, for its primary ENI):
 * both send every address with the create call, or assign them on a later
 * apply that changes the count — neither can create small, attach, then assign
 * within one apply. So a one-resource ROS stack
 * (ALIYUN::ECS::AssignPrivateIpAddresses) assigns them after the attachment;
 * deleting the stack unassigns them. Addresses the cloud picks are read back
 * once and kept (terraform_data) so that later plans see the same mapping.
 */
function assignedIpBlocks(spec: ConfigSpec, eni: Eni): string[] {
  if (!assignsByStack(spec, eni)) return [];
  const { e, sfx } = eni;
  const { onEni, assigned } = secondarySplit(e);
  const ips = ipsArgument(e, onEni, onEni + assigned);
  const props = `NetworkInterfaceId = ${eni.id}, ${ips.explicit ? "PrivateIpAddresses" : "SecondaryPrivateIpAddressCount"} = ${ips.value}`;
  const out = [
    `resource "alicloud_ros_stack" "secondary_ips${sfx}" {`,
    `  stack_name = "eipilot-ips-\${${eni.id}}"`,
    `  template_body = jsonencode({ ROSTemplateFormatVersion = "2015-09-01", Resources = { SecondaryIps = { Type = "ALIYUN::ECS::AssignPrivateIpAddresses", Properties = { ${props} } } } })`,
    ...(attachesEni(spec, e) ? [`  depends_on = [alicloud_ecs_network_interface_attachment.eni${sfx}]`] : []),
    "}",
    "",
  ];
  if (ips.explicit) return out;
  const after = `data.alicloud_ecs_network_interfaces.eni${sfx}_ips.interfaces[0].private_ip_addresses`;
  return [
    ...out,
    `data "alicloud_ecs_network_interfaces" "eni${sfx}_ips" {`,
    `  ids = [${eni.id}]`,
    `  depends_on = [alicloud_ros_stack.secondary_ips${sfx}]`,
    "}",
    "",
    `resource "terraform_data" "secondary_ips${sfx}" {`,
    eni.data
      ? // an existing ENI may hold secondary IPs of its own: the new ones are those it did not have at plan time
        `  input = sort(setsubtract(${after}, ${eni.data}.private_ip_addresses))`
      : `  input = sort(${after})`,
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
      if (eni.e.eni.mode === "primary" && spec.instance.mode === "create")
        return `sort(tolist(alicloud_instance.instance.secondary_private_ips))[${slot.index}]`;
      return assignsByStack(spec, eni)
        ? `terraform_data.secondary_ips${eni.sfx}.output[${slot.index}]`
        : `sort(tolist(alicloud_ecs_network_interface.eni${eni.sfx}.private_ip_addresses))[${slot.index}]`;
  }
}

/**
 * Per EIP of ENI k, in mapping order: the allocated EIP (or a variable for an
 * existing one) and its NAT-mode association; `outputs` are the allocated EIPs' addresses.
 */
function eipBlocks(spec: ConfigSpec, eni: Eni, first: number): { blocks: string[]; outputs: string[] } {
  const blocks: string[] = [];
  const outputs: string[] = [];
  const after = [
    ...(attachesEni(spec, eni.e) ? [`alicloud_ecs_network_interface_attachment.eni${eni.sfx}`] : []),
    ...(assignsByStack(spec, eni) ? [`alicloud_ros_stack.secondary_ips${eni.sfx}`] : []),
  ];
  for (const m of eipMappings(eni.e, first)) {
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

function outputBlocks(inst: Instance, enis: Eni[], eipOutputs: string[]): string[] {
  return [
    ...(inst.mode === "create" ? ['output "instance_id" {', "  value = alicloud_instance.instance.id", "}", ""] : []),
    ...enis.flatMap((eni) => [`output "network_interface_id${eni.sfx}" {`, `  value = ${eni.id}`, "}", ""]),
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
