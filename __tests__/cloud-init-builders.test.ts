import { parse } from "yaml";
import { basePart } from "../cloud-init/base";
import type { WriteFile } from "../cloud-init/cloud-config";
import { DOCKER_CE_PACKAGES, dockerDaemonConfig, dockerPart } from "../cloud-init/docker";
import { buildHostCloudConfig, hostCloudConfigParts } from "../cloud-init/host-cloud-config";
import { dropletUfwRules, dropletUserData } from "../cloud-init/host-user-data";
import { dockerUserRules, UFW_ENABLE, ufwPart, type UfwRule } from "../cloud-init/ufw";
import { WIREGUARD_KEY_SCRIPT, WIREGUARD_PRIVATE_KEY, WIREGUARD_PUBLIC_KEY, wireguardConfig, wireguardPart, wireguardUfwRules, type WireguardOptions } from "../cloud-init/wireguard";
import { standardFirewallSpecs } from "../constructs/firewall-rules";
import { exampleConfig } from "./helpers/synth";
import { ADMIN_KEY, aiLabOptions, CORE_PROD_WIREGUARD, coreProdOptions, PEER_KEYS } from "./helpers/user-data-samples";

interface Document {
  runcmd: string[];
  packages: string[];
  write_files: (WriteFile & { content: string })[];
  users: { name: string; groups: string[] }[];
  apt?: { sources: Record<string, { source: string; key: string }> };
  [key: string]: unknown;
}
const doc = (userData: string) => parse(userData) as Document;
const file = (document: Document, path: string) => document.write_files.find((entry) => entry.path === path);

describe("host cloud-config order", () => {
  it("runs ufw defaults first, then the allow rules, and `ufw --force enable` last of all", () => {
    const runcmd = doc(buildHostCloudConfig(coreProdOptions())).runcmd;
    const ufw = runcmd.filter((command) => command.startsWith("ufw "));
    expect(runcmd[runcmd.length - 1]).toBe(UFW_ENABLE);
    expect(ufw.slice(0, 2)).toEqual(["ufw default deny incoming", "ufw default allow outgoing"]);
    const ssh = runcmd.indexOf("ufw allow proto tcp from 198.51.100.7/32 to any port 22 comment 'SSH from the admins'");
    expect(ssh).toBeGreaterThan(runcmd.indexOf("ufw default deny incoming"));
    expect(ssh).toBeLessThan(runcmd.indexOf(UFW_ENABLE));
    expect(runcmd.filter((command) => command === UFW_ENABLE)).toHaveLength(1);
  });

  it("generates the WireGuard key before wg-quick starts, and both before UFW is enabled", () => {
    const runcmd = doc(buildHostCloudConfig(coreProdOptions())).runcmd;
    expect(runcmd.indexOf(WIREGUARD_KEY_SCRIPT)).toBeLessThan(runcmd.indexOf("systemctl enable --now wg-quick@wg0"));
    expect(runcmd.indexOf("systemctl enable --now wg-quick@wg0")).toBeLessThan(runcmd.indexOf(UFW_ENABLE));
  });

  it("is deterministic", () => {
    expect(buildHostCloudConfig(coreProdOptions())).toBe(buildHostCloudConfig(coreProdOptions()));
  });
});

