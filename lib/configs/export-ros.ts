// Alibaba Cloud ROS template (JSON) for the cloud side of a config: the ECS
// instance when the config creates one (ALIYUN::ECS::Instance; otherwise an
// existing instance is a parameter), then every ENI of the config in order —
// a secondary ENI created with at most 9 secondary IPs (10 private IPs with its
// primary one, the most an unattached ENI may hold) or an existing one given as
// a parameter, attached to the instance when it is created or the config says
// it is Available; or the instance's own primary ENI (the new instance's
// PrimaryNetworkInterfaceId, or DATASOURCE::ECS::NetworkInterfaces with the
// instance's id and Type "Primary"), never attached — the remaining secondary
// IPs assigned after that (ALIYUN::ECS::AssignPrivateIpAddresses), and one EIP
// per mapped private IP, associated in NAT mode with the ENI's private IP, one
// association after the other across all ENIs (ALIYUN::VPC::EIPAssociation,
// InstanceId = the ENI). Addresses the config leaves to the cloud are picked by
// ROS (SecondaryPrivateIpAddressCount) and read back with Fn::GetAtt.
// Everything that exists in one account only — vSwitch, security group, key
// pair, existing ENIs / EIPs — is a parameter; created ENIs share the vSwitch
// and security group parameters; the login password is a NoEcho parameter with
// an empty default (a config never holds one). Guest-OS routes are not a cloud
// resource: they come from the guest bundle. Pure.
import { configEips, type ConfigEniEntry, type ConfigSpec } from "./config.schema";
import { attachesAnyEni, attachesEni, eipMappings, eniEntries, eniSuffix, secondarySplit, type Slot } from "./mapping";

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
  // ENIs that stay as they are need no instance: the EIPs are associated with the ENIs.
  const needsInstance = attachesAnyEni(spec) || spec.enis.some((e) => e.eni.mode === "primary");
  const instanceRef =
    inst.mode === "create" ? addNewInstance(t, inst) : needsInstance ? addExistingInstanceParameter(t) : null;
  for (const { e, k, first } of eniEntries(spec)) {
    const eniRef = addEni(t, spec, e, k, instanceRef);
    addEips(t, spec, e, k, first, eniRef);
  }
  const eniCount = spec.enis.length;
  const onPrimary = spec.enis.some((e) => e.eni.mode === "primary");
  return {
    ROSTemplateFormatVersion: "2015-09-01",
    Description: `EIPilot config "${meta.name}" revision ${meta.revision}: ${inst.mode === "create" ? `a new ${inst.instanceType} instance with ` : ""}${configEips(spec).length} EIP(s) in NAT mode on ${eniCount} ENI(s)${onPrimary ? " (one of them the instance's primary ENI)" : ""} (${spec.regionId}). Configure the guest OS with the EIPilot guest bundle.`,
    Parameters: t.parameters,
    ...(Object.keys(t.conditions).length ? { Conditions: t.conditions } : {}),
    Resources: t.resources,
    Outputs: t.outputs,
  };
}

/** The vSwitch and security group, when something is created in them (a new instance or ENI). */
function addNetworkParameters({ parameters }: Template, spec: ConfigSpec) {
  const inst = spec.instance;
  const created = spec.enis.filter((e) => e.eni.mode === "create").length;
  if (inst.mode !== "create" && created === 0) return;
  const users = [
    inst.mode === "create" ? "the new instance" : "",
    created > 1 ? "the new secondary ENIs" : created === 1 ? "the new secondary ENI" : "",
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
    Description: "The ECS instance whose ENIs carry the EIPs.",
  };
  return { Ref: "InstanceId" };
}

/** The explicit secondary addresses from..to, or a count for ROS to pick (SecondaryPrivateIpAddressCount). */
function ipsProperty(e: ConfigEniEntry, from: number, to: number): Record<string, Json> {
  return e.privateIps.mode === "explicit"
    ? { PrivateIpAddresses: e.privateIps.addresses.slice(from, to) }
    : { SecondaryPrivateIpAddressCount: to - from };
}

