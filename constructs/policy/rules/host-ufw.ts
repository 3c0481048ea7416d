import { finding } from "../finding";
import { hostsIn, writesDenyingUfwDefaults, type Host } from "../hosts";
import type { Finding, Policy } from "../types";

/**
 * HOST-001: every host's UFW denies inbound by default and is enabled after its defaults, read
 * from the cloud-config the host boots with. A droplet behind a DigitalOcean cloud firewall
 * (deny-by-default) may go without UFW unless the context requires UFW everywhere.
 */
export const hostUfwPolicy: Policy = {
  id: "HOST-001",
  check(blocks, context) {
    return hostsIn(blocks).flatMap((host): Finding[] => {
      const problem = ufwProblem(host, context.requireUfwOnFirewalledDroplets);
      return problem === undefined ? [] : [finding("HOST-001", host.block, problem)];
    });
  },
};

function ufwProblem(host: Host, requireOnFirewalledDroplets: boolean): string | undefined {
  if (host.parseProblem !== undefined) return `${host.attribute} ${host.parseProblem}`;
  const defaults = host.ufw.filter((command) => command.kind === "default" && command.direction === "incoming");
  const enableAt = host.ufw.findIndex((command) => command.kind === "enable");
  if (host.ufw.length === 0 && !writesDenyingUfwDefaults(host.cloudConfig)) {
    if (host.behindCloudFirewall && !requireOnFirewalledDroplets) return undefined;
    const what = host.cloudConfig === undefined ? `host has no cloud-config (${host.attribute})` : `${host.attribute} never configures UFW`;
    return `${what}${host.behindCloudFirewall ? "" : " and no cloud firewall protects it"}: inbound traffic is not denied by default`;
  }
  const lastDefault = defaults[defaults.length - 1];
  const denies = lastDefault === undefined ? writesDenyingUfwDefaults(host.cloudConfig) : lastDefault.kind === "default" && /^(deny|reject)$/.test(lastDefault.action);
  if (!denies) {
    return lastDefault === undefined
      ? `${host.attribute} never runs \`ufw default deny incoming\``
      : `${host.attribute} sets \`${lastDefault.text}\`: inbound traffic is allowed by default`;
  }
  if (enableAt < 0) return `${host.attribute} configures UFW but never runs \`ufw --force enable\`: the firewall stays off`;
  const firstDenyAt = host.ufw.findIndex((command) => command.kind === "default" && command.direction === "incoming");
  if (firstDenyAt > enableAt) return `${host.attribute} enables UFW before \`ufw default deny incoming\`: it boots with the image's defaults`;
  return undefined;
}
