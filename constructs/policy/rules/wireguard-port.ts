import { portExposures, uniqueFindings, worldFindings } from "../exposure";
import { inboundRulesOf, vpcRangesOf } from "../inbound-rules";
import { wireguardPortsOf } from "../service-ports";
import type { Policy } from "../types";

/**
 * NET-003: the WireGuard port answers the mesh peers, not the world (measured like NET-002).
 * Sources that are not literal addresses are not counted: the mesh sync script opens the port
 * at run time to the endpoints of the peers the hosts stack configured.
 */
export const wireguardPortPolicy: Policy = {
  id: "NET-003",
  check(blocks, context) {
    const trusted = [...new Set([...context.trustedNetworks, ...vpcRangesOf(blocks)])];
    return uniqueFindings(
      portExposures(inboundRulesOf(blocks), wireguardPortsOf(blocks, context), "udp", trusted)
        .filter((exposure) => exposure.measure.world)
        .flatMap((exposure) => worldFindings("NET-003", exposure, `WireGuard (udp ${exposure.port})`, "error")),
    );
  },
};
