import type { Config, HostConfig } from "../config/config";
import { standardFirewallSpecs } from "../constructs/firewall-rules";
import { buildEnrollmentScript } from "./enrollment-script";
import { buildHostCloudConfig, type HostCloudConfigOptions } from "./host-cloud-config";
import { targetOfImage } from "./targets";
import { ufwRulesFromFirewallSpecs, type UfwRule } from "./ufw";
import type { WireguardOptions } from "./wireguard";
import type { MeshInterface } from "./wireguard-mesh";

export interface DropletUserDataOptions {
  /** wg0 with fixed peers. @default - no WireGuard */
  readonly wireguard?: WireguardOptions;
  /** wg0 as a mesh member (peers pushed later by the hosts stack). @default - not a member */
  readonly mesh?: MeshInterface;
  /** The droplet's `hosts` entry, for its intrusion prevention. @default - fail2ban */
  readonly host?: HostConfig;
  /** The droplet runs the Cloudflare Tunnel connector. @default false */
  readonly cloudflared?: boolean;
}

/** The deploy user's key set: the current key, then the keys kept authorized during a rotation. */
export function authorizedKeysOf(config: Config): string[] {
  return [config.sshPublicKey, ...(config.retiredSshPublicKeys ?? [])];
}

/**
 * The droplet's UFW rules: the inbound rules of its three DigitalOcean firewalls, so the host
 * firewall and the cloud firewall agree (defense in depth).
 */
export function dropletUfwRules(config: Config): UfwRule[] {
  return ufwRulesFromFirewallSpecs(standardFirewallSpecs({ vpcCidr: config.vpcCidr, allowedSshIps: config.allowedSshIps }));
}

/** The droplet's user data, built from typed parts. */
export function dropletUserData(config: Config, options: DropletUserDataOptions = {}): string {
  return buildHostCloudConfig({
    target: targetOfImage(config.dropletImage),
    deployUser: config.deployUser,
    authorizedKeys: authorizedKeysOf(config),
    ufwRules: dropletUfwRules(config),
    ...(options.wireguard === undefined ? {} : { wireguard: options.wireguard }),
    ...(options.mesh === undefined ? {} : { mesh: options.mesh }),
    cloudflared: options.cloudflared ?? false,
    docker: { source: "docker-ce" },
    intrusionPrevention: options.host?.intrusionPrevention ?? "fail2ban",
    timezone: "Etc/UTC",
  });
}

/** An OVH host's UFW rules: SSH from allowed_ssh_ips, then its own `ufw_allow` rules. */
export function ovhHostUfwRules(config: Config, host: HostConfig): UfwRule[] {
  return [
    { protocol: "tcp", port: 22, from: [...config.allowedSshIps], comment: "SSH from allowed_ssh_ips" },
    ...host.ufwAllow.map((rule) => ({
      protocol: rule.protocol,
      port: rule.port,
      ...(rule.from === undefined ? {} : { from: [...rule.from] }),
      comment: rule.comment,
    })),
  ];
}

export interface OvhHostUserDataOptions {
  readonly mesh?: MeshInterface;
  /** The host runs the Cloudflare Tunnel connector. @default false */
  readonly cloudflared?: boolean;
}

/** What an OVH server is built from: its user data and its enrollment script render the same options. */
export function ovhHostOptions(config: Config, host: HostConfig, options: OvhHostUserDataOptions = {}): HostCloudConfigOptions {
  return {
    target: host.os,
    deployUser: config.deployUser,
    authorizedKeys: authorizedKeysOf(config),
    ufwRules: ovhHostUfwRules(config, host),
    ...(options.mesh === undefined ? {} : { mesh: options.mesh }),
    cloudflared: options.cloudflared ?? false,
    docker: { source: "docker-ce" },
    intrusionPrevention: host.intrusionPrevention,
    timezone: "Etc/UTC",
  };
}

/** The user data ops install on an existing OVH server (reinstall with cloud-init, or by hand). */
export function ovhHostUserData(config: Config, host: HostConfig, options: OvhHostUserDataOptions = {}): string {
  return buildHostCloudConfig(ovhHostOptions(config, host, options));
}

/** The script that brings the running server to the state its user data gives a new one (docs/enrollment.md). */
export function ovhHostEnrollmentScript(config: Config, host: HostConfig, options: OvhHostUserDataOptions = {}): string {
  return buildEnrollmentScript({ ...ovhHostOptions(config, host, options), hostName: host.name });
}
