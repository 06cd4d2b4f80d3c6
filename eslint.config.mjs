import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Rules the linter can check, written down instead of remembered.
const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/generated/**",
      "data/**",
      "e2e/artifacts/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      // Fonts come from npm (@fontsource-variable/*): next/font/google downloads at build time.
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "next/font/google", message: "Offline builds: use @fontsource-variable/* instead." }] },
      ],
    },
  },
  {
    // Small parts (docs/architecture.md): a function that must be longer says why above its disable comment.
    files: ["**/*.{ts,tsx,mjs}"],
    ignores: ["**/*.test.ts", "**/*.spec.ts"],
    rules: { "max-lines-per-function": ["error", { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    // Components never talk to the database or the cloud directly.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db/*", "@/lib/generated/*"],
              message: "Components get data from pages and server actions, not the database.",
            },
            {
              group: ["@/lib/cloud/call", "@/lib/cloud/client", "@alicloud/*"],
              message: "Cloud calls go through lib/ services and server actions.",
            },
          ],
        },
      ],
    },
  },
  {
    // The emulator is its own program.
    files: ["emulator/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/*", "../lib/*", "../app/*", "../components/*"],
              message: "The emulator imports nothing from the app.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
