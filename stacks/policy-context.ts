import type { Config } from "../config/config";
import { INTERNAL_SERVICE_PORTS } from "../constructs/firewall-rules";
import { namePrefix } from "../constructs/naming";
import type { PolicyContext } from "../constructs/policy/types";

/**
 * Raise to true once every host's cloud-init carries the UFW part (issue #3): droplets behind
 * a DigitalOcean cloud firewall then fail HOST-001 too when their UFW is missing.
 */
export const REQUIRE_UFW_ON_FIREWALLED_DROPLETS = false;

/** What the guard rails know from the config: trusted networks, internal ports, declared buckets, waivers. */
export function policyContextFor(config: Config): PolicyContext {
  const prefix = namePrefix(config.projectName, config.environment);
  return {
    trustedNetworks: [config.vpcCidr],
    internalPorts: [...new Set([...INTERNAL_SERVICE_PORTS.map(({ port }) => port), ...config.internalPorts])],
    allowSshFromAnywhere: config.allowSshFromAnywhere,
    publicBucketNames: [`${prefix}-assets`],
    stateBucketNames: [`${prefix}-terraform-state`],
    requireUfwOnFirewalledDroplets: REQUIRE_UFW_ON_FIREWALLED_DROPLETS,
    waivers: config.policyWaivers.map((waiver, index) => ({ ...waiver, source: `policy_waivers[${index}]` })),
  };
}
