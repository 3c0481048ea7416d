import { createHash } from "node:crypto";
import { TerraformOutput, TerraformStack } from "cdktf";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import type { Construct } from "constructs";
import type { Config } from "../config/config";
import { authorizedKeysOf, ovhHostEnrollmentScript, ovhHostUserData } from "../cloud-init/host-user-data";
import { AuthorizedKeysSync } from "../constructs/authorized-keys-sync";
import { interfaceOf, type MeshPlan } from "../constructs/mesh-plan";
import { OvhHost } from "../constructs/ovh-host";
import { WireguardMesh } from "../constructs/wireguard-mesh";
import { useStateBackend } from "./backend";
import type { DescribedStack } from "./synthesize";

export interface HostsStackProps {
  readonly config: Config;
  /** The mesh, with the droplet's endpoint as a reference valid in this stack. @default - no mesh */
  readonly mesh?: MeshPlan;
  /** The droplet's public IPv4 (cross-stack reference), when the droplet is a mesh member. */
  readonly dropletIpv4?: string;
}

/**
 * The two OVH servers, which these providers cannot create: their user data is rendered for
 * ops to install, and the WireGuard mesh (droplet included) is kept in sync over SSH.
 */
export class HostsStack extends TerraformStack implements DescribedStack {
  readonly summary =
    "The two OVH servers and the WireGuard mesh: each server's Debian user data, its enrollment script and each member's wg0.conf rendered as local files for ops; one null_resource per booted member that pushes its peers over SSH (wg syncconf), so a new peer never rebuilds a host; one per OVH server that keeps the deploy user's SSH keys in sync; every connection pinned to the host's known host key.";
  readonly applyNotes = [
    "The mesh and deploy-keys syncs log in over SSH as the deploy user with the key of your SSH agent (`ssh-add -l` must list it) from an address `allowed_ssh_ips` admits, and check the host key in `ssh_host_key`: a host without one is never connected to (output `hosts_awaiting_host_key`; docs/key-rotation.md). A member is synced only once its `wireguard_public_key` is in the config, i.e. after its first boot.",
    "`rendered/<host>/user-data.yaml` is each OVH server's cloud-config: give it to the server as user data when installing it (project README, \"OVH hosts and the WireGuard mesh\").",
    "`rendered/<host>/enroll.sh` brings a running OVH server to the same state without a reinstall: `ssh <admin>@<host> sudo bash -s < rendered/<host>/enroll.sh` (docs/enrollment.md); running it again changes nothing.",
  ];
  readonly hosts: readonly OvhHost[];
  readonly mesh?: WireguardMesh;

  constructor(scope: Construct, id: string, props: HostsStackProps) {
    super(scope, id);
    const { config } = props;
    useStateBackend(this, config);
    new LocalProvider(this, "local");
    const ovhHosts = config.hosts.filter((host) => host.provider === "ovh");
    const hostOptions = new Map(
      ovhHosts.map((host) => {
        const member = host.mesh === undefined || props.mesh === undefined ? undefined : interfaceOf(props.mesh, host.name);
        return [host.name, { ...(member === undefined ? {} : { mesh: member }), cloudflared: config.cloudflare?.tunnel?.host === host.name }];
      }),
    );
    const userData = new Map(ovhHosts.map((host) => [host.name, ovhHostUserData(config, host, hostOptions.get(host.name))]));
    this.hosts = ovhHosts.map(
      (host) =>
        new OvhHost(this, host.name, {
          name: host.name,
          publicIpv4: host.publicIpv4 as string,
          userData: userData.get(host.name) as string,
          enrollmentScript: ovhHostEnrollmentScript(config, host, hostOptions.get(host.name)),
        }),
    );

    const sshHosts: Record<string, string> = Object.fromEntries(ovhHosts.map((host) => [host.name, host.publicIpv4 as string]));
    const droplet = config.hosts.find((host) => host.provider === "digitalocean");
    if (droplet !== undefined && props.dropletIpv4 !== undefined) sshHosts[droplet.name] = props.dropletIpv4;
    const sshHostKeys: Record<string, string> = Object.fromEntries(
      config.hosts.flatMap((host) => (host.sshHostKey === undefined ? [] : [[host.name, host.sshHostKey] as const])),
    );
    const awaitingHostKey = new Set(ovhHosts.filter((host) => host.sshHostKey === undefined).map((host) => host.name));
    if (props.mesh !== undefined || awaitingHostKey.size < ovhHosts.length) new NullProvider(this, "null");
    // The droplet's own key sync lives in the main stack, next to the droplet.
    for (const host of ovhHosts) {
      if (host.sshHostKey === undefined) continue;
      new AuthorizedKeysSync(this, `${host.name}_deploy_keys`, {
        hostName: host.name,
        host: host.publicIpv4 as string,
        hostKey: host.sshHostKey,
        sshUser: config.deployUser,
        authorizedKeys: authorizedKeysOf(config),
      });
    }
    if (props.mesh !== undefined) {
      this.mesh = new WireguardMesh(this, "mesh", { plan: props.mesh, sshUser: config.deployUser, sshHosts, sshHostKeys });
      for (const name of this.mesh.awaitingHostKey) awaitingHostKey.add(name);
      new TerraformOutput(this, "mesh_addresses", {
        value: Object.fromEntries(props.mesh.members.map((member) => [member.name, member.address])),
        description: "Each member's WireGuard address",
      });
      new TerraformOutput(this, "mesh_members_awaiting_key", {
        value: props.mesh.members.filter((member) => member.publicKey === undefined).map((member) => member.name),
        description: "Members whose public key is not in the config yet: nobody's peer until it is (README: first boot of a mesh host)",
      });
    }
    new TerraformOutput(this, "hosts_awaiting_host_key", {
      value: [...awaitingHostKey].sort(),
      description: "Hosts this stack makes no SSH connection to until their ssh_host_key is in the config: no key or mesh sync (docs/key-rotation.md)",
    });
    new TerraformOutput(this, "ssh_commands", {
      description: "How to log in to each OVH server (as the deploy user)",
      value: Object.fromEntries(ovhHosts.map((host) => [host.name, `ssh ${config.deployUser}@${host.publicIpv4 as string}`])),
    });
    new TerraformOutput(this, "user_data_sha256", {
      value: Object.fromEntries([...userData].map(([name, text]) => [name, createHash("sha256").update(text).digest("hex")])),
      description: "Hash of each server's rendered user data, to compare with /var/lib/cloud/instance/user-data.txt on the host",
    });
  }
}
