// The tags every resource EIPilot creates carries (CreateNetworkInterface, AllocateEipAddress, RunInstances
// take `Tag.N.Key/Value`): which deployment made it, so the console, a tag filter or a cost report tells a
// deployment's ENIs and EIPs apart from everything else in the account. Existing resources are not tagged:
// EIPilot never edits what it did not create.

/** The create calls that take tags (ECS and VPC alike: `Tag` is a list of {Key, Value}). */
export const TAGGED_CREATES: ReadonlySet<string> = new Set([
  "CreateNetworkInterface",
  "AllocateEipAddress",
  "RunInstances",
]);

export type ResourceTag = { Key: string; Value: string };

const URL_IN = /https?:\/\//i;

/**
 * `eipilot:deployment` (the deployment's id) and `eipilot:name` (its name, at most 128 characters — the
 * API's limit). A name the API would refuse as a tag value (one holding a URL) is left out rather than
 * failing the run.
 */
export function deploymentTags(deploymentId: string, name: string): ResourceTag[] {
  const value = name.trim().slice(0, 128);
  return [
    { Key: "eipilot:deployment", Value: deploymentId },
    ...(value && !URL_IN.test(value) ? [{ Key: "eipilot:name", Value: value }] : []),
  ];
}
