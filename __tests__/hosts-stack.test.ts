import { parse } from "yaml";
import type { Config } from "../config/config";
import { CLOUDFLARED_INSTALL_SCRIPT, CLOUDFLARED_UNIT_PATH, TUNNEL_TOKEN_FILE } from "../cloud-init/cloudflared";
import { MESH_SYNC_SCRIPT } from "../cloud-init/wireguard-mesh";
import { diffStacks } from "../stacks/review-summary";
import { planStack } from "../stacks/review/plan";
import type { TerraformJson } from "../stacks/terraform-json";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, resourcesOf, synthApp, type SynthResult, type TfJson } from "./helpers/synth";
import { itWith, REQUIREMENTS, wgProblems } from "./helpers/checkers";
import { WITH_EXTRA_PEER } from "./helpers/mesh-config";
import { evaluatedWg0, evaluatedWg0Files } from "./helpers/mesh-files";
import { parseWgConfig } from "./helpers/wireguard";

const DROPLET_IP_REFERENCE = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-main-production\.outputs\.cross-stack-output-digitalocean_droplet[\w.-]+ipv4_address\}$/;

let config: Config;
let synthesized: SynthResult;
let hosts: TfJson;

beforeAll(async () => {
  config = await exampleConfig();
  synthesized = synthApp(config);
  hosts = synthesized.stacks["hosts-production"]!;
});

function fileNamed(stack: TfJson, type: string, filename: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(stack, type)).find((file) => file.filename === filename);
  if (found === undefined) throw new Error(`no ${type} ${filename}`);
  return found;
}

function userDataOf(name: string): Record<string, unknown> & { runcmd: string[]; write_files: { path: string; content: string; permissions: string }[]; packages: string[] } {
  const file = fileNamed(hosts, "local_sensitive_file", `\${path.module}/rendered/${name}/user-data.yaml`);
  return parse((file.content as string).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")) as never;
}

describe("hosts stack", () => {
  it("is synthesized next to main and data, after main (it reads the droplet's address)", () => {
    expect(Object.keys(synthesized.stacks).sort()).toEqual(expect.arrayContaining(["data-production", "hosts-production", "main-production"]));
    const manifest = JSON.parse(synthesized.files.get("manifest.json") as string) as { stacks: Record<string, { dependencies: string[] }> };
    expect(manifest.stacks["hosts-production"]?.dependencies).toEqual(["main-production"]);
  });

  it("uses only the local and null providers, pinned", () => {
    expect(hosts.terraform.required_providers).toEqual({
      local: { source: "hashicorp/local", version: "2.6.1" },
      null: { source: "null", version: "3.2.4" },
    });
  });

  it("renders each OVH server's user data and enrollment script as 0600 local_sensitive_files under a relative path", () => {
    const files = Object.values(resourcesOf(hosts, "local_sensitive_file"));
    expect(files.map((file) => [file.filename, file.file_permission]).sort()).toEqual([
      ["${path.module}/rendered/ai-lab/enroll.sh", "0600"],
      ["${path.module}/rendered/ai-lab/user-data.yaml", "0600"],
      ["${path.module}/rendered/core-prod/enroll.sh", "0600"],
      ["${path.module}/rendered/core-prod/user-data.yaml", "0600"],
    ]);
  });
});

describe("hosts stack: each member's rendered wg0.conf lists exactly the other mesh members", () => {
  const members = ["ai-lab", "app", "core-prod"];
  it.each(members)("%s", (name) => {
    const parsed = parseWgConfig(evaluatedWg0(hosts, name));
    const expected = config.hosts.filter((host) => host.mesh !== undefined && host.name !== name);
    expect(parsed.peers.map((peer) => peer.name)).toEqual(expected.map((host) => host.name));
    for (const host of expected) {
      const peer = parsed.peers.find((candidate) => candidate.name === host.name)!;
      expect(peer.settings.PublicKey).toBe(host.mesh?.publicKey);
      expect(peer.settings.AllowedIPs).toBe(`${host.mesh?.address}/32`);
      const [endpointHost, port] = [peer.settings.Endpoint!.slice(0, peer.settings.Endpoint!.lastIndexOf(":")), peer.settings.Endpoint!.split(":").pop()];
      expect(port).toBe("51820");
      if (host.provider === "ovh") expect(endpointHost).toBe(host.publicIpv4);
      else expect(endpointHost).toMatch(DROPLET_IP_REFERENCE);
    }
    const own = config.hosts.find((host) => host.name === name)!;
    expect(parsed.interface).toMatchObject({ Address: `${own.mesh?.address}/24`, ListenPort: "51820", MTU: "1420" });
  });
});

describe("hosts stack: rendered wg0.conf files", () => {
  itWith(REQUIREMENTS.wg)("parse completely with wg-quick and wg (the droplet's address as Terraform resolves it)", () => {
    const files = evaluatedWg0Files(hosts);
    expect(files.size).toBe(3);
    for (const [filename, evaluated] of files) {
      const content = evaluated.replace(/\$\{data\.terraform_remote_state\.[^}]+\}/g, "192.0.2.50");
      expect({ file: filename, problems: wgProblems(content) }).toEqual({ file: filename, problems: [] });
    }
  });
});

