// The guest side of an emulated instance in lab mode: a per-instance sandbox directory that
// stands in for the instance's disk (/etc, /var/lib, /run, /tmp, /root, /usr/local/sbin), and
// the Cloud Assistant "agent" that runs a RunShellScript inside the instance's network
// namespace with a private mount namespace whose /etc… are that sandbox, never the host's.
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Guest directories replaced by the sandbox (bind mounts inside the command's mount namespace). */
export const SANDBOXED_DIRS = ["etc", "var/lib", "run", "tmp", "root", "usr/local/sbin"] as const;

/**
 * Host /etc entries a process needs to start at all (dynamic linker cache, Debian's
 * alternatives symlinks, users, name resolution, iproute2 tables). Copied, never mounted.
 */
const HOST_ETC_NEEDED = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "alternatives",
  "passwd",
  "group",
  "nsswitch.conf",
  "host.conf",
  "localtime",
  "iproute2",
  "ssl",
  "bash.bashrc",
  "profile",
  "environment",
  "login.defs",
];

type ImageFamily = { id: string; name: string; version: string; like: string; rhel: boolean };

export function imageFamily(imageId: string): ImageFamily {
  if (imageId.startsWith("aliyun_2"))
    return {
      id: "alinux",
      name: "Alibaba Cloud Linux",
      version: "2.1903",
      like: "rhel fedora centos anolis",
      rhel: true,
    };
  if (imageId.startsWith("aliyun_3"))
    return { id: "alinux", name: "Alibaba Cloud Linux", version: "3", like: "rhel fedora centos anolis", rhel: true };
  if (imageId.startsWith("centos"))
    return { id: "centos", name: "CentOS Linux", version: "7", like: "rhel fedora", rhel: true };
  if (imageId.startsWith("ubuntu"))
    return { id: "ubuntu", name: "Ubuntu", version: "22.04", like: "debian", rhel: false };
  if (imageId.startsWith("debian"))
    return { id: "debian", name: "Debian GNU/Linux", version: "12", like: "", rhel: false };
  return { id: "linux", name: "Linux", version: "", like: "", rhel: false };
}

/** Creates the sandbox "disk" of an instance: a fresh /etc that looks like the image, and empty dirs. */
export function createSandbox(
  dir: string,
  inst: { instanceId: string; hostName: string; imageId: string },
  primary: { device: string; mac: string; ip: string; prefix: number; gateway: string },
) {
  for (const d of SANDBOXED_DIRS) mkdirSync(path.join(dir, d), { recursive: true });
  chmodSync(path.join(dir, "tmp"), 0o1777);
  const etc = path.join(dir, "etc");
  for (const name of HOST_ETC_NEEDED) {
    const src = path.join("/etc", name);
    if (existsSync(src))
      cpSync(src, path.join(etc, name), { recursive: true, verbatimSymlinks: true, dereference: false });
  }
  const fam = imageFamily(inst.imageId);
  writeFileSync(
    path.join(etc, "os-release"),
    [
      `NAME="${fam.name}"`,
      `VERSION="${fam.version}"`,
      `ID="${fam.id}"`,
      ...(fam.like ? [`ID_LIKE="${fam.like}"`] : []),
      `VERSION_ID="${fam.version}"`,
      `PRETTY_NAME="${fam.name} ${fam.version} (EIPilot lab)"`,
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(etc, "hostname"), `${inst.hostName}\n`);
  writeFileSync(path.join(etc, "hosts"), `127.0.0.1 localhost\n${primary.ip} ${inst.hostName}\n`);
  writeFileSync(path.join(etc, "resolv.conf"), "# lab mode: no DNS\n");
  writeFileSync(
    path.join(etc, "machine-id"),
    `${inst.instanceId
      .replace(/[^0-9a-f]/g, "")
      .padEnd(32, "0")
      .slice(0, 32)}\n`,
  );
  // What the image's own network configuration for the primary ENI looks like (DHCP).
  if (fam.rhel) {
    mkdirSync(path.join(etc, "sysconfig/network-scripts"), { recursive: true });
    writeFileSync(
      path.join(etc, "sysconfig/network-scripts", `ifcfg-${primary.device}`),
      `DEVICE=${primary.device}\nBOOTPROTO=dhcp\nONBOOT=yes\n`,
    );
    writeFileSync(path.join(etc, "sysconfig/network"), "NETWORKING=yes\n");
  } else if (fam.id === "ubuntu") {
    mkdirSync(path.join(etc, "netplan"), { recursive: true });
    writeFileSync(
      path.join(etc, "netplan/50-cloud-init.yaml"),
      `network:\n  version: 2\n  ethernets:\n    ${primary.device}:\n      match:\n        macaddress: "${primary.mac}"\n      dhcp4: true\n      set-name: ${primary.device}\n`,
      { mode: 0o600 },
    );
  } else if (fam.id === "debian") {
    mkdirSync(path.join(etc, "network/interfaces.d"), { recursive: true });
    writeFileSync(
      path.join(etc, "network/interfaces"),
      `source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\nauto ${primary.device}\niface ${primary.device} inet dhcp\n`,
    );
  }
}

// Runs inside `ip netns exec <ns> unshare --mount --propagation private`: bind the sandbox over
// the guest directories, then run the script as a fresh login-less root shell would.
const WRAPPER = `set -e
sb=$1; wd=$2; script=$3
for d in ${SANDBOXED_DIRS.join(" ")}; do
  [ -d "/$d" ] && [ -d "$sb/$d" ] && mount --bind "$sb/$d" "/$d"
done
set +e
if ! cd "$wd" 2>/dev/null; then echo "working directory $wd does not exist" >&2; exit 125; fi
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 SHELL=/bin/bash /bin/bash "$script"
`;

/** Cloud Assistant keeps at most 24 KB of output; the rest is dropped (we keep the tail, where results are). */
export const MAX_OUTPUT = 24 * 1024;

export type GuestRunResult = { exitCode: number; output: string; timedOut: boolean };

/**
 * Runs `script` as root in the instance: network namespace `ns`, a private mount namespace
 * with the sandbox bound over the guest directories, working directory `workingDir`.
 * stdout and stderr are interleaved into one output, like the agent's.
 */
export function runInGuest(opts: {
  ns: string;
  sandbox: string;
  script: string;
  workingDir: string;
  timeoutSeconds: number;
  name: string;
}): Promise<GuestRunResult> {
  const scriptDir = path.join(opts.sandbox, "var/lib/aliyun-assist/work/script");
  mkdirSync(scriptDir, { recursive: true });
  const file = `${opts.name}.sh`;
  writeFileSync(path.join(scriptDir, file), opts.script, { mode: 0o700 });
  const guestPath = `/var/lib/aliyun-assist/work/script/${file}`;
  return new Promise((resolve) => {
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        opts.ns,
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "bash",
        "-c",
        WRAPPER,
        "wrapper",
        opts.sandbox,
        opts.workingDir,
        guestPath,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    let out = Buffer.alloc(0);
    const take = (d: Buffer) => {
      out = Buffer.concat([out, d]);
      if (out.length > 4 * MAX_OUTPUT) out = out.subarray(out.length - MAX_OUTPUT);
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, opts.timeoutSeconds * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const text = out.subarray(Math.max(0, out.length - MAX_OUTPUT)).toString("utf8");
      resolve({ exitCode: code ?? (signal ? 128 + 9 : 1), output: text, timedOut });
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, output: String(e), timedOut: false });
    });
  });
}
