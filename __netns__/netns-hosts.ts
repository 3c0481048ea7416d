import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * Hosts simulated with Linux namespaces, for the mesh test: each host is a network namespace
 * (its own interfaces, addresses and routes) plus a private mount namespace in which its own
 * directories are bound over /etc/wireguard, /var/lib/wireguard and /run/wireguard. Nothing
 * touches the machine's interfaces or its WireGuard files; `systemctl` and `ufw` are stubs that
 * log their calls (wg-quick does the work of `systemctl enable --now wg-quick@wg0`).
 */

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], input?: string, timeout = 60_000): CommandResult {
  const result = spawnSync(command, args, { encoding: "utf8", input, timeout });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: (result.stderr ?? "") + (result.error?.message ?? "") };
}

function must(command: string, args: readonly string[]): string {
  const result = run(command, args);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** What the test needs from the machine; a reason to skip when something is missing. */
export function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (network and mount namespaces)";
  for (const tool of ["ip", "unshare", "wireguard-go", "wg", "wg-quick", "ping"]) {
    if (run("sh", ["-c", `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  const probe = `m5probe${process.pid}`;
  const created = run("ip", ["netns", "add", probe]);
  if (created.status !== 0) return `cannot create a network namespace: ${created.stderr.trim()}`;
  run("ip", ["netns", "del", probe]);
  return undefined;
}

const STUB_SYSTEMCTL = `#!/bin/sh
# systemctl stand-in: logs the call, and runs wg-quick for wg-quick@wg0.
echo "systemctl $*" >>"$HOST_LOG"
case "$*" in
  "enable --now wg-quick@wg0") exec wg-quick up wg0 ;;
  "restart wg-quick@wg0") wg-quick down wg0; exec wg-quick up wg0 ;;
  *) exit 0 ;;
esac
`;

const STUB_UFW = `#!/bin/sh
# ufw stand-in: logs the call (the machine's firewall is never touched).
echo "ufw $*" >>"$HOST_LOG"
`;

const MOUNTED = ["/etc/wireguard", "/var/lib/wireguard", "/run/wireguard"];

export class NetnsLab {
  readonly id = `m5${process.pid % 100000}`;
  readonly root = mkdtempSync(path.join(tmpdir(), "mesh-netns-"));
  private readonly hosts: string[] = [];
  private readonly createdMountPoints: string[] = [];
  private readonly wan = `${this.id}wan`;

  constructor(private readonly prefixLength = 24) {
    for (const mountPoint of MOUNTED) {
      if (!existsSync(mountPoint)) {
        mkdirSync(mountPoint, { recursive: true });
        this.createdMountPoints.push(mountPoint);
      }
    }
    must("ip", ["netns", "add", this.wan]);
    must("ip", ["-n", this.wan, "link", "add", "br0", "type", "bridge"]);
    must("ip", ["-n", this.wan, "link", "set", "br0", "up"]);
  }

  /** A host whose public interface eth0 has `publicIpv4` on the lab's shared segment. */
  addHost(name: string, publicIpv4: string): void {
    const ns = this.namespace(name);
    const index = this.hosts.length;
    must("ip", ["netns", "add", ns]);
    must("ip", ["-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", `p${index}`, "netns", this.wan]);
    must("ip", ["-n", this.wan, "link", "set", `p${index}`, "master", "br0", "up"]);
    must("ip", ["-n", ns, "addr", "add", `${publicIpv4}/${this.prefixLength}`, "dev", "eth0"]);
    must("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    must("ip", ["-n", ns, "link", "set", "lo", "up"]);
    const dir = this.hostDir(name);
    for (const sub of ["etc-wireguard", "var-lib-wireguard", "run-wireguard", "bin"]) mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, "bin", "systemctl"), STUB_SYSTEMCTL);
    writeFileSync(path.join(dir, "bin", "ufw"), STUB_UFW);
    chmodSync(path.join(dir, "bin", "systemctl"), 0o755);
    chmodSync(path.join(dir, "bin", "ufw"), 0o755);
    writeFileSync(path.join(dir, "log"), "");
    this.hosts.push(name);
  }

  hostDir(name: string): string {
    return path.join(this.root, name);
  }

  /** Runs a shell script as the host: in its network namespace, with its own WireGuard directories. */
  inHost(name: string, script: string): CommandResult {
    const dir = this.hostDir(name);
    const binds = [
      `mount --bind ${dir}/etc-wireguard /etc/wireguard`,
      `mount --bind ${dir}/var-lib-wireguard /var/lib/wireguard`,
      `mount --bind ${dir}/run-wireguard /run/wireguard`,
    ].join(" && ");
    const environment = `export PATH=${dir}/bin:$PATH HOST_LOG=${dir}/log WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1`;
    return run("ip", ["netns", "exec", this.namespace(name), "unshare", "--mount", "--propagation", "private", "sh", "-c", `${binds} && ${environment} && sh -c "$1"`, "host", script]);
  }

  inHostOrFail(name: string, script: string): string {
    const result = this.inHost(name, script);
    if (result.status !== 0) throw new Error(`${name}: ${script}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /**
   * Gives a host a whole root file system of its own: an overlay of this machine's root (the
   * lower layer, never written) with a private upper layer, mounted in a mount namespace that
   * a holder process keeps alive, so every later command of the host sees the same files.
   * `files` are placed in the upper layer first (stand-ins for commands the lab cannot run).
   * `lowerDir` is another root to start from instead, e.g. a debootstrapped Debian 12.
   */
  addRootOverlay(name: string, files: Readonly<Record<string, string>>, lowerDir = "/"): void {
    const dir = path.join(this.hostDir(name), "root");
    for (const sub of ["upper", "work", "merged", "upper/run/wireguard", "upper/run/sshd"]) mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 });
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(dir, "upper", file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content, { mode: 0o755 });
    }
    const merged = path.join(dir, "merged");
    const mounts = [
      `mount -t overlay overlay -o lowerdir=${lowerDir},upperdir=${dir}/upper,workdir=${dir}/work ${merged}`,
      `mount -t proc proc ${merged}/proc`,
      `mount --rbind /sys ${merged}/sys`,
      `mount --rbind /dev ${merged}/dev`,
      `echo $$ >${dir}/holder.pid`,
      "exec sleep infinity",
    ].join(" && ");
    const holder = spawn("ip", ["netns", "exec", this.namespace(name), "unshare", "--mount", "--propagation", "private", "sh", "-c", mounts], { detached: true, stdio: "ignore" });
    holder.unref();
    const deadline = Date.now() + 10_000;
    while (!existsSync(path.join(dir, "holder.pid"))) {
      if (Date.now() > deadline) throw new Error(`${name}: the root overlay did not come up`);
      spawnSync("sleep", ["0.1"]);
    }
  }

  /** Runs a bash script (from stdin, as `bash -s`) as root of the host's own root file system. */
  inRoot(name: string, script: string, env: Readonly<Record<string, string>> = {}, args: readonly string[] = []): CommandResult {
    const dir = path.join(this.hostDir(name), "root");
    const holder = readFileSync(path.join(dir, "holder.pid"), "utf8").trim();
    const environment = Object.entries({ PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: "1", ...env }).map(
      ([key, value]) => `${key}=${value}`,
    );
    return run("nsenter", ["--target", holder, "--mount", "--net", "chroot", path.join(dir, "merged"), "/usr/bin/env", "-i", ...environment, "bash", "-s", "--", ...args], script, 5 * 60_000);
  }

  /** Removes every namespace, stops every wireguard-go of the lab, removes its files and any mount point it created. */
  destroy(): void {
    for (const name of this.hosts) {
      const pids = run("ip", ["netns", "pids", this.namespace(name)]).stdout.split("\n").filter((pid) => /^\d+$/.test(pid));
      for (const pid of pids) run("kill", [pid]);
      run("ip", ["netns", "del", this.namespace(name)]);
    }
    run("ip", ["netns", "del", this.wan]);
    rmSync(this.root, { recursive: true, force: true });
    for (const mountPoint of this.createdMountPoints.reverse()) {
      if (readdirSync(mountPoint).length === 0) rmdirSync(mountPoint);
    }
  }

  private namespace(name: string): string {
    return `${this.id}-${name}`;
  }
}
