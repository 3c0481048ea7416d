import { TerraformStack, Testing } from "cdktf";
import { meshFirewallSpec, peersOf, planMesh, wgQuickConfigOf, type MeshPlanProps } from "../constructs/mesh-plan";
import { WireguardMesh } from "../constructs/wireguard-mesh";
import { PropsError } from "../constructs/validation";
import { evaluatedWg0 } from "./helpers/mesh-files";
import type { TfJson } from "./helpers/synth";
import { parseWgConfig } from "./helpers/wireguard";

const KEYS = {
  a: "emYoSGDhPMqzMR+Kjctah9eUx9Qo60CD0bum5K+/xjM=",
  b: "KgzCx6VTNEyw3uN4UxX9/oDCoTc0+E/DWdv+qsiX3Gc=",
  c: "k0yVs2aCB1m7xr38GpajMwYQyK3f6+kEpD6b8l1TIXA=",
};

/** Documentation host keys (public halves only). */
const HOST_KEYS = {
  "core-prod": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOWYTTFipthPA0bqu7ZtGdb6qVJmleiw9kq+A9NzLBa",
  "ai-lab": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFd75/XAZYisiG1CZedGQ/ybL3oekVGSl8TEFAgMv6Ed",
  app: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPSDYRbSYYqJgApbQ0MGSAVN45Ayf3TJyXvKalhyv4p3",
};

const THREE: MeshPlanProps = {
  cidr: "10.8.0.0/24",
  members: [
    { name: "core-prod", address: "10.8.0.1", publicKey: KEYS.a, endpointAddress: "198.51.100.20" },
    { name: "ai-lab", address: "10.8.0.2", publicKey: KEYS.b, endpointAddress: "198.51.100.30" },
    { name: "app", address: "10.8.0.3", publicKey: KEYS.c, endpointAddress: "192.0.2.50" },
  ],
};

describe("mesh plan: each member's view", () => {
  const plan = planMesh(THREE);

  it("applies the two OVH servers' mesh defaults: UDP 51820, MTU 1420, keepalive 25", () => {
    expect(plan).toMatchObject({ port: 51820, mtu: 1420, keepalive: 25 });
  });

  it.each(THREE.members.map((member) => member.name))("%s sees exactly the other members, each at its /32 through its public endpoint", (name) => {
    const parsed = parseWgConfig(wgQuickConfigOf(plan, name));
    const others = THREE.members.filter((member) => member.name !== name);
    expect(parsed.peers.map((peer) => peer.name).sort()).toEqual(others.map((member) => member.name).sort());
    for (const other of others) {
      const peer = parsed.peers.find((candidate) => candidate.name === other.name);
      expect(peer?.settings).toEqual({
        PublicKey: other.publicKey,
        AllowedIPs: `${other.address}/32`,
        Endpoint: `${other.endpointAddress}:51820`,
        PersistentKeepalive: "25",
      });
    }
  });

  it("gives each member its own address with the mesh prefix, and no private key", () => {
    const parsed = parseWgConfig(wgQuickConfigOf(plan, "ai-lab"));
    expect(parsed.interface).toEqual({
      Address: "10.8.0.2/24",
      ListenPort: "51820",
      MTU: "1420",
      PostUp: "wg set %i private-key /etc/wireguard/wg0.key",
    });
    expect(wgQuickConfigOf(plan, "ai-lab")).not.toMatch(/PrivateKey/);
  });

  it("orders members by code unit, the order Terraform iterates the hosts stack's map of peer sections in", () => {
    const names = ["node-b", "node10", "node-a1", "node1", "node-a", "nodea", "node9"];
    const many = planMesh({ cidr: "10.8.0.0/24", members: names.map((name, index) => ({ name, address: `10.8.0.${index + 1}`, publicKey: Buffer.alloc(32, index + 1).toString("base64"), endpointAddress: `198.51.100.${index + 1}` })) });
    expect(many.members.map((member) => member.name)).toEqual(["node-a", "node-a1", "node-b", "node1", "node10", "node9", "nodea"]);
    expect(parseWgConfig(wgQuickConfigOf(many, "node1")).peers.map((peer) => peer.name)).toEqual(["node-a", "node-a1", "node-b", "node10", "node9", "nodea"]);
  });

  it("leaves a member whose key is not known yet out of every peer list, but still renders its own view", () => {
    const pending = planMesh({ ...THREE, members: [...THREE.members, { name: "new-node", address: "10.8.0.9", endpointAddress: "198.51.100.90" }] });
    for (const name of ["core-prod", "ai-lab", "app"]) expect(peersOf(pending, name).map((peer) => peer.name)).not.toContain("new-node");
    expect(peersOf(pending, "new-node").map((peer) => peer.name)).toEqual(["ai-lab", "app", "core-prod"]);
  });

  it("opens the droplet's cloud firewall to the WireGuard port of the other members' public addresses only", () => {
    expect(meshFirewallSpec(plan, "app")).toEqual({
      suffix: "fw-mesh",
      inbound: [{ protocol: "udp", ports: "51820", addresses: ["198.51.100.30/32", "198.51.100.20/32"], purpose: "WireGuard from mesh peers only" }],
      outbound: [{ protocol: "udp", ports: "51820", addresses: ["198.51.100.30/32", "198.51.100.20/32"], purpose: "WireGuard to mesh peers" }],
    });
  });

  it("adds no cloud firewall while the droplet has no peer", () => {
    const alone = planMesh({ cidr: "10.8.0.0/24", members: [{ name: "app", address: "10.8.0.3", publicKey: KEYS.c, endpointAddress: "192.0.2.50" }] });
    expect(meshFirewallSpec(alone, "app")).toBeUndefined();
  });
});

