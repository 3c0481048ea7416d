/** DigitalOcean facts the config is checked against. Update when DigitalOcean adds a region. */

/** Datacenter regions that accept new droplets and VPCs. */
export const DROPLET_REGIONS = [
  "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "ams2", "ams3", "sgp1",
  "lon1", "fra1", "tor1", "blr1", "syd1", "atl1", "ric1",
] as const;

/** Regions where Spaces object storage exists. */
export const SPACES_REGIONS = ["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "lon1", "tor1", "atl1"] as const;

/**
 * Images our cloud-init builders target: Ubuntu 24.04 on DigitalOcean, Debian 12 on OVH
 * (also offered by DigitalOcean). Anything else would boot with untested user data.
 */
export const SUPPORTED_IMAGES = ["ubuntu-24-04-x64", "debian-12-x64"] as const;

export type DropletRegion = (typeof DROPLET_REGIONS)[number];
export type SupportedImage = (typeof SUPPORTED_IMAGES)[number];
