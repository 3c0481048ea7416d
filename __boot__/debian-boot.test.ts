/**
 * End to end: a Debian 12 image built with debootstrap boots under qemu (KVM when available, TCG
 * otherwise) with the user data `npm run synth` wrote for an OVH server of the example config as
 * its NoCloud seed; we then assert on what the guest reports on its serial console. The one change
 * to that user data is its Docker source: Debian's docker.io instead of Docker's repository,
 * which is not reachable from here; a structural diff checks that nothing else changed.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { Config, HostConfig } from "../config/config";
import { dockerDaemonConfig } from "../cloud-init/docker";
import { BOOTED_HOST, dockerSwitchDifferences, structuralDiff, synthesizedOvhUserData, withDistroDocker } from "../__tests__/helpers/boot-user-data";
import { exampleConfig, REPO_ROOT } from "../__tests__/helpers/synth";

const work = path.join(REPO_ROOT, ".cache", "boot", "run");
const outdir = path.join(work, "cdktf.out");
const TARGET = "debian-12";

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

function step(name: string, command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  console.log(`${name}: exit ${result.status} in ${Math.round((Date.now() - started) / 1000)} s`);
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status})`);
}

/** The rules `ufw status` lists, one line each with its spacing collapsed: "22/tcp ALLOW IN 203.0.113.10 # SSH from allowed_ssh_ips". */
function ufwRules(status: string): string[] {
  const lines = status.split("\n");
  const header = lines.findIndex((line) => /^-+\s+-+/.test(line));
  return lines.slice(header + 1).filter((line) => line.trim() !== "").map((line) => line.trim().replace(/\s{2,}/g, " "));
}