describe("mesh plan: refused members", () => {
  const refuse = (props: MeshPlanProps, message: RegExp) => {
    expect(() => planMesh(props)).toThrow(PropsError);
    expect(() => planMesh(props)).toThrow(message);
  };
  const withMember = (index: number, change: Partial<MeshPlanProps["members"][number]>): MeshPlanProps => ({
    ...THREE,
    members: THREE.members.map((member, i) => (i === index ? { ...member, ...change } : member)),
  });

  it("an address outside the mesh", () => refuse(withMember(1, { address: "10.9.0.2" }), /members\.ai-lab\.address = "10\.9\.0\.2": expected an address inside the mesh 10\.8\.0\.0\/24/));
  it("the network address", () => refuse(withMember(1, { address: "10.8.0.0" }), /is the network or broadcast address/));
  it("the broadcast address", () => refuse(withMember(1, { address: "10.8.0.255" }), /is the network or broadcast address/));
  it("an address used twice", () => refuse(withMember(1, { address: "10.8.0.1" }), /members\.ai-lab\.address = "10\.8\.0\.1": is already core-prod's address/));
  it("a key used twice", () => refuse(withMember(1, { publicKey: KEYS.a }), /is already core-prod's key/));
  it("a malformed key", () => refuse(withMember(1, { publicKey: "not-a-key" }), /expected a WireGuard public key/));
  it("a name used twice", () => refuse(withMember(1, { name: "core-prod" }), /members\.core-prod\.name = "core-prod": is listed twice/));
  it("an endpoint that is not an IPv4 address", () => refuse(withMember(1, { endpointAddress: "ai-lab.example.org" }), /expected the member's public IPv4 address/));
  it("an IPv6 mesh", () => refuse({ ...THREE, cidr: "fd00::/64" }, /cidr = "fd00::\/64": expected an IPv4 range/));
  it("an MTU WireGuard cannot use", () => refuse({ ...THREE, mtu: 9000 }, /mtu = 9000: expected an MTU from 1280 to 1500/));
});

describe("WireguardMesh construct", () => {
  const synthesized = (props: Partial<ConstructorParameters<typeof WireguardMesh>[2]> = {}) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "hosts");
    new WireguardMesh(stack, "mesh", {
      plan: planMesh(THREE),
      sshUser: "deploy",
      sshHosts: { "core-prod": "198.51.100.20", "ai-lab": "198.51.100.30", app: "192.0.2.50" },
      sshHostKeys: HOST_KEYS,
      ...props,
    });
    return JSON.parse(Testing.synth(stack)) as TfJson & { resource: Record<string, Record<string, Record<string, unknown>>>; locals: Record<string, unknown> };
  };

  it("writes each active member's [Peer] section once, in local.mesh_peers; each member's file reads every section but its own", () => {
    const out = synthesized();
    const plan = planMesh(THREE);
    expect(Object.keys(out.locals.mesh_peers as object).sort()).toEqual(["ai-lab", "app", "core-prod"]);
    expect((out.locals.mesh_peers as Record<string, string>)["app"]).toBe("\n[Peer]\n# app\nPublicKey = " + KEYS.c + "\nAllowedIPs = 10.8.0.3/32\nEndpoint = 192.0.2.50:51820\nPersistentKeepalive = 25\n");
    expect(JSON.stringify(out.resource.local_file)).not.toContain("[Peer]");
    for (const member of plan.members) {
      expect(evaluatedWg0(out, member.name)).toBe(wgQuickConfigOf(plan, member.name));
    }
  });

  it("renders one wg0.conf per member under a relative path", () => {
    const files = Object.values(synthesized().resource.local_file ?? {});
    expect(files.map((file) => file.filename).sort()).toEqual([
      "${path.module}/rendered/ai-lab/wg0.conf",
      "${path.module}/rendered/app/wg0.conf",
      "${path.module}/rendered/core-prod/wg0.conf",
    ]);
  });

  it("syncs each member over SSH as the deploy user with the agent's key and its pinned host key, triggered by its config's hash", () => {
    const syncs = synthesized().resource.null_resource ?? {};
    expect(Object.keys(syncs)).toHaveLength(3);
    const sync = syncs["mesh_sync_core_prod"] as Record<string, unknown>;
    const fileId = "wg0_core_prod";
    expect(Object.keys(synthesized().resource.local_file ?? {})).toContain(fileId);
    expect(sync.connection).toEqual({ type: "ssh", host: "198.51.100.20", user: "deploy", agent: "true", host_key: HOST_KEYS["core-prod"], timeout: "2m" });
    expect(sync.triggers).toEqual({ wg0_conf_sha256: `\${local_file.${fileId}.content_sha256}`, host: "198.51.100.20", host_key: HOST_KEYS["core-prod"] });
    expect(sync.provisioner).toEqual([
      { file: { content: `\${local_file.${fileId}.content}`, destination: "/home/deploy/wg0.conf.mesh" } },
      { "remote-exec": { inline: ["sudo /usr/local/sbin/wireguard-mesh-sync /home/deploy/wg0.conf.mesh", "rm -f /home/deploy/wg0.conf.mesh"] } },
    ]);
  });

  it("does not sync a member that has not reported its key (it may not be running yet)", () => {
    const plan = planMesh({ ...THREE, members: [...THREE.members, { name: "new-node", address: "10.8.0.9", endpointAddress: "198.51.100.90" }] });
    const out = synthesized({ plan, sshHosts: { "core-prod": "198.51.100.20", "ai-lab": "198.51.100.30", app: "192.0.2.50" } });
    expect(Object.keys(out.resource.null_resource ?? {}).filter((name) => name.includes("new-node"))).toEqual([]);
    expect(Object.keys(out.resource.local_file ?? {}).filter((name) => name === "wg0_new_node")).toHaveLength(1);
    expect(Object.keys(out.locals.mesh_peers as object)).not.toContain("new-node");
    expect(evaluatedWg0(out, "new-node")).toBe(wgQuickConfigOf(plan, "new-node"));
    expect(parseWgConfig(evaluatedWg0(out, "core-prod")).peers.map((peer) => peer.name)).toEqual(["ai-lab", "app"]);
  });

  it("never trusts a member's host key on first use: without a known host key the member gets no sync and is listed as awaiting it", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "hosts");
    const { app: _unknown, ...known } = HOST_KEYS;
    const mesh = new WireguardMesh(stack, "mesh", { plan: planMesh(THREE), sshUser: "deploy", sshHosts: { "core-prod": "198.51.100.20", "ai-lab": "198.51.100.30", app: "192.0.2.50" }, sshHostKeys: known });
    expect(Object.keys(mesh.syncs).sort()).toEqual(["ai-lab", "core-prod"]);
    expect(mesh.awaitingHostKey).toEqual(["app"]);
  });

  it("refuses a host key that is not an SSH public key", () => {
    expect(() => synthesized({ sshHostKeys: { ...HOST_KEYS, app: "ssh-ed25519 AAAA" } })).toThrow(/mesh\/app_sync: hostKey = "ssh-ed25519 AAAA": expected the host's public SSH host key/);
  });

  it("refuses a plan whose member name is not a host name (it is written inside a Terraform expression)", () => {
    const plan = planMesh(THREE);
    const forged = { ...plan, members: plan.members.map((member, index) => (index === 0 ? { ...member, name: 'x"]) + file("/etc/passwd' } : member)) };
    expect(() => synthesized({ plan: forged })).toThrow(/plan\.members\.name = "x\\"\]\) \+ file\(\\"\/etc\/passwd": expected a lowercase host name/);
  });

  it("refuses root as the SSH user", () => {
    expect(() => synthesized({ sshUser: "root" })).toThrow(/sshUser = "root": expected the unprivileged deploy user/);
  });

  it("refuses a member SSH cannot reach", () => {
    expect(() => synthesized({ sshHosts: { "core-prod": "198.51.100.20" } })).toThrow(/sshHosts\.ai-lab = undefined: expected the address SSH reaches this member at/);
  });

  it("refuses a rendered directory that climbs out of the stack directory", () => {
    expect(() => synthesized({ renderedDir: "../elsewhere" })).toThrow(/renderedDir = "\.\.\/elsewhere": expected a relative directory/);
  });
});

