// Alibaba Cloud ROS template (JSON) for the cloud side of a config: the ECS
// instance when the config creates one (ALIYUN::ECS::Instance; otherwise an
// existing instance is a parameter), a secondary ENI (created with at most 10
// secondary IPs, the most an unattached ENI may hold, or an existing one given
// as a parameter), attached to the instance when it is created or the config
// says it is Available, the remaining secondary IPs assigned after that
// (ALIYUN::ECS::AssignPrivateIpAddresses), and one EIP per mapped private IP,
// associated in NAT mode with the ENI's private IP, one association after the
// other (ALIYUN::VPC::EIPAssociation, InstanceId = the ENI). Addresses the
// config leaves to the cloud are picked by ROS (SecondaryPrivateIpAddressCount)
// and read back with Fn::GetAtt. Everything that exists in one account only —
// vSwitch, security group, key pair, existing ENI / EIPs — is a parameter; the
// login password is a NoEcho parameter with an empty default (a config never
// holds one). Guest-OS routes are not a cloud resource: they come from the
// guest bundle. Pure.
import { type ConfigSpec } from "./config.schema";
import { attachesEni, eipMappings, secondarySplit, type Slot } from "./mapping";

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
  // An ENI that stays as it is needs no instance: the EIPs are associated with the ENI.
  const instanceRef =
    inst.mode === "create" ? addNewInstance(t, inst) : attachesEni(spec) ? addExistingInstanceParameter(t) : null;
  const eniRef = addEni(t, spec, instanceRef);
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

/** The explicit secondary addresses from..to, or a count for ROS to pick (SecondaryPrivateIpAddressCount). */
function ipsProperty(spec: ConfigSpec, from: number, to: number): Record<string, Json> {
  return spec.privateIps.mode === "explicit"
    ? { PrivateIpAddresses: spec.privateIps.addresses.slice(from, to) }
    : { SecondaryPrivateIpAddressCount: to - from };
}

/**
 * A new ENI with at most MAX_IPS_UNATTACHED secondary IPs (it is unattached
 * while it is created), or an existing one as a parameter; then the
 * attachment when the ENI is created or the config says it is Available; then
 * the remaining secondary IPs, assigned once the ENI is attached.
 */
function addEni({ parameters, resources, outputs }: Template, spec: ConfigSpec, instanceRef: Json): Json {
  const { onEni, assigned } = secondarySplit(spec);
  let eniRef: Json;
  if (spec.eni.mode === "create") {
    resources.Eni = {
      Type: "ALIYUN::ECS::NetworkInterface",
      Properties: {
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
        NetworkInterfaceName:
          spec.eni.name && /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/.test(spec.eni.name) ? spec.eni.name : "eipilot-eni",
        ...(onEni > 0 ? ipsProperty(spec, 0, onEni) : {}),
      },
    };
    eniRef = { "Fn::GetAtt": ["Eni", "NetworkInterfaceId"] };
  } else {
    parameters.NetworkInterfaceId = {
      Type: "String",
      Label: "Existing secondary ENI",
      Description: attachesEni(spec)
        ? "An Available (unattached) ENI in the instance's VPC and zone: this template attaches it."
        : "An ENI already attached to the instance: this template does not attach it.",
    };
    eniRef = { Ref: "NetworkInterfaceId" };
  }
  if (attachesEni(spec)) {
    resources.EniAttachment = {
      Type: "ALIYUN::ECS::NetworkInterfaceAttachment",
      Properties: { InstanceId: instanceRef, NetworkInterfaceId: eniRef },
    };
  }
  if (assigned > 0) {
    resources.SecondaryIps = {
      Type: "ALIYUN::ECS::AssignPrivateIpAddresses",
      ...(resources.EniAttachment ? { DependsOn: ["EniAttachment"] } : {}),
      Properties: { NetworkInterfaceId: eniRef, ...ipsProperty(spec, onEni, onEni + assigned) },
    };
  }
  outputs.NetworkInterfaceId = { Value: eniRef };
  return eniRef;
}

/** The private IP an EIP maps to, as a ROS value (undefined: the ENI's primary IP, AssociateEipAddress's default). */
function slotRef(spec: ConfigSpec, slot: Slot): Json | undefined {
  switch (slot.kind) {
    case "primary":
      return spec.eni.mode === "create" ? { "Fn::GetAtt": ["Eni", "PrivateIpAddress"] } : undefined;
    case "literal":
      return slot.address;
    case "secondary": {
      if (slot.address) return slot.address;
      // Picked by the cloud: the n-th address of whichever resource put it on the ENI.
      const { onEni } = secondarySplit(spec);
      return slot.index < onEni
        ? { "Fn::Select": [String(slot.index), { "Fn::GetAtt": ["Eni", "SecondaryPrivateIpAddresses"] }] }
        : { "Fn::Select": [String(slot.index - onEni), { "Fn::GetAtt": ["SecondaryIps", "PrivateIpAddresses"] }] };
    }
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
    // One after another, as Alibaba's multi-EIP example does: the first after
    // the ENI is attached and has its addresses, each next after the previous.
    const after =
      m.index > 0 ? [`EipAssociation${m.index}`] : ["EniAttachment", "SecondaryIps"].filter((r) => r in resources);
    const privateIp = slotRef(spec, m.slot);
    resources[`EipAssociation${n}`] = {
      Type: "ALIYUN::VPC::EIPAssociation",
      ...(after.length ? { DependsOn: after } : {}),
      Properties: {
        AllocationId: allocation,
        InstanceId: eniRef,
        ...(privateIp === undefined ? {} : { PrivateIpAddress: privateIp }),
        Mode: "NAT",
      },
    };
  }
}
