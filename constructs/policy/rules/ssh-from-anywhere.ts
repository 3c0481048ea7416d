import { portExposures, uniqueFindings, worldFindings } from "../exposure";
import { finding } from "../finding";
import { inboundRulesOf, vpcRangesOf } from "../inbound-rules";
import { sshPortsOf } from "../service-ports";
import type { Finding, Policy } from "../types";

/**
 * NET-002: SSH is not reachable from the world, however the world is spelled: the sources of
 * every rule reaching an SSH port of one target are merged and measured (config/address-space.ts).
 * With allow_ssh_from_anywhere = true it is a warning instead. A source that is not an address
 * cannot be measured and fails.
 */
export const sshFromAnywherePolicy: Policy = {
  id: "NET-002",
  check(blocks, context) {
    const trusted = [...new Set([...context.trustedNetworks, ...vpcRangesOf(blocks)])];
    const exposures = portExposures(inboundRulesOf(blocks), sshPortsOf(blocks, context), "tcp", trusted);
    return uniqueFindings(
      exposures.flatMap((exposure): Finding[] => {
        const service = `SSH (tcp ${exposure.port})`;
        const unreadable = exposure.rules.flatMap((rule) =>
          rule.sources
            .filter((source) => exposure.measure.unreadable.includes(source) && !/^\$\{digitalocean_vpc\.[\w-]+\.ip_range\}$/.test(source))
            .map((source) => finding("NET-002", rule.block, `${rule.origin} opens ${service} to ${JSON.stringify(source)}, which is not a literal address or block and cannot be measured`)),
        );
        if (!exposure.measure.world) return unreadable;
        const world = context.allowSshFromAnywhere
          ? worldFindings("NET-002", exposure, service, "warning", " (accepted: allow_ssh_from_anywhere = true)")
          : worldFindings("NET-002", exposure, service, "error");
        return [...unreadable, ...world];
      }),
    );
  },
};
