// The emulator's world: plain JSON-serialisable records (what --state persists).

export type Quotas = {
  /** EIPs per account and region (documented default 20). */
  eipPerRegion: number;
  /** max-elastic-network-interfaces per account and region. */
  eniPerRegion: number;
  /** Private IPv4s (primary included) on an ENI that is not attached to an instance. */
  ipsPerAvailableEni: number;
};

export type Policies = {
  /** UnassignPrivateIpAddresses on an IP that still carries an EIP: reject (default) or auto-unassociate. */
  unassignIpWithEip: "reject" | "unassociate";
  /** DeleteNetworkInterface while EIPs are bound to it: reject (default) or auto-unassociate. */
  deleteEniWithEip: "reject" | "unassociate";
};

/** `localName` Chinese (the API's default), `localNameEn` for AcceptLanguage en-US, `localNameJa` for ja (optional: states saved before it fall back to English). */
export type RegionRec = {
  regionId: string;
  localName: string;
  localNameEn: string;
  localNameJa?: string;
  zones: Array<{ zoneId: string; localName: string; localNameEn: string; localNameJa?: string }>;
};

export type VpcRec = {
  vpcId: string;
  regionId: string;
  cidrBlock: string;
  vpcName: string;
  description: string;
  isDefault: boolean;
  vRouterId: string;
  routeTableId: string;
  creationTime: string;
};

export type VSwitchRec = {
  vSwitchId: string;
  vpcId: string;
  regionId: string;
  zoneId: string;
  cidrBlock: string;
  vSwitchName: string;
  description: string;
  creationTime: string;
};

export type SecurityGroupRec = {
  securityGroupId: string;
  regionId: string;
  vpcId: string;
  securityGroupName: string;
  description: string;
  creationTime: string;
};

export type InstanceStatus = "Pending" | "Running" | "Starting" | "Stopping" | "Stopped";

export type InstanceRec = {
  instanceId: string;
  regionId: string;
  zoneId: string;
  vpcId: string;
  vSwitchId: string;
  instanceType: string;
  imageId: string;
  instanceName: string;
  hostName: string;
  description: string;
  status: InstanceStatus;
  stoppedMode: string;
  creationTime: string;
  startTime: string;
  primaryEniId: string;
  securityGroupIds: string[];
  /** Cloud Assistant agent installed and online (only meaningful when a CommandRunner exists). */
  cloudAssistant: boolean;
  internetMaxBandwidthOut: number;
  /** Absent in state files written before tags were kept. */
  tags?: TagRec[];
  /**
   * Instance metadata access (RunInstances / ModifyInstanceMetadataOptions `HttpEndpoint`, `HttpTokens`).
   * Absent: enabled, tokens optional (normal and security hardening modes), the cloud's default.
   */
  metadataOptions?: MetadataOptions;
};

export type MetadataOptions = { httpEndpoint: "enabled" | "disabled"; httpTokens: "optional" | "required" };

export type TagRec = { key: string; value: string };

export type EniStatus = "Available" | "Attaching" | "InUse" | "Detaching" | "Deleting";

export type EniRec = {
  networkInterfaceId: string;
  regionId: string;
  zoneId: string;
  vpcId: string;
  vSwitchId: string;
  type: "Primary" | "Secondary";
  status: EniStatus;
  instanceId: string;
  macAddress: string;
  primaryIp: string;
  secondaryIps: string[];
  securityGroupIds: string[];
  networkInterfaceName: string;
  description: string;
  creationTime: string;
  deleteOnRelease: boolean;
  deviceIndex: number;
  /** Absent in state files written before tags were kept. */
  tags?: TagRec[];
};

export type EipStatus = "Available" | "Associating" | "InUse" | "Unassociating" | "Releasing";

export type EipBinding = {
  instanceType: "EcsInstance" | "NetworkInterface";
  instanceId: string;
  privateIpAddress: string;
  mode: "NAT";
};

export type EipRec = {
  allocationId: string;
  regionId: string;
  ipAddress: string;
  status: EipStatus;
  bandwidth: string;
  internetChargeType: string;
  chargeType: "PostPaid";
  isp: string;
  name: string;
  description: string;
  allocationTime: string;
  binding: EipBinding | null;
  tags?: TagRec[];
};

export type InvocationInstanceRec = {
  instanceId: string;
  status: string; // per-instance InvocationStatus
  exitCode: number | null;
  output: string; // plain text
  errorCode: string;
  errorInfo: string;
  creationTime: string;
  startTime: string;
  finishTime: string;
};

export type InvocationRec = {
  invokeId: string;
  commandId: string;
  regionId: string;
  commandName: string;
  commandType: string;
  commandDescription: string;
  commandContent: string; // plain text
  timeout: number;
  username: string;
  workingDir: string;
  parameters: string;
  creationTime: string;
  instances: InvocationInstanceRec[];
};

export type TaskKind =
  | "instance.created"
  | "instance.started"
  | "instance.stopped"
  | "eni.attached"
  | "eni.detached"
  | "eni.deleted"
  | "eip.associated"
  | "eip.unassociated"
  | "eip.released"
  | "invocation.delivered";

export type Task = { id: number; kind: TaskKind; target: string; dueAt: number | null; extra?: string };

export type TokenRec = { fingerprint: string; body: Record<string, unknown> };

export type World = {
  version: 1;
  ownerId: string;
  quotas: Quotas;
  policies: Policies;
  regions: RegionRec[];
  vpcs: Record<string, VpcRec>;
  vswitches: Record<string, VSwitchRec>;
  securityGroups: Record<string, SecurityGroupRec>;
  instances: Record<string, InstanceRec>;
  enis: Record<string, EniRec>;
  eips: Record<string, EipRec>;
  invocations: Record<string, InvocationRec>;
  tasks: Task[];
  tokens: Record<string, TokenRec>;
  rngState: number;
  taskSeq: number;
};
