import { finding } from "../finding";
import { resourcesOfType } from "../synthesized-blocks";
import type { Policy } from "../types";

/** CMP-001: a droplet without SSH keys gets a root password by e-mail. */
export const dropletSshKeysPolicy: Policy = {
  id: "CMP-001",
  check(blocks) {
    return resourcesOfType(blocks, "digitalocean_droplet")
      .filter((droplet) => !Array.isArray(droplet.attributes.ssh_keys) || droplet.attributes.ssh_keys.length === 0)
      .map((droplet) => finding("CMP-001", droplet, "droplet has no ssh_keys"));
  },
};

/** CMP-002: without the monitoring agent there are no alerts and no graphs. */
export const dropletMonitoringPolicy: Policy = {
  id: "CMP-002",
  check(blocks) {
    return resourcesOfType(blocks, "digitalocean_droplet")
      .filter((droplet) => droplet.attributes.monitoring !== true)
      .map((droplet) => finding("CMP-002", droplet, "droplet has monitoring turned off (enable_monitoring = false)"));
  },
};
