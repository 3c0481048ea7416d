import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { MESH_SYNC_SCRIPT } from "../cloud-init/wireguard-mesh";
import { WIREGUARD_CONFIG, WIREGUARD_KEY_SCRIPT } from "../cloud-init/wireguard";
import { evaluatedWg0 } from "../__tests__/helpers/mesh-files";
import { configFrom, EXAMPLE_SOURCE, resourcesOf, synthApp, type SynthResult } from "../__tests__/helpers/synth";
import { missingPrerequisite, NetnsLab } from "./netns-hosts";

/**
 * The generated mesh, brought up for real: the example's three members (two OVH servers and
 * the droplet) as network namespaces on one segment, each booted from its synthesized user data
 * (WireGuard key made on the host, wg0 up without peers), then synced with the wg0.conf the
 * hosts stack renders, through the wireguard-mesh-sync script the user data installs, exactly
 * as the null_resource does over SSH. WireGuard is wireguard-go (userspace).
 */

const PUBLIC_IPV4 = { "core-prod": "198.51.100.20", "ai-lab": "198.51.100.30", app: "198.51.100.50" } as const;
type Member = keyof typeof PUBLIC_IPV4;
const MEMBERS = Object.keys(PUBLIC_IPV4) as Member[];
const MESH_ADDRESS: Record<Member, string> = { "core-prod": "10.8.0.1", "ai-lab": "10.8.0.2", app: "10.8.0.3" };
const EXAMPLE_KEYS: Record<Member, string> = {
  "core-prod": "emYoSGDhPMqzMR+Kjctah9eUx9Qo60CD0bum5K+/xjM=",
  "ai-lab": "KgzCx6VTNEyw3uN4UxX9/oDCoTc0+E/DWdv+qsiX3Gc=",
  app: "k0yVs2aCB1m7xr38GpajMwYQyK3f6+kEpD6b8l1TIXA=",
};
const DROPLET_IP_REFERENCE = /\$\{data\.terraform_remote_state\.[^}]+ipv4_address\}/g;

const skip = missingPrerequisite();
const describeInNamespaces = skip === undefined ? describe : describe.skip;
if (skip !== undefined) console.warn(`SKIPPED the mesh namespace test: it ${skip}`);

type UserData = { write_files: { path: string; content: string; permissions: string }[]; runcmd: string[] };

/** The example config with the keys the lab's hosts generated; `leftOut` members are not in the mesh. */
function configSource(keys: Partial<Record<Member, string>>, leftOut: readonly Member[] = []): string {
  let source = EXAMPLE_SOURCE;
  for (const member of MEMBERS) {
    const line = `    wireguard_public_key = "${EXAMPLE_KEYS[member]}"\n`;
    const key = keys[member];
    source = source.replace(line, key === undefined || leftOut.includes(member) ? "" : line.replace(EXAMPLE_KEYS[member], key));
    if (leftOut.includes(member)) source = source.replace(`    mesh_address         = "${MESH_ADDRESS[member]}"\n`, "");
  }
  return source;
}

async function synth(keys: Partial<Record<Member, string>>, leftOut: readonly Member[] = []): Promise<SynthResult> {
  return synthApp(await configFrom(configSource(keys, leftOut)));
}

