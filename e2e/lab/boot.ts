import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Lab } from "./lab";

// A "boot" of the guest in the lab: the real network daemon of a family starts on the persistent
// files alone (what apply.sh installed under its ROOT, the instance's "disk"), with no live part
// of apply.sh. It runs inside the instance's network namespace, in its own mount namespace (so the
// files sit at their real paths and nothing of the host's /etc or /run changes) and its own PID
// namespace (so stopping the boot ends the daemon and everything it forked, D-Bus included).
//
// What stands in for the parts of a real boot the lab does not have (no systemd PID 1, no udev):
// - systemd-sysctl runs on the disk's sysctl.d files (per-interface keys: udev would apply them
//   when the interface appears; the lab's interfaces exist before the boot);
// - ubuntu: `netplan generate`, then systemd-networkd with /sys read-only (else it waits for udev)
//   and netplan's PermanentMACAddress= match rewritten to MACAddress= (veth has no permanent MAC;
//   a virtio NIC's permanent MAC is the ENI's MAC);
// - debian: networking.service's `ifup -a`, then for every interface what udev's hotplug rule runs
//   (ifup@.service: `ifup --allow=hotplug IFACE`), with /etc/network a private copy keeping if-*.d;
// - alinux3/rhel9: NetworkManager with a private system D-Bus, keyfiles, `no-auto-default=*` and
//   the primary ENI in `unmanaged-devices` (the lab configures the primary itself, as DHCP would), with
//   /sys read-only: NetworkManager then uses no udev (as in a container); with /sys writable it waits for
//   udev to announce each device and, with no udev here, leaves the ENI unmanaged forever;
// - generic: the command of the unit's ExecStart=, when the unit is enabled on the disk.

export type BootFamily = "ubuntu" | "debian" | "alinux3" | "rhel9" | "generic";

export type BootOptions = {
  /** A profile for the ENI like the one NetworkManager or cloud-init makes (DHCP, autoconnect), to show ours wins. */
  competingNmProfileFor?: string;
  /**
   * The competing profile as a DHCP lease leaves it once bound: this address (with /24) and a main-table default
   * route via the VPC gateway, so it is active (the lab has no DHCP server; method=auto would never finish).
   */
  competingNmLease?: { address: string; gateway: string };
  /**
   * /etc and /var/lib are writable copies (overlayfs over a tmpfs, nothing reaches the host), so that
   * apply.sh and rollback.sh can run live (no ROOT) inside the boot through Boot.exec, next to the daemon.
   */
  live?: boolean;
};

const COMMON = `
mount --make-rprivate /
P=$(mktemp -d "$SCRATCH/boot.XXXXXX")
# A private /run: daemons' sockets and state, nothing shared with the host.
mount -t tmpfs -o mode=755 tmpfs /run
for f in "$D"/etc/sysctl.d/*.conf; do if [ -f "$f" ]; then /lib/systemd/systemd-sysctl "$f"; fi; done
# A private copy of a host directory with the disk's files on top, bound at the real path.
overlay() {
  mkdir -p "$P/$1"
  if [ -d "/$1" ]; then cp -a "/$1/." "$P/$1/"; fi
  if [ -d "$D/$1" ]; then cp -a "$D/$1/." "$P/$1/"; fi
  if [ -d "/$1" ]; then mount --bind "$P/$1" "/$1"; else echo "no /$1 on this host" >&2; exit 1; fi
}
`;

const NETWORKD = `
overlay etc/netplan
overlay etc/systemd
mkdir -p /run/systemd/netif /run/systemd/network
chown systemd-network:systemd-network /run/systemd/netif
netplan generate
for f in /run/systemd/network/*.network; do if [ -f "$f" ]; then sed -i 's/^PermanentMACAddress=/MACAddress=/' "$f"; fi; done
mount -o remount,ro /sys
/lib/systemd/systemd-networkd &
# Settled when no link is still being configured.
for i in $(seq 100); do
  busy=0
  for l in /run/systemd/netif/links/*; do
    if [ ! -f "$l" ] || grep -Eq '^ADMIN_STATE=(pending|initialized|configuring)$' "$l"; then busy=1; fi
  done
  if [ "$busy" = 0 ]; then break; fi
  sleep 0.1
done
`;

const IFUPDOWN = `
# Start from the host's /etc/network (interfaces sources interfaces.d, if-*.d hooks) without its interfaces.d.
mkdir -p "$P/etc/network"
cp -a /etc/network/. "$P/etc/network/"
rm -rf "$P/etc/network/interfaces.d"
mkdir -p "$P/etc/network/interfaces.d"
if [ -d "$D/etc/network" ]; then cp -a "$D/etc/network/." "$P/etc/network/"; fi
mount --bind "$P/etc/network" /etc/network
mkdir -p /run/network
ifup -a
for i in $(ls /sys/class/net); do ifup --allow=hotplug "$i"; done
`;

const LIVE = `
# Writable copies of /etc and /var/lib for apply.sh run live inside the boot; the host's stay as they are.
mkdir -p "$P/ov"
mount -t tmpfs tmpfs "$P/ov"
for d in etc var/lib; do
  mkdir -p "$P/ov/$d/up" "$P/ov/$d/work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$P/ov/$d/up,workdir=$P/ov/$d/work" "/$d"
done
`;