describe("users and SSH", () => {
  it("creates only the deploy user (no `default` entry), in sudo and docker, key-only", () => {
    const document = doc(buildHostCloudConfig(aiLabOptions()));
    expect(document.users).toEqual([
      { name: "deploy", groups: ["sudo", "docker"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", lock_passwd: true, ssh_authorized_keys: [ADMIN_KEY] },
    ]);
    expect(document).toMatchObject({ ssh_pwauth: false, disable_root: true });
    expect(file(document, "/etc/ssh/sshd_config.d/10-hardening.conf")?.content).toMatch(/^PermitRootLogin no\nPasswordAuthentication no\n/);
  });
});

describe("base part", () => {
  it("really enables unattended upgrades: periodic apt settings and the timers", () => {
    const part = basePart();
    expect(part.write_files?.[0]).toEqual({ path: "/etc/apt/apt.conf.d/20auto-upgrades", permissions: "0644", content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' });
    expect(part.packages).toContain("unattended-upgrades");
    expect(part.runcmd).toContain("systemctl enable --now apt-daily.timer apt-daily-upgrade.timer");
    expect(part).toMatchObject({ package_update: true, package_upgrade: true, timezone: "Etc/UTC" });
  });

  it("offers fail2ban (journal backend), CrowdSec with its firewall bouncer, or nothing", () => {
    expect(basePart({ intrusionPrevention: "fail2ban" }).write_files?.[1]?.content).toContain("backend = systemd");
    expect(basePart({ intrusionPrevention: "crowdsec" }).packages).toEqual(["unattended-upgrades", "crowdsec", "crowdsec-firewall-bouncer"]);
    expect(basePart({ intrusionPrevention: "none" }).packages).toEqual(["unattended-upgrades"]);
  });

  it("refuses a time zone that is not an IANA name", () => {
    expect(() => basePart({ timezone: "Paris; rm -rf /" })).toThrow('basePart: timezone = "Paris; rm -rf /": expected an IANA time zone such as "Europe/Paris"');
  });
});

describe("Docker part", () => {
  it("installs Docker CE and the compose plugin from Docker's repository, signed by Docker's key, per target", () => {
    for (const [target, distro] of [["ubuntu-24.04", "ubuntu"], ["debian-12", "debian"]] as const) {
      const part = dockerPart({ target });
      expect(part.packages).toEqual([...DOCKER_CE_PACKAGES]);
      expect(part.apt?.sources["docker.list"]?.source).toBe(`deb [signed-by=$KEY_FILE] https://download.docker.com/linux/${distro} $RELEASE stable`);
      expect(part.apt?.sources["docker.list"]?.key).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+\n-----END PGP PUBLIC KEY BLOCK-----\n$/);
    }
  });

  it("or the distribution's docker.io with its compose package", () => {
    expect(dockerPart({ target: "debian-12", source: "distro" }).packages).toEqual(["docker.io", "docker-compose"]);
    expect(dockerPart({ target: "ubuntu-24.04", source: "distro" }).packages).toEqual(["docker.io", "docker-compose-v2"]);
    expect(dockerPart({ target: "debian-12", source: "distro" }).apt).toBeUndefined();
  });

  it("rotates container logs through daemon.json, written before Docker is installed", () => {
    const part = dockerPart({ target: "debian-12" });
    const daemon = part.write_files?.find((entry) => entry.path === "/etc/docker/daemon.json");
    expect(daemon?.defer).toBeUndefined();
    expect(JSON.parse(daemon?.content ?? "")).toEqual({ "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } });
  });

  it("refuses a bad log size or file count", () => {
    expect(() => dockerDaemonConfig({ logMaxSize: "10MB" })).toThrow('dockerPart: logMaxSize = "10MB": expected a size such as "10m" (k, m or g)');
    expect(() => dockerDaemonConfig({ logMaxFiles: 0 })).toThrow("dockerPart: logMaxFiles = 0: expected an integer from 1 to 100");
  });
});

describe("UFW part", () => {
  const rules: UfwRule[] = [
    { protocol: "tcp", port: 22, from: ["203.0.113.7/32", "2001:db8::/64"], comment: "SSH" },
    { protocol: "tcp", port: 443, comment: "HTTPS" },
    { protocol: "udp", port: "60000:61000", from: ["0.0.0.0/0", "::/0"], comment: "mosh" },
    { protocol: "tcp", port: 9100, from: ["10.8.0.0/24"], interface: "wg0", comment: "node exporter over the mesh" },
  ];

  it("renders one allow command per rule and source", () => {
    expect(ufwPart(rules).runcmd).toEqual([
      "ufw default deny incoming",
      "ufw default allow outgoing",
      "ufw allow proto tcp from 203.0.113.7/32 to any port 22 comment 'SSH'",
      "ufw allow proto tcp from 2001:db8::/64 to any port 22 comment 'SSH'",
      "ufw allow proto tcp from any to any port 443 comment 'HTTPS'",
      "ufw allow proto udp from any to any port 60000:61000 comment 'mosh'",
      "ufw allow in on wg0 proto tcp from 10.8.0.0/24 to any port 9100 comment 'node exporter over the mesh'",
      UFW_ENABLE,
    ]);
  });

  it("lets Docker-published ports through DOCKER-USER only as the same rules allow, per address family", () => {
    const v4 = dockerUserRules(rules, "ipv4").split("\n");
    expect(v4).toContain("-A DOCKER-USER -s 203.0.113.7/32 -p tcp -m conntrack --ctorigdstport 22 --ctdir ORIGINAL -j RETURN");
    expect(v4).toContain("-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 443 --ctdir ORIGINAL -j RETURN");
    expect(v4).toContain("-A DOCKER-USER -i wg0 -s 10.8.0.0/24 -p tcp -m conntrack --ctorigdstport 9100 --ctdir ORIGINAL -j RETURN");
    expect(v4.filter((line) => line.includes("2001:db8"))).toEqual([]);
    const v6 = dockerUserRules(rules, "ipv6").split("\n");
    expect(v6).toContain("-A DOCKER-USER -s 2001:db8::/64 -p tcp -m conntrack --ctorigdstport 22 --ctdir ORIGINAL -j RETURN");
    expect(v6.filter((line) => line.includes("203.0.113.7"))).toEqual([]);
    for (const lines of [v4, v6]) {
      expect(lines.slice(1, 6)).toEqual([
        "*filter",
        ":DOCKER-USER - [0:0]",
        "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
        "-A DOCKER-USER -i docker0 -j RETURN",
        "-A DOCKER-USER -i br-+ -j RETURN",
      ]);
      expect(lines.slice(-4)).toEqual(["-A DOCKER-USER -j DROP", "COMMIT", "# END cloud-init: UFW rules for Docker-published ports", ""]);
    }
  });

  it("appends to ufw's after.rules files after packages are installed, never replacing them", () => {
    const files = ufwPart(rules).write_files ?? [];
    expect(files.map((entry) => [entry.path, entry.append, entry.defer])).toEqual([
      ["/etc/ufw/after.rules", true, true],
      ["/etc/ufw/after6.rules", true, true],
    ]);
  });

  it.each<[string, UfwRule[], string]>([
    ["port 0", [{ protocol: "tcp", port: 0, comment: "x" }], 'ufwPart: ufwRules[0].port = 0: expected a port from 1 to 65535 or a range "low:high"'],
    ["reversed range", [{ protocol: "tcp", port: "9:1", comment: "x" }], 'ufwPart: ufwRules[0].port = "9:1": expected a port from 1 to 65535 or a range "low:high"'],
    ["bad source", [{ protocol: "tcp", port: 22, from: ["203.0.113.7"], comment: "x" }], 'ufwPart: ufwRules[0].from = "203.0.113.7": is missing its prefix length'],
    ["empty sources", [{ protocol: "tcp", port: 22, from: [], comment: "x" }], "ufwPart: ufwRules[0].from = []: expected at least one CIDR block"],
    ["quote in comment", [{ protocol: "tcp", port: 22, comment: "it's" }], `ufwPart: ufwRules[0].comment = "it's": expected 1-80 letters`],
    ["bad interface", [{ protocol: "tcp", port: 22, interface: "wg0; reboot", comment: "x" }], 'ufwPart: ufwRules[0].interface = "wg0; reboot": expected an interface name'],
    ["bad protocol", [{ protocol: "icmp" as "tcp", port: 22, comment: "x" }], 'ufwPart: ufwRules[0].protocol = "icmp": expected "tcp" or "udp"'],
    ["no SSH rule", [{ protocol: "tcp", port: 443, comment: "x" }], 'ufwPart: ufwRules = ["tcp/443"]: expected a rule allowing tcp 22: enabling UFW would lock SSH out'],
  ])("refuses %s", (_name, bad, message) => {
    expect(() => ufwPart(bad)).toThrow(message);
  });
});

describe("WireGuard part", () => {
  it("renders wg0 with address, listen port, MTU 1420, keepalive 25, the peers, and no private key", () => {
    expect(wireguardConfig(CORE_PROD_WIREGUARD)).toBe(
      [
        "[Interface]",
        "Address = 10.8.0.1/24",
        "ListenPort = 51820",
        "MTU = 1420",
        `PostUp = wg set %i private-key ${WIREGUARD_PRIVATE_KEY}`,
        "",
        "[Peer]",
        "# ai-lab",
        `PublicKey = ${PEER_KEYS.aiLab}`,
        "AllowedIPs = 10.8.0.2/32",
        "Endpoint = 203.0.113.20:51820",
        "PersistentKeepalive = 25",
        "",
      ].join("\n"),
    );
    expect(wireguardConfig(CORE_PROD_WIREGUARD)).not.toMatch(/PrivateKey/);
  });

  it("generates the private key on the host with umask 077 and mode 0600, and publishes only the public key", () => {
    const part = wireguardPart(CORE_PROD_WIREGUARD);
    const script = part.write_files?.find((entry) => entry.path === WIREGUARD_KEY_SCRIPT)?.content ?? "";
    expect(script.indexOf("umask 077")).toBeLessThan(script.indexOf("wg genkey"));
    expect(script).toContain(`chmod 0600 ${WIREGUARD_PRIVATE_KEY}`);
    expect(script).toContain(`wg pubkey <${WIREGUARD_PRIVATE_KEY} >${WIREGUARD_PUBLIC_KEY}`);
    expect(script).not.toMatch(/cat \/etc\/wireguard\/wg0\.key|echo .*wg0\.key/);
    expect(part.write_files?.find((entry) => entry.path === "/etc/wireguard/wg0.conf")?.permissions).toBe("0600");
    expect(part.packages).toEqual(["wireguard-tools"]);
  });

  it("opens the WireGuard port to each peer's address only", () => {
    expect(wireguardUfwRules(CORE_PROD_WIREGUARD)).toEqual([{ protocol: "udp", port: 51820, from: ["203.0.113.20/32"], comment: "WireGuard from ai-lab" }]);
    const ipv6Peer: WireguardOptions = { address: "10.8.0.1/24", peers: [{ name: "v6", publicKey: PEER_KEYS.aiLab, allowedIps: ["10.8.0.9/32"], endpoint: "[2001:db8::9]:51820" }] };
    expect(wireguardUfwRules(ipv6Peer)[0]?.from).toEqual(["2001:db8::9/128"]);
    const dialsIn: WireguardOptions = { address: "10.8.0.1/24", peers: [{ name: "laptop", publicKey: PEER_KEYS.aiLab, allowedIps: ["10.8.0.9/32"], sourceCidrs: ["198.51.100.0/24"] }] };
    expect(wireguardUfwRules(dialsIn)[0]?.from).toEqual(["198.51.100.0/24"]);
  });

  const peer = CORE_PROD_WIREGUARD.peers[0]!;
  it.each<[string, WireguardOptions, string]>([
    ["a network as address", { ...CORE_PROD_WIREGUARD, address: "10.8.0.0/24" }, 'wireguardPart: address = "10.8.0.0/24": is the mesh network itself'],
    ["an address without prefix", { ...CORE_PROD_WIREGUARD, address: "10.8.0.1" }, 'wireguardPart: address = "10.8.0.1": expected this host\'s tunnel address'],
    ["a bad MTU", { ...CORE_PROD_WIREGUARD, mtu: 9000 }, "wireguardPart: mtu = 9000: expected an MTU from 1280 to 1500"],
    ["no peers", { ...CORE_PROD_WIREGUARD, peers: [] }, "wireguardPart: peers = []: expected at least one peer"],
    ["a private key where the public key goes", { ...CORE_PROD_WIREGUARD, peers: [{ ...peer, publicKey: "not-a-key" }] }, 'wireguardPart: peers[0].publicKey = "not-a-key": expected a WireGuard public key'],
    ["a peer listed twice", { ...CORE_PROD_WIREGUARD, peers: [peer, { ...peer, name: "again" }] }, "wireguardPart: peers[1].publicKey"],
    ["bad allowed IPs", { ...CORE_PROD_WIREGUARD, peers: [{ ...peer, allowedIps: ["10.8.0.2/33"] }] }, 'wireguardPart: peers[0].allowedIps = "10.8.0.2/33"'],
    ["a bad endpoint", { ...CORE_PROD_WIREGUARD, peers: [{ ...peer, endpoint: "203.0.113.20" }] }, 'wireguardPart: peers[0].endpoint = "203.0.113.20": expected "host:port"'],
    [
      "a peer whose source cannot be restricted",
      { ...CORE_PROD_WIREGUARD, peers: [{ ...peer, endpoint: "ai-lab.example.com:51820" }] },
      "wireguardPart: peers[0].sourceCidrs = []: expected the addresses the peer connects from",
    ],
  ])("refuses %s", (_name, options, message) => {
    expect(() => wireguardPart(options)).toThrow(message);
  });
});

describe("buildHostCloudConfig", () => {
  it("adds WireGuard only when configured", () => {
    const withWg = doc(buildHostCloudConfig(coreProdOptions()));
    const without = doc(buildHostCloudConfig(coreProdOptions({ wireguard: undefined })));
    expect(file(withWg, "/etc/wireguard/wg0.conf")).toBeDefined();
    expect(withWg.runcmd).toContain("ufw allow proto udp from 203.0.113.20/32 to any port 51820 comment 'WireGuard from ai-lab'");
    expect(file(without, "/etc/wireguard/wg0.conf")).toBeUndefined();
    expect(without.packages).not.toContain("wireguard-tools");
    expect(without.runcmd.join("\n")).not.toMatch(/51820|wg-quick/);
  });

  it.each<[string, Parameters<typeof hostCloudConfigParts>[0], string]>([
    ["an unknown target", { ...coreProdOptions(), target: "centos-9" as "debian-12" }, 'buildHostCloudConfig: target = "centos-9": expected one of ubuntu-24.04, debian-12'],
    ["root as deploy user", { ...coreProdOptions(), deployUser: "root" }, 'buildHostCloudConfig: deployUser = "root": expected a Linux user name other than root'],
    ["no SSH key", { ...coreProdOptions(), authorizedKeys: [] }, "buildHostCloudConfig: authorizedKeys = []: expected at least one SSH public key"],
    ["a bad rule", { ...coreProdOptions(), ufwRules: [{ protocol: "tcp", port: 70000, comment: "x" }] }, "buildHostCloudConfig: ufwRules[0].port = 70000"],
  ])("refuses %s", (_name, options, message) => {
    expect(() => buildHostCloudConfig(options)).toThrow(message);
  });
});

describe("the droplet's user data", () => {
  it("mirrors the three DigitalOcean firewalls' inbound rules in UFW (ICMP aside)", async () => {
    const config = await exampleConfig();
    const specs = standardFirewallSpecs({ vpcCidr: config.vpcCidr, allowedSshIps: config.allowedSshIps });
    const inbound = specs.flatMap((spec) => spec.inbound).filter((rule) => rule.protocol !== "icmp");
    const rules = dropletUfwRules(config);
    expect(rules.map((rule) => [rule.protocol, String(rule.port), rule.from])).toEqual(inbound.map((rule) => [rule.protocol, rule.ports, rule.addresses]));
    const runcmd = doc(dropletUserData(config)).runcmd;
    expect(runcmd).toContain("ufw allow proto tcp from any to any port 443 comment 'HTTPS from the internet'");
    for (const source of config.allowedSshIps) expect(runcmd).toContain(`ufw allow proto tcp from ${source} to any port 22 comment 'SSH from allowed_ssh_ips'`);
    expect(runcmd).toContain(`ufw allow proto tcp from ${config.vpcCidr} to any port 5432 comment 'PostgreSQL from the VPC only'`);
    expect(runcmd.filter((command) => / port 22 /.test(command) && command.includes("from any"))).toEqual([]);
  });

  it("follows the droplet image: Ubuntu's or Debian's Docker repository", async () => {
    const config = await exampleConfig();
    expect(doc(dropletUserData(config)).apt?.sources["docker.list"]?.source).toContain("/linux/ubuntu ");
    expect(doc(dropletUserData({ ...config, dropletImage: "debian-12-x64" })).apt?.sources["docker.list"]?.source).toContain("/linux/debian ");
  });

  it("stays well under DigitalOcean's 64 KiB user_data limit", async () => {
    const config = await exampleConfig();
    expect(Buffer.byteLength(dropletUserData(config, { wireguard: CORE_PROD_WIREGUARD }))).toBeLessThan(32 * 1024);
  });

  it("has WireGuard only when the caller passes it", async () => {
    const config = await exampleConfig();
    expect(dropletUserData(config)).not.toContain("wg0");
    expect(dropletUserData(config, { wireguard: CORE_PROD_WIREGUARD })).toContain("wg-quick@wg0");
  });
});
