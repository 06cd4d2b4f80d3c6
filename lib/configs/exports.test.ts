// Structural checks of the ROS and Terraform exports over every shape a config
// can take: each Terraform file goes through a real HCL parser (@cdktf/hcl2json,
// HashiCorp's hcl library compiled to WebAssembly, offline); each ROS template
// has every Ref / Fn::GetAtt / DependsOn / Fn::If pointing at something it
// declares, and only the resource properties the ROS reference documents.
// Nothing that exists in one account only appears as a literal; the login
// password never appears at all.
import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { configSpecSchema, type ConfigSpec, type ConfigSpecInput } from "./config.schema";
import { exportRos } from "./export-ros";
import { exportTerraform } from "./export-terraform";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type RosTemplate = {
  ROSTemplateFormatVersion: string;
  Parameters: Record<string, Record<string, Json>>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties: Record<string, Json>; DependsOn?: string[] }>;
  Outputs: Record<string, { Value: Json }>;
};

/** Property names and Fn::GetAtt attributes as the ROS resource reference lists them. */
const ROS_TYPES: Record<string, { properties: string[]; attributes: string[] }> = {
  "ALIYUN::ECS::Instance": {
    properties: [
      "ImageId",
      "InstanceType",
      "ZoneId",
      "VSwitchId",
      "VpcId",
      "SecurityGroupId",
      "SecurityGroupIds",
      "SystemDiskCategory",
      "Password",
      "PasswordInherit",
      "KeyPairName",
      "InstanceName",
      "InstanceChargeType",
      "AllocatePublicIP",
      "InternetMaxBandwidthOut",
      "Tags",
    ],
    attributes: ["InstanceId", "PrivateIp", "ZoneId", "HostName", "PrimaryNetworkInterfaceId"],
  },
  "ALIYUN::ECS::NetworkInterface": {
    properties: [
      "Description",
      "SecurityGroupId",
      "PrimaryIpAddress",
      "ResourceGroupId",
      "VSwitchId",
      "NetworkInterfaceName",
      "Tags",
      "SecurityGroupIds",
      "PrivateIpAddresses",
    ],
    attributes: ["NetworkInterfaceId", "MacAddress", "PrivateIpAddresses", "SecondaryPrivateIpAddresses"],
  },
  "ALIYUN::ECS::AssignPrivateIpAddresses": {
    properties: ["NetworkInterfaceId", "SecondaryPrivateIpAddressCount", "PrivateIpAddresses"],
    attributes: ["NetworkInterfaceId", "PrivateIpAddresses"],
  },
  "ALIYUN::ECS::NetworkInterfaceAttachment": {
    properties: ["InstanceId", "NetworkInterfaceId"],
    attributes: ["NetworkInterfaceId"],
  },
  "ALIYUN::VPC::EIP": {
    properties: [
      "DeletionProtection",
      "Name",
      "Tags",
      "Isp",
      "Netmode",
      "Period",
      "ResourceGroupId",
      "AutoPay",
      "InstanceChargeType",
      "PricingCycle",
      "Bandwidth",
      "InternetChargeType",
      "Description",
    ],
    attributes: ["EipAddress", "AllocationId", "OrderId"],
  },
  "ALIYUN::VPC::EIPAssociation": {
    properties: ["AllocationId", "InstanceId", "PrivateIpAddress", "Mode"],
    attributes: ["EipAddress", "AllocationId"],
  },
};

/** Arguments of the alicloud provider's resources, as its documentation lists them. */
const TF_ARGUMENTS: Record<string, string[]> = {
  alicloud_instance: [
    "availability_zone",
    "instance_type",
    "image_id",
    "vswitch_id",
    "security_groups",
    "system_disk_category",
    "instance_charge_type",
    "internet_max_bandwidth_out",
    "password",
    "key_name",
    "instance_name",
  ],
  alicloud_ecs_network_interface: [
    "network_interface_name",
    "vswitch_id",
    "security_group_ids",
    "private_ip_addresses",
    "secondary_private_ip_address_count",
    "primary_ip_address",
  ],
  alicloud_ecs_network_interface_attachment: ["instance_id", "network_interface_id"],
  alicloud_eip_address: ["address_name", "bandwidth", "internet_charge_type", "payment_type"],
  alicloud_eip_association: [
    "allocation_id",
    "instance_id",
    "instance_type",
    "mode",
    "private_ip_address",
    "depends_on",
  ],
};

