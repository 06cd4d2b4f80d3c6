// Alibaba Cloud ROS template (JSON) for the cloud side of a config: the ECS
// instance when the config creates one (ALIYUN::ECS::Instance; otherwise an
// existing instance is a parameter), a secondary ENI (created, or an existing
// one given as a parameter) with its secondary private IPs, attached to the
// instance, and one EIP per mapped private IP, associated in NAT mode with the
// ENI's private IP (ALIYUN::VPC::EIPAssociation, InstanceId = the ENI).
// Everything that exists in one account only — vSwitch, security group, key
// pair, existing ENI / EIPs — is a parameter; the login password is a NoEcho
// parameter with an empty default (a config never holds one). Guest-OS routes
// are not a cloud resource: they come from the guest bundle. Pure.
import { secondaryCount, type ConfigSpec } from "./config.schema";
import { eipMappings, type Slot } from "./mapping";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

type Meta = { name: string; revision: number };
type NewInstance = Extract<ConfigSpec["instance"], { mode: "create" }>;

/**
 * The template's sections as the builders fill them. Each builder adds its
 * entries in turn: the order they are called in is the order of the keys in the
 * rendered JSON.
 */
type Template = {
  parameters: Record<string, Json>;
  conditions: Record<string, Json>;
  resources: Record<string, Json>;
  outputs: Record<string, Json>;
};

export function exportRos(spec: ConfigSpec, meta: Meta): Record<string, Json> {
  const t: Template = { parameters: {}, conditions: {}, resources: {}, outputs: {} };
  const inst = spec.instance;
  addNetworkParameters(t, spec);
  const instanceRef = inst.mode === "create" ? addNewInstance(t, inst) : addExistingInstanceParameter(t);
  const eniRef: Json =
    spec.eni.mode === "create" ? { "Fn::GetAtt": ["Eni", "NetworkInterfaceId"] } : { Ref: "NetworkInterfaceId" };
  addPrivateIpParameters(t, spec);
  addEni(t, spec);
  t.resources.EniAttachment = {
    Type: "ALIYUN::ECS::NetworkInterfaceAttachment",
    Properties: { InstanceId: instanceRef, NetworkInterfaceId: eniRef },
  };
  t.outputs.NetworkInterfaceId = { Value: eniRef };
  addEips(t, spec, eniRef);

  return {
    ROSTemplateFormatVersion: "2015-09-01",
    Description: `EIPilot config "${meta.name}" revision ${meta.revision}: ${inst.mode === "create" ? `a new ${inst.instanceType} instance with ` : ""}${spec.eips.length} EIP(s) in NAT mode on a secondary ENI (${spec.regionId}). Configure the guest OS with the EIPilot guest bundle.`,
    Parameters: t.parameters,
    ...(Object.keys(t.conditions).length ? { Conditions: t.conditions } : {}),
    Resources: t.resources,
    Outputs: t.outputs,
  };
}

