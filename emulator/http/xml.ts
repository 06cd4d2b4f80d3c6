// The API's XML answers, for a request with `Format=XML` (the SDKs ask JSON; aliyun-cli classic
// and older clients may ask XML). The shape follows the JSON one: a success is
// `<ActionResponse>` holding the body's fields, an error is `<Error>` with RequestId, HostId,
// Code, Message and Recommend; a JSON array becomes one element per item under the array's
// own key (`{"NetworkInterfaceSets":{"NetworkInterfaceSet":[a,b]}}` →
// `<NetworkInterfaceSets><NetworkInterfaceSet>a</NetworkInterfaceSet><NetworkInterfaceSet>b…`).

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** `text/xml;charset=utf-8` exactly: the TS SDK parses an XML error only under that content type. */
export const XML_CONTENT_TYPE = "text/xml;charset=utf-8";

/** `XML` (any case) in the request's `Format` parameter; anything else, or none, answers JSON. */
export function wantsXml(format: string | undefined): boolean {
  return format?.toLowerCase() === "xml";
}

/** A whole XML document: `root` holding `body`'s fields. */
export function xmlDocument(root: string, body: Record<string, unknown>): string {
  return DECLARATION + element(root, body);
}

function element(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join("");
  if (value === null || value === undefined) return `<${name}/>`;
  if (typeof value === "object") {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join("");
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

// Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF)
// become U+FFFD; a command's plain-text output may contain them.
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeText(s: string): string {
  return s.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
