import { parseTunnelService, type TunnelService } from "../../config/tunnel-service";
import { resourcesOfType } from "./synthesized-blocks";
import type { SynthesizedBlock } from "./types";

/** One public hostname of a Cloudflare tunnel, as synthesized. */
export interface TunnelIngress {
  readonly block: SynthesizedBlock;
  /** `config.ingress[0]`. */
  readonly origin: string;
  readonly hostname: string;
  readonly service: string;
  /** Undefined when the service string cannot be read. */
  readonly parsed?: TunnelService;
  /** A Cloudflare Access application with a restrictive policy guards this hostname. */
  readonly protectedByAccess: boolean;
}

/** Every hostname -> service rule of every tunnel configuration (the 404 catch-all has no hostname and is left out). */
export function tunnelIngressOf(blocks: readonly SynthesizedBlock[]): TunnelIngress[] {
  const protectedHosts = accessProtectedHostnames(blocks);
  return resourcesOfType(blocks, "cloudflare_zero_trust_tunnel_cloudflared_config").flatMap((block) => {
    const config = block.attributes.config as { ingress?: unknown } | undefined;
    const ingress = Array.isArray(config?.ingress) ? (config.ingress as Record<string, unknown>[]) : [];
    return ingress.flatMap((rule, index): TunnelIngress[] => {
      const service = String(rule?.service ?? "");
      if (typeof rule?.hostname !== "string" || rule.hostname === "") return [];
      const parsed = parseTunnelService(service);
      return [
        {
          block,
          origin: `config.ingress[${index}]`,
          hostname: rule.hostname,
          service,
          ...(parsed === undefined ? {} : { parsed }),
          protectedByAccess: protectedHosts.has(rule.hostname.toLowerCase()),
        },
      ];
    });
  });
}

/**
 * Hostnames guarded by a self-hosted Access application whose every policy is a literal Access
 * policy resource in the stacks that lets only named people in: decision `allow` (or `deny`),
 * no `everyone`, no `bypass` or `non_identity` decision.
 */
function accessProtectedHostnames(blocks: readonly SynthesizedBlock[]): Set<string> {
  const policies = new Map(resourcesOfType(blocks, "cloudflare_zero_trust_access_policy").map((policy) => [policy.address, policy]));
  const hostnames = new Set<string>();
  for (const application of resourcesOfType(blocks, "cloudflare_zero_trust_access_application")) {
    const { type, domain } = application.attributes;
    const attached = Array.isArray(application.attributes.policies) ? (application.attributes.policies as Record<string, unknown>[]) : [];
    if (type !== "self_hosted" || typeof domain !== "string" || attached.length === 0) continue;
    const restrictive = attached.every((entry) => {
      const match = /^\$\{(cloudflare_zero_trust_access_policy\.[\w-]+)\.id\}$/.exec(String(entry?.id ?? ""));
      const policy = match?.[1] === undefined ? undefined : policies.get(match[1]);
      return policy !== undefined && policy.stack === application.stack && letsOnlyNamedPeopleIn(policy);
    });
    if (restrictive) hostnames.add(domain.toLowerCase());
  }
  return hostnames;
}

function letsOnlyNamedPeopleIn(policy: SynthesizedBlock): boolean {
  const { decision, include } = policy.attributes;
  if (decision !== "allow" && decision !== "deny") return false;
  const rules = Array.isArray(include) ? (include as Record<string, unknown>[]) : [];
  return rules.length > 0 && rules.every((rule) => rule !== null && typeof rule === "object" && !("everyone" in rule));
}