/** Ids that exist in one account only: instances, ENIs, EIPs, vSwitches, security groups, custom images, VPCs. */
const ACCOUNT_ID = /\b(?:i|eni|eip|vsw|sg|m|vpc)-[a-z0-9]{6,}\b/;
const PASSWORD = "Sup3r-Secret-Pw";

const base: ConfigSpecInput = {
  configSpecVersion: 1,
  regionId: "ap-northeast-1",
  instance: { mode: "existing" },
  eni: { mode: "create", name: "web-eni" },
  privateIps: { mode: "count", count: 2 },
  usePrimaryIp: true,
  eips: [{ source: "allocate" }, { source: "allocate" }, { source: "existing" }],
  os: "alinux2",
  traffic: "policy-routes",
};
const created = {
  mode: "create",
  zoneId: "ap-northeast-1a",
  instanceType: "ecs.g7.large",
  systemDiskCategory: "cloud_essd",
} as const;

/** Every combination of instance, ENI, private-IP and EIP choices a config can make. */
function variants(): { name: string; spec: ConfigSpec }[] {
  const out: { name: string; spec: ConfigSpec }[] = [];
  const instances = [
    { mode: "existing" },
    created,
    { ...created, imageId: "aliyun_3_x64_20G_alibase_20240819.vhd" },
  ] as const;
  const enis = [{ mode: "create", name: "web-eni" }, { mode: "existing" }] as const;
  const ips = [
    { mode: "count", count: 2 },
    { mode: "count", count: 0 },
    { mode: "explicit", addresses: ["172.16.0.77", "172.16.0.78"] },
  ] as const;
  for (const instance of instances)
    for (const eni of enis)
      for (const privateIps of ips)
        for (const usePrimaryIp of [true, false]) {
          const slots =
            (privateIps.mode === "count" ? privateIps.count : privateIps.addresses.length) + (usePrimaryIp ? 1 : 0);
          if (slots === 0) continue;
          const eips = [
            { source: "allocate" as const },
            { source: "existing" as const },
            { source: "allocate" as const },
          ].slice(0, Math.min(3, slots));
          if (privateIps.mode === "explicit") eips[0] = { ...eips[0]!, privateIp: "172.16.0.78" } as never;
          const spec = configSpecSchema.parse({ ...base, instance, eni, privateIps, usePrimaryIp, eips });
          out.push({
            name: `instance=${instance.mode}${"imageId" in instance ? "+image" : ""} eni=${eni.mode} ips=${privateIps.mode}:${slots} primary=${usePrimaryIp}`,
            spec,
          });
        }
  return out;
}