describe("hosts stack: the two OVH servers' user data", () => {
  it("CORE-PROD opens SSH to allowed_ssh_ips and its web and mail ports to everyone", () => {
    const allows = userDataOf("core-prod").runcmd.filter((command) => command.startsWith("ufw allow"));
    expect(allows).toEqual([
      "ufw allow proto tcp from 203.0.113.10/32 to any port 22 comment 'SSH from allowed_ssh_ips'",
      "ufw allow proto tcp from 198.51.100.0/28 to any port 22 comment 'SSH from allowed_ssh_ips'",
      "ufw allow proto tcp from any to any port 80 comment 'HTTP redirect (Traefik)'",
      "ufw allow proto tcp from any to any port 443 comment 'HTTPS (Traefik)'",
      "ufw allow proto tcp from any to any port 25 comment 'SMTP (Mailcow)'",
      "ufw allow proto tcp from any to any port 587 comment 'SMTP submission (Mailcow)'",
      "ufw allow proto tcp from any to any port 993 comment 'IMAPS (Mailcow)'",
    ]);
  });

  it("AI-LAB exposes only SSH", () => {
    const allows = userDataOf("ai-lab").runcmd.filter((command) => command.startsWith("ufw allow"));
    expect(allows).toEqual([
      "ufw allow proto tcp from 203.0.113.10/32 to any port 22 comment 'SSH from allowed_ssh_ips'",
      "ufw allow proto tcp from 198.51.100.0/28 to any port 22 comment 'SSH from allowed_ssh_ips'",
    ]);
  });

  it.each(["core-prod", "ai-lab"])("%s carries wg0's interface and the sync script but no peer: peers arrive over SSH", (name) => {
    const userData = userDataOf(name);
    const wg0 = userData.write_files.find((file) => file.path === "/etc/wireguard/wg0.conf")!;
    expect(wg0.permissions).toBe("0600");
    expect(parseWgConfig(wg0.content).peers).toEqual([]);
    expect(userData.write_files.map((file) => file.path)).toContain(MESH_SYNC_SCRIPT);
    expect(userData.runcmd).toContain(MESH_SYNC_SCRIPT);
    expect(userData.runcmd[userData.runcmd.length - 1]).toBe("ufw --force enable");
  });

  it("installs the Cloudflare Tunnel connector on the tunnel host only, waiting for a token ops install", () => {
    const core = userDataOf("core-prod");
    expect(core.write_files.map((file) => file.path)).toEqual(expect.arrayContaining([CLOUDFLARED_INSTALL_SCRIPT, CLOUDFLARED_UNIT_PATH]));
    expect(core.runcmd).toContain(CLOUDFLARED_INSTALL_SCRIPT);
    expect(core.write_files.map((file) => file.path)).not.toContain(TUNNEL_TOKEN_FILE);
    expect(JSON.stringify(core)).not.toMatch(/TUNNEL_TOKEN=/);
    expect(userDataOf("ai-lab").write_files.map((file) => file.path)).not.toContain(CLOUDFLARED_UNIT_PATH);
  });

  it("uses CrowdSec where the config asks for it, as the two OVH servers do", () => {
    expect(userDataOf("core-prod").packages).toEqual(expect.arrayContaining(["crowdsec", "crowdsec-firewall-bouncer"]));
  });
});

