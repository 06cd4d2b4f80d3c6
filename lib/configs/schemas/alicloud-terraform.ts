// Facts (names, types, required flags) of the alicloud Terraform provider's
// schemas for the resources and data source the Terraform export emits, and of
// Terraform's built-in terraform_data. Checked against:
//   github.com/aliyun/terraform-provider-alicloud @ 81c43b6727a09e9da37b3d88818c3ba5fa17fa14
//   (v1.289.0+8, 2026-08-21): alicloud/resource_alicloud_instance.go, resource_alicloud_ecs_network_interface.go,
//   resource_alicloud_ecs_network_interface_attachment.go, resource_alicloud_eip_address.go,
//   resource_alicloud_eip_association.go, resource_alicloud_ros_stack.go,
//   data_source_alicloud_ecs_network_interfaces.go (the `Schema:` maps; `tags` is tagsSchema(), a map of strings;
//   its `instance_id` and `type` ("Primary" | "Secondary") find an instance's primary ENI).
//   alicloud_instance: network_interface_id (Optional, Computed: the primary ENI), secondary_private_ips /
//   secondary_private_ip_address_count (the primary ENI's secondary IPs; resourceAliCloudInstanceCreate ends in
//   resourceAliCloudInstanceUpdate, which assigns them with AssignPrivateIpAddresses).
//   No resource assigns private IPs to an ENI apart from these two, each in its own create call or on a later
//   change of the count: see export-terraform.ts for why the export assigns "the rest" with a ROS stack.
//   alicloud_eip_association `mode`: CHANGELOG.md lists it under 1.217.0, the resource page says "Available since
//   v1.216.0" — the export requires >= 1.217.0, which satisfies both.
//   terraform_data: Terraform core >= 1.4 (arguments input, triggers_replace; attributes output, id).
// alicloud_instance lists only the arguments this project emits or reads (it has 96); the others are complete.
// A type is "string" | "int" | "bool" | "set(string)" | "list(string)" | "map(string)" | "set(object)" |
// "list(object)" | "any", prefixed "required " (must be set) or "computed " (read-only).

export const TF_PROVIDER_VERSION = ">= 1.217.0";
export const TF_CORE_VERSION = ">= 1.5";

export type TfSchema = Record<string, Record<string, string>>;

export const TF_RESOURCES: TfSchema = {
  alicloud_instance: {
    availability_zone: "string",
    instance_type: "string",
    image_id: "string",
    vswitch_id: "string",
    security_groups: "set(string)",
    system_disk_category: "string",
    instance_charge_type: "string",
    internet_max_bandwidth_out: "int",
    password: "string",
    key_name: "string",
    instance_name: "string",
    private_ip: "string",
    status: "string",
    tags: "map(string)",
    // Optional + Computed: the id of the instance's primary ENI.
    network_interface_id: "string",
    // The primary ENI's secondary private IPs (ConflictsWith each other); assigned by the
    // provider's Update right after RunInstances (AssignPrivateIpAddresses).
    secondary_private_ips: "set(string)",
    secondary_private_ip_address_count: "int",
  },
  alicloud_ecs_network_interface: {
    description: "string",
    mac: "computed string",
    network_interface_name: "string",
    name: "string",
    primary_ip_address: "string",
    private_ip: "string",
    private_ip_addresses: "set(string)",
    private_ips: "set(string)",
    queue_number: "int",
    resource_group_id: "string",
    secondary_private_ip_address_count: "int",
    private_ips_count: "int",
    security_group_ids: "set(string)",
    security_groups: "set(string)",
    status: "computed string",
    vswitch_id: "required string",
    ipv6_address_count: "int",
    ipv6_addresses: "set(string)",
    ipv4_prefix_count: "int",
    ipv4_prefixes: "set(string)",
    instance_type: "string",
    network_interface_traffic_mode: "string",
    source_dest_check: "bool",
    delete_on_release: "bool",
    tags: "map(string)",
  },
  alicloud_ecs_network_interface_attachment: {
    network_interface_id: "required string",
    instance_id: "required string",
    trunk_network_instance_id: "string",
    network_card_index: "int",
    wait_for_network_configuration_ready: "bool",
  },
  alicloud_eip_address: {
    activity_id: "string",
    address_name: "string",
    allocation_id: "string",
    auto_pay: "bool",
    bandwidth: "string",
    create_time: "computed string",
    deletion_protection: "bool",
    description: "string",
    high_definition_monitor_log_status: "string",
    internet_charge_type: "string",
    ip_address: "string",
    isp: "string",
    log_project: "string",
    log_store: "string",
    mode: "string",
    netmode: "string",
    payment_type: "string",
    period: "int",
    pricing_cycle: "string",
    public_ip_address_pool_id: "string",
    resource_group_id: "string",
    security_protection_types: "list(string)",
    status: "computed string",
    zone: "string",
    name: "string",
    instance_charge_type: "string",
    tags: "map(string)",
  },
  alicloud_eip_association: {
    allocation_id: "required string",
    force: "bool",
    instance_id: "required string",
    instance_type: "string",
    mode: "string",
    private_ip_address: "string",
    vpc_id: "string",
  },
  alicloud_ros_stack: {
    create_option: "string",
    deletion_protection: "string",
    disable_rollback: "bool",
    notification_urls: "set(string)",
    parameters: "set(object)",
    ram_role_name: "string",
    replacement_option: "string",
    retain_all_resources: "bool",
    retain_resources: "set(string)",
    stack_name: "required string",
    stack_policy_body: "string",
    stack_policy_during_update_body: "string",
    stack_policy_during_update_url: "string",
    stack_policy_url: "string",
    status: "computed string",
    template_body: "string",
    template_url: "string",
    template_version: "string",
    timeout_in_minutes: "int",
    use_previous_parameters: "bool",
    tags: "map(string)",
  },
  terraform_data: {
    input: "any",
    triggers_replace: "any",
    output: "computed any",
  },
};

export const TF_DATA_SOURCES: TfSchema = {
  alicloud_ecs_network_interfaces: {
    instance_id: "string",
    ids: "list(string)",
    name_regex: "string",
    names: "computed list(string)",
    network_interface_name: "string",
    name: "string",
    primary_ip_address: "string",
    private_ip: "string",
    resource_group_id: "string",
    security_group_id: "string",
    service_managed: "bool",
    status: "string",
    type: "string",
    vswitch_id: "string",
    vpc_id: "string",
    output_file: "string",
    interfaces: "computed list(object)",
  },
};

/** Attributes of one element of data.alicloud_ecs_network_interfaces.interfaces (all computed). */
export const TF_ENI_DATA_INTERFACE: Record<string, string> = {
  id: "string",
  network_interface_id: "string",
  instance_id: "string",
  status: "string",
  primary_ip_address: "string",
  private_ip_addresses: "list(string)",
  vswitch_id: "string",
};
