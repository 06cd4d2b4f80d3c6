import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { generateBundle, sha256, validateRoutesSpec } from "./bundle";
import {
  EXAMPLE,
  FAMILY_CASES,
  caseSpec,
  has,
  lintBundles,
  netplanGenerate,
  shellFiles,
  writeBundle,
} from "./test-helpers";

// Golden files per family (UPDATE_GOLDEN=1 rewrites them), lint of every script, netplan
// validation, and the CLI contract (DESIGN.md contract 4).

const GOLDEN = path.join(import.meta.dirname, "__golden__");
const update = process.env.UPDATE_GOLDEN === "1";
const bundleFor = (c: (typeof FAMILY_CASES)[number]) => generateBundle(caseSpec(c));

function walk(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) =>
    statSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`],
  );
}

describe("golden bundles", () => {
  it.each(FAMILY_CASES)("$name matches lib/os/__golden__/$name", (c) => {
    const b = bundleFor(c);
    const dir = path.join(GOLDEN, c.name);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      for (const f of b.files) {
        mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
        writeFileSync(path.join(dir, f.path), f.content);
      }
    }
    expect(walk(dir).sort(), "file list (UPDATE_GOLDEN=1 to accept a change)").toEqual(
      b.files.map((f) => f.path).sort(),
    );
    for (const f of b.files)
      expect(f.content, `${c.name}/${f.path}`).toBe(readFileSync(path.join(dir, f.path), "utf8"));
  });
});

describe("bundle structure", () => {
  it.each(FAMILY_CASES)("$name: scripts, README, hashes, embedded files", (c) => {
    const b = bundleFor(c);
    const byPath = new Map(b.files.map((f) => [f.path, f]));
    for (const p of ["apply.sh", "verify.sh", "rollback.sh", "README.md", "spec.json", "SHA256SUMS"])
      expect(byPath.has(p), p).toBe(true);
    expect(byPath.get("apply.sh")!.mode).toBe("0755");
    for (const f of b.files) expect(f.sha256).toBe(sha256(f.content));
    expect(b.sha256).toBe(sha256(byPath.get("SHA256SUMS")!.content));
    expect(b.version).toMatch(/^\d+\.\d+\.\d+$/);
    // apply.sh carries each persistent file verbatim, so it works alone (e.g. via Cloud Assistant).
    const apply = byPath.get("apply.sh")!.content;
    const persistent = b.files.filter((f) => f.path.startsWith("files/"));
    expect(persistent.length).toBeGreaterThan(0);
    for (const f of persistent) {
      expect(apply).toContain(`install_file ${f.mode} '${f.path.slice(5)}' <<'EIPILOT_EOF'\n${f.content}EIPILOT_EOF\n`);
    }
    // Never touches the main table's default route except to drop a DHCP one via a secondary ENI.
    expect(apply).not.toMatch(/ip -4 route (add|replace) default via [0-9.]+ dev \S+( |$)(?!.*table)/m);
    const readme = byPath.get("README.md")!.content;
    for (const topic of [
      "rp_filter",
      "ARP flux",
      "DHCP",
      "ManageForeignRoutingPolicyRules",
      "cloud-init",
      "Duplicate rules",
    ]) {
      expect(readme).toContain(topic);
    }
  });

  it("is deterministic and the spec hash changes with the spec", () => {
    expect(generateBundle(EXAMPLE)).toEqual(generateBundle(structuredClone(EXAMPLE)));
    const other = structuredClone(EXAMPLE);
    other.interfaces[0]!.routeTable = 1002;
    expect(generateBundle(other).specSha256).not.toBe(generateBundle(EXAMPLE).specSha256);
  });

  it("family files: ifcfg/route/rule, keyfile, netplan + networkd drop-in, ifupdown, systemd unit, rc.local", () => {
    const paths = (os: string, persistence = "native") =>
      generateBundle({ ...EXAMPLE, os, persistence }).files.map((f) => f.path);
    expect(paths("centos7")).toEqual(
      expect.arrayContaining([
        "files/etc/sysconfig/network-scripts/ifcfg-eth1",
        "files/etc/sysconfig/network-scripts/route-eth1",
        "files/etc/sysconfig/network-scripts/rule-eth1",
      ]),
    );
    expect(paths("rhel9")).toContain("files/etc/NetworkManager/system-connections/eipilot-eth1.nmconnection");
    expect(paths("ubuntu")).toEqual(
      expect.arrayContaining([
        "files/etc/netplan/90-eipilot.yaml",
        "files/etc/systemd/networkd.conf.d/90-eipilot.conf",
      ]),
    );
    expect(paths("debian")).toContain("files/etc/network/interfaces.d/eipilot-eth1");
    expect(paths("generic")).toEqual(
      expect.arrayContaining([
        "files/etc/systemd/system/eipilot-routes.service",
        "files/usr/local/sbin/eipilot-routes.sh",
      ]),
    );
    expect(paths("centos7", "rc.local")).toContain("files/usr/local/sbin/eipilot-routes.sh");
    const rule = generateBundle(EXAMPLE).files.find((f) => f.path.endsWith("rule-eth1"))!.content;
    expect(rule).toContain("from 172.16.0.77 lookup 1001 priority 30001");
  });
});

describe("shell lint", () => {
  const sc = has("shellcheck");
  if (!sc) console.warn("[lib/os] shellcheck not installed (apt-get install -y shellcheck): running bash -n only");
  it("every family's scripts pass bash -n and shellcheck at its default severity", () => {
    const twoEnis = {
      ...EXAMPLE,
      interfaces: [
        ...EXAMPLE.interfaces,
        {
          device: "ens6",
          mac: "00:16:3e:66:00:06",
          primaryIp: "172.16.0.30",
          secondaryIps: ["172.16.0.31"],
          prefixLength: 24,
          gateway: "172.16.0.253",
          routeTable: 1006,
        },
      ],
    };
    // Primary mode: the primary ENI's secondary IPs alone, and together with a secondary ENI.
    const primary = {
      device: "eth0",
      mac: "00:16:3e:00:00:01",
      primary: true,
      primaryIp: "172.16.0.10",
      secondaryIps: ["172.16.0.21"],
      prefixLength: 24,
    };
    // (The scripts' primary-mode parts do not depend on the family: two families are enough.)
    const bundles = [
      ...FAMILY_CASES.map((c) => generateBundle(caseSpec(c, twoEnis.interfaces))),
      ...["generic", "alinux3"].flatMap((os) => [
        generateBundle({ os, interfaces: [primary] }),
        generateBundle({ os, interfaces: [primary, ...EXAMPLE.interfaces] }),
      ]),
    ];
    expect(lintBundles(bundles, sc)).toBe("");
  });
});

describe("started with sh", () => {
  it.skipIf(!has("dash"))(
    "every script re-runs itself under bash (verify.sh run as `dash verify.sh` prints its JSON summary)",
    () => {
      for (const c of FAMILY_CASES) {
        const b = bundleFor(c);
        for (const p of shellFiles(b))
          expect(b.files.find((f) => f.path === p)!.content, p).toMatch(
            /\nif \[ -z "\$\{BASH_VERSION:-\}" \]; then exec bash "\$0" "\$@"; fi\n[^]*\nset -/,
          );
        const dir = writeBundle(b);
        try {
          // verify.sh only reads; it fails here (no such ENI on this host) but must get as far as its summary.
          const r = spawnSync("dash", ["verify.sh"], { cwd: dir, encoding: "utf8" });
          expect(r.stderr, c.name).not.toContain("Illegal option");
          expect(r.status, c.name).toBe(1);
          expect(JSON.parse(r.stdout).os, c.name).toBe(c.os);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  );
});

describe("netplan", () => {
  const available = has("netplan");
  if (!available)
    console.warn("[lib/os] netplan not installed (apt-get install -y netplan.io): skipping `netplan generate`");
  it.skipIf(!available)("netplan generate accepts the ubuntu bundle's YAML and yields table routes and rules", () => {
    const b = generateBundle({ ...EXAMPLE, os: "ubuntu" });
    const yaml = b.files.find((f) => f.path === "files/etc/netplan/90-eipilot.yaml")!.content;
    const r = netplanGenerate(yaml);
    expect(r.ok, r.output).toBe(true);
    expect(r.network).toContain("PermanentMACAddress=00:16:3e:12:34:56");
    expect(r.network).toMatch(/\[Route\]\nDestination=0\.0\.0\.0\/0\nGateway=172\.16\.0\.253\nTable=1001/);
    expect(r.network).toMatch(/\[RoutingPolicyRule\]\nFrom=172\.16\.0\.78\nTable=1001\nPriority=30002/);
  });

  it.skipIf(!available)(
    "every table id the ubuntu spec accepts reaches networkd as that table (netplan writes large ones negative)",
    () => {
      for (const table of [2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]) {
        const spec = {
          ...EXAMPLE,
          os: "ubuntu",
          interfaces: [{ ...EXAMPLE.interfaces[0]!, device: "enp0s6", routeTable: table }],
        };
        if (!validateRoutesSpec(spec).ok) continue;
        const yaml = generateBundle(spec).files.find((f) => f.path === "files/etc/netplan/90-eipilot.yaml")!.content;
        const r = netplanGenerate(yaml);
        expect(r.ok, r.output).toBe(true);
        expect(
          [...r.network.matchAll(/^Table=(.*)$/gm)].map((m) => m[1]),
          `table ${table}`,
        ).toEqual(Array(5).fill(String(table)));
      }
    },
  );
});

describe("CLI: npm run -s routes", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "cli.ts"), ...args], {
      encoding: "utf8",
    });
  /** Runs `fn` in a fresh temporary directory, removed afterwards whatever happens. */
  const inTmpDir = (fn: (d: string) => void) => {
    const d = mkdtempSync(path.join(os.tmpdir(), "eipilot-cli-"));
    try {
      fn(d);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  };

  it("writes the bundle with modes under --out, and lists it as JSON without --out", () => {
    inTmpDir((d) => {
      writeFileSync(path.join(d, "spec.json"), JSON.stringify({ ...EXAMPLE, os: "generic" }));
      const w = cli(["--spec", path.join(d, "spec.json"), "--out", path.join(d, "out")]);
      expect(w.status, w.stderr).toBe(0);
      expect(statSync(path.join(d, "out/apply.sh")).mode & 0o777).toBe(0o755);
      expect(statSync(path.join(d, "out/files/usr/local/sbin/eipilot-routes.sh")).mode & 0o777).toBe(0o755);
      const l = cli(["--spec", path.join(d, "spec.json")]);
      expect(l.status, l.stderr).toBe(0);
      const listing = JSON.parse(l.stdout);
      expect(listing.files.map((f: { path: string }) => f.path)).toContain("verify.sh");
      expect(readFileSync(path.join(d, "out/verify.sh"), "utf8")).toBe(
        listing.files.find((f: { path: string }) => f.path === "verify.sh").content,
      );
    });
  });

  it("invalid spec: every problem on stderr, exit 2, nothing written", () => {
    inTmpDir((d) => {
      const bad = structuredClone(EXAMPLE) as { interfaces: Record<string, unknown>[] };
      Object.assign(bad.interfaces[0]!, { routeTable: 254, device: "eth1 && reboot" });
      writeFileSync(path.join(d, "spec.json"), JSON.stringify(bad));
      const r = cli(["--spec", path.join(d, "spec.json"), "--out", path.join(d, "out")]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("routeTable");
      expect(r.stderr).toContain("device");
      expect(r.stdout).toBe("");
      expect(existsSync(path.join(d, "out"))).toBe(false);
      expect(cli(["--out", d]).status).toBe(2);
      for (const h of ["--help", "-h"]) {
        const help = cli([h]);
        expect(help.status, h).toBe(0);
        expect(help.stdout).toMatch(/^usage: npm run -s routes -- --spec <spec\.json> \[--out <dir>\]/);
      }
      // An empty --out (an unset shell variable) is refused, not taken as the current directory.
      const cwd = mkdtempSync(path.join(d, "cwd-"));
      writeFileSync(path.join(d, "good.json"), JSON.stringify(EXAMPLE));
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href; // found from any cwd
      const empty = spawnSync(
        process.execPath,
        ["--import", tsx, path.join(import.meta.dirname, "cli.ts"), "--spec", path.join(d, "good.json"), "--out", ""],
        { cwd, encoding: "utf8" },
      );
      expect(empty.status).toBe(2);
      expect(empty.stderr).toContain("--out needs a directory");
      expect(readdirSync(cwd)).toEqual([]);
    });
  });

  it("npm run from another directory: relative --spec and --out are the caller's, not the repository's", () => {
    inTmpDir((d) => {
      writeFileSync(path.join(d, "spec.json"), JSON.stringify(EXAMPLE));
      const repo = path.resolve(import.meta.dirname, "../..");
      const r = spawnSync(
        "npm",
        ["--prefix", repo, "run", "-s", "routes", "--", "--spec", "spec.json", "--out", "bundle"],
        { cwd: d, encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
      expect(walk(path.join(d, "bundle")).sort()).toEqual(
        generateBundle(EXAMPLE)
          .files.map((f) => f.path)
          .sort(),
      );
      expect(existsSync(path.join(repo, "bundle"))).toBe(false);
    });
  });

  it("--out holding an earlier bundle (another os) ends up with exactly the new bundle; files that are not the earlier bundle's stay", () => {
    inTmpDir((d) => {
      const out = path.join(d, "out");
      for (const os of ["centos7", "debian", "ubuntu"]) {
        writeFileSync(path.join(d, `${os}.json`), JSON.stringify({ ...EXAMPLE, os }));
      }
      expect(cli(["--spec", path.join(d, "centos7.json"), "--out", out]).status).toBe(0);
      writeFileSync(path.join(out, "notes.txt"), "mine");
      expect(cli(["--spec", path.join(d, "debian.json"), "--out", out]).status).toBe(0);
      const debian = generateBundle({ ...EXAMPLE, os: "debian" }).files.map((f) => f.path);
      expect(walk(out).sort()).toEqual([...debian, "notes.txt"].sort());
      // A file of the earlier bundle that someone edited is not removed either.
      appendFileSync(path.join(out, "files/etc/network/interfaces.d/eipilot-eth1"), "# edited\n");
      expect(cli(["--spec", path.join(d, "ubuntu.json"), "--out", out]).status).toBe(0);
      const ubuntu = generateBundle({ ...EXAMPLE, os: "ubuntu" }).files.map((f) => f.path);
      expect(walk(out).sort()).toEqual([...ubuntu, "notes.txt", "files/etc/network/interfaces.d/eipilot-eth1"].sort());
      expect(readdirSync(path.join(out, "files/etc")).sort()).toEqual([
        "cloud",
        "netplan",
        "network",
        "sysctl.d",
        "systemd",
      ]);
    });
  });

  it("a spec file that is missing, a directory or not JSON: the reason on stderr, exit 2; a UTF-8 byte-order mark is fine", () => {
    inTmpDir((d) => {
      writeFileSync(path.join(d, "broken.json"), '{"os": "ubuntu", ');
      writeFileSync(path.join(d, "bom.json"), "\uFEFF" + JSON.stringify(EXAMPLE));
      const cases: [string, RegExp][] = [
        [path.join(d, "missing.json"), /cannot read .*missing\.json: no such file or directory/],
        [d, /cannot read .*: it is a directory/],
        [path.join(d, "broken.json"), /broken\.json is not valid JSON/],
      ];
      for (const [spec, re] of cases) {
        const r = cli(["--spec", spec, "--out", path.join(d, "out")]);
        expect(r.status, spec).toBe(2);
        expect(r.stderr).toMatch(re);
        expect(r.stdout).toBe("");
      }
      expect(existsSync(path.join(d, "out"))).toBe(false);
      const bom = cli(["--spec", path.join(d, "bom.json")]);
      expect(bom.status, bom.stderr).toBe(0);
      expect(JSON.parse(bom.stdout).os).toBe("centos7");
    });
  });

  it("--out that cannot take the bundle: the path and reason on stderr, exit 1, nothing written, no stack trace", () => {
    inTmpDir((d) => {
      const spec = path.join(d, "spec.json");
      writeFileSync(spec, JSON.stringify(EXAMPLE));
      writeFileSync(path.join(d, "a-file"), "");
      const busy = path.join(d, "busy");
      mkdirSync(busy);
      writeFileSync(path.join(busy, "files"), "not a directory"); // where files/etc/... would go
      const cases: [string, RegExp][] = [
        [path.join(d, "a-file"), /a-file exists and is not a directory/],
        [path.join(d, "a-file", "sub"), /a-file exists and is not a directory/],
        [busy, /busy\/files exists and is not a directory/],
        // Node's own recursive mkdir loops forever here; the CLI must give up with a reason.
        [
          `/proc/eipilot-routes-test-${process.pid}/out`,
          /cannot create directory \/proc\/eipilot-routes-test-\d+: no such file or directory/,
        ],
      ];
      for (const [out, re] of cases) {
        const r = spawnSync(
          process.execPath,
          ["--import", "tsx", path.join(import.meta.dirname, "cli.ts"), "--spec", spec, "--out", out],
          {
            encoding: "utf8",
            timeout: 30_000,
          },
        );
        expect(r.status, `${out}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toMatch(re);
        expect(r.stderr).toContain("nothing was written");
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(readdirSync(busy)).toEqual(["files"]);
      expect(readdirSync(d).sort()).toEqual(["a-file", "busy", "spec.json"]);
      // Writing into the same directory twice gives the same bundle, with no staging left behind.
      const out = path.join(d, "new", "bundle");
      for (let i = 0; i < 2; i++) expect(cli(["--spec", spec, "--out", out]).status).toBe(0);
      expect(walk(out).sort()).toEqual(
        generateBundle(EXAMPLE)
          .files.map((f) => f.path)
          .sort(),
      );
    });
  });
});