function walk(value: Json, visit: (node: { [k: string]: Json }) => void) {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (value && typeof value === "object") {
    visit(value);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

describe.each(variants())("ROS template: $name", ({ spec }) => {
  const ros = exportRos(spec, { name: "web", revision: 1 }) as unknown as RosTemplate;
  const params = new Set(Object.keys(ros.Parameters));
  const conditions = new Set(Object.keys(ros.Conditions ?? {}));

  it("refers only to declared parameters, resources, conditions and documented attributes", () => {
    const used = new Set<string>();
    walk(ros as unknown as Json, (node) => {
      if ("Ref" in node) {
        const ref = node.Ref as string;
        if (ref.startsWith("ALIYUN::"))
          expect(["ALIYUN::NoValue", "ALIYUN::Region", "ALIYUN::StackName"]).toContain(ref);
        else {
          expect(params.has(ref) || ref in ros.Resources, `Ref ${ref}`).toBe(true);
          used.add(ref);
        }
      }
      if ("Fn::GetAtt" in node) {
        const [res, attr] = node["Fn::GetAtt"] as [string, string];
        expect(ros.Resources[res], `Fn::GetAtt ${res}`).toBeDefined();
        expect(ROS_TYPES[ros.Resources[res]!.Type]!.attributes).toContain(attr);
      }
      if ("Fn::If" in node) expect(conditions.has((node["Fn::If"] as [string])[0])).toBe(true);
    });
    // no parameter the user is asked for and nothing uses
    for (const p of params) expect(used.has(p), `parameter ${p} is used`).toBe(true);
    for (const [name, r] of Object.entries(ros.Resources)) {
      expect(ROS_TYPES[r.Type], `${name}: ${r.Type}`).toBeDefined();
      for (const prop of Object.keys(r.Properties))
        expect(ROS_TYPES[r.Type]!.properties, `${name}.${prop}`).toContain(prop);
      for (const dep of r.DependsOn ?? []) expect(ros.Resources[dep], `${name} DependsOn ${dep}`).toBeDefined();
    }
  });

  it("creates the instance only when the config says so; never a literal account id or password", () => {
    const types = Object.values(ros.Resources).map((r) => r.Type);
    const text = JSON.stringify(ros);
    expect(text).not.toMatch(ACCOUNT_ID);
    expect(text).not.toContain(PASSWORD);
    const attachment = ros.Resources.EniAttachment!;
    if (spec.instance.mode === "create") {
      expect(types.filter((t) => t === "ALIYUN::ECS::Instance")).toHaveLength(1);
      expect(params.has("InstanceId")).toBe(false);
      expect(attachment.Properties.InstanceId).toEqual({ "Fn::GetAtt": ["Instance", "InstanceId"] });
      const inst = ros.Resources.Instance!.Properties;
      expect(inst).toMatchObject({
        ZoneId: spec.instance.zoneId,
        InstanceType: spec.instance.instanceType,
        SystemDiskCategory: spec.instance.systemDiskCategory,
        ImageId: { Ref: "ImageId" },
        VSwitchId: { Ref: "VSwitchId" },
        SecurityGroupId: { Ref: "SecurityGroupId" },
      });
      expect(ros.Parameters.InstancePassword).toMatchObject({ Type: "String", NoEcho: true, Default: "" });
      expect(ros.Parameters.ImageId!.Default).toBe(spec.instance.imageId);
    } else {
      expect(types).not.toContain("ALIYUN::ECS::Instance");
      expect(attachment.Properties.InstanceId).toEqual({ Ref: "InstanceId" });
      expect(params.has("InstancePassword")).toBe(false);
    }
    expect(
      Object.values(ros.Resources)
        .filter((r) => r.Type === "ALIYUN::VPC::EIPAssociation")
        .every((r) => r.Properties.Mode === "NAT"),
    ).toBe(true);
  });
});

type TfJson = {
  resource: Record<string, Record<string, Record<string, Json>[]>>;
  variable: Record<string, { type?: string; sensitive?: boolean; default?: Json }[]>;
  output?: Record<string, { value: string }[]>;
  import?: { to: string; id: string }[];
  provider: Record<string, { region: string }[]>;
};

describe.each(variants())("Terraform: $name", ({ spec }) => {
  const tf = exportTerraform(spec, { name: 'web "prod" ${x}', revision: 1 });

  it("parses as HCL with declared variables, known arguments and no literal account ids", async () => {
    const doc = (await parse("main.tf", tf)) as unknown as TfJson;
    expect(doc.provider.alicloud![0]!.region).toBe(spec.regionId);
    const resources = Object.entries(doc.resource).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, [body]]) => ({ type, name, body: body! })),
    );
    const declared = new Set(resources.map((r) => `${r.type}.${r.name}`));
    const variables = new Set(Object.keys(doc.variable));
    for (const r of resources) {
      expect(TF_ARGUMENTS[r.type], r.type).toBeDefined();
      for (const arg of Object.keys(r.body)) expect(TF_ARGUMENTS[r.type], `${r.type}.${r.name}.${arg}`).toContain(arg);
    }
    // every var.X and resource reference names something declared; every variable is used
    const used = new Set<string>();
    walk(doc as unknown as Json, (node) => {
      for (const v of Object.values(node)) {
        if (typeof v !== "string") continue;
        for (const m of v.matchAll(/\bvar\.([a-z_0-9]+)/g)) {
          expect(variables.has(m[1]!), `var.${m[1]}`).toBe(true);
          used.add(m[1]!);
        }
        for (const m of v.matchAll(/\b(alicloud_[a-z_]+)\.([a-z_0-9]+)/g))
          expect(declared.has(`${m[1]}.${m[2]}`), `${m[1]}.${m[2]}`).toBe(true);
      }
    });
    for (const v of variables) expect(used.has(v), `variable ${v} is used`).toBe(true);
    expect(JSON.stringify(doc)).not.toMatch(ACCOUNT_ID);
    expect(tf).not.toContain(PASSWORD);

    const instances = resources.filter((r) => r.type === "alicloud_instance");
    const attachment = doc.resource.alicloud_ecs_network_interface_attachment!.eni![0]!;
    if (spec.instance.mode === "create") {
      expect(instances).toHaveLength(1);
      expect(instances[0]!.body).toMatchObject({
        availability_zone: spec.instance.zoneId,
        instance_type: spec.instance.instanceType,
        system_disk_category: spec.instance.systemDiskCategory,
        image_id: "${var.image_id}",
        vswitch_id: "${var.vswitch_id}",
        security_groups: "${var.security_group_ids}",
        password: "${var.instance_password}",
        key_name: "${var.key_pair_name}",
      });
      expect(doc.variable.instance_password![0]).toMatchObject({ sensitive: true, default: null });
      expect(doc.variable.image_id![0]!.default ?? null).toBe(spec.instance.imageId ?? null);
      expect(variables.has("instance_id")).toBe(false);
      expect(attachment.instance_id).toBe("${alicloud_instance.instance.id}");
      expect(doc.output!.instance_id![0]!.value).toBe("${alicloud_instance.instance.id}");
    } else {
      expect(instances).toHaveLength(0);
      expect(attachment.instance_id).toBe("${var.instance_id}");
      expect(variables.has("instance_password")).toBe(false);
    }
    const eni = doc.resource.alicloud_ecs_network_interface!.eni![0]!;
    if (spec.eni.mode === "existing") {
      expect(doc.import).toEqual([{ to: "${alicloud_ecs_network_interface.eni}", id: "${var.network_interface_id}" }]);
      // an imported ENI keeps the name its owner gave it
      expect(eni).not.toHaveProperty("network_interface_name");
    } else {
      expect(eni.network_interface_name).toBe(spec.eni.name ?? "eipilot-eni");
    }
    const assoc = Object.values(doc.resource.alicloud_eip_association!).map(([b]) => b!);
    expect(assoc).toHaveLength(spec.eips.length);
    for (const a of assoc)
      expect(a).toMatchObject({
        instance_type: "NetworkInterface",
        mode: "NAT",
        instance_id: "${alicloud_ecs_network_interface.eni.id}",
      });
  });
});

describe("exports of the same spec agree", () => {
  it.each(variants())("$name: as many EIPs, associations and instances in ROS as in Terraform", async ({ spec }) => {
    const ros = exportRos(spec, { name: "x", revision: 1 }) as unknown as RosTemplate;
    const doc = (await parse("main.tf", exportTerraform(spec, { name: "x", revision: 1 }))) as unknown as TfJson;
    const count = (type: string) => Object.values(ros.Resources).filter((r) => r.Type === type).length;
    const tfCount = (type: string) => Object.keys(doc.resource[type] ?? {}).length;
    expect(count("ALIYUN::VPC::EIP")).toBe(tfCount("alicloud_eip_address"));
    expect(count("ALIYUN::VPC::EIPAssociation")).toBe(tfCount("alicloud_eip_association"));
    expect(count("ALIYUN::ECS::Instance")).toBe(tfCount("alicloud_instance"));
  });
});
