// Checks the config-library forms run in the browser before they call the
// server, so a user reads a sentence in their language next to the field
// instead of a validator's message in a toast. Each problem is a message key
// under "configs.formErrors" plus its values; the server validates again.
// Pure, no server imports: client components import it.
import { isUnicastMac, MAC_RE, PREFIX_MAX, PREFIX_MIN } from "@/lib/os/spec.schema";
import { inPrefix, isIpv4 } from "@/lib/net/ipv4";
import { CONFIG_NAME_MAX, SHARE_MAX_HOURS } from "./config.schema";

export type FormProblem = { key: string; values?: Record<string, string | number> };

export function configNameProblem(name: string): FormProblem | null {
  const trimmed = name.trim();
  if (!trimmed) return { key: "nameRequired" };
  if (trimmed.length > CONFIG_NAME_MAX) return { key: "nameTooLong", values: { max: CONFIG_NAME_MAX } };
  return null;
}

/** `hours` as typed: an empty or fractional field is a problem too. */
export function shareHoursProblem(hours: string): FormProblem | null {
  const n = Number(hours);
  if (hours.trim() === "" || !Number.isInteger(n) || n < 1 || n > SHARE_MAX_HOURS)
    return { key: "shareHours", values: { max: SHARE_MAX_HOURS } };
  return null;
}

/** The guest facts of a config's bundle form, as typed. */
export type GuestFactsInput = {
  mac: string;
  primaryIp: string;
  secondaryIps: string;
  prefixLength: string;
  gateway: string;
};

export function splitIps(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Problems per field of the guest bundle form; empty when the download may go
 * ahead. `secondaryCount` is how many secondary IPs the user must give (0
 * when the config lists them itself).
 */
export function guestFactsProblems(
  input: GuestFactsInput,
  secondaryCount: number,
): Partial<Record<keyof GuestFactsInput, FormProblem>> {
  const out: Partial<Record<keyof GuestFactsInput, FormProblem>> = {};
  const required = (
    ["mac", "primaryIp", "prefixLength", "gateway", ...(secondaryCount > 0 ? ["secondaryIps" as const] : [])] as const
  ).filter((k) => input[k].trim() === "");
  const mac = input.mac.trim();
  if (!MAC_RE.test(mac)) out.mac = { key: "mac" };
  else if (!isUnicastMac(mac.toLowerCase())) out.mac = { key: "macUnicast" };

  const primary = input.primaryIp.trim();
  if (!isIpv4(primary)) out.primaryIp = { key: "ipv4", values: { value: primary } };

  const prefix = Number(input.prefixLength);
  const prefixOk =
    input.prefixLength.trim() !== "" && Number.isInteger(prefix) && prefix >= PREFIX_MIN && prefix <= PREFIX_MAX;
  if (!prefixOk) out.prefixLength = { key: "prefixLength", values: { min: PREFIX_MIN, max: PREFIX_MAX } };
  const sameSubnet = (ip: string) => !prefixOk || !isIpv4(primary) || inPrefix(ip, primary, prefix);

  const gateway = input.gateway.trim();
  if (!isIpv4(gateway)) out.gateway = { key: "ipv4", values: { value: gateway } };
  else if (!sameSubnet(gateway)) out.gateway = { key: "outsideSubnet", values: { value: gateway } };

  if (secondaryCount > 0) {
    const ips = splitIps(input.secondaryIps);
    const bad = ips.find((ip) => !isIpv4(ip));
    if (bad !== undefined) out.secondaryIps = { key: "ipv4", values: { value: bad } };
    else if (ips.length !== secondaryCount)
      out.secondaryIps = { key: "secondaryCount", values: { count: secondaryCount } };
    else {
      const outside = ips.find((ip) => !sameSubnet(ip));
      if (outside) out.secondaryIps = { key: "outsideSubnet", values: { value: outside } };
    }
  }
  // An empty field says so, whatever else its check would have said.
  for (const k of required) out[k] = { key: "required" };
  return out;
}