function networkManager(primary: string, eni: string, opts: BootOptions) {
  const competing = opts.competingNmProfileFor;
  const lease = opts.competingNmLease;
  const ipv4 = lease ? `method=manual\naddress1=${lease.address}/24,${lease.gateway}` : "method=auto";
  const profile = competing
    ? `
cat > /etc/NetworkManager/system-connections/dhcp-${competing}.nmconnection <<'EOF'
[connection]
id=dhcp-${competing}
type=ethernet
interface-name=${competing}
autoconnect=true

[ipv4]
${ipv4}
EOF
chmod 600 /etc/NetworkManager/system-connections/dhcp-${competing}.nmconnection`
    : "";
  return `${opts.live ? LIVE : ""}
mkdir -p "$P/nm/system-connections" "$P/nm/conf.d" "$P/nm-var"
if [ -d "$D/etc/NetworkManager" ]; then cp -a "$D/etc/NetworkManager/." "$P/nm/"; fi
cat > "$P/nm/NetworkManager.conf" <<'EOF'
[main]
plugins=keyfile
no-auto-default=*

[keyfile]
unmanaged-devices=interface-name:${primary};interface-name:lo
EOF
mount --bind "$P/nm" /etc/NetworkManager
mount --bind "$P/nm-var" /var/lib/NetworkManager
${profile}
mkdir -p /run/dbus
dbus-daemon --system --fork
# NetworkManager waits for udev to announce each device unless /sys is read-only (then it uses none);
# there is no udev here, as in a container.
mount -o remount,ro /sys
NetworkManager --no-daemon --debug > "$P/nm.log" 2>&1 &
# Settled when the ENI is connected (100) or, with no profile for it, disconnected (30) for a second.
# (nm-online -s would also wait for a DHCP profile that can never succeed here.)
calm=0
for i in $(seq 200); do
  st=$(nmcli -g GENERAL.STATE device show ${eni} 2>/dev/null | cut -d' ' -f1 || true)
  if [ "$st" = 100 ]; then break; fi
  if [ "$st" = 30 ]; then calm=$((calm + 1)); else calm=0; fi
  if [ "$calm" -ge 10 ]; then break; fi
  sleep 0.1
done
echo "device state: $st"
nmcli -t -f NAME,DEVICE connection show --active | sed 's/^/active: /'
`;
}

const GENERIC = `
unit="$D/etc/systemd/system/eipilot-routes.service"
if [ -L "$D/etc/systemd/system/multi-user.target.wants/eipilot-routes.service" ] && [ -f "$unit" ]; then
  overlay usr/local/sbin
  cmd=$(sed -n 's/^ExecStart=//p' "$unit")
  echo "ExecStart: $cmd"
  $cmd
fi
`;

function familyScript(family: BootFamily, primary: string, eni: string, opts: BootOptions): string {
  switch (family) {
    case "ubuntu":
      return NETWORKD;
    case "debian":
      return IFUPDOWN;
    case "alinux3":
    case "rhel9":
      return networkManager(primary, eni, opts);
    case "generic":
      return GENERIC;
    default: {
      const never: never = family;
      throw new Error(`no boot for ${String(never)}`);
    }
  }
}

export type Boot = {
  output: () => string;
  stop: () => Promise<void>;
  /** Runs a command inside the boot (its network, mount and PID namespaces: the daemon's /etc, /run and D-Bus). */
  exec: (cmd: string[], timeoutMs?: number) => Promise<{ code: number | null; stdout: string; stderr: string }>;
};

/** `ip netns exec` and env exec in place: the child is unshare, whose only child is the boot's shell. */
function bootShell(child: ChildProcess): number {
  return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/)[0]);
}

function execIn(pid: number, cmd: string[], timeoutMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn("nsenter", ["-t", String(pid), "-n", "-m", "-p", "--", ...cmd], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    c.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Boots `family` from the files under `disk` in the lab's instance namespace; resolves once the
 * daemon has settled (the daemon keeps running, as after a real boot, until stop()).
 */
export function boot(lab: Lab, family: BootFamily, disk: string, opts: BootOptions = {}): Promise<Boot> {
  const scratch = lab.tempDir();
  const script = [
    "set -e",
    COMMON,
    familyScript(family, lab.topo.primary.name, lab.topo.enis[0]!.name, opts),
    "echo EIPB-READY",
    "exec sleep infinity",
  ].join("\n");
  const child: ChildProcess = spawn(
    "ip",
    [
      "netns",
      "exec",
      lab.ns.inst,
      "env",
      `D=${disk}`,
      `SCRATCH=${scratch}`,
      "unshare",
      "--mount",
      "--pid",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "sh",
      "-c",
      script,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // unshare ignores SIGTERM while it waits; once it is gone, --kill-child SIGKILLs the PID
      // namespace's init, and with it every process of the boot.
      child.kill("SIGKILL");
      await exited;
    }
  };
  return new Promise<Boot>((resolve, reject) => {
    const t = setTimeout(() => {
      void stop().then(() => reject(new Error(`${family} boot did not settle in 30 s:\n${out}`)));
    }, 30_000);
    child.stdout!.on("data", () => {
      if (out.includes("EIPB-READY")) {
        clearTimeout(t);
        resolve({
          output: () => out,
          stop,
          exec: (cmd, timeoutMs = 120_000) => execIn(bootShell(child), cmd, timeoutMs),
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${family} boot exited with ${code}:\n${out}`));
    });
  });
}