/** The vSwitch and security group, when something is created in them (a new instance or ENI). */
function addNetworkParameters({ parameters }: Template, spec: ConfigSpec) {
  const inst = spec.instance;
  if (inst.mode !== "create" && spec.eni.mode !== "create") return;
  const users = [
    inst.mode === "create" ? "the new instance" : "",
    spec.eni.mode === "create" ? "the secondary ENI" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const zone = inst.mode === "create" ? ` in zone ${inst.zoneId}` : " (same zone as the instance)";
  parameters.VSwitchId = {
    Type: "String",
    AssociationProperty: "ALIYUN::VPC::VSwitch::VSwitchId",
    Label: `vSwitch${zone}`,
    Description: `The vSwitch of ${users}.`,
  };
  parameters.SecurityGroupId = {
    Type: "String",
    AssociationProperty: "ALIYUN::ECS::SecurityGroup::SecurityGroupId",
    Label: "Security group",
    Description: `The security group of ${users} (in the vSwitch's VPC).`,
  };
}

/** The new instance with its image, password (NoEcho) and key pair parameters; returns its id. */
function addNewInstance({ parameters, conditions, resources, outputs }: Template, inst: NewInstance): Json {
  parameters.ImageId = {
    Type: "String",
    AssociationProperty: "ALIYUN::ECS::Image::ImageId",
    Label: "Image",
    ...(inst.imageId
      ? { Default: inst.imageId, Description: "The config's public image; any image of the region will do." }
      : { Description: "An image for the new instance." }),
  };
  parameters.InstancePassword = {
    Type: "String",
    NoEcho: true,
    Default: "",
    Label: "Instance login password",
    Description:
      "8 to 30 characters with three of: upper case, lower case, digits, symbols. Leave empty to log in with the key pair only.",
  };
  parameters.KeyPairName = {
    Type: "String",
    Default: "",
    Label: "Key pair",
    Description: "An SSH key pair of the account. Leave empty to log in with the password.",
  };
  conditions.HasInstancePassword = { "Fn::Not": { "Fn::Equals": ["", { Ref: "InstancePassword" }] } };
  conditions.HasKeyPair = { "Fn::Not": { "Fn::Equals": ["", { Ref: "KeyPairName" }] } };
  resources.Instance = {
    Type: "ALIYUN::ECS::Instance",
    Properties: {
      ZoneId: inst.zoneId,
      InstanceType: inst.instanceType,
      ImageId: { Ref: "ImageId" },
      VSwitchId: { Ref: "VSwitchId" },
      SecurityGroupId: { Ref: "SecurityGroupId" },
      SystemDiskCategory: inst.systemDiskCategory,
      InstanceChargeType: "PostPaid",
      // Its public addresses are the EIPs on the secondary ENI.
      AllocatePublicIP: false,
      Password: { "Fn::If": ["HasInstancePassword", { Ref: "InstancePassword" }, { Ref: "ALIYUN::NoValue" }] },
      KeyPairName: { "Fn::If": ["HasKeyPair", { Ref: "KeyPairName" }, { Ref: "ALIYUN::NoValue" }] },
    },
  };
  const instanceRef = { "Fn::GetAtt": ["Instance", "InstanceId"] };
  outputs.InstanceId = { Value: instanceRef };
  return instanceRef;
}

function addExistingInstanceParameter({ parameters }: Template): Json {
  parameters.InstanceId = {
    Type: "String",
    AssociationProperty: "ALIYUN::ECS::Instance::InstanceId",
    Label: "ECS instance",
    Description: "The ECS instance that receives the secondary ENI.",
  };
  return { Ref: "InstanceId" };
}

/** The ENI's secondary private IPs: a literal list, or a parameter when the config gives only a count. */
function secondaryList(spec: ConfigSpec): Json {
  return spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : { Ref: "SecondaryPrivateIpAddresses" };
}

function addPrivateIpParameters({ parameters }: Template, spec: ConfigSpec) {
  const count = secondaryCount(spec);
  if (spec.privateIps.mode === "count" && count > 0) {
    parameters.SecondaryPrivateIpAddresses = {
      Type: "CommaDelimitedList",
      Label: "Secondary private IPs",
      Description: `Exactly ${count} idle addresses in the ENI's vSwitch CIDR, comma-separated (the config asks for ${count}).`,
    };
  }
  if (spec.usePrimaryIp) {
    parameters.EniPrimaryIpAddress = {
      Type: "String",
      Label: "ENI primary private IP",
      Description: "The ENI's primary private IP (it carries an EIP too).",
    };
  }
}

/** A new ENI with its private IPs, or an existing one as a parameter with its secondary IPs assigned. */
function addEni({ parameters, resources }: Template, spec: ConfigSpec) {
  const count = secondaryCount(spec);
  if (spec.eni.mode === "create") {
    resources.Eni = {
      Type: "ALIYUN::ECS::NetworkInterface",
      Properties: {
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
        NetworkInterfaceName:
          spec.eni.name && /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/.test(spec.eni.name) ? spec.eni.name : "eipilot-eni",
        ...(spec.usePrimaryIp ? { PrimaryIpAddress: { Ref: "EniPrimaryIpAddress" } } : {}),
        ...(count > 0 ? { PrivateIpAddresses: secondaryList(spec) } : {}),
      },
    };
  } else {
    parameters.NetworkInterfaceId = {
      Type: "String",
      Label: "Existing secondary ENI",
      Description: "An ENI in the instance's VPC and zone (Available or already attached).",
    };
    if (count > 0) {
      resources.SecondaryIps = {
        Type: "ALIYUN::ECS::AssignPrivateIpAddresses",
        Properties: { NetworkInterfaceId: { Ref: "NetworkInterfaceId" }, PrivateIpAddresses: secondaryList(spec) },
      };
    }
  }
}

/** The private IP an EIP maps to, as a ROS value. */
function slotRef(slot: Slot): Json {
  switch (slot.kind) {
    case "primary":
      return { Ref: "EniPrimaryIpAddress" };
    case "literal":
      return slot.address;
    case "secondary":
      return slot.address ?? { "Fn::Select": [String(slot.index), { Ref: "SecondaryPrivateIpAddresses" }] };
  }
}

/** Per EIP, in mapping order: the allocated EIP (or a parameter for an existing one) and its NAT-mode association. */
function addEips({ parameters, resources, outputs }: Template, spec: ConfigSpec, eniRef: Json) {
  for (const m of eipMappings(spec)) {
    const n = m.index + 1;
    let allocation: Json;
    if (m.source === "allocate") {
      resources[`Eip${n}`] = {
        Type: "ALIYUN::VPC::EIP",
        Properties: {
          Bandwidth: spec.eipAllocation.bandwidth,
          InternetChargeType: spec.eipAllocation.internetChargeType,
          Name: `${spec.eipAllocation.namePrefix || "eipilot"}-${n}`,
        },
      };
      allocation = { "Fn::GetAtt": [`Eip${n}`, "AllocationId"] };
      outputs[`EipAddress${n}`] = { Value: { "Fn::GetAtt": [`Eip${n}`, "EipAddress"] } };
    } else {
      parameters[`EipAllocationId${n}`] = {
        Type: "String",
        AssociationProperty: "ALIYUN::VPC::EIP::AllocationId",
        Label: `Existing EIP #${n}`,
      };
      allocation = { Ref: `EipAllocationId${n}` };
    }
    resources[`EipAssociation${n}`] = {
      Type: "ALIYUN::VPC::EIPAssociation",
      DependsOn: ["EniAttachment", ...(resources.SecondaryIps ? ["SecondaryIps"] : [])],
      Properties: { AllocationId: allocation, InstanceId: eniRef, PrivateIpAddress: slotRef(m.slot), Mode: "NAT" },
    };
  }
}
