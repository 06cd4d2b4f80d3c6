// The checks `terraform validate` and ROS's template validation would make of
// an export, against the schema facts in this folder: every resource (and data
// source) type exists, every argument / property exists and has the right
// type, every required one is set, every attribute read by reference exists.
// Expressions are accepted wherever a value is (their type is not evaluated).
// Returns the problems found; the tests expect none. Used by tests only.
import { ROS_RESOURCES } from "./ros-resources";
import { TF_DATA_SOURCES, TF_ENI_DATA_INTERFACE, TF_RESOURCES, type TfSchema } from "./alicloud-terraform";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Body = Record<string, Json>;
/** HCL as @cdktf/hcl2json renders it: blocks of a type and name are lists of bodies. */
export type TfDoc = Record<string, Json> & {
  resource?: Record<string, Record<string, Body[]>>;
  data?: Record<string, Record<string, Body[]>>;
};

/** Terraform's meta-arguments, allowed in every resource and data block. */
const META = new Set(["depends_on", "count", "for_each", "provider", "lifecycle"]);

const isExpr = (v: Json) => typeof v === "string" && /^\$\{[\s\S]*\}$/.test(v);

function tfTypeOk(type: string, v: Json): boolean {
  if (isExpr(v)) return true;
  if (type === "any") return true;
  if (type === "string") return typeof v === "string";
  if (type === "int") return typeof v === "number" && Number.isInteger(v);
  if (type === "bool") return typeof v === "boolean";
  if (/^(set|list)\(/.test(type)) return Array.isArray(v) && v.every((x) => typeof x === "string" || isExpr(x));
  if (type.startsWith("map(")) return !!v && typeof v === "object" && !Array.isArray(v);
  return false;
}

function checkTfBlocks(kind: string, blocks: Record<string, Record<string, Body[]>>, schema: TfSchema): string[] {
  const problems: string[] = [];
  for (const [type, byName] of Object.entries(blocks)) {
    const fields = schema[type];
    if (!fields) {
      problems.push(`${kind} type ${type} is not in the provider`);
      continue;
    }
    for (const [name, bodies] of Object.entries(byName))
      for (const body of bodies) {
        const at = `${kind} ${type}.${name}`;
        for (const [arg, value] of Object.entries(body)) {
          if (META.has(arg)) continue;
          const t = fields[arg];
          if (!t) problems.push(`${at}: no argument ${arg}`);
          else if (t.startsWith("computed ")) problems.push(`${at}: ${arg} is read-only`);
          else if (!tfTypeOk(t.replace(/^required /, ""), value)) problems.push(`${at}: ${arg} is not ${t}`);
        }
        for (const [arg, t] of Object.entries(fields))
          if (t.startsWith("required ") && !(arg in body)) problems.push(`${at}: required ${arg} missing`);
      }
  }
  return problems;
}

/** Every `type.name.attr` (and `data.type.name.attr[..].attr`) read in an expression exists. */
function checkTfReferences(doc: TfDoc): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/(?<![\w.])(data\.)?((?:alicloud|terraform)_[a-z_]+)\.([a-z_0-9]+)\.([a-z_0-9]+)/g)) {
    const [ref, data, type, name, attr] = m as unknown as [string, string | undefined, string, string, string];
    const declared = (data ? doc.data : doc.resource)?.[type!]?.[name!];
    if (!declared) problems.push(`${ref}: not declared`);
    const fields = (data ? TF_DATA_SOURCES : TF_RESOURCES)[type!];
    if (attr !== "id" && !fields?.[attr!]) problems.push(`${ref}: no attribute ${attr}`);
  }
  for (const m of text.matchAll(/\.interfaces\[\d+\]\.([a-z_0-9]+)/g))
    if (!TF_ENI_DATA_INTERFACE[m[1]!]) problems.push(`interfaces[].${m[1]}: no such attribute`);
  return problems;
}

export function validateTerraform(doc: TfDoc): string[] {
  return [
    ...checkTfBlocks("resource", doc.resource ?? {}, TF_RESOURCES),
    ...checkTfBlocks("data", doc.data ?? {}, TF_DATA_SOURCES),
    ...checkTfReferences(doc),
  ];
}

const INTRINSIC = /^(Ref|Fn::[A-Za-z]+)$/;
const isIntrinsic = (v: Json) =>
  !!v &&
  typeof v === "object" &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  INTRINSIC.test(Object.keys(v)[0]!);

function rosTypeOk(type: string, v: Json): boolean {
  if (isIntrinsic(v)) return true;
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "list":
      return Array.isArray(v);
    default:
      return true;
  }
}

type RosTemplate = { Resources: Record<string, { Type: string; Properties?: Body; DependsOn?: string[] }> };

export function validateRos(t: RosTemplate): string[] {
  const problems: string[] = [];
  for (const [name, r] of Object.entries(t.Resources)) {
    const spec = ROS_RESOURCES[r.Type];
    if (!spec) {
      problems.push(`${name}: type ${r.Type} is not in the ROS specification`);
      continue;
    }
    const props = r.Properties ?? {};
    for (const [p, v] of Object.entries(props)) {
      const type = spec.properties[p];
      if (!type) problems.push(`${name}: no property ${p}`);
      else if (!rosTypeOk(type.replace(/^required /, ""), v)) problems.push(`${name}.${p} is not ${type}`);
    }
    for (const [p, type] of Object.entries(spec.properties))
      if (type.startsWith("required ") && !(p in props)) problems.push(`${name}: required ${p} missing`);
    for (const dep of r.DependsOn ?? []) if (!t.Resources[dep]) problems.push(`${name}: DependsOn ${dep} undeclared`);
  }
  const text = JSON.stringify(t);
  for (const m of text.matchAll(/"Fn::GetAtt":\["([^"]+)","([^"]+)"\]/g)) {
    const r = t.Resources[m[1]!];
    if (!r) problems.push(`Fn::GetAtt ${m[1]}: undeclared`);
    else if (!ROS_RESOURCES[r.Type]?.attributes.includes(m[2]!))
      problems.push(`Fn::GetAtt ${m[1]}.${m[2]}: no attribute`);
  }
  return problems;
}
