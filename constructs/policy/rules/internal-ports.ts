import { INTERNAL_SERVICE_PORTS } from "../../firewall-rules";
import { finding } from "../finding";
import { classifySource, inboundRulesOf, vpcRangesOf } from "../inbound-rules";
import { rangesInclude } from "../port-ranges";
import type { Policy } from "../types";

/** NET-001: database, cache and app-internal ports are reachable from the VPC and the mesh only. */
export const internalPortsPolicy: Policy = {
  id: "NET-001",
  check(blocks, context) {
    const trusted = [...new Set([...context.trustedNetworks, ...vpcRangesOf(blocks)])];
    return inboundRulesOf(blocks).flatMap((rule) => {
      if (rule.protocol === "icmp" || rule.onTrustedInterface) return [];
      const exposed = context.internalPorts.filter((port) => rangesInclude(rule.ports, port));
      const outside = rule.sources.filter((source) => classifySource(source, trusted) !== "trusted");
      if (exposed.length === 0 || outside.length === 0) return [];
      const protocol = rule.protocol === "any" ? "tcp/udp" : rule.protocol;
      return [
        finding(
          "NET-001",
          rule.block,
          `${rule.origin} opens internal ${protocol} ${exposed.map(describePort).join(", ")} to ${outside.map(describeSource(trusted)).join(", ")}, outside the VPC and mesh (${trusted.join(", ") || "none declared"})`,
        ),
      ];
    });
  },
};

function describePort(port: number): string {
  const service = INTERNAL_SERVICE_PORTS.find((known) => known.port === port)?.service;
  return service === undefined ? String(port) : `${port} (${service})`;
}

function describeSource(trusted: readonly string[]) {
  return (source: string): string =>
    classifySource(source, trusted) === "unverifiable" ? `${JSON.stringify(source)} (not a literal address, cannot be checked)` : source;
}
