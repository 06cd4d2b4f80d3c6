// Where to go after sign-in or sign-up: `?next=` comes from a link anyone can
// write, so only a path of this app is followed. Browsers read `\` as `/`, drop
// tabs and line breaks inside URLs, and the router decodes percent escapes
// before it navigates — `/%5Chost` or `/\t/host` would leave the site. The
// check parses the value as a URL against a stand-in origin and refuses it
// when any of its decoded spellings could name another host or a scheme.
// Pure, no server imports: the sign-in form imports it.

const STAND_IN = "https://eipilot.invalid";
/** Control characters (tab, line feed …) and backslashes: never in a path this app links to. */
const SUSPICIOUS = /[\u0000-\u001f\u007f\\]/;

/** Every spelling of `raw` a browser or router may act on: as written, then percent-decoded up to 3 times. */
function spellings(raw: string): string[] {
  const out = [raw];
  let current = raw;
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      break;
    }
    if (decoded === current) break;
    out.push(decoded);
    current = decoded;
  }
  return out;
}

function isLocalPath(s: string): boolean {
  if (!s.startsWith("/") || s.startsWith("//") || SUSPICIOUS.test(s)) return false;
  try {
    return new URL(s, STAND_IN).origin === STAND_IN;
  } catch {
    return false;
  }
}

/** `raw` when it is a path of this app (with its query and fragment), otherwise "/". */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > 2048) return "/";
  return spellings(raw).every(isLocalPath) ? raw : "/";
}
