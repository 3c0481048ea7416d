import type { Config } from "../config/config";
import { standardFirewallSpecs } from "../constructs/firewall-rules";
import { buildHostCloudConfig } from "./host-cloud-config";
import { targetOfImage } from "./targets";
import { ufwRulesFromFirewallSpecs, type UfwRule } from "./ufw";
import type { WireguardOptions } from "./wireguard";

export interface DropletUserDataOptions {
  /** wg0 on the droplet (the mesh config arrives with the OVH hosts). @default - no WireGuard */
  readonly wireguard?: WireguardOptions;
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
    authorizedKeys: [config.sshPublicKey],
    ufwRules: dropletUfwRules(config),
    ...(options.wireguard === undefined ? {} : { wireguard: options.wireguard }),
    docker: { source: "docker-ce" },
    intrusionPrevention: "fail2ban",
    timezone: "Etc/UTC",
  });
}