/** ENI k's reference: created here, an existing one as a parameter, or the instance's primary ENI. */
function eniReference({ parameters, resources }: Template, spec: ConfigSpec, e: ConfigEniEntry, k: number): Json {
  const sfx = eniSuffix(k);
  if (e.eni.mode === "create") {
    const { onEni } = secondarySplit(e);
    resources[`Eni${sfx}`] = {
      Type: "ALIYUN::ECS::NetworkInterface",
      Properties: {
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
        NetworkInterfaceName:
          e.eni.name && /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/.test(e.eni.name) ? e.eni.name : `eipilot-eni${sfx}`,
        ...(onEni > 0 ? ipsProperty(e, 0, onEni) : {}),
      },
    };
    return { "Fn::GetAtt": [`Eni${sfx}`, "NetworkInterfaceId"] };
  }
  if (e.eni.mode === "primary") {
    if (spec.instance.mode === "create") return { "Fn::GetAtt": ["Instance", "PrimaryNetworkInterfaceId"] };
    resources.PrimaryEni = {
      Type: "DATASOURCE::ECS::NetworkInterfaces",
      Properties: { InstanceId: { Ref: "InstanceId" }, Type: "Primary" },
    };
    return { "Fn::Select": ["0", { "Fn::GetAtt": ["PrimaryEni", "NetworkInterfaceIds"] }] };
  }
  parameters[`NetworkInterfaceId${sfx}`] = {
    Type: "String",
    Label: `Existing secondary ENI${sfx ? ` #${sfx}` : ""}`,
    Description: attachesEni(spec, e)
      ? "An Available (unattached) ENI in the instance's VPC and zone: this template attaches it."
      : "An ENI already attached to the instance: this template does not attach it.",
  };
  return { Ref: `NetworkInterfaceId${sfx}` };
}

/**
 * ENI k: a new ENI with at most MAX_IPS_UNATTACHED - 1 secondary IPs (it is
 * unattached while it is created), an existing one as a parameter, or the
 * instance's primary ENI; then the attachment when the ENI is created or the
 * config says it is Available; then the remaining secondary IPs, assigned once
 * the ENI is attached.
 */
function addEni(t: Template, spec: ConfigSpec, e: ConfigEniEntry, k: number, instanceRef: Json): Json {
  const sfx = eniSuffix(k);
  const { onEni, assigned } = secondarySplit(e);
  const eniRef = eniReference(t, spec, e, k);
  if (attachesEni(spec, e)) {
    t.resources[`EniAttachment${sfx}`] = {
      Type: "ALIYUN::ECS::NetworkInterfaceAttachment",
      Properties: { InstanceId: instanceRef, NetworkInterfaceId: eniRef },
    };
  }
  if (assigned > 0) {
    t.resources[`SecondaryIps${sfx}`] = {
      Type: "ALIYUN::ECS::AssignPrivateIpAddresses",
      ...(t.resources[`EniAttachment${sfx}`] ? { DependsOn: [`EniAttachment${sfx}`] } : {}),
      Properties: { NetworkInterfaceId: eniRef, ...ipsProperty(e, onEni, onEni + assigned) },
    };
  }
  t.outputs[`NetworkInterfaceId${sfx}`] = { Value: eniRef };
  return eniRef;
}

/** The private IP an EIP maps to, as a ROS value (undefined: the ENI's primary IP, AssociateEipAddress's default). */
function slotRef(e: ConfigEniEntry, k: number, slot: Slot): Json | undefined {
  const sfx = eniSuffix(k);
  switch (slot.kind) {
    case "primary":
      return e.eni.mode === "create" ? { "Fn::GetAtt": [`Eni${sfx}`, "PrivateIpAddress"] } : undefined;
    case "literal":
      return slot.address;
    case "secondary": {
      if (slot.address) return slot.address;
      // Picked by the cloud: the n-th address of whichever resource put it on the ENI.
      const { onEni } = secondarySplit(e);
      return slot.index < onEni
        ? { "Fn::Select": [String(slot.index), { "Fn::GetAtt": [`Eni${sfx}`, "SecondaryPrivateIpAddresses"] }] }
        : {
            "Fn::Select": [String(slot.index - onEni), { "Fn::GetAtt": [`SecondaryIps${sfx}`, "PrivateIpAddresses"] }],
          };
    }
  }
}

/** Per EIP of ENI k, in mapping order: the allocated EIP (or a parameter for an existing one) and its NAT-mode association. */
function addEips(t: Template, spec: ConfigSpec, e: ConfigEniEntry, k: number, first: number, eniRef: Json) {
  const { parameters, resources, outputs } = t;
  const sfx = eniSuffix(k);
  for (const m of eipMappings(e, first)) {
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
    // One after another, as Alibaba's multi-EIP example does: each after the
    // previous one; the first of an ENI also after that ENI is attached and has its addresses.
    const after = [
      ...(m.index > 0 ? [`EipAssociation${m.index}`] : []),
      ...(m.index === first ? [`EniAttachment${sfx}`, `SecondaryIps${sfx}`].filter((r) => r in resources) : []),
    ];
    const privateIp = slotRef(e, k, m.slot);
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
