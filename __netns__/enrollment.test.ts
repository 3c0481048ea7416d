import { terraformLiteral } from "../__tests__/helpers/boot-user-data";
import { evaluatedWg0 } from "../__tests__/helpers/mesh-files";
import { configFrom, EXAMPLE_SOURCE, resourcesOf, synthApp, type SynthResult } from "../__tests__/helpers/synth";
import { missingPrerequisite, NetnsLab, run } from "./netns-hosts";
import { STAND_IN_LOG, STAND_INS } from "./stand-ins";

/**
 * The two OVH servers of the example enrolled as they run, not reinstalled: each is a network
 * namespace with a root file system of its own (an overlay of this Debian 12 machine), the
 * real ufw, iptables, useradd and WireGuard (wireguard-go), and stand-ins for systemd and the
 * package downloads. Each server receives its rendered enroll.sh exactly as ops pipe it
 * (`sudo bash -s < enroll.sh`), twice; then the mesh comes up through the firewall it enabled.
 */

const PUBLIC_IPV4 = { "core-prod": "198.51.100.20", "ai-lab": "198.51.100.30" } as const;
type Server = keyof typeof PUBLIC_IPV4;
const SERVERS = Object.keys(PUBLIC_IPV4) as Server[];
const MESH_ADDRESS: Record<Server, string> = { "core-prod": "10.8.0.1", "ai-lab": "10.8.0.2" };
/** An address allowed_ssh_ips admits (203.0.113.10/32), and one it does not. */
const ADMIN_SESSION = (server: Server) => ({ SSH_CONNECTION: `203.0.113.10 50022 ${PUBLIC_IPV4[server]} 22` });
const STRANGER_SESSION = (server: Server) => ({ SSH_CONNECTION: `203.0.113.99 50022 ${PUBLIC_IPV4[server]} 22` });
const EXAMPLE_DEPLOY_KEY = /^ssh_public_key = "(.*)"$/m.exec(EXAMPLE_SOURCE)![1]!;

const prerequisite = missingPrerequisite() ?? missingTool();
const describeInNamespaces = prerequisite === undefined ? describe : describe.skip;
if (prerequisite !== undefined) console.warn(`SKIPPED the enrollment namespace test: it ${prerequisite}`);

