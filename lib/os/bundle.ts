import { createHash } from "node:crypto";
import { genericPlan, rcLocalPlan, withPrimaryBoot } from "./generic";
import { ifupdownPlan } from "./ifupdown";
import { netplanPlan } from "./netplan";
import { networkManagerPlan } from "./networkmanager";
import { networkScriptsPlan } from "./network-scripts";
import { withAgent } from "./netd";
import { readme } from "./readme";
import { applyScript, rollbackScript, verifyScript, type FamilyPlan } from "./scripts";
import { GENERATOR_VERSION } from "./shell";
import { SpecError, validateRoutesSpec, type NormalizedSpec, type OsFamily, type Persistence } from "./spec.schema";

export { SpecError, validateRoutesSpec } from "./spec.schema";

export type FileMode = "0600" | "0644" | "0755";
export type BundleFile = { path: string; content: string; mode: FileMode; sha256: string };
export type Bundle = {
  generator: "eipilot-os";
  version: string;
  os: OsFamily;
  persistence: Persistence;
  specSha256: string;
  /** sha256 of SHA256SUMS, which lists every other file's sha256. */
  sha256: string;
  files: BundleFile[];
};

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

function familyPlan(spec: NormalizedSpec, specSha256: string): FamilyPlan {
  if (spec.persistence === "rc.local") return rcLocalPlan(spec, specSha256);
  switch (spec.os) {
    case "alinux2":
    case "centos7":
      return networkScriptsPlan(spec);
    case "alinux3":
    case "rhel9":
      return networkManagerPlan(spec);
    case "ubuntu":
      return netplanPlan(spec);
    case "debian":
      return ifupdownPlan(spec);
    case "generic":
      return genericPlan(spec, specSha256);
    default: {
      const never: never = spec.os;
      throw new Error(`unknown os ${String(never)}`);
    }
  }
}

/** Generates the bundle for a spec; throws SpecError (listing every problem) for an invalid one. */
export function generateBundle(input: unknown): Bundle {
  const v = validateRoutesSpec(input);
  if (!v.ok) throw new SpecError(v.errors);
  const spec = v.spec;
  const specJson = JSON.stringify(spec, null, 2) + "\n";
  const specSha256 = sha256(specJson);
  const plan = withAgent(withPrimaryBoot(familyPlan(spec, specSha256), spec, specSha256), spec, specSha256);

  const raw: Omit<BundleFile, "sha256">[] = [
    { path: "README.md", mode: "0644", content: readme(spec, specSha256, plan) },
    { path: "apply.sh", mode: "0755", content: applyScript(spec, specSha256, plan) },
    { path: "verify.sh", mode: "0755", content: verifyScript(spec, specSha256) },
    { path: "rollback.sh", mode: "0755", content: rollbackScript(spec, specSha256, plan) },
    { path: "spec.json", mode: "0644", content: specJson },
    ...plan.files.map((f) => ({ path: `files${f.path}`, mode: f.mode, content: f.content })),
  ];
  const files: BundleFile[] = raw.map((f) => ({ ...f, sha256: sha256(f.content) }));
  const sums = files.map((f) => `${f.sha256}  ${f.path}\n`).join("");
  files.push({ path: "SHA256SUMS", mode: "0644", content: sums, sha256: sha256(sums) });
  return {
    generator: "eipilot-os",
    version: GENERATOR_VERSION,
    os: spec.os,
    persistence: spec.persistence,
    specSha256,
    sha256: sha256(sums),
    files,
  };
}