describe("main stack as a mesh member", () => {
  it("gives the droplet its wg0 interface without any peer", () => {
    const main = synthesized.stacks["main-production"]!;
    const droplet = Object.values(resourcesOf(main, "digitalocean_droplet"))[0]!;
    const userData = parse((droplet.user_data as string).replace(/\$\$\{/g, "${")) as { write_files: { path: string; content: string }[] };
    const wg0 = userData.write_files.find((file) => file.path === "/etc/wireguard/wg0.conf")!;
    expect(parseWgConfig(wg0.content)).toEqual({
      interface: { Address: "10.8.0.3/24", ListenPort: "51820", MTU: "1420", PostUp: "wg set %i private-key /etc/wireguard/wg0.key" },
      peers: [],
    });
  });
});

describe("adding a mesh peer", () => {
  let before: SynthResult;
  let after: SynthResult;
  beforeAll(async () => {
    before = synthesized;
    after = synthApp(await configFrom(WITH_EXTRA_PEER));
  });

  const diff = (stackName: string) => diffStacks(before.stacks[stackName], after.stacks[stackName]!);

  it("never touches the droplet: only the droplet's -fw-mesh firewall changes in main", () => {
    const main = diff("main-production");
    expect(main.added).toEqual([]);
    expect(main.removed).toEqual([]);
    expect(main.changed).toEqual(["digitalocean_firewall.mesh"]);
  });

  it("adds the newcomer's files and syncs and its [Peer] section to local.mesh_peers; the existing members' resources keep their text", () => {
    const hostsDiff = diff("hosts-production");
    expect(hostsDiff).toEqual({
      removed: [],
      changed: [],
      added: ["local_file.wg0_edge_lab", "local_sensitive_file.enroll_sh_edge_lab", "local_sensitive_file.user_data_edge_lab", "null_resource.deploy_keys_sync_edge_lab", "null_resource.mesh_sync_edge_lab"],
    });
    const sections = (result: SynthResult) => result.stacks["hosts-production"]!.locals?.mesh_peers as Record<string, string>;
    const { ["edge-lab"]: added, ...kept } = sections(after);
    expect(kept).toEqual(sections(before));
    expect(parseWgConfig(`[Interface]\n${added}`).peers).toEqual([
      { name: "edge-lab", settings: { PublicKey: "YOY0Rb5cQHGGXeqjG1vKfRlVmxm6sTUOtc7PCZkhNU4=", AllowedIPs: "10.8.0.4/32", Endpoint: "198.51.100.40:51820", PersistentKeepalive: "25" } },
    ]);
  });

  it("gives every existing member the newcomer as one more peer, and the newcomer all the others", () => {
    for (const name of ["ai-lab", "app", "core-prod"]) {
      const [old, grown] = [parseWgConfig(evaluatedWg0(before.stacks["hosts-production"]!, name)), parseWgConfig(evaluatedWg0(after.stacks["hosts-production"]!, name))];
      expect(grown.interface).toEqual(old.interface);
      expect(grown.peers.filter((peer) => peer.name !== "edge-lab")).toEqual(old.peers);
      expect(grown.peers.map((peer) => peer.name)).toContain("edge-lab");
    }
    expect(parseWgConfig(evaluatedWg0(after.stacks["hosts-production"]!, "edge-lab")).peers.map((peer) => peer.name)).toEqual(["ai-lab", "app", "core-prod"]);
  });

  it("is reviewed as replacing exactly the existing members' wg0.conf files (they follow local.mesh_peers) and their syncs (they follow the files)", () => {
    const plan = planStack("hosts-production", before.stacks["hosts-production"] as TerraformJson, after.stacks["hosts-production"] as TerraformJson);
    expect(plan.locals.map((local) => [local.address, local.entries.map((entry) => entry.key)])).toEqual([["local.mesh_peers", ["edge-lab"]]]);
    const existing = plan.resources.filter((resource) => resource.action !== "create");
    expect(existing.map((resource) => [resource.action, resource.address, resource.forcedBy, resource.changes.find((change) => change.effect !== "setting")?.through])).toEqual([
      ["replace", "local_file.wg0_ai_lab", ["content"], "local.mesh_peers"],
      ["replace", "local_file.wg0_app", ["content"], "local.mesh_peers"],
      ["replace", "local_file.wg0_core_prod", ["content"], "local.mesh_peers"],
      ["replace", "null_resource.mesh_sync_ai_lab", ["triggers"], "local_file.wg0_ai_lab"],
      ["replace", "null_resource.mesh_sync_app", ["triggers"], "local_file.wg0_app"],
      ["replace", "null_resource.mesh_sync_core_prod", ["triggers"], "local_file.wg0_core_prod"],
    ]);
  });

  it("keeps how the existing mesh syncs connect and what they run; the deploy keys syncs stay as they were", () => {
    for (const [name, sync] of Object.entries(resourcesOf(after.stacks["hosts-production"]!, "null_resource"))) {
      const old = resourcesOf(before.stacks["hosts-production"]!, "null_resource")[name];
      if (old === undefined) continue;
      expect(sync).toEqual(old);
    }
  });

  it("leaves the data stack and the existing OVH user data and enrollment scripts byte-identical", () => {
    expect(diff("data-production")).toEqual({ added: [], removed: [], changed: [] });
    const userData = (result: SynthResult) => Object.entries(resourcesOf(result.stacks["hosts-production"]!, "local_sensitive_file")).filter(([name]) => !name.endsWith("_edge_lab"));
    expect(userData(after)).toEqual(userData(before));
  });
});

describe("SSH host keys: no connection to a host whose key is unknown", () => {
  let withoutKeys: SynthResult;
  beforeAll(async () => {
    // core-prod's and the droplet's host keys are not known yet.
    const source = EXAMPLE_SOURCE.split("\n")
      .filter((line) => !/^ {4}ssh_host_key += "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI(OOWY|PSDY)/.test(line))
      .join("\n");
    withoutKeys = synthApp(await configFrom(source));
  });

  const syncs = (result: SynthResult, stack: string) => Object.keys(resourcesOf(result.stacks[stack]!, "null_resource")).sort();

  it("pins every connection of the example to the host key from the config", () => {
    for (const stack of ["main-production", "hosts-production"]) {
      for (const sync of Object.values(resourcesOf(synthesized.stacks[stack]!, "null_resource"))) {
        expect((sync.connection as { host_key?: string }).host_key).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*$/);
      }
    }
    expect(synthesized.stacks["hosts-production"]!.output?.hosts_awaiting_host_key?.value).toEqual([]);
  });

  it("gives a host without ssh_host_key no key sync and no mesh sync, and lists it as awaiting its host key", () => {
    expect(syncs(withoutKeys, "hosts-production")).toEqual(["deploy_keys_sync_ai_lab", "mesh_sync_ai_lab"]);
    expect(syncs(withoutKeys, "main-production")).toEqual([]);
    expect(withoutKeys.stacks["hosts-production"]!.output?.hosts_awaiting_host_key?.value).toEqual(["app", "core-prod"]);
  });

  it("still renders the waiting host's user data, enrollment script and wg0.conf", () => {
    const files = [...Object.values(resourcesOf(withoutKeys.stacks["hosts-production"]!, "local_sensitive_file")), ...Object.values(resourcesOf(withoutKeys.stacks["hosts-production"]!, "local_file"))];
    expect(files.map((file) => file.filename).filter((name) => String(name).includes("/core-prod/")).sort()).toEqual([
      "${path.module}/rendered/core-prod/enroll.sh",
      "${path.module}/rendered/core-prod/user-data.yaml",
      "${path.module}/rendered/core-prod/wg0.conf",
    ]);
  });
});
