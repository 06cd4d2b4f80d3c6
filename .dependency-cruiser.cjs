// The layer rules of docs/architecture.md, checked by `npm run check:layers` (part of `npm test`).
// A folder may import only itself and the folders this table allows; tests are exempt from the
// layer table (they may reach anywhere to set up a world) but not from the cycle rule.

/** lib/ folders, lowest layer first; each may import the folders listed with it. */
const LIB = {
  net: [],
  i18n: ["net"],
  validation: ["net", "i18n"],
  db: ["net", "i18n", "validation"],
  server: ["net", "i18n", "validation", "db"],
  audit: ["base"],
  os: ["base"],
  notify: ["base", "audit"],
  cloud: ["base", "audit"],
  auth: ["base", "audit", "cloud"],
  access: ["base", "audit", "cloud", "auth"],
  guest: ["base", "audit", "cloud", "auth", "access", "os"],
  deploy: ["base", "audit", "notify", "cloud", "auth", "access", "os", "guest"],
  teams: ["base", "audit", "cloud", "auth", "access"],
  configs: ["base", "audit", "cloud", "auth", "access", "os", "deploy"],
  fleet: ["base", "audit", "notify", "cloud", "auth", "access", "os", "guest", "deploy", "teams", "configs"],
  actions: ["base", "audit", "notify", "cloud", "auth", "access", "os", "guest", "deploy", "teams", "configs", "fleet"],
  api: ["base", "audit", "notify", "cloud", "auth", "access", "os", "guest", "deploy", "teams", "configs", "fleet"],
};
const BASE = ["net", "i18n", "validation", "db", "server"];
// The generated Prisma client belongs to the data layer: any server-side lib folder may use its types.
const ALWAYS = ["generated"];

const allowedOf = (folder) => [folder, ...ALWAYS, ...LIB[folder].flatMap((f) => (f === "base" ? BASE : [f]))];
const alt = (names) => `(${names.join("|")})`;
const TESTS = "(\\.test\\.ts$|^lib/testing/|/testing/)";

const layerRules = Object.keys(LIB).map((folder) => ({
  name: `lib/${folder} layer`,
  comment: `lib/${folder} may import only ${allowedOf(folder).join(", ")} (docs/architecture.md)`,
  severity: "error",
  from: { path: `^lib/${folder}/`, pathNot: TESTS },
  to: { path: "^lib/[^/]+/", pathNot: `^lib/${alt(allowedOf(folder))}/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no folder outside the table",
      comment: "a new lib/ folder needs its row in .dependency-cruiser.cjs and docs/architecture.md",
      severity: "error",
      from: { path: "^lib/[^/]+/" },
      to: { path: `^lib/(?!${alt([...Object.keys(LIB), ...ALWAYS, "testing"])}/)[^/]+/` },
    },
    {
      name: "no import cycles",
      comment: "a cycle only through `import type` is no cycle at run time, and a type may name its user",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "lib never imports app or components",
      severity: "error",
      from: { path: "^lib/", pathNot: TESTS },
      to: { path: "^(app|components)/" },
    },
    {
      name: "components never reach the database or the SDKs",
      severity: "error",
      from: { path: "^components/" },
      to: {
        path: "^(lib/db/|lib/generated/|lib/cloud/(call|client)\\.ts$|node_modules/@alicloud/|node_modules/pg/|node_modules/@electric-sql/)",
      },
    },
    {
      name: "the emulator is its own program",
      severity: "error",
      from: { path: "^emulator/" },
      to: { path: "^(app|lib|components)/" },
    },
    {
      name: "only tests import test helpers",
      severity: "error",
      from: { path: "^(app|components|lib)/", pathNot: TESTS },
      to: { path: "^(lib/testing/|e2e/|bench/|lib/[^/]+/testing/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|lib/generated|data|test-results)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
