// A new instance's login password is the one secret a deployment spec can hold.
// It goes to RunInstances and nowhere else: every copy that leaves the server
// (deployment page, review plan, resumed draft) has it replaced.
export const REDACTED_PASSWORD = "[redacted]";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

/** The spec without the instance password (a deep-enough copy; the input is untouched). */
export function specWithoutSecrets<T>(spec: T): T {
  if (!isObj(spec) || !isObj(spec.instance) || spec.instance.password === undefined) return spec;
  return { ...spec, instance: { ...spec.instance, password: REDACTED_PASSWORD } } as T;
}

/** A plan whose steps' Password parameters are replaced. */
export function planWithoutSecrets<T>(plan: T): T {
  if (!isObj(plan) || !Array.isArray(plan.steps)) return plan;
  return {
    ...plan,
    steps: plan.steps.map((s: unknown) =>
      isObj(s) && isObj(s.params) && s.params.Password !== undefined
        ? { ...s, params: { ...s.params, Password: REDACTED_PASSWORD } }
        : s,
    ),
  } as T;
}