function userDataOf(result: SynthResult, member: Member): UserData {
  const text =
    member === "app"
      ? (Object.values(resourcesOf(result.stacks["main-production"]!, "digitalocean_droplet"))[0]!.user_data as string)
      : (Object.values(resourcesOf(result.stacks["hosts-production"]!, "local_sensitive_file")).find((file) => String(file.filename).endsWith(`/${member}/user-data.yaml`))!.content as string);
  return parse(text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")) as UserData;
}

/** The wg0.conf the hosts stack renders for a member, with the droplet's address as Terraform would resolve it. */
function renderedWg0(result: SynthResult, member: Member): string {
  return evaluatedWg0(result.stacks["hosts-production"]!, member).replace(DROPLET_IP_REFERENCE, PUBLIC_IPV4.app);
}

describeInNamespaces("the WireGuard mesh in network namespaces (wireguard-go)", () => {
  let lab: NetnsLab;
  const keys: Partial<Record<Member, string>> = {};

  const fileOf = (userData: UserData, file: string) => userData.write_files.find((entry) => entry.path === file)!.content;

  /** First boot, as cloud-init runs it: the key script, then the sync script with no argument. */
  const boot = (member: Member, userData: UserData) => {
    const dir = lab.hostDir(member);
    writeFileSync(path.join(dir, "etc-wireguard", "wg0.conf"), fileOf(userData, WIREGUARD_CONFIG), { mode: 0o600 });
    writeFileSync(path.join(dir, "bin", "wireguard-first-boot-key"), fileOf(userData, WIREGUARD_KEY_SCRIPT), { mode: 0o755 });
    writeFileSync(path.join(dir, "bin", "wireguard-mesh-sync"), fileOf(userData, MESH_SYNC_SCRIPT), { mode: 0o755 });
    expect(userData.runcmd.indexOf(WIREGUARD_KEY_SCRIPT)).toBeLessThan(userData.runcmd.indexOf(MESH_SYNC_SCRIPT));
    const output = lab.inHostOrFail(member, "wireguard-first-boot-key && wireguard-mesh-sync");
    keys[member] = readFileSync(path.join(dir, "var-lib-wireguard", "wg0.pub"), "utf8").trim();
    expect(output).toContain(`wg0 public key: ${keys[member]}`);
  };

  /** What the null_resource does: upload the rendered wg0.conf, run the sync script on it. */
  const push = (member: Member, wg0: string) => {
    const upload = path.join(lab.hostDir(member), "wg0.conf.mesh");
    writeFileSync(upload, wg0);
    return lab.inHostOrFail(member, `wireguard-mesh-sync ${upload}`);
  };

  const peersOf = (member: Member) => lab.inHostOrFail(member, "wg show wg0 peers").split("\n").filter(Boolean).sort();
  const ping = (from: Member, to: Member) => lab.inHost(from, `ping -c 3 -i 0.2 -W 2 ${MESH_ADDRESS[to]}`);
  const log = (member: Member) => readFileSync(path.join(lab.hostDir(member), "log"), "utf8").split("\n").filter(Boolean);
  const handshakes = (member: Member) =>
    Object.fromEntries(
      lab
        .inHostOrFail(member, "wg show wg0 latest-handshakes")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\t") as [string, string]),
    );

  beforeAll(() => {
    lab = new NetnsLab();
    for (const member of MEMBERS) lab.addHost(member, PUBLIC_IPV4[member]);
  });

  afterAll(() => lab?.destroy());

  it("boots every member from its user data: a key generated on the host, wg0 up with no peer", async () => {
    const beforeKeys = await synth({}, []);
    for (const member of MEMBERS) boot(member, userDataOf(beforeKeys, member));
    for (const member of MEMBERS) {
      expect(peersOf(member)).toEqual([]);
      expect(lab.inHostOrFail(member, "wg show wg0 public-key").trim()).toBe(keys[member]);
      expect(lab.inHostOrFail(member, "ip -4 -o addr show dev wg0")).toContain(`${MESH_ADDRESS[member]}/24`);
      expect(lab.inHostOrFail(member, "cat /sys/class/net/wg0/mtu").trim()).toBe("1420");
      expect(log(member)).toEqual(["systemctl enable --now wg-quick@wg0"]);
    }
  });

  it("joins the two OVH servers once their keys are in the config: handshake and ping across the mesh", async () => {
    const result = await synth({ "core-prod": keys["core-prod"], "ai-lab": keys["ai-lab"] });
    push("core-prod", renderedWg0(result, "core-prod"));
    push("ai-lab", renderedWg0(result, "ai-lab"));
    expect(peersOf("core-prod")).toEqual([keys["ai-lab"]]);
    expect(peersOf("ai-lab")).toEqual([keys["core-prod"]]);
    expect(ping("core-prod", "ai-lab").status).toBe(0);
    expect(ping("ai-lab", "core-prod").status).toBe(0);
    expect(Number(handshakes("core-prod")[keys["ai-lab"]!])).toBeGreaterThan(0);
    expect(log("core-prod")).toEqual([
      "systemctl enable --now wg-quick@wg0",
      "ufw allow proto udp from 198.51.100.30 to any port 51820 comment WireGuard mesh peer",
    ]);
  });

  it("adds the droplet as a peer live (wg syncconf, no restart, key kept): every pair handshakes and pings", async () => {
    const result = await synth({ ...keys });
    for (const member of MEMBERS) push(member, renderedWg0(result, member));
    for (const member of MEMBERS) {
      expect(peersOf(member)).toEqual(MEMBERS.filter((other) => other !== member).map((other) => keys[other]).sort());
      expect(lab.inHostOrFail(member, "wg show wg0 public-key").trim()).toBe(keys[member]);
    }
    for (const from of MEMBERS) {
      for (const to of MEMBERS) {
        if (from !== to) expect({ from, to, status: ping(from, to).status }).toEqual({ from, to, status: 0 });
      }
    }
    for (const member of MEMBERS) {
      for (const other of MEMBERS.filter((candidate) => candidate !== member)) expect(Number(handshakes(member)[keys[other]!])).toBeGreaterThan(0);
      expect(log(member).filter((line) => line.startsWith("systemctl"))).toEqual(["systemctl enable --now wg-quick@wg0"]);
    }
    expect(log("core-prod").filter((line) => line.startsWith("ufw"))).toEqual([
      "ufw allow proto udp from 198.51.100.30 to any port 51820 comment WireGuard mesh peer",
      "ufw allow proto udp from 198.51.100.50 to any port 51820 comment WireGuard mesh peer",
    ]);
  });

  it("drops a member that leaves the mesh: its peer entry and its UFW rule go, the others keep talking", async () => {
    const result = await synth({ ...keys }, ["ai-lab"]);
    push("core-prod", renderedWg0(result, "core-prod"));
    push("app", renderedWg0(result, "app"));
    expect(peersOf("core-prod")).toEqual([keys.app]);
    expect(peersOf("app")).toEqual([keys["core-prod"]]);
    expect(ping("core-prod", "app").status).toBe(0);
    expect(ping("core-prod", "ai-lab").status).not.toBe(0);
    expect(log("core-prod").slice(-1)).toEqual(["ufw delete allow proto udp from 198.51.100.30 to any port 51820"]);
  });

  it("never writes the private key anywhere but the host's 0600 key file", () => {
    for (const member of MEMBERS) {
      const dir = lab.hostDir(member);
      const privateKey = readFileSync(path.join(dir, "etc-wireguard", "wg0.key"), "utf8").trim();
      expect((lab.inHostOrFail(member, "stat -c %a /etc/wireguard/wg0.key")).trim()).toBe("600");
      expect(readFileSync(path.join(dir, "etc-wireguard", "wg0.conf"), "utf8")).not.toContain(privateKey);
      expect(lab.inHostOrFail(member, "ls /etc/wireguard").split("\n").filter(Boolean).sort()).toEqual(["wg0.conf", "wg0.key"]);
      expect(readFileSync(path.join(dir, "log"), "utf8")).not.toContain(privateKey);
    }
  });
});
