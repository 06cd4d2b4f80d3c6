import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateBundle, SpecError } from "./bundle";

// npm run -s routes -- --spec <spec.json> [--out <dir>]   (DESIGN.md contract 4)
// Writes the bundle under --out, or prints a JSON listing on stdout. Invalid spec: stderr, exit 2.

function usage(msg?: string): never {
  if (msg) process.stderr.write(`routes: ${msg}\n`);
  process.stderr.write("usage: npm run -s routes -- --spec <spec.json> [--out <dir>]\n");
  process.exit(2);
}

function main(argv: string[]) {
  let specPath: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--spec") specPath = argv[++i] ?? usage("--spec needs a file");
    else if (a === "--out") out = argv[++i] ?? usage("--out needs a directory");
    else if (a === "-h" || a === "--help") usage();
    else usage(`unknown argument ${a}`);
  }
  if (!specPath) usage("--spec is required");

  let input: unknown;
  try {
    input = JSON.parse(readFileSync(specPath, "utf8"));
  } catch (e) {
    usage(`cannot read ${specPath}: ${(e as Error).message}`);
  }

  let bundle;
  try {
    bundle = generateBundle(input);
  } catch (e) {
    if (e instanceof SpecError) {
      process.stderr.write(`routes: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }

  if (!out) {
    process.stdout.write(JSON.stringify(bundle, null, 2) + "\n");
    return;
  }
  for (const f of bundle.files) {
    const dst = path.join(out, f.path);
    mkdirSync(path.dirname(dst), { recursive: true });
    writeFileSync(dst, f.content, { mode: parseInt(f.mode, 8) });
    chmodSync(dst, parseInt(f.mode, 8)); // the umask must not weaken or widen the mode
  }
  process.stderr.write(`routes: wrote ${bundle.files.length} files to ${out} (bundle sha256 ${bundle.sha256})\n`);
}

main(process.argv.slice(2));
