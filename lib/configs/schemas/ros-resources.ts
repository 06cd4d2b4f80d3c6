// Facts (property names, types, required flags, Fn::GetAtt attributes) of the
// ROS resource types the ROS export emits. Checked against Alibaba's ROS CDK,
// github.com/aliyun/Resource-Orchestration-Service-Cloud-Development-Kit, generated from the ROS resource specification:
//   multiple-languages/go/alicloudroscdkecs/RosNetworkInterfaceProps.go @ 47173a49a12eff0b9d906bcfb4526d293f333876
//   multiple-languages/go/alicloudroscdkecs/RosAssignPrivateIpAddressesProps.go,
//     RosNetworkInterfaceAttachmentProps.go, multiple-languages/go/alicloudroscdkvpc/RosEIPAssociationProps.go
//     @ b86c19ccd23dd187687d9c398fdfc26820426fcc
//   multiple-languages/go/alicloudroscdkvpc/RosEIPProps.go @ 312973f7a836f12ec0978a2a8f59dda1fb25b4b3
//   multiple-languages/go/alicloudroscdkecs/RosInstanceProps.go @ 3a805e78348d020585c31357ebcf0012bfef484f
//   (`field:"required"` tags); types and attributes from the TypeScript wrappers (networkinterface.ts,
//   ecs.generated.d.ts: "PrivateIpAddresses … When the ENI is in the Available state: 1 to 10").
//   multiple-languages/go/alicloudroscdkecs/datasource/NetworkInterfacesProps.go @ 47173a49a12eff0b9d906bcfb4526d293f333876
//     (DATASOURCE::ECS::NetworkInterfaces: InstanceId, Type "Primary" | "Secondary", all optional) and its attributes
//     in datasource/INetworkInterfaces.go @ ec91990285784ce2d89bd21b56019cc86c311eaf (NetworkInterfaceIds, NetworkInterfaces);
//   ALIYUN::ECS::Instance's attribute PrimaryNetworkInterfaceId: alicloudroscdkecs/IInstance.go @ ec91990285784ce2d89bd21b56019cc86c311eaf.
// ALIYUN::ECS::Instance lists only the properties this project emits or might (it has ~55); the others are complete.
// A type is "string" | "number" | "boolean" | "list" | "json", prefixed "required " when the resource needs it.
export type RosType = { properties: Record<string, string>; attributes: string[] };

/** At most this many private IPs on an ENI in the Available state (unattached). */
export const ROS_MAX_IPS_UNATTACHED = 10;

export const ROS_RESOURCES: Record<string, RosType> = {
  "ALIYUN::ECS::Instance": {
    properties: {
      InstanceType: "required string",
      ImageId: "string",
      ZoneId: "string",
      VSwitchId: "string",
      VpcId: "string",
      SecurityGroupId: "string",
      SecurityGroupIds: "list",
      SystemDiskCategory: "string",
      Password: "string",
      PasswordInherit: "boolean",
      KeyPairName: "string",
      InstanceName: "string",
      InstanceChargeType: "string",
      AllocatePublicIP: "boolean",
      InternetMaxBandwidthOut: "number",
      Tags: "list",
    },
    attributes: ["InstanceId", "PrivateIp", "ZoneId", "HostName", "PrimaryNetworkInterfaceId"],
  },
  "ALIYUN::ECS::NetworkInterface": {
    properties: {
      VSwitchId: "required string",
      DeleteOnRelease: "boolean",
      Description: "string",
      Ipv4PrefixCount: "number",
      Ipv4Prefixes: "list",
      Ipv6AddressCount: "number",
      Ipv6Addresses: "list",
      Ipv6PrefixCount: "number",
      Ipv6Prefixes: "list",
      NetworkInterfaceName: "string",
      NetworkInterfaceTrafficMode: "string",
      PrimaryIpAddress: "string",
      PrivateIpAddresses: "list",
      QueueNumber: "number",
      ResourceGroupId: "string",
      RxQueueSize: "number",
      SecondaryPrivateIpAddressCount: "number",
      SecurityGroupId: "string",
      SecurityGroupIds: "list",
      Tags: "list",
      TxQueueSize: "number",
    },
    attributes: ["MacAddress", "NetworkInterfaceId", "PrivateIpAddress", "SecondaryPrivateIpAddresses"],
  },
  "ALIYUN::ECS::AssignPrivateIpAddresses": {
    properties: {
      NetworkInterfaceId: "required string",
      PrivateIpAddresses: "list",
      SecondaryPrivateIpAddressCount: "number",
    },
    attributes: ["NetworkInterfaceId", "PrivateIpAddresses"],
  },
  "ALIYUN::ECS::NetworkInterfaceAttachment": {
    properties: {
      InstanceId: "required string",
      NetworkInterfaceId: "required string",
      EcsRestartOption: "string",
      TrunkNetworkInstanceId: "string",
    },
    attributes: ["NetworkInterfaceId"],
  },
  "DATASOURCE::ECS::NetworkInterfaces": {
    properties: {
      InstanceId: "string",
      Ipv6Addresses: "list",
      NetworkInterfaceIds: "list",
      NetworkInterfaceName: "string",
      PrimaryIpAddress: "string",
      PrivateIpAddresses: "list",
      RefreshOptions: "string",
      ResourceGroupId: "string",
      SecurityGroupId: "string",
      ServiceManaged: "boolean",
      Status: "string",
      Tags: "list",
      Type: "string",
      VpcId: "string",
      VSwitchId: "string",
    },
    attributes: ["NetworkInterfaceIds", "NetworkInterfaces"],
  },
  "ALIYUN::VPC::EIP": {
    properties: {
      AutoPay: "boolean",
      Bandwidth: "number",
      DeletionProtection: "boolean",
      Description: "string",
      InstanceChargeType: "string",
      InstanceId: "string",
      InternetChargeType: "string",
      IpAddress: "string",
      Isp: "string",
      Name: "string",
      Netmode: "string",
      Period: "number",
      PricingCycle: "string",
      PublicIpAddressPoolId: "string",
      ResourceGroupId: "string",
      SecurityProtectionTypes: "list",
      Tags: "list",
      Zone: "string",
    },
    attributes: ["EipAddress", "AllocationId", "OrderId"],
  },
  "ALIYUN::VPC::EIPAssociation": {
    properties: {
      AllocationId: "required string",
      InstanceId: "required string",
      Mode: "string",
      PrivateIpAddress: "string",
    },
    attributes: ["EipAddress", "AllocationId"],
  },
};
