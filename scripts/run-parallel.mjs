// `node scripts/run-parallel.mjs "<npm script> [-- args]" …`: runs npm scripts side by side and
// exits non-zero when any of them fails. Used by `npm test` for checks that share no state (the static
// checks; the unit suite on in-memory PGlite and the browser suite on its own data directory and port):
// on this 2-core machine the vitest pool runs one worker, so the browser suite uses the other core.
// Each line is prefixed with its script's name; the failures are repeated at the end.
import { spawn } from "node:child_process";
import readline from "node:readline";

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error("usage: node scripts/run-parallel.mjs <npm script> [<npm script> …]");
  process.exit(2);
}

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);

const children = new Set();
// A failing script's last lines (its test runner's summary) are printed again at the very end: CI logs
// are often read from the bottom, and the other script's output would otherwise bury them.
const TAIL_LINES = 150;

function run(script) {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "-s", ...script.split(" ")], {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    children.add(child);
    const prefix = `[${script}] `;
    const tail = [];
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on("line", (line) => {
        console.log(prefix + line);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      });
    }
    child.on("close", (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      console.log(`${prefix}${status === 0 ? "passed" : `FAILED (exit ${code ?? signal})`} after ${seconds()}s`);
      resolve({ script, status, tail });
    });
  });
}

// Pass a stop on to every script (the browser suite then stops its server and the lab its namespaces)
// and wait for them to finish cleaning up.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => children.forEach((c) => c.kill(sig)));

const results = await Promise.all(scripts.map(run));
const failed = results.filter((r) => r.status !== 0);
if (failed.length) {
  for (const r of failed) console.log(`\n--- the last lines of ${r.script} ---\n${r.tail.join("\n")}`);
  console.log(`\nFAILED: ${failed.map((r) => r.script).join(", ")}`);
  process.exit(1);
}
console.log(`\nall passed: ${scripts.join(", ")} (${seconds()}s)`);
