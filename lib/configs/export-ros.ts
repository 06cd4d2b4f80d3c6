// Alibaba Cloud ROS template (JSON) for the cloud side of a config: a secondary
// ENI (created, or an existing one given as a parameter) with its secondary
// private IPs, attached to an existing instance (parameter), and one EIP per
// mapped private IP, associated in NAT mode with the ENI's private IP
// (ALIYUN::VPC::EIPAssociation, InstanceId = the ENI). Guest-OS routes are not
// a cloud resource: they come from the guest bundle. Pure.
import { secondaryCount, type ConfigSpec } from "./config.schema";
import { eipMappings, type Slot } from "./mapping";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function exportRos(spec: ConfigSpec, meta: { name: string; revision: number }): Record<string, Json> {
  const parameters: Record<string, Json> = {
    InstanceId: {
      Type: "String",
      AssociationProperty: "ALIYUN::ECS::Instance::InstanceId",
      Label: "ECS instance",
      Description: spec.instance.mode === "create"
        ? `An existing ECS instance (the config describes ${spec.instance.instanceType} in ${spec.instance.zoneId}; this template does not create instances).`
        : "The ECS instance that receives the secondary ENI.",
    },
  };
  const resources: Record<string, Json> = {};
  const eniRef: Json = spec.eni.mode === "create" ? { "Fn::GetAtt": ["Eni", "NetworkInterfaceId"] } : { Ref: "NetworkInterfaceId" };
  const count = secondaryCount(spec);
  const secondaryList: Json = spec.privateIps.mode === "explicit" ? spec.privateIps.addresses : { Ref: "SecondaryPrivateIpAddresses" };
  if (spec.privateIps.mode === "count" && count > 0) {
    parameters.SecondaryPrivateIpAddresses = {
      Type: "CommaDelimitedList",
      Label: "Secondary private IPs",
      Description: `Exactly ${count} idle addresses in the ENI's vSwitch CIDR, comma-separated (the config asks for ${count}).`,
    };
  }
  if (spec.usePrimaryIp) {
    parameters.EniPrimaryIpAddress = { Type: "String", Label: "ENI primary private IP", Description: "The ENI's primary private IP (it carries an EIP too)." };
  }

  if (spec.eni.mode === "create") {
    parameters.VSwitchId = { Type: "String", AssociationProperty: "ALIYUN::VPC::VSwitch::VSwitchId", Label: "vSwitch (same zone as the instance)" };
    parameters.SecurityGroupId = { Type: "String", AssociationProperty: "ALIYUN::ECS::SecurityGroup::SecurityGroupId", Label: "Security group" };
    resources.Eni = {
      Type: "ALIYUN::ECS::NetworkInterface",
      Properties: {
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
        NetworkInterfaceName: spec.eni.name && /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/.test(spec.eni.name) ? spec.eni.name : "eipilot-eni",
        ...(spec.usePrimaryIp ? { PrimaryIpAddress: { Ref: "EniPrimaryIpAddress" } } : {}),
        ...(count > 0 ? { PrivateIpAddresses: secondaryList } : {}),
      },
    };
  } else {
    parameters.NetworkInterfaceId = { Type: "String", Label: "Existing secondary ENI", Description: "An ENI in the instance's VPC and zone (Available or already attached)." };
    if (count > 0) {
      resources.SecondaryIps = {
        Type: "ALIYUN::ECS::AssignPrivateIpAddresses",
        Properties: { NetworkInterfaceId: { Ref: "NetworkInterfaceId" }, PrivateIpAddresses: secondaryList },
      };
    }
  }
  resources.EniAttachment = {
    Type: "ALIYUN::ECS::NetworkInterfaceAttachment",
    Properties: { InstanceId: { Ref: "InstanceId" }, NetworkInterfaceId: eniRef },
  };

  const slotRef = (slot: Slot): Json => {
    switch (slot.kind) {
      case "primary": return { Ref: "EniPrimaryIpAddress" };
      case "literal": return slot.address;
      case "secondary": return slot.address ?? { "Fn::Select": [String(slot.index), { Ref: "SecondaryPrivateIpAddresses" }] };
    }
  };
  const outputs: Record<string, Json> = { NetworkInterfaceId: { Value: eniRef } };
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
      parameters[`EipAllocationId${n}`] = { Type: "String", AssociationProperty: "ALIYUN::VPC::EIP::AllocationId", Label: `Existing EIP #${n}` };
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
    Description: `EIPilot config "${meta.name}" revision ${meta.revision}: ${spec.eips.length} EIP(s) in NAT mode on a secondary ENI (${spec.regionId}). Configure the guest OS with the EIPilot guest bundle.`,
    Parameters: parameters,
    Resources: resources,
    Outputs: outputs,
  };
}