function missingTool(): string | undefined {
  for (const tool of ["nsenter", "chroot", "ufw", "iptables", "useradd", "python3"]) {
    if (run("sh", ["-c", `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  if (!/^VERSION_ID="12"$/m.test(run("cat", ["/etc/os-release"]).stdout)) return "needs a Debian 12 machine (its root is the servers' lower layer)";
  return undefined;
}

/** The example with the given WireGuard keys; a member without one is not in anybody's peers. */
function configSource(keys: Partial<Record<Server, string>>): string {
  return EXAMPLE_SOURCE.split("\n")
    .filter((line) => !line.startsWith("    wireguard_public_key"))
    .join("\n")
    .replace(/( {4}mesh_address {9}= "(10\.8\.0\.[12])"\n)/g, (line, _whole, address: string) => {
      const server = SERVERS.find((name) => MESH_ADDRESS[name] === address)!;
      return keys[server] === undefined ? line : `${line}    wireguard_public_key = "${keys[server]}"\n`;
    });
}

async function synth(keys: Partial<Record<Server, string>>): Promise<SynthResult> {
  return synthApp(await configFrom(configSource(keys)));
}


function renderedFile(result: SynthResult, type: string, filename: string): string {
  const file = Object.values(resourcesOf(result.stacks["hosts-production"]!, type)).find((candidate) => candidate.filename === `\${path.module}/rendered/${filename}`);
  if (file === undefined) throw new Error(`no rendered ${filename}`);
  return terraformLiteral(file.content as string);
}

describeInNamespaces("enrolling the running OVH servers in network namespaces", () => {
  let lab: NetnsLab;
  let firstBuild: SynthResult;
  const keys: Partial<Record<Server, string>> = {};
  const firstRun: Partial<Record<Server, string>> = {};

  const enroll = (server: Server, env = ADMIN_SESSION(server), args: readonly string[] = []) => lab.inRoot(server, renderedFile(firstBuild, "local_sensitive_file", `${server}/enroll.sh`), env, args);
  const inServer = (server: Server, script: string) => {
    const result = lab.inRoot(server, script);
    if (result.status !== 0) throw new Error(`${server}: ${script}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    lab = new NetnsLab();
    for (const server of SERVERS) {
      lab.addHost(server, PUBLIC_IPV4[server]);
      lab.addRootOverlay(server, STAND_INS);
    }
    firstBuild = await synth({});
  });

  afterAll(() => lab?.destroy());

  it("refuses, before changing anything, a session the firewall it enables would cut off", () => {
    const refused = enroll("core-prod", STRANGER_SESSION("core-prod"));
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain("this session comes from 203.0.113.99, which the planned SSH rule does not admit");
    expect(refused.stdout).not.toContain("changed:");
    expect(inServer("core-prod", "ufw status; id deploy >/dev/null 2>&1 || echo 'no deploy user'; ls /etc/wireguard")).toBe("Status: inactive\nno deploy user\n");
  });

  it.each(SERVERS)("enrolls %s from an admitted session, printing every change", (server) => {
    const result = enroll(server);
    expect(result).toMatchObject({ status: 0 });
    expect(result.stderr).not.toMatch(/^enroll:/m);
    firstRun[server] = result.stdout;
    expect(result.stdout).toContain("this SSH session from 203.0.113.10 stays admitted by the firewall");
    expect(result.stdout).toMatch(/^changed: user deploy$/m);
    expect(result.stdout).toMatch(/^changed: WireGuard key generated on the host$/m);
    expect(result.stdout).toMatch(/^changed: ufw enabled$/m);
    expect(result.stdout).toMatch(/^\d+ changes\n$/m);
    keys[server] = inServer(server, "cat /var/lib/wireguard/wg0.pub").trim();
  });

  it.each(SERVERS)("changes nothing on %s when run a second time", (server) => {
    const again = enroll(server);
    expect(again).toMatchObject({ status: 0 });
    expect(again.stdout).not.toContain("changed:");
    expect(again.stdout.trimEnd().split("\n").pop()).toBe("no changes");
    expect(inServer(server, "cat /var/lib/wireguard/wg0.pub").trim()).toBe(keys[server]);
  });

  it.each(SERVERS)("leaves %s in the state its user data gives a new server", (server) => {
    expect(inServer(server, "id -nG deploy").trim().split(" ").sort()).toEqual(["deploy", "docker", "sudo"]);
    expect(inServer(server, "cat /home/deploy/.ssh/authorized_keys; stat -c '%a %U' /home/deploy/.ssh/authorized_keys")).toBe(`${EXAMPLE_DEPLOY_KEY}\n600 deploy\n`);
    expect(inServer(server, "passwd --status deploy | cut -d' ' -f2").trim()).toBe("L");
    expect(inServer(server, "cat /etc/sudoers.d/90-enrollment-deploy")).toBe("deploy ALL=(ALL) NOPASSWD:ALL\n");
    expect(inServer(server, "cat /etc/ssh/sshd_config.d/10-hardening.conf")).toContain("PasswordAuthentication no\n");
    const ufw = inServer(server, "ufw status verbose");
    expect(ufw).toContain("Status: active");
    expect(ufw).toContain("Default: deny (incoming), allow (outgoing)");
    expect(ufw).toMatch(/^22\/tcp\s+ALLOW IN\s+203\.0\.113\.10\s/m);
    expect(ufw).toMatch(/^22\/tcp\s+ALLOW IN\s+198\.51\.100\.0\/28\s/m);
    expect(inServer(server, "grep -c ':DOCKER-USER - \\[0:0\\]' /etc/ufw/after.rules").trim()).toBe("1");
    expect(inServer(server, "iptables -S DOCKER-USER | tail -n 1").trim()).toBe("-A DOCKER-USER -j DROP");
    expect(inServer(server, "stat -c %a /etc/wireguard/wg0.key").trim()).toBe("600");
    expect(inServer(server, "ip -4 -o addr show dev wg0")).toContain(`${MESH_ADDRESS[server]}/24`);
    expect(inServer(server, `grep -x 'crowdsec' /var/lib/apt-stub-installed; grep -cx 'systemctl enable --now crowdsec' ${STAND_IN_LOG}`)).toBe("crowdsec\n1\n");
  });

  it("brings the mesh up through the firewalls it enabled once the servers' keys are in the config: handshake and ping", async () => {
    const withKeys = await synth(keys);
    for (const server of SERVERS) {
      const wg0 = terraformLiteral(evaluatedWg0(withKeys.stacks["hosts-production"]!, server));
      inServer(server, `cat >/home/deploy/wg0.conf.mesh <<'WG0'\n${wg0}WG0\nwireguard-mesh-sync /home/deploy/wg0.conf.mesh && rm -f /home/deploy/wg0.conf.mesh`);
    }
    const [core, lab2] = SERVERS as [Server, Server];
    expect(inServer(core, "wg show wg0 peers").trim()).toBe(keys[lab2]);
    expect(lab.inRoot(core, `ping -c 3 -i 0.2 -W 2 ${MESH_ADDRESS[lab2]}`).status).toBe(0);
    expect(lab.inRoot(lab2, `ping -c 3 -i 0.2 -W 2 ${MESH_ADDRESS[core]}`).status).toBe(0);
    expect(Number(inServer(core, "wg show wg0 latest-handshakes").split("\t")[1])).toBeGreaterThan(0);
    expect(inServer(core, "ufw status")).toMatch(/^51820\/udp\s+ALLOW\s+198\.51\.100\.30\s/m);
  });

  it.each(SERVERS)("changes nothing on %s when run again after the peers arrived, and keeps them", (server) => {
    const peers = inServer(server, "wg show wg0 peers");
    const again = enroll(server);
    expect(again).toMatchObject({ status: 0 });
    expect(again.stdout).not.toContain("changed:");
    expect(again.stdout.trimEnd().split("\n").pop()).toBe("no changes");
    expect(inServer(server, "wg show wg0 peers")).toBe(peers);
    expect(inServer(server, "grep -c '^\\[Peer\\]$' /etc/wireguard/wg0.conf").trim()).toBe("1");
  });

  it("keeps the deploy user's keys in sync with the command the key sync runs over SSH", async () => {
    const rotatedKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBD3A9RE8G89u7w5I6oE7sZRU/u0iMlkN6EZf2yn4yCd deploy-2026@example.com";
    const rotation = synthApp(
      await configFrom(configSource(keys).replace(/^ssh_public_key = .*$/m, `ssh_public_key = "${rotatedKey}"\nretired_ssh_public_keys = ["${EXAMPLE_DEPLOY_KEY}"]`)),
    );
    const sync = Object.entries(resourcesOf(rotation.stacks["hosts-production"]!, "null_resource")).find(([name]) => name === "deploy_keys_sync_core_prod")![1];
    const command = terraformLiteral((sync.provisioner as { "remote-exec": { inline: string[] } }[])[0]!["remote-exec"].inline[0]!).replace(/^sudo /, "");
    expect(inServer("core-prod", command)).toBe("authorized_keys of deploy: replaced (2 keys)\n");
    expect(inServer("core-prod", command)).toBe("authorized_keys of deploy: unchanged (2 keys)\n");
    expect(inServer("core-prod", "cat /home/deploy/.ssh/authorized_keys; stat -c '%a %U' /home/deploy/.ssh/authorized_keys")).toBe(`${rotatedKey}\n${EXAMPLE_DEPLOY_KEY}\n600 deploy\n`);
    const mangled = lab.inRoot("core-prod", "deploy-keys-sync 'ssh-ed25519 AAAA' 'not a key'");
    expect(mangled.status).toBe(1);
    expect(inServer("core-prod", "wc -l </home/deploy/.ssh/authorized_keys").trim()).toBe("2");
  });

  it("enrolls a server whose console is open without the session check", () => {
    const result = enroll("ai-lab", STRANGER_SESSION("ai-lab"), ["--i-have-console-access"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("lock-out check skipped: --i-have-console-access");
  });

  it("never printed a WireGuard private key", () => {
    for (const server of SERVERS) {
      const privateKey = inServer(server, "cat /etc/wireguard/wg0.key").trim();
      expect(firstRun[server]).not.toContain(privateKey);
      expect(inServer(server, `cat ${STAND_IN_LOG}`)).not.toContain(privateKey);
    }
  });
});
