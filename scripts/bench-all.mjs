// `npm run bench`: every `bench:*` script in package.json, one after another.
// Each writes its JSON result to bench/results/<name>.json. In name order: bench:web starts the production
// server (npm start builds it when the sources are newer), so bench:wizard after it finds the build output
// it measures. bench:wizard reports the interaction counts of the last e2e/interactions.spec.ts run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const names = Object.keys(pkg.scripts)
  .filter((s) => s.startsWith("bench:"))
  .sort();
fs.mkdirSync(new URL("../bench/results/", import.meta.url), { recursive: true });
let failed = 0;
for (const name of names) {
  console.log(`\n=== npm run ${name}`);
  const res = spawnSync("npm", ["run", "-s", name], { stdio: "inherit" });
  if (res.status !== 0) {
    failed++;
    console.error(`${name} failed (exit ${res.status})`);
  }
}
console.log(`\n${names.length - failed} benchmarks ran, ${failed} failed; results in bench/results/`);
process.exit(failed ? 1 : 0);
