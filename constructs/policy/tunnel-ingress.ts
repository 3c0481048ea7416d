import { resourcesOfType } from "./synthesized-blocks";
import type { SynthesizedBlock } from "./types";

/** The origin a tunnel ingress rule proxies to, read from its `service` string. */
export interface TunnelService {
  /** `http`, `https`, `tcp`, `ssh`, `rdp`, `smb`, `unix`, `unix+tls`, `http_status`, or whatever else is written. */
  readonly scheme: string;
  /** Host part (brackets removed); undefined for unix sockets and `http_status`. */
  readonly host?: string;
  /** Destination port: the written one, or the scheme's default. */
  readonly port?: number;
}

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

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ssh: 22, rdp: 3389, smb: 445 };

/** Services that only answer on the host running cloudflared. */
const LOOPBACK_HOSTS = /^(localhost|127(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}|::1)$/;

/** Schemes that proxy plain HTTP(S): anything else is a raw stream (SSH, TCP, RDP, SMB). */
export const WEB_SCHEMES: ReadonlySet<string> = new Set(["http", "https"]);

/** Reads `scheme://host:port/path`, `unix:/path` and `http_status:404`. */
export function parseTunnelService(service: string): TunnelService | undefined {
  if (/^http_status:[0-9]{3}$/.test(service)) return { scheme: "http_status" };
  const unix = /^(unix|unix\+tls):(\/\/)?\/[^\s]*$/.exec(service);
  if (unix !== null) return { scheme: unix[1] as string };
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:\s[\]]+)(?::([0-9]{1,5}))?(\/[^\s]*)?$/.exec(service);
  if (match === null) return undefined;
  const scheme = match[1] as string;
  const host = (match[2] as string).replace(/^\[|\]$/g, "").toLowerCase();
  const port = match[3] === undefined ? DEFAULT_PORTS[scheme] : Number(match[3]);
  return { scheme, host, ...(port === undefined ? {} : { port }) };
}

/** True when the service is reached on the tunnel's own host: loopback or a unix socket. */
export function isOnTheHost(service: TunnelService): boolean {
  if (service.scheme === "http_status" || service.scheme.startsWith("unix")) return true;
  return service.host !== undefined && LOOPBACK_HOSTS.test(service.host);
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
