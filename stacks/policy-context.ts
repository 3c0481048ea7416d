import type { Config } from "../config/config";
import { publicKeyValuesOf } from "../config/secrets";
import { INTERNAL_SERVICE_PORTS } from "../constructs/firewall-rules";
import { namePrefix } from "../constructs/naming";
import type { PolicyContext } from "../constructs/policy/types";

/** What the guard rails know from the config: trusted networks, internal ports, declared buckets, waivers. */
export function policyContextFor(config: Config): PolicyContext {
  const prefix = namePrefix(config.projectName, config.environment);
  return {
    // The WireGuard mesh is private like the VPC: internal ports may be served to it.
    trustedNetworks: config.mesh === undefined ? [config.vpcCidr] : [config.vpcCidr, config.mesh.cidr],
    internalPorts: [...new Set([...INTERNAL_SERVICE_PORTS.map(({ port }) => port), ...config.internalPorts])],
    sshPorts: [],
    wireguardPorts: config.mesh === undefined ? [] : [config.mesh.port],
    allowSshFromAnywhere: config.allowSshFromAnywhere,
    publicBucketNames: [`${prefix}-assets`],
    stateBucketNames: [`${prefix}-terraform-state`],
    // Every host's cloud-init carries UFW, so a droplet behind a DigitalOcean firewall needs it too.
    requireUfwOnFirewalledDroplets: true,
    waivers: config.policyWaivers.map((waiver, index) => ({ ...waiver, source: `policy_waivers[${index}]` })),
    publicKeyValues: publicKeyValuesOf(config),
  };
}
