/**
 * End to end: a Debian 12 image built with debootstrap boots under qemu (TCG) with our generated
 * user data as its NoCloud seed; we then assert on what the guest reports on its serial console.
 * Docker comes from Debian's docker.io (Docker's repository is not reachable from here).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildHostCloudConfig } from "../cloud-init/host-cloud-config";
import { REPO_ROOT } from "../__tests__/helpers/synth";
import { ADMIN_KEY, coreProdOptions } from "../__tests__/helpers/user-data-samples";

const options = coreProdOptions({ docker: { source: "distro" }, intrusionPrevention: "fail2ban" });
const work = path.join(REPO_ROOT, ".cache", "boot", "run");

interface Section {
  readonly output: string;
  readonly rc: number;
}

function sectionsOf(serial: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  for (const match of serial.matchAll(/=== BEGIN ([a-z0-9-]+) ===\r?\n([\s\S]*?)=== END \1 rc=(\d+) ===/g)) {
    // eslint-disable-next-line no-control-regex -- strip terminal colours (wg colours a tty)
    sections.set(match[1] ?? "", { output: (match[2] ?? "").replace(/\r/g, "").replace(/\x1b\[[0-9;]*m/g, ""), rc: Number(match[3]) });
  }
  return sections;
}

function step(name: string, command: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit" });
  console.log(`${name}: exit ${result.status} in ${Math.round((Date.now() - started) / 1000)} s`);
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status})`);
}

describe("Debian 12 booted with the generated user data", () => {
  let sections = new Map<string, Section>();
  const get = (name: string): Section => {
    const section = sections.get(name);
    if (section === undefined) throw new Error(`the guest did not report ${name}`);
    return section;
  };

  beforeAll(() => {
    mkdirSync(work, { recursive: true });
    const userData = path.join(work, "user-data");
    writeFileSync(userData, buildHostCloudConfig(options));
    // BOOT_TEST_REUSE_DISK=1 boots the disk a previous run already provisioned again (cloud-init
    // does not rerun for the same instance): checks that everything survives a reboot.
    if (process.env.BOOT_TEST_REUSE_DISK !== "1") {
      step("build image", "bash", [path.join(REPO_ROOT, "scripts/boot-test/build-image.sh"), userData, work]);
    }
    step("boot", "bash", [path.join(REPO_ROOT, "scripts/boot-test/boot.sh"), work]);
    const serial = readFileSync(path.join(work, "serial.log"), "utf8");
    sections = sectionsOf(serial);
    if (!serial.includes("=== BOOT TEST DONE ===")) throw new Error(`the guest never finished its report; see ${work}/serial.log`);
  });

  it("cloud-init finished without errors", () => {
    expect(get("cloud-init-status").output).toMatch(/status: done/);
    const result = JSON.parse(get("cloud-init-result").output) as { v1: { errors: unknown[] } };
    expect(result.v1.errors).toEqual([]);
  });

  it("has the deploy user only, with the key, sudo and docker", () => {
    expect(get("login-users").output.trim().split("\n").sort()).toEqual(["deploy", "root"]);
    expect(get("id").output).toMatch(/\(sudo\)/);
    expect(get("id").output).toMatch(/\(docker\)/);
    expect(get("authorized-keys").output.trim()).toBe(ADMIN_KEY);
    expect(get("sudo").output).toMatch(/\(ALL\) NOPASSWD: ALL/);
  });

  it("has sshd with password and root login off", () => {
    const sshd = get("sshd").output;
    expect(sshd).toMatch(/^passwordauthentication no$/m);
    expect(sshd).toMatch(/^permitrootlogin no$/m);
    expect(sshd).toMatch(/^kbdinteractiveauthentication no$/m);
  });

  it("runs Docker with json-file log rotation, usable by the deploy user", () => {
    expect(get("docker-active").output.trim()).toBe("active");
    expect(get("docker-logging").output.trim()).toBe("json-file");
    expect(JSON.parse(get("docker-daemon-json").output)).toEqual({ "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } });
    expect(get("docker-group").output).toContain("docker-ok");
  });

  it("has UFW active with default deny in and exactly the expected rules", () => {
    const status = get("ufw-status").output;
    expect(status).toMatch(/^Status: active$/m);
    expect(status).toMatch(/Default: deny \(incoming\), allow \(outgoing\)/);
    expect(status).toMatch(/^22\/tcp\s+ALLOW IN\s+198\.51\.100\.7\s+# SSH from the admins$/m);
    for (const port of [80, 443, 25, 587, 993]) expect(status).toMatch(new RegExp(`^${port}/tcp\\s+ALLOW IN\\s+Anywhere\\s`, "m"));
    expect(status).toMatch(/^51820\/udp\s+ALLOW IN\s+203\.0\.113\.20\s+# WireGuard from ai-lab$/m);
    expect(status).not.toMatch(/^22\/tcp\s+ALLOW IN\s+Anywhere/m);
  });

  it("filters Docker-published ports through DOCKER-USER", () => {
    const chain = get("docker-user-chain").output;
    expect(chain).toMatch(/-A DOCKER-USER -s 198\.51\.100\.7\/32 -p tcp -m conntrack --ctorigdstport 22 --ctdir ORIGINAL -j RETURN/);
    expect(chain).toMatch(/-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 443 --ctdir ORIGINAL -j RETURN/);
    // Docker (20.10) appends its own `-j RETURN` when it starts after UFW: behind our DROP it is never reached.
    const lines = chain.trim().split("\n");
    const drop = lines.indexOf("-A DOCKER-USER -j DROP");
    expect(drop).toBeGreaterThan(0);
    expect(lines.slice(drop + 1).filter((line) => line !== "-A DOCKER-USER -j RETURN")).toEqual([]);
    expect(get("forward-chain").output).toMatch(/-A FORWARD -j DOCKER-USER/);
  });

  it("has wg0 up with its address, MTU 1420, the peer, and a host-generated key", () => {
    expect(get("wg-link").output).toContain("10.8.0.1/24");
    expect(get("wg-mtu").output.trim()).toBe("1420");
    const show = get("wg-show").output;
    const publicKey = get("wg-public-key").output.trim();
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(show).toContain(`public key: ${publicKey}`);
    expect(show).toContain("listening port: 51820");
    expect(show).toContain("endpoint: 203.0.113.20:51820");
    expect(show).toContain("persistent keepalive: every 25 seconds");
    expect(get("wg-key-mode").output.trim()).toBe("600 root");
  });

  it("never wrote the private key to a log or to cloud-init's files", () => {
    expect(get("wg-key-leaks").output.trim()).toBe("0");
  });

  it("runs fail2ban, unattended upgrades and the time zone", () => {
    expect(get("intrusion-prevention").output).toMatch(/^fail2ban active$/m);
    expect(get("unattended-upgrades").output).toMatch(/APT::Periodic::Unattended-Upgrade "1";/);
    expect(get("unattended-upgrades").output).toMatch(/^enabled$/m);
    expect(get("timezone").output.trim()).toMatch(/Europe\/Paris$/);
  });
});
