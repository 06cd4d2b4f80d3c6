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

export function exportRos(spec: ConfigSpec, meta: { name: string; revision: number }): Record<string, Json> {
  const parameters: Record<string, Json> = {};
  const conditions: Record<string, Json> = {};
  const resources: Record<string, Json> = {};
  const outputs: Record<string, Json> = {};
  const inst = spec.instance;
  const needsNetwork = inst.mode === "create" || spec.eni.mode === "create";
  if (needsNetwork) {
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
  let instanceRef: Json;
  if (inst.mode === "create") {
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
    instanceRef = { "Fn::GetAtt": ["Instance", "InstanceId"] };
    outputs.InstanceId = { Value: instanceRef };
  } else {
    parameters.InstanceId = {
      Type: "String",
      AssociationProperty: "ALIYUN::ECS::Instance::InstanceId",
      Label: "ECS instance",
      Description: "The ECS instance that receives the secondary ENI.",
    };
    instanceRef = { Ref: "InstanceId" };
  }
  const eniRef: Json =
    spec.eni.mode === "create" ? { "Fn::GetAtt": ["Eni", "NetworkInterfaceId"] } : { Ref: "NetworkInterfaceId" };
  const count = secondaryCount(spec);
  const secondaryList: Json =
    spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : { Ref: "SecondaryPrivateIpAddresses" };
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

  if (spec.eni.mode === "create") {
    resources.Eni = {
      Type: "ALIYUN::ECS::NetworkInterface",
      Properties: {
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
        NetworkInterfaceName:
          spec.eni.name && /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/.test(spec.eni.name) ? spec.eni.name : "eipilot-eni",
        ...(spec.usePrimaryIp ? { PrimaryIpAddress: { Ref: "EniPrimaryIpAddress" } } : {}),
        ...(count > 0 ? { PrivateIpAddresses: secondaryList } : {}),
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
        Properties: { NetworkInterfaceId: { Ref: "NetworkInterfaceId" }, PrivateIpAddresses: secondaryList },
      };
    }
  }
  resources.EniAttachment = {
    Type: "ALIYUN::ECS::NetworkInterfaceAttachment",
    Properties: { InstanceId: instanceRef, NetworkInterfaceId: eniRef },
  };

  const slotRef = (slot: Slot): Json => {
    switch (slot.kind) {
      case "primary":
        return { Ref: "EniPrimaryIpAddress" };
      case "literal":
        return slot.address;
      case "secondary":
        return slot.address ?? { "Fn::Select": [String(slot.index), { Ref: "SecondaryPrivateIpAddresses" }] };
    }
  };
  outputs.NetworkInterfaceId = { Value: eniRef };
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

  return {
    ROSTemplateFormatVersion: "2015-09-01",
    Description: `EIPilot config "${meta.name}" revision ${meta.revision}: ${inst.mode === "create" ? `a new ${inst.instanceType} instance with ` : ""}${spec.eips.length} EIP(s) in NAT mode on a secondary ENI (${spec.regionId}). Configure the guest OS with the EIPilot guest bundle.`,
    Parameters: parameters,
    ...(Object.keys(conditions).length ? { Conditions: conditions } : {}),
    Resources: resources,
    Outputs: outputs,
  };
}