describe(`Debian 12 booted with the user data npm run synth wrote for the OVH server ${BOOTED_HOST}`, () => {
  let sections = new Map<string, Section>();
  let config: Config;
  let host: HostConfig;
  let synthesized = "";
  let booted = "";
  const get = (name: string): Section => {
    const section = sections.get(name);
    if (section === undefined) throw new Error(`the guest did not report ${name}`);
    return section;
  };
  /** The example's allowed_ssh_ips as ufw and iptables print them (a /32 without its suffix). */
  const sshSources = (): string[] => config.allowedSshIps.map((cidr) => cidr.replace(/\/32$/, ""));

  beforeAll(async () => {
    config = await exampleConfig();
    const found = config.hosts.find((candidate) => candidate.name === BOOTED_HOST);
    if (found === undefined) throw new Error(`the example config has no host ${BOOTED_HOST}`);
    host = found;
    mkdirSync(work, { recursive: true });
    // The README's synth, on the shipped example (a local terraform.tfvars must not change what is
    // booted), into a directory of its own so the project's cdktf.out is left as it was.
    rmSync(outdir, { recursive: true, force: true });
    step("npm run synth", "npm", ["run", "--silent", "synth", "--", "--config", "terraform.tfvars.example", "--quiet"], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    synthesized = synthesizedOvhUserData(outdir, BOOTED_HOST);
    booted = withDistroDocker(synthesized, TARGET);
    writeFileSync(path.join(work, "synthesized-user-data.yaml"), synthesized);
    const userData = path.join(work, "user-data");
    writeFileSync(userData, booted);
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

  it("booted the synthesized user data, changed only in where Docker comes from", () => {
    expect(structuralDiff(parse(synthesized), parse(booted))).toEqual(dockerSwitchDifferences(synthesized, TARGET));
    expect(get("seeded-user-data").output).toBe(booted);
  });

  /**
   * Debian 12's crowdsec registers with CrowdSec's central API (api.crowdsec.net) in its postinst
   * and fails to configure when it cannot: the only thing in this user data that needs more than
   * Debian's mirror. Where the guest reaches it, everything must succeed; where it cannot (the test
   * machine), the first boot must end as a real one without that access does, and no worse.
   */
  const centralApiReachable = (): boolean => get("crowdsec-central-api").output.trim() === "resolves";

  it("cloud-init finished: no error, or only CrowdSec's package failing without its central API", () => {
    const result = JSON.parse(get("cloud-init-result").output) as { v1: { errors: string[] } };
    const warnings = get("cloud-init-warnings").output.trim();
    if (centralApiReachable()) {
      expect(get("cloud-init-status").output).toMatch(/status: done/);
      expect(result.v1.errors).toEqual([]);
      expect(warnings).toBe("");
      expect(get("dpkg-failures").output.trim()).toBe("");
      return;
    }
    expect(get("cloud-init-status").output).toMatch(/^status: error$/m);
    expect(result.v1.errors).toHaveLength(1);
    expect(result.v1.errors[0]).toMatch(/^\('package-update-upgrade-install', ProcessExecutionError\([\s\S]*'apt-get', [\s\S]*'install', /);
    // dpkg configured every package but crowdsec, whose postinst could not register.
    expect(get("dpkg-failures").output.trim().split("\n").map((line) => line.trim())).toEqual(["Errors were encountered while processing:", "crowdsec", "E: Sub-process /usr/bin/dpkg returned an error code (1)"]);
    expect(get("crowdsec-register").output).toMatch(/api client register \('https:\/\/api\.crowdsec\.net\/'\).*no such host/);
    const unexpected = warnings.split("\n").filter((line) => line !== "Traceback (most recent call last):" && !/Failed to install packages|1 failed with exceptions|Running module package-update-upgrade-install/.test(line));
    expect(unexpected).toEqual([]);
  });

  it("has the deploy user only, with the example's key, sudo and docker", () => {
    expect(get("login-users").output.trim().split("\n").sort()).toEqual([config.deployUser, "root"].sort());
    expect(get("id").output).toMatch(new RegExp(`^uid=\\d+\\(${config.deployUser}\\)`));
    expect(get("id").output).toMatch(/\(sudo\)/);
    expect(get("id").output).toMatch(/\(docker\)/);
    expect(get("authorized-keys").output.trim()).toBe(config.sshPublicKey);
    expect(get("sudo").output).toMatch(/\(ALL\) NOPASSWD: ALL/);
  });

  it("has sshd running with keys only: password, keyboard-interactive and root login off", () => {
    const sshd = get("sshd").output;
    expect(sshd).toMatch(/^passwordauthentication no$/m);
    expect(sshd).toMatch(/^permitrootlogin no$/m);
    expect(sshd).toMatch(/^kbdinteractiveauthentication no$/m);
    expect(sshd).toMatch(/^pubkeyauthentication yes$/m);
    expect(get("ssh-active").output.trim()).toBe("active");
  });

  it("runs Debian's docker.io (nothing from Docker's repository) with json-file log rotation, usable by the deploy user", () => {
    const packages = get("docker-packages").output;
    expect(packages).toMatch(/^docker\.io installed \S+$/m);
    expect(packages).toMatch(/^docker-compose installed \S+$/m);
    for (const name of ["docker-ce", "docker-ce-cli", "containerd.io"]) expect(packages).toMatch(new RegExp(`^${name.replace(".", "\\.")} not-installed\\s*$`, "m"));
    expect(get("apt-sources").output).not.toMatch(/download\.docker\.com/);
    expect(get("docker-active").output.trim()).toBe("active");
    expect(get("docker-logging").output.trim()).toBe("json-file");
    expect(JSON.parse(get("docker-daemon-json").output)).toEqual(dockerDaemonConfig());
    expect(get("docker-group").output).toContain("docker-ok");
  });

  it("has UFW active, default deny in, SSH from allowed_ssh_ips only, and no WireGuard rule before the mesh sync", () => {
    const status = get("ufw-status").output;
    expect(status).toMatch(/^Status: active$/m);
    expect(status).toMatch(/Default: deny \(incoming\), allow \(outgoing\)/);
    // The host's ufw_allow is empty (SSH only); the WireGuard port opens to each peer when the hosts stack syncs the mesh.
    expect(host.ufwAllow).toEqual([]);
    expect(ufwRules(status)).toEqual(sshSources().map((source) => `22/tcp ALLOW IN ${source} # SSH from allowed_ssh_ips`));
  });

  it("filters Docker-published ports through DOCKER-USER with the same rules", () => {
    const chain = get("docker-user-chain").output;
    for (const source of config.allowedSshIps) {
      expect(chain).toContain(`-A DOCKER-USER -s ${source.includes("/") ? source : `${source}/32`} -p tcp -m conntrack --ctorigdstport 22 --ctdir ORIGINAL -j RETURN`);
    }
    expect(chain).not.toMatch(/--ctorigdstport (?!22 )/);
    // Docker (20.10) appends its own `-j RETURN` when it starts after UFW: behind our DROP it is never reached.
    const lines = chain.trim().split("\n");
    const drop = lines.indexOf("-A DOCKER-USER -j DROP");
    expect(drop).toBeGreaterThan(0);
    expect(lines.slice(drop + 1).filter((line) => line !== "-A DOCKER-USER -j RETURN")).toEqual([]);
    expect(get("forward-chain").output).toMatch(/-A FORWARD -j DOCKER-USER/);
  });

  it("has wg0 up with its mesh address, port and MTU, a host-generated key, and no peer until the hosts stack syncs", () => {
    const prefix = config.mesh!.cidr.split("/")[1];
    expect(get("wg-unit").output.trim().split("\n")).toEqual(["enabled", "active"]);
    expect(get("wg-link").output).toContain(`${host.mesh!.address}/${prefix}`);
    expect(get("wg-mtu").output.trim()).toBe(String(config.mesh!.mtu));
    const show = get("wg-show").output;
    const publicKey = get("wg-public-key").output.trim();
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(show).toContain(`public key: ${publicKey}`);
    expect(show).toContain(`listening port: ${config.mesh!.port}`);
    // The synthesized wg0.conf has no [Peer]: peers arrive with the hosts stack's sync, which
    // needs the key this host just generated (docs/hosts-and-mesh.md, first boot of a member).
    expect(show).not.toContain("peer:");
    expect(get("wg-peers").output.trim()).toBe("");
    expect(get("wg-conf").output).not.toContain("[Peer]");
    expect(get("mesh-ufw-sources").output.trim()).toBe("");
    // What ops read and copy into wireguard_public_key; a new host has a new key, not the one the config holds for the server.
    expect(get("first-boot-output").output.trim().split("\n")).toEqual([`wg0 public key: ${publicKey}`, `wg0: 0 peers, UDP ${config.mesh!.port} open to 0 of them`]);
    expect(publicKey).not.toBe(host.mesh!.publicKey);
    expect(get("wg-key-mode").output.trim()).toBe("600 root");
  });

  it("never wrote the private key to a log or to cloud-init's files", () => {
    expect(get("wg-key-leaks").output.trim()).toBe("0");
  });

  it("installed the scripts the hosts stack runs over SSH, and the key sync keeps an unchanged key set", () => {
    expect(get("sync-scripts").output.trim().split("\n")).toEqual([
      "/usr/local/sbin/deploy-keys-sync 755 root",
      "/usr/local/sbin/wireguard-mesh-sync 755 root",
      "/usr/local/sbin/wireguard-first-boot-key 755 root",
    ]);
    expect(get("deploy-keys-sync").output.trim()).toBe(`authorized_keys of ${config.deployUser}: unchanged (1 keys)`);
  });

  it("runs CrowdSec and its firewall bouncer (no fail2ban), registered and reading sshd; without the central API, neither runs", () => {
    expect(host.intrusionPrevention).toBe("crowdsec");
    const units = get("intrusion-prevention").output.trim().split("\n").sort();
    expect(units.some((line) => line.startsWith("fail2ban "))).toBe(false);
    if (!centralApiReachable()) {
      // What an OVH server that cannot reach api.crowdsec.net at first boot is left with: the
      // packages unpacked, crowdsec unconfigured and failed, no bouncer registered.
      expect(units).toEqual(["crowdsec failed", "crowdsec-firewall-bouncer inactive"]);
      expect(get("crowdsec-bouncers").output.trim().split("\n")).toHaveLength(1);
      return;
    }
    expect(units).toEqual(["crowdsec active", "crowdsec-firewall-bouncer active"]);
    expect(get("crowdsec-bouncers").rc).toBe(0);
    expect(get("crowdsec-bouncers").output.trim().split("\n").length).toBeGreaterThan(1);
    expect(get("crowdsec-sshd").output).toContain("crowdsecurity/sshd-logs");
    expect(get("crowdsec-sshd").output).toContain("crowdsecurity/ssh-bf");
  });

  it("has unattended upgrades on and the time zone of the user data", () => {
    const upgrades = get("unattended-upgrades").output;
    expect(upgrades).toMatch(/APT::Periodic::Update-Package-Lists "1";/);
    expect(upgrades).toMatch(/APT::Periodic::Unattended-Upgrade "1";/);
    expect(upgrades).toMatch(/^enabled\nenabled$/m);
    expect(upgrades).toMatch(/^unattended-upgrades installed$/m);
    expect(get("timezone").output.trim()).toMatch(new RegExp(`/${String((parse(synthesized) as { timezone: string }).timezone).replace("/", "\\/")}$`));
  });
});
