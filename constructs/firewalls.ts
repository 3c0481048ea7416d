import { Token } from "cdktf";
import { Firewall } from "@cdktf/provider-digitalocean/lib/firewall";
import { Construct } from "constructs";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { standardFirewallSpecs, type FirewallRule, type FirewallSpec } from "./firewall-rules";
import { PropsError, RESOURCE_NAME, requireCidrs, requireMatch } from "./validation";

export interface FirewallsProps {
  /** `<project>-<env>`; firewalls are named `<namePrefix>-<suffix>`. */
  readonly namePrefix: string;
  /** Droplets the firewalls apply to (ids, usually references). */
  readonly dropletIds: readonly string[];
  /** The VPC range internal services are reachable from. */
  readonly vpcCidr: string;
  /** Where SSH may come from; must not be empty. */
  readonly allowedSshIps: readonly string[];
  /** Extra firewalls (e.g. the WireGuard mesh). @default [] */
  readonly additionalSpecs?: readonly FirewallSpec[];
}

/**
 * The hand-written Terraform modules' `modules/firewall`: the web, internal and management firewalls. Droplets are
 * attached through `droplet_ids`; the `tags` argument is deliberately not set, since for
 * DigitalOcean firewalls it means "apply to every droplet carrying these tags".
 */
export class Firewalls extends Construct {
  readonly firewalls: readonly Firewall[];
  readonly specs: readonly FirewallSpec[];

  constructor(scope: Construct, id: string, props: FirewallsProps) {
    super(scope, id);
    const path = this.node.path;
    requireCidrs(path, "vpcCidr", [props.vpcCidr]);
    requireCidrs(path, "allowedSshIps", props.allowedSshIps, { nonEmpty: true });
    if (props.dropletIds.length === 0) throw new PropsError(path, "dropletIds", props.dropletIds, "expected at least one droplet");

    this.specs = [...standardFirewallSpecs(props), ...(props.additionalSpecs ?? [])];
    const dropletIds = props.dropletIds.map((dropletId) => Token.asNumber(dropletId));
    this.firewalls = this.specs.map((spec) => {
      const name = `${props.namePrefix}-${spec.suffix}`;
      requireMatch(path, "name", name, RESOURCE_NAME, "expected a lowercase DigitalOcean resource name");
      for (const rule of [...spec.inbound, ...spec.outbound]) validateRule(path, spec.suffix, rule);
      const firewall = new Firewall(this, spec.suffix, {
        name,
        dropletIds,
        inboundRule: spec.inbound.map((rule) => ({
          protocol: rule.protocol,
          ...(rule.ports === undefined ? {} : { portRange: rule.ports }),
          sourceAddresses: [...rule.addresses],
        })),
        outboundRule: spec.outbound.map((rule) => ({
          protocol: rule.protocol,
          ...(rule.ports === undefined ? {} : { portRange: rule.ports }),
          destinationAddresses: [...rule.addresses],
        })),
      });
      return nameResource(firewall, RESOURCE_NAMES.firewall(spec.suffix.replace(/^fw-/, "")));
    });
  }
}

function validateRule(path: string, suffix: string, rule: FirewallRule): void {
  requireCidrs(path, `${suffix}.addresses`, rule.addresses, { nonEmpty: true });
  if (rule.protocol === "icmp" && rule.ports !== undefined) {
    throw new PropsError(path, `${suffix}.ports`, rule.ports, "expected no port range for ICMP");
  }
  if (rule.protocol !== "icmp") {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(rule.ports ?? "");
    const low = Number(match?.[1]);
    const high = Number(match?.[2] ?? match?.[1]);
    if (match === null || low < 1 || high > 65535 || low > high) {
      throw new PropsError(path, `${suffix}.ports`, rule.ports, "expected a port (1-65535) or a range low-high");
    }
  }
}
