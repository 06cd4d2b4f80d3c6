import { readFileSync } from "node:fs";
import path from "node:path";
import { generateBundle, SpecError } from "./bundle";
import { BundleWriteError, ioReason, writeBundleDir } from "./write-bundle";

// npm run -s routes -- --spec <spec.json> [--out <dir>]   (DESIGN.md contract 4)
// Writes the bundle under --out, or prints a JSON listing on stdout. Invalid spec or arguments:
// stderr, exit 2. --out that cannot take the bundle: stderr, exit 1. Nothing is written on error.

const USAGE = "usage: npm run -s routes -- --spec <spec.json> [--out <dir>]\n";

function usage(msg?: string): never {
  if (msg) process.stderr.write(`routes: ${msg}\n`);
  process.stderr.write(USAGE);
  process.exit(2);
}

function fail(msg: string, code: number): never {
  process.stderr.write(`routes: ${msg}\n`);
  process.exit(code);
}

function main(argv: string[]) {
  let specPath: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // An empty value is missing too: --out "" would otherwise mean the current directory.
    if (a === "--spec") specPath = argv[++i] || usage("--spec needs a file");
    else if (a === "--out") out = argv[++i] || usage("--out needs a directory");
    else if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE); // asked for, so not an error
      process.exit(0);
    } else usage(`unknown argument ${a}`);
  }
  if (!specPath) usage("--spec is required");
  // `npm run` starts the script in the package's directory; relative paths mean the caller's.
  const base =
    process.env.npm_lifecycle_event === "routes" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  specPath = path.resolve(base, specPath);
  if (out !== undefined) out = path.resolve(base, out);

  let text: string;
  try {
    text = readFileSync(specPath, "utf8");
  } catch (e) {
    fail(
      `cannot read ${specPath}: ${(e as NodeJS.ErrnoException).code === "EISDIR" ? "it is a directory" : ioReason(e)}`,
      2,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, "")); // a byte-order mark from an editor is not part of the JSON
  } catch (e) {
    fail(`${specPath} is not valid JSON: ${(e as Error).message}`, 2);
  }

  let bundle;
  try {
    bundle = generateBundle(input);
  } catch (e) {
    if (e instanceof SpecError) fail(e.message, 2);
    throw e;
  }

  if (!out) {
    process.stdout.write(JSON.stringify(bundle, null, 2) + "\n");
    return;
  }
  try {
    writeBundleDir(out, bundle.files);
  } catch (e) {
    if (e instanceof BundleWriteError) fail(`${e.message}; nothing was written`, 1);
    throw e;
  }
  process.stderr.write(`routes: wrote ${bundle.files.length} files to ${out} (bundle sha256 ${bundle.sha256})\n`);
}

main(process.argv.slice(2));
